#!/bin/sh
# make bench, part "report": rshell-report over one million generated log
# lines against the same summary done by awk over the same file.
#	tests/bench/part-report.sh RSHELL_BINARY TOP
# rshell-report is taken from beside RSHELL_BINARY.  RUNS (default 5)
# runs of each; the median time and the largest peak RSS are shown.
set -eu
RSHELL=${1:?usage: part-report.sh RSHELL TOP}
TOP=${2:?usage: part-report.sh RSHELL TOP}
REPORT=$(dirname "$RSHELL")/rshell-report
RUNS=${RUNS:-5}
LINES=${LINES:-1000000}
echo "## rshell-report over $LINES lines"
echo
if [ ! -x "$REPORT" ] || [ ! -x /usr/bin/time ] || ! command -v awk >/dev/null; then
	echo "Skipped: needs $REPORT, /usr/bin/time (package time) and awk."
	exit 0
fi
T=$(mktemp -d /tmp/rshell-bench-report.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# The log: sessions (a permit, later its exit) of 40 users and 3 keys,
# refusals, and one line in 50 from another host through syslog.
awk -v n="$LINES" 'BEGIN {
	srand(1); t = 1764547200; np = 0
	split("- laptop nas", keys, " ")
	reasons[1] = "\"-e/--rsh is not allowed: a remote shell program is never run\""
	reasons[2] = "\"unknown option: --frobnicate\""
	reasons[3] = "\"path \\\"../etc\\\" leaves DIRECTORY\""
	for (i = 0; i < n; i++) {
		t += rand() * 2
		ts = strftime("%Y-%m-%dT%H:%M:%S", int(t), 1) sprintf(".%03dZ", (t * 1000) % 1000)
		r = rand()
		u = "backup" int(rand() * 40); k = keys[1 + int(rand() * 3)]
		if ((r < 0.45 && np < 40) || np == 0) {
			pid = 1000 + i
			pend[np++] = pid " " u " " k
			printf "time=%s event=permit pid=%d user=%s uid=%d from=192.0.2.%d:%d key=%s cmd=\"rsync --server -logDtprze.iLsfxCIvu . %s/\" run=\"/usr/bin/rsync --server -logDtprze.iLsfxCIvu --confine-root=/srv/backup/%s --drop-D -- . /proc/self/fd/4/%s/\"\n", ts, pid, u, 1000 + i % 40, i % 250, 30000 + i % 30000, k, u, u, u
		} else if (r < 0.88) {
			j = int(rand() * np); split(pend[j], s, " "); pend[j] = pend[--np]
			st = rand() < 0.95 ? 0 : 23
			printf "time=%s event=exit pid=%d user=%s uid=1000 from=192.0.2.9:40000 key=%s status=%d ms=%d write_bytes=%d read_bytes=0 rchar=%d wchar=%d cpu_ms=%d maxrss_kb=%d\n", ts, s[1], s[2], s[3], st, rand() * 900000, rand() * 2^30, rand() * 2^31, rand() * 2^30, rand() * 9000, 3000 + rand() * 9000
		} else if (r < 0.98) {
			printf "time=%s event=deny pid=%d user=%s uid=1000 from=198.51.100.%d:%d key=%s cmd=\"rsync --server -e sh . x\" reason=%s\n", ts, 1000 + i, u, i % 200, 40000 + i % 20000, k, reasons[1 + int(rand() * 3)]
		} else
			printf "%s nas%d rshell[%d]: event=deny pid=%d user=%s uid=1000 from=203.0.113.%d:22 key=%s reason=%s cmd=x\n", strftime("%b %e %H:%M:%S", int(t), 1), i % 7, i, i, u, i % 50, k, reasons[1 + int(rand() * 3)]
	}
}' > "$T/log" 2>/dev/null || {
	# mawk has no strftime: the same with GNU awk, or a fixed stamp
	echo "Skipped: the generator needs an awk with strftime (gawk, or mawk 1.3.4)."
	exit 0
}

