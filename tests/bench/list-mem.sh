#!/bin/sh
# Peak memory and wall time of the built-in listings on a large tree,
# against GNU coreutils on the same tree (LC_ALL=C, output to a file).
#
#   list-mem.sh RSHELL [DIRS [FILES]]     (default 100 dirs x 1,000 files)
#
# As root the requests go through "RSHELL -f POLICY -c CMD" under a rule
# with "list"; otherwise (or with LIST_DRIVER=1) through list-driver, built
# here from list-driver.c and the librshell.a beside RSHELL, which runs
# list_prepare/list_run alone.  Fails when ls -R or du -s peaks at
# LIST_MAX_KB (default 4096) KiB or more.
set -eu
RSHELL=${1:?usage: list-mem.sh RSHELL [DIRS [FILES]]}
DIRS=${2:-100}
FILES=${3:-1000}
RUNS=${RUNS:-3}
MAXKB=${LIST_MAX_KB:-4096}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$(dirname "$RSHELL")/.." && pwd)
[ -x /usr/bin/time ] || { echo "list-mem: needs /usr/bin/time"; exit 1; }

T=$(mktemp -d /tmp/rshell-listmem.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
chmod 0755 "$T"
D=$T/D
mkdir "$D"
i=0
while [ "$i" -lt "$DIRS" ]; do
	mkdir "$D/dir$i"
	(cd "$D/dir$i" && seq -f "file%05g" 1 "$FILES" | xargs touch)
	i=$((i + 1))
done

if [ "$(id -u)" = 0 ] && [ "${LIST_DRIVER:-0}" != 1 ]; then
	cat > "$T/policy" <<EOP
log $T/rshell.log
permit list $(id -un) dir $D
EOP
	chmod 0644 "$T/policy"
	how="rshell -c"
	ours() { "$RSHELL" -f "$T/policy" -c "$*"; }
else
	# shellcheck disable=SC2046
	cc -O2 -D_GNU_SOURCE -I"$top/policy" -I"$top/rshell" \
	    -o "$T/list-driver" "$here/list-driver.c" \
	    "$top/rshell/librshell.a" \
	    $(pkg-config --libs libbsd-overlay)
	how="list-driver"
	ours() { "$T/list-driver" "$D" "$@"; }
fi
export LC_ALL=C
gnu() { (cd "$D" && "$@"); }

# best wall time and largest peak RSS of RUNS runs: "SECONDS KB"
measure() {
	best=""
	peak=0
	n=0
	while [ "$n" -lt "$RUNS" ]; do
		/usr/bin/time -o "$T/time" -f "%e %M" "$@" \
		    > "$T/out" 2>/dev/null || true
		read -r s kb < "$T/time"
		if [ -z "$best" ] || awk "BEGIN { exit !($s < $best) }"; then
			best=$s
		fi
		[ "$kb" -gt "$peak" ] && peak=$kb
		n=$((n + 1))
	done
	echo "$best $peak"
}

echo "tree: $DIRS dirs x $FILES files = $((DIRS * FILES)) files;" \
    "ours via $how; best of $RUNS runs"
printf '%-8s %10s %10s %12s %12s\n' request "GNU s" "ours s" "GNU max KB" \
    "ours max KB"
gnu ls -R . > /dev/null		# warm the caches
fail=0
for req in "ls -R" "ls -lR" "du -s" "du -a"; do
	# shellcheck disable=SC2086
	g=$(cd "$D" && measure $req)
	if [ "$how" = "rshell -c" ]; then
		o=$(measure "$RSHELL" -f "$T/policy" -c "$req")
	else
		# shellcheck disable=SC2086
		o=$(measure "$T/list-driver" "$D" $req)
	fi
	# shellcheck disable=SC2086
	set -- $g $o
	printf '%-8s %10s %10s %12s %12s\n' "$req" "$1" "$3" "$2" "$4"
	case $req in
	"ls -R"|"du -s")
		if [ "$4" -ge "$MAXKB" ]; then
			echo "  $req: peak RSS $4 KB, bound $MAXKB KB: FAIL"
			fail=1
		fi ;;
	esac
done
# the same listing as GNU's (names here are plain)
gnu ls -R . > "$T/gnu.txt"
ours ls -R > "$T/ours.txt"
cmp -s "$T/gnu.txt" "$T/ours.txt" || { echo "ls -R output differs"; fail=1; }
exit "$fail"
