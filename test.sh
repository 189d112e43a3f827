#!/usr/bin/env bash
# Second command of the README: build and run the whole test suite, twice — a normal
# build, then an ASan+UBSan build — plus a short smoke run of every fuzz target.
# Set GPOC_FUZZ_SECONDS=0 to skip the fuzz smoke run.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
jobs=$(nproc)

run_suite() { # build-dir build-type
	cmake -S . -B "$1" -DCMAKE_BUILD_TYPE="$2" >/dev/null
	cmake --build "$1" -j"$jobs"
	ctest --test-dir "$1" --output-on-failure -j"$jobs"
}

echo "== tests (RelWithDebInfo)"
run_suite build RelWithDebInfo
echo "== tests (Sanitize: ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite build-sanitize Sanitize

seconds=${GPOC_FUZZ_SECONDS:-10}
if [ "$seconds" != 0 ]; then
	echo "== fuzz smoke (${seconds}s per target; see docs/fuzzing.md for long runs)"
	CC=clang cmake -S . -B build-fuzz -DGPOC_FUZZ=ON -DCMAKE_BUILD_TYPE=Sanitize >/dev/null
	cmake --build build-fuzz -j"$jobs"
	scripts/fuzz-smoke.sh build-fuzz "$seconds"
fi
echo "gpoc: all tests passed"