# The same summary in awk: per user and key the sessions, failures,
# refusals and last successful push; refusals by reason; sessions
# without an exit.  Fields are found by pattern, not parsed as logfmt.
cat > "$T/summary.awk" <<'AWK'
function f(name,   m) {
	if (match($0, " " name "=[^ ]*")) return substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 2)
	return ""
}
{
	ev = f("event"); u = f("user"); k = f("key"); id = u " " k
	if (ev == "permit") { sess[id]++; pend[f("pid")] = id; tm[f("pid")] = $1 }
	else if (ev == "exit") {
		p = f("pid"); if (p in pend) { id = pend[p]; delete pend[p] }
		st = f("status")
		if (st == "0" || st == "24") { last[id] = $1; bytes[id] = f("write_bytes") }
		else fail[id]++
	} else if (ev == "deny") {
		den[id]++; r = $0; sub(/.* reason=/, "", r); sub(/ cmd=.*/, "", r); reason[r]++
	} else bad++
}
END {
	for (id in sess) printf "%s sessions=%d failures=%d refusals=%d last=%s bytes=%s\n", id, sess[id], fail[id], den[id], last[id], bytes[id]
	for (r in reason) printf "%d %s\n", reason[r], r
	n = 0; for (p in pend) n++; printf "without exit: %d\n", n
}
AWK

awkname=$(awk -W version 2>/dev/null | head -1 || true)
[ -n "$awkname" ] || awkname=$(awk --version 2>/dev/null | head -1)
measure() {	# "wall cpu peak_kib": median wall and CPU (user + system)
	i=0; : > "$T/times"
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f '%e %U %S %M' -o "$T/one" "$@" > /dev/null
		cat "$T/one" >> "$T/times"
		i=$((i + 1))
	done
	awk -v n="$RUNS" '{ w[NR] = $1; c[NR] = $2 + $3; if ($4 > m) m = $4 }
	    END {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
			if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
			if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t }
		}
		k = int((n + 1) / 2); printf "%s %.2f %d\n", w[k], c[k], m }' "$T/times"
}
size=$(wc -c < "$T/log")
set -- $(measure "$REPORT" --now 1764633600 --local-host bench "$T/log")
rw=$1 rc=$2 rm=$3
set -- $(measure "$REPORT" --json --now 1764633600 --local-host bench "$T/log")
jw=$1 jc=$2 jm=$3
set -- $(measure awk -f "$T/summary.awk" "$T/log")
aw=$1 ac=$2 am=$3
# Memory bounded whatever the input: the same log four times over.
cat "$T/log" "$T/log" "$T/log" "$T/log" > "$T/log4"
set -- $(measure "$REPORT" --now 1764633600 --local-host bench "$T/log4")
qw=$1 qc=$2 qm=$3
echo "rshell-report's text and JSON summaries against an awk program doing"
echo "a simpler summary (fields found by pattern, not parsed as logfmt) over"
echo "the same generated log of $LINES lines ($((size / 1048576)) MiB): median wall"
echo "time and median CPU time (user + system, one core) of $RUNS runs, and"
echo "the largest peak RSS.  awk is $awkname.  Load average when the"
echo "runs ended: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| run | wall s | CPU s | peak RSS (KiB) |"
echo "|---|---|---|---|"
echo "| rshell-report (text) | $rw | $rc | $rm |"
echo "| rshell-report --json | $jw | $jc | $jm |"
echo "| awk summary | $aw | $ac | $am |"
echo "| rshell-report (text), the log 4 times over | $qw | $qc | $qm |"
echo
awk -v a="$ac" -v r="$rc" 'BEGIN { if (r > 0) printf "awk takes %.1f times the CPU time of rshell-report.\n\n", a / r }'
echo '```'
echo "RUNS=$RUNS LINES=$LINES tests/bench/part-report.sh rshell/rshell ."
echo '```'
