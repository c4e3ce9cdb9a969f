#!/bin/sh
# make bench part: the built-in listings against GNU ls and du, time and
# peak RSS, over 200,000 files in one directory and over a tree of a
# million files.  The trees are built once (tests/bench/mktree.c) under
# BENCH_TREES (default /var/tmp/rshell-bench-trees) and kept for the next
# run; remove that directory to build them again.
#
#	part-list.sh RSHELL TOP		(LIST_RUNS, default 3)
set -u
RSHELL=${1:?usage: part-list.sh RSHELL TOP}
TOP=${2:?usage: part-list.sh RSHELL TOP}
here=$(cd "$(dirname "$0")" && pwd)
part="Listings: ls -lR and du -s against GNU coreutils"
. "$here/lib.sh"
need_root
[ -x /usr/bin/time ] || skip "needs GNU time (package time)"
runs=${LIST_RUNS:-3}
trees=${BENCH_TREES:-/var/tmp/rshell-bench-trees}
bench_tmp
cc -O2 -o "$T/mktree" "$here/mktree.c" || exit 1

# tree NAME ARGS...: build trees/NAME with mktree ARGS unless a finished
# one is there; trees/NAME.built holds how long building took.
tree()
{
	name=$1
	shift
	if [ ! -f "$trees/$name.built" ]; then
		rm -rf "${trees:?}/$name"
		mkdir -p "$trees" && chmod 0755 "$trees"
		progress "building $trees/$name (mktree $*)"
		t0=$(date +%s)
		"$T/mktree" "$trees/$name" "$@" || skip "mktree $* failed"
		echo "$(($(date +%s) - t0))" > "$trees/$name.built"
	fi
}
tree flat 200000
tree million 1000 10 100
fstype=$(stat -f -c %T "$trees")

cat > "$T/policy" <<EOP
log $T/rshell.log
permit list root dir $trees/%u
EOP
chmod 0644 "$T/policy"
export LC_ALL=C

# measure DIR CMD...: "SECONDS KIB" medians of $runs runs in DIR, output
# to /dev/null, after one run to warm the caches.
measure()
{
	dir=$1
	shift
	(cd "$dir" && "$@" > /dev/null 2>&1)
	i=0
	: > "$T/runs"
	while [ "$i" -lt "$runs" ]; do
		(cd "$dir" && /usr/bin/time -o "$T/time" -f "%e %M" "$@" \
		    > /dev/null 2>/dev/null)
		tail -n 1 "$T/time" >> "$T/runs"
		i=$((i + 1))
	done
	t=$(cut -d' ' -f1 "$T/runs" | sort -n | sed -n "$(((runs + 1) / 2))p")
	k=$(cut -d' ' -f2 "$T/runs" | sort -n | sed -n "$(((runs + 1) / 2))p")
	echo "$t $k"
}

printf '## %s\n\n' "$part"
printf 'Wall time and peak RSS (GNU time'"'"'s %%e and %%M), median of %s runs after one to warm the caches, output to /dev/null, `LC_ALL=C`. rshell runs the request as sshd would pass it, `rshell -f POLICY -c "ls -lR"` under `permit list root dir TREES/%%u` with each tree linked as the account'"'"'s directory; GNU ls and du run in the same directory. The files are empty; the trees are on %s. %s.\n\n' \
    "$runs" "$fstype" "$(machine)"
echo '| tree | request | GNU s | rshell s | GNU peak KiB | rshell peak KiB |'
echo '|---|---|---:|---:|---:|---:|'
for name in flat million; do
	# The rule's directory is TREES/root: point it at the tree.
	ln -sfn "$name" "$trees/root"
	case $name in
	flat) what="200,000 files in one directory" ;;
	million) what="1,000,000 files in 1,000 directories" ;;
	esac
	for req in "ls -lR" "du -s"; do
		progress "$name: $req"
		# shellcheck disable=SC2086
		g=$(measure "$trees/$name" $req)
		o=$(measure "$trees/$name" "$RSHELL" -f "$T/policy" -c "$req")
		# shellcheck disable=SC2086
		set -- $g $o
		printf '| %s | `%s` | %s | %s | %s | %s |\n' "$what" "$req" \
		    "$1" "$3" "$2" "$4"
	done
done
rm -f "$trees/root"
echo
printf 'Building the trees with tests/bench/mktree.c took %s s (200,000 files) and %s s (1,000,000 files), once; they are kept in %s.\n\n' \
    "$(cat "$trees/flat.built")" "$(cat "$trees/million.built")" "$trees"
printf '```sh\nmake bench BENCH_PARTS=list\n# runs, in TREES/flat and TREES/million, %s times each after one more:\n/usr/bin/time -f "%%e %%M" ls -lR        # and du -s\n/usr/bin/time -f "%%e %%M" rshell/rshell -f $T/policy -c "ls -lR"   # and du -s\n```\n\n' "$runs"
