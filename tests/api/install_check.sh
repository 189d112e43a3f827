#!/usr/bin/env bash
# `cmake --install` into a temporary prefix installs everything the README promises,
# and the installed gpoc, header, library and pkg-config file work from there.
set -euo pipefail
build=$1
embed_flags=${2:-} # e.g. -fsanitize=... when the library was built with it
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/gpoc include/gpoc.h lib/libgpoc.so lib/pkgconfig/gpoc.pc share/man/man1/gpoc.1 \
	share/gpoc/templates/capabilities/remote-wmi.yaml share/gpoc/schemas/intent.schema.json \
	share/gpoc/schemas/admx.xsd; do
	[ -e "$prefix/$f" ] || { echo "missing after install: $f"; exit 1; }
done
# The installed binary finds its own templates and schemas.
"$prefix/bin/gpoc" check "$GPOC_SOURCE_DIR/examples/remote-wmi.yaml"
# An embedder compiles and links against the installed files through pkg-config.
cat >"$prefix/embed.c" <<'C'
#include <gpoc.h>
#include <stdio.h>
int main(void) { printf("%s\n", gpoc_version()); return 0; }
C
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs gpoc)
cc $embed_flags "$prefix/embed.c" $flags -Wl,-rpath,"$prefix/lib" -o "$prefix/embed"
"$prefix/embed" | grep -q '^[0-9]' || { echo "embedder could not call gpoc_version"; exit 1; }
echo "install: 1 passed, 0 failed"
