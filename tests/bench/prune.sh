#!/bin/sh
# Wall time of pruning one snapshot that holds DIRS directories of one
# file each, against rm -rf on the same tree (best of RUNS, each on a
# fresh tree, the two taking turns).
#
#   prune.sh RSHELL [DIRS]     (default 5,000)
#
# Runs prune_snapshots alone, through prune-driver, built here from
# prune-driver.c and the libraries beside RSHELL.
set -eu
RSHELL=${1:?usage: prune.sh RSHELL [DIRS]}
DIRS=${2:-5000}
RUNS=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$(dirname "$RSHELL")/.." && pwd)
[ -x /usr/bin/time ] || { echo "prune: needs /usr/bin/time"; exit 1; }

T=$(mktemp -d /tmp/rshell-prune.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
# shellcheck disable=SC2046
cc -O2 -D_GNU_SOURCE -I"$top/policy" -I"$top/rshell" \
    -o "$T/prune-driver" "$here/prune-driver.c" \
    "$top/rshell/librshell.a" "$top/policy/libpolicy.a" \
    $(pkg-config --libs libbsd-overlay)

# D/OLD, the snapshot that goes, and D/NEW, the newest, that stays.
tree() {
	rm -rf "$T/D"
	mkdir -p "$T/D/2026-12-01T110000Z" "$T/D/2026-11-01T000000Z"
	(cd "$T/D/2026-11-01T000000Z" && seq -f "d%06g" 1 "$DIRS" |
	    xargs mkdir && seq -f "d%06g/f" 1 "$DIRS" | xargs touch)
	sync
}

best() { sort -n "$1" | head -1; }
: > "$T/ours"
: > "$T/rm"
n=0
while [ "$n" -lt "$RUNS" ]; do
	tree
	/usr/bin/time -a -o "$T/ours" -f "%e" "$T/prune-driver" "$T/D" \
	    1h hourly 2026-12-01T120000Z > "$T/out"
	grep -qx "removed 2026-11-01T000000Z" "$T/out" ||
	    { echo "prune: the snapshot was not removed"; exit 1; }
	tree
	/usr/bin/time -a -o "$T/rm" -f "%e" rm -rf "$T/D/2026-11-01T000000Z"
	n=$((n + 1))
done
echo "one snapshot of $DIRS directories, best of $RUNS: prune_snapshots" \
    "$(best "$T/ours") s, rm -rf $(best "$T/rm") s"
