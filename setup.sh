#!/usr/bin/env bash
# First command of the README: install what is missing, build gpoc, and compile every
# intent in examples/ into out/<example>/.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

rm -rf out
mkdir -p out
for intent in examples/*.yaml; do
	name=$(basename "$intent" .yaml)
	./build/gpoc build "$intent" -o "out/$name"
done
echo
echo "gpoc: built ./build/gpoc; examples compiled into:"
for dir in out/*/; do
	echo "  $dir  ($(find "$dir" -type f | wc -l) files)"
done
