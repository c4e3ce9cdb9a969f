#!/bin/sh
# make fuzz: tests/fuzz/run.sh SECONDS tests/fuzz/NAME ...
#
# For each harness: replay every input kept in tests/fuzz/regress/NAME/
# once, then fuzz for SECONDS over tests/fuzz/corpus/NAME/ and the kept
# inputs.  What the fuzzer adds to the corpus goes to a scratch directory
# (FUZZ_WORK, removed afterwards unless given), so the tree stays as it
# was.  A crash, leak, timeout, memory blow-up or undefined behaviour
# fails the run, and its input is copied to tests/fuzz/regress/NAME/ to be
# kept: commit it with the fix, and every later make fuzz replays it.
# FUZZ_SEED=N repeats a run's choices (-seed=N).
set -u
secs=$1
shift
dir=$(cd "$(dirname "$0")" && pwd)
if [ -n "${FUZZ_WORK:-}" ]; then
	work=$FUZZ_WORK
	mkdir -p "$work" || exit 1
else
	work=$(mktemp -d /tmp/rshell-fuzz.XXXXXX) || exit 1
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM
seed=${FUZZ_SEED:+-seed=$FUZZ_SEED}
failed=0
summary=

for bin in "$@"; do
	name=$(basename "$bin")
	regress=$dir/regress/$name
	corpus=$dir/corpus/$name
	mkdir -p "$work/$name/corpus" "$work/$name/found" || exit 1
	log=$work/$name/log

	# Every kept input, once, as a plain replay: each must pass.
	set -- "$regress"/*
	if [ -e "$1" ] && ! "$bin" "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		echo "fuzz: $name: a kept input of tests/fuzz/regress/$name" \
		    "fails again" >&2
		failed=1
		summary="$summary$name: regression
"
		continue
	fi

	set -- "$work/$name/corpus"
	[ -d "$corpus" ] && set -- "$@" "$corpus"
	[ -d "$regress" ] && set -- "$@" "$regress"
	echo "fuzz: $name for ${secs}s" >&2
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/$name/found/" \
	    $seed "$@" >"$log" 2>&1
	rv=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	set -- "$work/$name/found"/*
	if [ "$rv" -ne 0 ] || [ -e "$1" ]; then
		grep -v -e '^#[0-9]' -e '^INFO:' "$log" | tail -n 60 >&2
		mkdir -p "$regress"
		for f in "$@"; do
			[ -e "$f" ] || continue
			cp "$f" "$regress/" &&
			    echo "fuzz: $name: kept as tests/fuzz/regress/$name/$(basename "$f")" >&2
		done
		failed=1
		summary="$summary$name: FAILED after ${execs:-?} runs
"
	else
		summary="$summary$name: ${execs:-?} runs in ${secs}s, $(ls "$work/$name/corpus" | wc -l) new inputs
"
	fi
done
printf '%s' "$summary"
exit $failed
