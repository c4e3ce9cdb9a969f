#!/bin/sh
# make bench part: the same as part-overhead.sh for an rsync -s request,
# whose arguments rshell reads from stdin before it decides.
#
#	part-secluded.sh RSHELL TOP	(RUNS, default 2000)
set -u
RSHELL=${1:?usage: part-secluded.sh RSHELL TOP}
TOP=${2:?usage: part-secluded.sh RSHELL TOP}
here=$(cd "$(dirname "$0")" && pwd)
part="Exec-to-exec overhead of an rsync -s request"
. "$here/lib.sh"
need_root
# What rsync 3.5's "rsync -az -s --delete SRC host:backup/laptop/" sends
# (tests/data/rsync-3.5-secluded-commands.tsv): the command line, then on
# stdin the arguments and an empty string, then the protocol.
exec_part secluded "rsync --server -slogDtprze.iLsfxCIvu" \
    'rsync\0--delete\0.\0backup/laptop/\0\0 \0\0\0' \
    "rrsync refuses -s (it is in its short_disabled), so it has no row here" \
    "${RUNS:-2000}"
