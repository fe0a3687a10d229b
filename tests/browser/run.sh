#!/usr/bin/env bash
# The HTML page's browser test: open pages from disk in headless Chromium, offline, and
# check every mermaid diagram is drawn (see check.mjs).
#
#   tests/browser/run.sh                 # the page for tests/fixtures/render/diagrams.md
#   tests/browser/run.sh PAGE.html ...   # pages rendered elsewhere, e.g. dist/<slug>.html
#
# Needs node >= 20, `npm ci` in tests/browser (done here when node_modules is missing)
# and Chromium at /usr/bin/chromium (or $CHROMIUM). Screenshots go to
# $QBANK_BROWSER_OUT (default target/browser/). Exit 0 passed, 1 a check failed, 2 could not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${QBANK_BROWSER_OUT:-$root/target/browser}"
mkdir -p "$out"

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/pngjs" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

pages=()
if [ $# -eq 0 ]; then
  page="$out/diagrams.html"
  echo "== building $page from tests/fixtures/render/diagrams.md"
  (cd "$root" && cargo run --quiet --locked --example html_page -- "$page")
  pages+=("$page")
else
  for arg in "$@"; do
    [ -f "$arg" ] || { echo "error: $arg is not a file" >&2; exit 2; }
    pages+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")")
  done
fi

# Where the kernel allows it, run the browser in a network namespace of its own with no
# interfaces, so "offline" is enforced by the OS as well as by check.mjs's flags and routes.
offline=()
if command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
  offline=(unshare -n)
  echo "== no network: running the browser under unshare -n"
fi

status=0
for page in "${pages[@]}"; do
  name="$(basename "$page")"
  echo "== browser check: $page"
  rc=0
  "${offline[@]}" node "$here/check.mjs" "$page" --screenshot "$out/${name%.*}.png" || rc=$?
  if [ "$rc" -gt "$status" ]; then status=$rc; fi
done
exit "$status"
