#!/bin/sh
# make bench: runs each measured part, tests/bench/part-NAME.sh, in name
# order (or those named in BENCH_PARTS="overhead report"), and writes
# their sections under one header to BENCHMARKS.md at the top of the tree
# (BENCH_OUT=FILE writes elsewhere).  Each part takes the rshell binary
# and the tree's top, prints one Markdown section on stdout, and exits 0,
# also when it cannot run (its section then says why).  Nothing here is a
# test: make check times nothing.
#
#	tests/bench/run.sh RSHELL
set -u
RSHELL=${1:?usage: run.sh RSHELL}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
RSHELL=$(cd "$(dirname "$RSHELL")" && pwd)/$(basename "$RSHELL")
out=${BENCH_OUT:-$top/BENCHMARKS.md}

if [ -n "${BENCH_PARTS:-}" ]; then
	parts=""
	for name in $BENCH_PARTS; do
		[ -f "$here/part-$name.sh" ] || {
			echo "run.sh: no part $name (tests/bench/part-$name.sh)" >&2
			exit 2
		}
		parts="$parts $here/part-$name.sh"
	done
else
	parts=$(ls "$here"/part-*.sh | LC_ALL=C sort)
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
{
	echo "# rshell benchmarks"
	echo
	echo "Written by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$commit\`,"
	echo "on Linux $(uname -r), $(nproc) CPUs (${cpu:-unknown CPU});"
	echo "load average at the start $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Each section says how its figures were measured and ends with the"
	echo "command that produced them; \`make bench BENCH_PARTS=NAME\` runs one"
	echo "part again (and rewrites this file with that part alone)."
	echo
} > "$tmp"
for p in $parts; do
	name=$(basename "$p" .sh)
	name=${name#part-}
	echo "bench: $name" >&2
	if ! "$p" "$RSHELL" "$top" >> "$tmp"; then
		printf '## %s\n\nThe part failed: tests/bench/part-%s.sh exited non-zero.\n\n' \
		    "$name" "$name" >> "$tmp"
	fi
done
# No trailing blank line, and no path of this machine's checkout.
sed -e "s|$top/||g" "$tmp" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$out"
echo "bench: wrote $out" >&2
