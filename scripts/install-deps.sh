#!/usr/bin/env bash
# Installs the Debian packages gpoc needs to build and test, and nothing else.
# Idempotent: asks apt only for what dpkg does not already have.
set -euo pipefail

packages=(
	build-essential cmake pkg-config          # toolchain
	libyaml-dev libxml2-dev nettle-dev        # libraries gpoc links
	libcmocka-dev                             # unit tests
	clang libclang-rt-dev                     # fuzz targets (libFuzzer) and sanitizers
	python3 python3-jsonschema python3-yaml   # schema and golden-file tests
	ninja-build                               # depfile test: ninja reads gpoc's depfiles back
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [ "$(id -u)" -ne 0 ]; then
		echo "gpoc: these packages are missing: ${missing[*]}" >&2
		echo "gpoc: run this script as root (or install them with sudo apt-get install)" >&2
		exit 2
	fi
	echo "gpoc: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
