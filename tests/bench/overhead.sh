#!/usr/bin/env bash
#
# The cost of rshell on a real backup: the same 200 MiB push through a
# throwaway sshd on 127.0.0.1, once into an account whose login shell is
# rshell and once into one whose login shell is /bin/sh; RUNS of each,
# interleaved, into an empty directory every time.  Prints the medians and
# their ratio (the target is within 2%), and the median of the ratios of
# the back-to-back pairs, which a machine busy with other work disturbs
# less.  Not part of make check.
#
# usage: overhead.sh RSHELL [RUNS]	(as root; RUNS defaults to 5)
#
# shellcheck source-path=SCRIPTDIR

set -u

if [ "$(id -u)" != 0 ]; then
	echo "overhead.sh needs root (it creates accounts and runs sshd)" >&2
	exit 1
fi
rshell=${1:?usage: overhead.sh RSHELL [RUNS]}
runs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$(dirname "$rshell")/.." && pwd)
. "$here/../integration/lib.sh"

it_setup "$src" plain
B=$it_tmp/backup
it_key rsh "$IT_USER" restrict
it_key sh "$IT_PLAIN" restrict
it_policy <<EOF
rsync /usr/bin/rsync
log $IT_LOG
permit push pull list $IT_USER dir $B/%u
EOF
it_start

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
	[ -n "$v" ] || it_die "a push failed"
done
[ "$(grep -c 'event=exit .*status=0' "$IT_LOG")" = $((runs + 1)) ] ||
	it_die "the rshell pushes did not all log a clean exit"

pct() { awk -v x="$1" 'BEGIN { printf "%.4f (%+.2f%%)", x, (x - 1) * 100 }'; }
mr=$(median "${r[@]}")
ms=$(median "${s[@]}")
pairs=()
for i in "${!r[@]}"; do
	pairs+=("$(awk -v a="${r[$i]}" -v b="${s[$i]}" 'BEGIN { printf "%.6f", a / b }')")
done
echo "push of 200 MiB over ssh to $IT_HOST, $runs runs each, milliseconds" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg)):"
echo "  rshell:  ${r[*]}  median $mr"
echo "  /bin/sh: ${s[*]}  median $ms"
echo "  ratio of the medians:        $(pct "$(awk -v a="$mr" -v b="$ms" 'BEGIN { print a / b }')")"
echo "  median of the paired ratios: $(pct "$(median "${pairs[@]}")")"
