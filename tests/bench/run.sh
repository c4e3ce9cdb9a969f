#!/bin/sh
# make bench: rshell against rrsync on the same push request.
#   time from exec of the wrapper to exec of rsync (median of RUNS, the
#   commands run round-robin so that a busy machine weighs on all alike)
#   the same for a dynamically linked do-nothing program: the floor that
#   exec and the dynamic loader set for any wrapper written in C
#   peak RSS of the wrapper (the stand-in rsync is a tiny static program)
# Needs root (the policy must be root-owned) and Debian's rrsync (package
# rsync) for the comparison.
set -eu
RSHELL=${1:?usage: run.sh RSHELL}
RUNS=${RUNS:-1000}
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "bench needs root (the policy must be root-owned): skipped"
	exit 0
fi
T=$(mktemp -d /tmp/rshell-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
chmod 0755 "$T"
mkdir -p "$T/D/backup/laptop"
cc -O2 -static -o "$T/rsync" "$here/stamp.c" 2>/dev/null ||
	cc -O2 -o "$T/rsync" "$here/stamp.c"
cc -O2 -o "$T/dynstamp" "$here/stamp.c"
cc -O2 -o "$T/execlat" "$here/execlat.c"
cat > "$T/policy" <<EOP
rsync $T/rsync
log $T/rshell.log
permit push pull root dir $T/D
EOP
chmod 0644 "$T/policy"
REQ="rsync --server -logDtprze.iLsfxCIvu --delete . backup/laptop/"

median() { m=${1#median_us=}; echo "${m%% *}"; }
echo "request: $REQ  ($RUNS runs of each, round-robin)"
# The stamp's own exec-to-main time is measured in the same rounds and
# subtracted: what is left is the time from exec of the wrapper to exec
# of rsync.
if [ -x /usr/bin/rrsync ]; then
	sed "s|^RSYNC = .*|RSYNC = '$T/rsync'|" /usr/bin/rrsync > "$T/rrsync"
	chmod 0755 "$T/rrsync"
	out=$("$T/execlat" "$RUNS" -- "$T/rsync" --- -- "$T/dynstamp" \
	    --- SSH_CONNECTION="127.0.0.1 40000 127.0.0.1 22" \
	    -- "$RSHELL" -f "$T/policy" -c "$REQ" \
	    --- SSH_ORIGINAL_COMMAND="$REQ" \
	    SSH_CONNECTION="127.0.0.1 40000 127.0.0.1 22" \
	    -- "$T/rrsync" "$T/D")
else
	out=$("$T/execlat" "$RUNS" -- "$T/rsync" --- -- "$T/dynstamp" \
	    --- SSH_CONNECTION="127.0.0.1 40000 127.0.0.1 22" \
	    -- "$RSHELL" -f "$T/policy" -c "$REQ")
fi
base=$(echo "$out" | sed -n 1p)
dyn=$(echo "$out" | sed -n 2p)
r=$(echo "$out" | sed -n 3p)
rr=$(echo "$out" | sed -n 4p)
echo "direct exec of the stand-in: $base"
echo "a dynamically linked stand-in (the floor for any wrapper in C): $dyn"
echo "$(median "$base") $(median "$dyn")" | awk '{
    printf "  exec of a dynamically linked program costs %.0f us here\n", $2 }' 
echo "rshell: $r"
if [ -n "$rr" ]; then
	echo "rrsync: $rr"
	echo "$(median "$base") $(median "$r") $(median "$rr")" | awk '{
	    printf "exec of wrapper to exec of rsync, median: rshell %.0f us, rrsync %.0f us, ratio %.1fx\n",
	        $2 - $1, $3 - $1, ($3 - $1) / ($2 - $1) }'
else
	echo "$(median "$base") $(median "$r")" | awk '{
	    printf "exec of rshell to exec of rsync, median: %.0f us\n", $2 - $1 }'
	echo "rrsync: not installed (package rsync): no comparison"
fi
echo "log lines written: $(wc -l < "$T/rshell.log")"
