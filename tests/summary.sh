#!/bin/sh
# The last line of "make check": "N passed, N failed" (", N skipped" when
# any were), summed over every part it ran; exits 1 if anything failed.
#
# usage: summary.sh DIR PART...
# Each PART is a make target.  What it ran wrote DIR/PART, one line
# "passed=N failed=N skipped=N"; the Makefile wrote its exit status to
# DIR/PART.status.  A part that exits 0 without counts has skipped itself,
# saying why (policy-check and integration-check need root; the verdicts
# may need a kernel feature too): all its tests count as skipped.  A part
# that fails without counts (it did not build, or crashed before counting)
# counts as one failure, and so does one that failed although its counts
# say nothing did.
set -u
dir=${1:?usage: summary.sh DIR PART...}
shift
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 skipped=0

# The tests of a part that skips itself as a whole, counted as it would
# run them: cases are the lines of tests/policy/*.cases that are neither
# empty nor comments, scenarios the entries of run.sh's scenarios list.
tests_of()
{
	case $1 in
	policy-check)
		cat "$here"/policy/*.cases | grep -cv -e '^$' -e '^#' ;;
	integration-check)
		awk '/^scenarios=\(/ { on = 1; next }
		    on && /^\)/ { exit }
		    on && /^\t"/ { n++ }
		    END { print n + 0 }' "$here/integration/run.sh" ;;
	*)
		echo 1 ;;
	esac
}

for part in "$@"; do
	status=$(cat "$dir/$part.status" 2>/dev/null || echo missing)
	if [ -f "$dir/$part" ]; then
		p=0 f=0 s=0
		for kv in $(cat "$dir/$part"); do
			case $kv in
			passed=*) p=${kv#passed=} ;;
			failed=*) f=${kv#failed=} ;;
			skipped=*) s=${kv#skipped=} ;;
			esac
		done
		if [ "$status" != 0 ] && [ "$f" = 0 ]; then
			echo "$part: exit status $status, yet no test failed"
			f=1
		fi
	elif [ "$status" = 0 ]; then
		p=0 f=0 s=$(tests_of "$part")
	else
		echo "$part: exit status $status before counting its tests"
		p=0 f=1 s=0
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
