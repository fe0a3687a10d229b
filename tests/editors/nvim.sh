#!/usr/bin/env bash
# Neovim's built-in LSP client, headless, with the setup docs/editors.md gives
# (tests/editors/qbank.lua): it opens a bank file through `qbank lsp` and must receive the
# finding on an unresolved reference. QBANK_BIN names the binary (default target/debug).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${QBANK_BIN:-$repo/target/debug/qbank}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/qbank"
cp -r "$repo/tests/fixtures/valid/minimal" "$work/bank"
printf '  Throughput held at 4K rps [Ref: X9].\n' >>"$work/bank/questions/q.yaml"
cd "$work"
XDG_CACHE_HOME="$work/cache" PATH="$work/bin:$PATH" timeout 120 nvim --headless -u "$repo/tests/editors/qbank.lua" \
  -c "luafile $repo/tests/editors/nvim-check.lua" bank/questions/q.yaml
