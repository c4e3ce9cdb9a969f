#!/bin/sh
# tests/fuzz/coverage.sh NAME CORPUS_DIR...
#
# Line coverage of the library by harness NAME over the inputs in the
# corpus directories: the harness is built again with clang's source
# coverage (in a scratch directory), every input is run once, and
# llvm-cov reports each source file the harness reached.
set -eu
name=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
work=$(mktemp -d /tmp/rshell-fuzzcov.XXXXXX)
trap 'rm -rf "$work"' EXIT
cflags="-g -O0 -D_GNU_SOURCE -DRSHELL_VERSION=\"cov\" \
    -DRSHELL_POLICY=\"/nonexistent/policy\" -Ipolicy -Irshell -Itests \
    $(pkg-config --cflags libbsd-overlay) -fprofile-instr-generate \
    -fcoverage-mapping"
srcs="$(ls policy/*.c) $(ls rshell/*.c | grep -v -e '/main\.c$' -e 'report_main') tests/pathprop.c"
# Each source as its own object in an archive: the harness takes only
# what it uses, as the fuzzing build does.
for s in $srcs; do
	o=$work/$(echo "$s" | tr / _).o
	clang $cflags -fsanitize=fuzzer-no-link -c -o "$o" "$s"
done
ar rcs "$work/lib.a" "$work"/*.o
clang $cflags -fsanitize=fuzzer -o "$work/$name" "tests/fuzz/$name.c" \
    "$work/lib.a" $(pkg-config --libs libbsd-overlay)
LLVM_PROFILE_FILE=$work/prof.raw "$work/$name" -runs=0 "$@" \
    >"$work/log" 2>&1 || { tail "$work/log"; exit 1; }
llvm-profdata merge -sparse -o "$work/prof.data" "$work/prof.raw"
llvm-cov report "$work/$name" -instr-profile="$work/prof.data" \
    -ignore-filename-regex='tests/fuzz/' | cat
# COV_SHOW=policy/policy.c: also the lines of that file never run.
if [ -n "${COV_SHOW:-}" ]; then
	llvm-cov show "$work/$name" -instr-profile="$work/prof.data" \
	    "$COV_SHOW" | grep -E '^ +[0-9]+\| +0\|'
fi
