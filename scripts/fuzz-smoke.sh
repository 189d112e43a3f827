#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR/fuzz/ for SECONDS over a copy of its seed corpus
# (tests/fuzz/corpus/<target> or <target without fuzz_>). Fails if any target finds a crash.
set -euo pipefail
build=$1 seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0 count=0
for bin in "$build"/fuzz/*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	target=$(basename "$bin")
	count=$((count + 1))
	mkdir -p "$work/$target"
	for seeds in "$root/tests/fuzz/corpus/$target" "$root/tests/fuzz/corpus/${target#fuzz_}"; do
		[ -d "$seeds" ] && cp -r "$seeds/." "$work/$target/"
	done
	if "$bin" -max_total_time="$seconds" -artifact_prefix="$work/$target-" "$work/$target" \
		>"$work/$target.log" 2>&1; then
		echo "fuzz $target: $(grep -Eo 'Done [0-9]+ runs' "$work/$target.log" | tail -1), no findings"
	else
		echo "fuzz $target FAILED:"
		tail -40 "$work/$target.log"
		status=1
	fi
done
echo "fuzz smoke: $count targets"
exit $status
