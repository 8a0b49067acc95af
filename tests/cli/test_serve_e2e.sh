#!/usr/bin/env bash
# End-to-end tests of `glossalign serve` in headless Chromium: runs
# tests/e2e/run.mjs (playwright-core, installed by scripts/setup with npm ci)
# against the real binary. Screenshots go to $GLA_BINARY_DIR/e2e-artifacts.
#
#   tests/cli/test_serve_e2e.sh BINARY   (ctest passes it; run from the root)
set -u
bin=${1:?usage: test_serve_e2e.sh BINARY}
root=${GLA_SOURCE_DIR:-$(pwd)}
bdir=${GLA_BINARY_DIR:-$(dirname "$bin")}
missing=()
command -v node >/dev/null || missing+=("node (nodejs)")
[ -x /usr/bin/chromium ] || missing+=("/usr/bin/chromium")
[ -d "$root/tests/e2e/node_modules/playwright-core" ] ||
  missing+=("tests/e2e/node_modules (npm ci in tests/e2e)")
"$bin" serve --help 2>/dev/null | grep -q -- --token || missing+=("a glossalign built with serve")
if [ ${#missing[@]} -gt 0 ]; then
  echo "cannot run the e2e tests; missing: ${missing[*]}. Run scripts/setup." >&2
  exit 1
fi
exec node "$root/tests/e2e/run.mjs" "$bin" "$bdir/glossary.db" "$bdir/e2e-artifacts"
