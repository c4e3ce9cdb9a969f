# Helpers for the parts of make bench (tests/bench/part-*.sh), sourced
# after setting $part (the section's title).  Each part prints one Markdown
# section on stdout; progress goes to stderr.

# skip REASON: the section, with one line saying why it did not run.
skip()
{
	printf '## %s\n\nNot measured: %s.\n\n' "$part" "$1"
	exit 0
}

need_root()
{
	[ "$(id -u)" = 0 ] || skip "needs root (the policy must be root-owned)"
}

progress()
{
	echo "bench: $part: $*" >&2
}

# A temporary directory $T, removed on exit, readable by everyone.
bench_tmp()
{
	T=$(mktemp -d /tmp/rshell-bench.XXXXXX) || exit 1
	trap 'rm -rf "$T"' EXIT
	trap 'exit 1' HUP INT TERM
	chmod 0755 "$T"
}

# Build into $T: rsync, a static stand-in that prints when it started
# (it carries rsync 3.5's option names, so rshell adds --confine-root as it
# would for the real one); dynstamp, the same dynamically linked; execlat;
# spawnfloor, dynamically linked and (spawnfloor-static) linked as rshell
# is, a static PIE.
bench_tools()
{
	cc -O2 -static -o "$T/rsync" "$here/stamp.c" 2>/dev/null ||
	    cc -O2 -o "$T/rsync" "$here/stamp.c" || exit 1
	cc -O2 -o "$T/dynstamp" "$here/stamp.c" || exit 1
	cc -O2 -o "$T/execlat" "$here/execlat.c" || exit 1
	cc -O2 -o "$T/spawnfloor" "$here/spawnfloor.c" || exit 1
	cc -O2 -static-pie -o "$T/spawnfloor-static" "$here/spawnfloor.c" ||
	    exit 1
}

# rrsync, pointed at the stand-in; "" when there is none (it is part of
# Debian's rsync package, and needs python3).
bench_rrsync()
{
	rr=$(command -v rrsync || true)
	[ -n "$rr" ] || rr=$(ls /usr/share/doc/rsync/scripts/rrsync* \
	    2>/dev/null | head -n 1)
	if [ -z "$rr" ] || ! command -v python3 >/dev/null; then
		echo ""
		return
	fi
	case $rr in
	*.gz) gzip -dc "$rr" ;;
	*) cat "$rr" ;;
	esac | sed "s|^RSYNC = .*|RSYNC = '$T/rsync'|" > "$T/rrsync"
	chmod 0755 "$T/rrsync"
	echo "$T/rrsync"
}

# field NAME LINE: the value of NAME=VALUE in one line of execlat's output.
field()
{
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# The machine, in one line, for the sentences of the parts.
machine()
{
	echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# shq WORD...: the words quoted for sh, where they need it.
shq()
{
	for w in "$@"; do
		case $w in
		*[!A-Za-z0-9_./=:+-]*|'') printf "'%s' " "$(printf '%s' "$w" |
		    sed "s/'/'\\\\''/g")" ;;
		*) printf '%s ' "$w" ;;
		esac
	done | sed 's/ $//'
}

