#!/bin/sh
# make bench part: rshell's peak resident set for each kind of request.
#
#	part-rss.sh RSHELL TOP	(RSS_RUNS, default 20)
set -u
RSHELL=${1:?usage: part-rss.sh RSHELL TOP}
TOP=${2:?usage: part-rss.sh RSHELL TOP}
here=$(cd "$(dirname "$0")" && pwd)
part="Peak RSS"
. "$here/lib.sh"
need_root
[ -x /usr/bin/time ] || skip "needs GNU time (package time)"
runs=${RSS_RUNS:-20}
bench_tmp
bench_tools
mkdir -p "$T/D/backup/laptop/sub"
for i in 1 2 3 4 5 6 7 8 9 10; do : > "$T/D/backup/laptop/f$i"; done
cat > "$T/policy" <<EOP
rsync $T/rsync
log $T/rshell.log
permit push pull list root dir $T/D
EOP
chmod 0644 "$T/policy"
printf 'rsync\0--delete\0.\0backup/laptop/\0\0 \0\0\0' > "$T/stdin"

# peak REQUEST [STDIN]: the largest peak RSS, in KiB, of $runs runs.  GNU
# time reports the larger of rshell's and its child's; the child is the
# static stand-in (about 550 KiB) or none.
peak()
{
	max=0 i=0
	while [ "$i" -lt "$runs" ]; do
		SSH_CONNECTION="127.0.0.1 40000 127.0.0.1 22" /usr/bin/time \
		    -o "$T/time" -f %M "$RSHELL" -f "$T/policy" -c "$1" \
		    < "${2:-/dev/null}" > /dev/null 2>&1 || { echo "failed"; return; }
		kb=$(tail -n 1 "$T/time")
		[ "$kb" -gt "$max" ] && max=$kb
		i=$((i + 1))
	done
	echo "$max"
}

progress "$runs runs of each request"
printf '## %s\n\n' "$part"
printf 'The largest peak resident set of rshell (GNU time'"'"'s %%M, the larger of rshell'"'"'s and its child'"'"'s, whose child here is the static stand-in rsync of about 550 KiB) over %s runs of each request, under the rule `permit push pull list root dir $T/D`. %s.\n\n' \
    "$runs" "$(machine)"
echo '| request | peak RSS KiB |'
echo '|---|---:|'
for req in "rsync --server -logDtprze.iLsfxCIvu --delete . backup/laptop/" \
    "rsync --server --sender -logDtprze.iLsfxCIvu . backup/laptop/" \
    "ls -l backup/laptop" "ls -lR" "du -s backup" "df -h" "true"; do
	printf '| `%s` | %s |\n' "$req" "$(peak "$req")"
done
printf '| `%s` with its arguments on stdin | %s |\n' \
    "rsync --server -slogDtprze.iLsfxCIvu" \
    "$(peak "rsync --server -slogDtprze.iLsfxCIvu" "$T/stdin")"
echo
echo "Target: under 2 MiB (2,048 KiB). The peak under a policy of 10,000 rules is in the policy size part."
echo
printf '```sh\nmake bench BENCH_PARTS=rss\n# runs, for each request, %s times:\n/usr/bin/time -f %%M rshell/rshell -f $T/policy -c REQUEST\n```\n\n' "$runs"
