#!/usr/bin/env bash
# Renders the shipped bank and checks the markdown: Contents links against GitHub's
# slugs (github-slugger) and markdownlint-cli2 with this folder's config.
# Usage: tests/markdown/run.sh [DOC.md ...]   (default: the shipped bank, rendered now)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# Paths given are relative to where the script was called from; make them absolute first.
docs=()
for d in "$@"; do
  docs+=("$(cd "$(dirname "$d")" && pwd)/$(basename "$d")")
done
cd "$here"
if [ ! -d node_modules/github-slugger ] || [ ! -d node_modules/markdownlint-cli2 ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ${#docs[@]} -eq 0 ]; then
  out="$(mktemp -d)"
  (cd "$root" && cargo run --quiet --locked -- render --format md content/performance-engineering > "$out/performance-engineering.md")
  docs=("$out/performance-engineering.md")
fi
node check-anchors.mjs "${docs[@]}"
npx --no-install markdownlint-cli2 --config "$here/.markdownlint-cli2.jsonc" "${docs[@]}"
echo "markdownlint: ${#docs[@]} passed, 0 failed"
