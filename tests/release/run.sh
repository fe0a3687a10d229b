#!/usr/bin/env bash
# What of the release can run here: the crate `cargo package` would upload (every file the
# sources embed is in it; within crates.io's 10 MB limit), the archive layout
# scripts/release-archive.sh makes against Cargo.toml's `cargo binstall` metadata, and the
# hook the release workflow uses to point the installer at its repository. The builds
# for each target and the upload run on GitHub (.github/workflows/release.yml).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $1" >&2
  failures=$((failures + 1))
}

echo "-- cargo package: the files it ships"
cargo package --list --locked --allow-dirty 2>/dev/null | sort >"$work/list"
# Every file an include_str!/include_bytes! names, relative to the source file naming it.
grep -rnoE 'include_(str|bytes)!\("[^"]+"\)' src build.rs | while IFS= read -r hit; do
  file=${hit%%:*}
  rel=$(echo "$hit" | sed -E 's/.*\("([^"]+)"\).*/\1/')
  path=$(python3 -c 'import os,sys; print(os.path.normpath(os.path.join(os.path.dirname(sys.argv[1]), sys.argv[2])))' "$file" "$rel")
  grep -qxF "$path" "$work/list" || echo "$file embeds $path, which cargo package leaves out"
done >"$work/missing"
if [ -s "$work/missing" ]; then
  fail "$(cat "$work/missing")"
fi
echo "$(wc -l <"$work/list") files; every embedded file is among them"

echo "-- cargo package: the .crate within crates.io's 10 MB limit"
cargo package --no-verify --locked --allow-dirty --quiet 2>/dev/null
version=$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml","rb"))["package"]["version"])')
crate="target/package/qbank-$version.crate"
size=$(wc -c <"$crate")
[ "$size" -le 10000000 ] || fail "$crate is $size bytes; crates.io takes 10 MB"
echo "$crate: $size bytes"

echo "-- cargo binstall metadata against the archive layout"
target=x86_64-unknown-linux-musl
printf '#!/bin/sh\necho qbank\n' >"$work/qbank"
QBANK_XZ_LEVEL=0 scripts/release-archive.sh "$target" "$work/qbank" "$work/dist" >/dev/null
python3 - "$work/dist" "$target" "$version" <<'PY' || fail "binstall metadata"
import os, sys, tarfile, tomllib
dist, target, version = sys.argv[1:]
meta = tomllib.load(open("Cargo.toml", "rb"))["package"]["metadata"]["binstall"]
assert meta["pkg-fmt"] == "txz", meta
fill = {"{ name }": "qbank", "{ target }": target, "{ version }": version,
        "{ archive-suffix }": ".tar.xz", "{ bin }": "qbank", "{ binary-ext }": ""}
def expand(s):
    for k, v in fill.items():
        s = s.replace(k, v)
    return s
url = expand(meta["pkg-url"])
archive = url.rsplit("/", 1)[1]
assert url.endswith(f"/releases/download/v{version}/{archive}"), url
assert os.path.exists(os.path.join(dist, archive)), f"{archive} is not what release-archive.sh makes"
assert os.path.exists(os.path.join(dist, archive + ".sha256"))
names = tarfile.open(os.path.join(dist, archive)).getnames()
assert expand(meta["bin-dir"]) in names, (meta["bin-dir"], names)
assert meta["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"] == "zip"
print(f"{archive}: bin-dir {expand(meta['bin-dir'])} is in it")
PY
if ! python3 -c 'import tomllib,sys; sys.exit(0 if "repository" in tomllib.load(open("Cargo.toml","rb"))["package"] else 1)'; then
  echo "note: Cargo.toml sets no package.repository: cargo binstall's { repo } needs it"
fi

echo "-- the installer the release publishes: its repository hook"
[ "$(grep -c '^default_repo=""$' action/install.sh)" = 1 ] ||
  fail "action/install.sh lacks the default_repo=\"\" line the release workflow rewrites"
grep -q 's|^default_repo=\\"\\"|' .github/workflows/release.yml ||
  fail "the release workflow no longer rewrites default_repo"

if [ "$failures" -gt 0 ]; then
  echo "release tests: $failures failed" >&2
  exit 1
fi
echo "release tests: all passed"
