#!/usr/bin/env bash
# Packs a built qbank binary as a release archive: qbank-TARGET.tar.xz (qbank-TARGET.zip
# for Windows) holding qbank-TARGET/qbank[.exe] and README.md, and beside it
# ARCHIVE.sha256 ("HASH  NAME"). The release workflow runs it per target; the action's
# installer and `cargo binstall` (Cargo.toml's metadata) read this layout.
# Usage: scripts/release-archive.sh TARGET BINARY OUTDIR
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 TARGET BINARY OUTDIR" >&2; exit 2; }
target=$1
binary=$2
out=$3
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$binary" ] || { echo "error: $binary: no such file" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
name="qbank-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
case "$target" in
  *windows*) exe=qbank.exe ;;
  *) exe=qbank ;;
esac
cp "$binary" "$stage/$name/$exe"
chmod +x "$stage/$name/$exe"
cp "$root/README.md" "$stage/$name/"
case "$target" in
  *windows*)
    archive="$name.zip"
    rm -f "$out/$archive"
    if command -v zip >/dev/null; then
      (cd "$stage" && zip -qr "$out/$archive" "$name")
    else
      (cd "$stage" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
    fi
    ;;
  *)
    archive="$name.tar.xz"
    # -6 is xz's default; QBANK_XZ_LEVEL=0 makes a quick archive for tests.
    (cd "$stage" && tar -cf - "$name" | xz "-${QBANK_XZ_LEVEL:-6}" -T0 >"$out/$archive")
    ;;
esac
if command -v sha256sum >/dev/null; then
  (cd "$out" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$out/$archive"
