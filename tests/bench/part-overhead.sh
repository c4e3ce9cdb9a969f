#!/bin/sh
# make bench part: the time from exec of the wrapper to exec of rsync, for
# rshell, rrsync and no wrapper at all, on one push request.
#
#	part-overhead.sh RSHELL TOP	(RUNS, default 2000)
set -u
RSHELL=${1:?usage: part-overhead.sh RSHELL TOP}
TOP=${2:?usage: part-overhead.sh RSHELL TOP}
here=$(cd "$(dirname "$0")" && pwd)
part="Exec-to-exec overhead"
. "$here/lib.sh"
need_root
exec_part overhead "rsync --server -logDtprze.iLsfxCIvu --delete . backup/laptop/" \
    "" "" "${RUNS:-2000}"