# exec_part NAME REQUEST STDIN RRSYNC RUNS: the exec-to-exec section for one
# request.  STDIN is a printf format for what the client sends on stdin
# ("" for nothing); RRSYNC is "" to measure rrsync too, or the sentence
# that says why not.
exec_part()
{
	name=$1 req=$2 stdin=$3 rrnote=$4 runs=$5
	bench_tmp
	bench_tools
	mkdir -p "$T/D/backup/laptop"
	cat > "$T/policy" <<EOP
rsync $T/rsync
log $T/rshell.log
permit push pull root dir $T/D
EOP
	chmod 0644 "$T/policy"
	in=""
	if [ -n "$stdin" ]; then
		# shellcheck disable=SC2059
		printf "$stdin" > "$T/stdin"
		in="<$T/stdin"
	fi
	rr="" rrcmd=""
	if [ -z "$rrnote" ]; then
		rr=$(bench_rrsync)
		[ -n "$rr" ] || rrnote="rrsync is not installed (Debian's rsync package ships it; it needs python3): no comparison"
	fi
	conn="SSH_CONNECTION=127.0.0.1 40000 127.0.0.1 22"
	set -- "$runs" -- "$T/rsync" --- -- "$T/dynstamp" \
	    --- -- "$T/spawnfloor" "$T/rsync" \
	    --- -- "$T/spawnfloor-static" "$T/rsync" \
	    --- "$conn" ${in:+"$in"} -- "$RSHELL" -f "$T/policy" -c "$req"
	cmd=$(shq "$T/execlat" "$@" | sed -e "s|$T|\$T|g" -e "s|$TOP/||g")
	progress "$runs runs of each, round-robin"
	out=$("$T/execlat" "$@") || skip "execlat failed: $out"
	# rrsync in a round of its own, against the direct exec again: a run
	# of python leaves the machine's caches cold for whatever follows it,
	# and would slow the direct exec of the round it were in most.
	rrruns=$((runs < 300 ? runs : 300))
	if [ -n "$rr" ]; then
		set -- "$rrruns" -- "$T/rsync" --- "SSH_ORIGINAL_COMMAND=$req" \
		    "$conn" ${in:+"$in"} -- "$rr" "$T/D"
		rrcmd=$(shq "$T/execlat" "$@" | sed -e "s|$T|\$T|g" \
		    -e "s|$TOP/||g")
		progress "rrsync: $rrruns runs of it and of the direct exec"
		rrout=$("$T/execlat" "$@") || skip "execlat failed: $rrout"
		out=$(printf '%s\n%s\n' "$out" "$(printf '%s\n' "$rrout" |
		    sed -n 2p)")
		rrbase=$(field median_us "$(printf '%s\n' "$rrout" | sed -n 1p)")
	fi
	logged=$(grep -c '^time=[^ ]* event=exit .* status=0 ' "$T/rshell.log")
	[ "$logged" = "$runs" ] ||
	    skip "rshell logged $logged clean exits of $runs runs"
	base=$(printf '%s\n' "$out" | sed -n 1p)
	dyn=$(printf '%s\n' "$out" | sed -n 2p)
	sp=$(printf '%s\n' "$out" | sed -n 3p)
	sps=$(printf '%s\n' "$out" | sed -n 4p)
	r=$(printf '%s\n' "$out" | sed -n 5p)
	rrl=$(printf '%s\n' "$out" | sed -n 6p)
	b=$(field median_us "$base")
	printf '## %s\n\n' "$part"
	printf 'The time from the execve of the wrapper to the start of the rsync it executes (a static stand-in that prints its start time), over %s runs of each, run round-robin so that a busy machine weighs on all alike; the request is `%s`%s. %s.\n\n' \
	    "$runs" "$req" "${stdin:+, with its arguments on stdin}" "$(machine)"
	echo '| exec of | median µs | p10 µs | p90 µs | overhead µs (median, less direct exec) | peak RSS KiB |'
	echo '|---|---:|---:|---:|---:|---:|'
	row() {
		printf '| %s | %s | %s | %s | %s | %s |\n' "$1" \
		    "$(field median_us "$2")" "$(field p10_us "$2")" \
		    "$(field p90_us "$2")" "$3" "$(field maxrss_kib "$2")"
	}
	over() { awk -v a="$(field median_us "$1")" -v b="$b" \
	    'BEGIN { printf "%.1f", a - b }'; }
	row "rsync directly (the stand-in)" "$base" "—"
	row "a dynamically linked do-nothing program" "$dyn" "$(over "$dyn")"
	row "a dynamically linked program that vforks and executes rsync (tests/bench/spawnfloor.c)" "$sp" "$(over "$sp")"
	row "the same linked as rshell is, a static PIE" "$sps" "$(over "$sps")"
	row "rshell" "$r" "$(over "$r")"
	[ -z "$rrl" ] || row "rrsync ($rrruns runs in a round of its own with the direct exec, which took $rrbase µs there)" "$rrl" "$(awk -v a="$(field median_us "$rrl")" -v b="$rrbase" 'BEGIN { printf "%.1f", a - b }')"
	echo
	ro=$(over "$r")
	if [ -n "$rrl" ]; then
		rro=$(awk -v a="$(field median_us "$rrl")" -v b="$rrbase" \
		    'BEGIN { printf "%.1f", a - b }')
		awk -v a="$ro" -v b="$rro" 'BEGIN {
		    printf "rshell adds %.0f µs (target: under 1,000 µs: %s); rrsync adds %.0f µs, %.1f times as much (target: at least 30 times: %s).\n\n",
		    a, (a < 1000 ? "met" : "not met"), b, b / a, (b / a >= 30 ? "met" : "not met") }'
	else
		awk -v a="$ro" 'BEGIN {
		    printf "rshell adds %.0f µs (target: under 1,000 µs: %s).\n\n",
		    a, (a < 1000 ? "met" : "not met") }'
	fi
	awk -v a="$(field median_us "$r")" -v b="$(field median_us "$sps")" 'BEGIN {
	    printf "Of that, %.0f µs are rshell'"'"'s own work: the rest is what any wrapper written in C and linked as rshell is that stays the parent of rsync pays (the static spawnfloor row).\n\n", a - b }'
	[ -z "$rrnote" ] || printf '%s.\n\n' "$rrnote"
	printf '```sh\nmake bench BENCH_PARTS=%s\n# runs, in a temporary directory $T with the stand-in, the policy\n# (permit push pull root dir $T/D) and tests/bench/execlat.c built:\n%s\n%s```\n\n' \
	    "$name" "$cmd" "${rrcmd:+$rrcmd
}"
}
