#!/usr/bin/env bash
#
# make bench part: the cost of rshell on a real backup.  The same 200 MiB
# push through a throwaway sshd on 127.0.0.1 (tests/integration/lib.sh),
# once into an account whose login shell is rshell and once into one whose
# login shell is /bin/sh; PUSH_RUNS of each (default 21), interleaved, into
# an empty directory every time.  The target is within 2%.  It uses the
# integration tests' accounts and port, so it holds their lock.
#
#	part-push.sh RSHELL TOP		(as root)
#
# shellcheck source-path=SCRIPTDIR

set -u
rshell=${1:?usage: part-push.sh RSHELL TOP}
TOP=${2:?usage: part-push.sh RSHELL TOP}
here=$(cd "$(dirname "$0")" && pwd)
part="End-to-end push against an unrestricted shell"
. "$here/lib.sh"
need_root
for c in /usr/sbin/sshd ssh rsync flock; do
	command -v "$c" >/dev/null || skip "needs $c (packages openssh-server, openssh-client, rsync)"
done
# At most PUSH_LOCK_WAIT seconds (default 1800) for the lock.
if [ -z "${RSHELL_INTEGRATION_LOCKED:-}" ]; then
	progress "waiting for /tmp/rshell-integration.lock"
	wait=${PUSH_LOCK_WAIT:-1800}
	RSHELL_INTEGRATION_LOCKED=1 flock -w "$wait" -E 75 \
	    /tmp/rshell-integration.lock "$0" "$@"
	rc=$?
	[ "$rc" != 75 ] || skip "the integration tests' lock (/tmp/rshell-integration.lock) stayed taken for $wait s"
	exit "$rc"
fi
runs=${PUSH_RUNS:-21}
. "$here/../integration/lib.sh"

it_setup "$TOP" plain >&2
B=$it_tmp/backup
it_key rsh "$IT_USER" restrict >&2
it_key sh "$IT_PLAIN" restrict >&2
it_policy <<EOF
rsync /usr/bin/rsync
log $IT_LOG
permit push pull list $IT_USER dir $B/%u
EOF
it_start >&2

# 200 MiB, incompressible: one 100 MiB file and 100 files of 1 MiB.
data=$it_tmp/src/data
mkdir -p "$data/many"
head -c 100M /dev/urandom >"$data/big"
for i in $(seq -w 1 100); do
	head -c 1M /dev/urandom >"$data/many/f$i"
done

# push KEY DEST: milliseconds taken by one push into an empty DEST.
push()
{
	local t0 t1
	rm -rf "$B/$IT_USER/bench" "$B/$IT_PLAIN/bench"
	sync
	t0=$(date +%s%N)
	it_rsync "$1" -a "$data/" ":$2" >/dev/null ||
		it_die "push with key $1 failed"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

progress "$runs pushes of 200 MiB each way"
push rsh bench/ >/dev/null		# warm the page cache and sshd
push sh "$B/$IT_PLAIN/bench/" >/dev/null
r=() s=()
for i in $(seq "$runs"); do
	# Alternate which goes first, so a drift in the machine hits both.
	if [ $((i % 2)) = 1 ]; then
		r+=("$(push rsh bench/)")
		s+=("$(push sh "$B/$IT_PLAIN/bench/")")
	else
		s+=("$(push sh "$B/$IT_PLAIN/bench/")")
		r+=("$(push rsh bench/)")
	fi
done
for v in "${r[@]}" "${s[@]}"; do
	[ -n "$v" ] || skip "a push failed"
done
[ "$(grep -c 'event=exit .*status=0' "$IT_LOG")" = $((runs + 1)) ] ||
	skip "the rshell pushes did not all log a clean exit"

pct() { awk -v x="$1" 'BEGIN { printf "%+.2f %%", (x - 1) * 100 }'; }
mr=$(median "${r[@]}")
ms=$(median "${s[@]}")
pairs=()
for i in "${!r[@]}"; do
	pairs+=("$(awk -v a="${r[$i]}" -v b="${s[$i]}" 'BEGIN { printf "%.6f", a / b }')")
done
ratio=$(awk -v a="$mr" -v b="$ms" 'BEGIN { print a / b }')
pratio=$(median "${pairs[@]}")
printf '## %s\n\n' "$part"
printf 'The same push of 200 MiB (one file of 100 MiB and 100 of 1 MiB, incompressible) with `rsync -a` over ssh to a throwaway sshd on %s, into an empty directory each time: once into an account whose login shell is rshell (rule `permit push pull list`, %s), once into one whose login shell is /bin/sh; %s runs of each, interleaved, after one of each to warm the caches. %s.\n\n' \
    "$IT_HOST" "$(rsync --version | sed -n '1s/^rsync *version \([^ ]*\).*/rsync \1/p')" "$runs" "$(machine)"
echo '| login shell | runs, ms | median ms |'
echo '|---|---|---:|'
echo "| rshell | ${r[*]} | $mr |"
echo "| /bin/sh | ${s[*]} | $ms |"
echo
echo "rshell against /bin/sh: $(pct "$ratio") (ratio of the medians), $(pct "$pratio") (median of the ratios of the back-to-back pairs, which a busy machine disturbs less). Target: within 2 %."
echo
printf '```sh\nmake bench BENCH_PARTS=push\n# runs, with the accounts, keys and sshd of tests/integration/lib.sh:\nrsync -e "ssh -p PORT -i KEY ..." -a DATA/ ACCOUNT@%s:DEST\n```\n\n' "$IT_HOST"
