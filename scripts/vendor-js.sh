#!/usr/bin/env bash
# Vendors the browser modules Concord serves itself (no CDN, strict CSP): installs exactly what
# scripts/vendor-js/package-lock.json names with `npm ci` in a scratch directory, copies each built ES module
# into the app's static folder and records where it came from in scripts/vendor-js/vendored.json
# (tests/plans/test_vendored_js.py checks the committed copies against that record and the lock file).
# Only needed to upgrade: the copies are committed, so `make run` never needs npm.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
source_dir="$here/vendor-js"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

cp "$source_dir/package.json" "$source_dir/package-lock.json" "$scratch/"
(cd "$scratch" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

package="@github/markdown-toolbar-element"
built="$scratch/node_modules/$package"
target="$root/plans/static/plans/vendor"
mkdir -p "$target"
cp "$built/dist/index.js" "$target/markdown-toolbar-element.js"
cp "$built/LICENSE" "$target/markdown-toolbar-element.LICENSE.txt"

version="$(node -p "require('$built/package.json').version")"
integrity="$(node -p "require('$scratch/package-lock.json').packages['node_modules/$package'].integrity")"
sha256="$(sha256sum "$target/markdown-toolbar-element.js" | cut -d' ' -f1)"
cat > "$source_dir/vendored.json" <<JSON
{
  "$package": {
    "version": "$version",
    "integrity": "$integrity",
    "files": {
      "plans/static/plans/vendor/markdown-toolbar-element.js": "$sha256"
    }
  }
}
JSON
echo "Vendored $package $version into plans/static/plans/vendor/"
