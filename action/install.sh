#!/usr/bin/env bash
# Installs qbank: the release archive for this machine, its SHA-256 checked. In the
# GitHub Action (action.yml) it goes on PATH through $GITHUB_PATH (or `cargo install`, or
# the qbank already on PATH); anywhere else (the release's qbank-installer.sh) the binary
# is copied to $QBANK_INSTALL_DIR (default ~/.local/bin).
#
# Environment: QBANK_INSTALL (release | cargo | path), QBANK_VERSION (latest | vX.Y.Z),
# QBANK_REPOSITORY (owner/name the releases belong to; default: the action's own, read
# from $GITHUB_ACTION_PATH), QBANK_RELEASE_URL (a folder holding the archives, replacing
# GitHub's release URL: a mirror, or a local server in tests).
set -euo pipefail

# The repository whose releases to use when nothing else says; the release workflow
# writes its own here in the qbank-installer.sh it publishes.
default_repo=""

fail() {
  echo "::error title=qbank install::$1"
  exit 2
}

mode=${QBANK_INSTALL:-release}
version=${QBANK_VERSION:-latest}
case "$mode" in
  path)
    command -v qbank >/dev/null || fail "install: path, but no qbank on PATH"
    qbank --version
    exit 0
    ;;
  cargo)
    command -v cargo >/dev/null || fail "install: cargo, but no cargo on PATH (add a Rust toolchain step)"
    if [ "$version" = latest ]; then
      cargo install qbank --locked
    else
      cargo install qbank --locked --version "${version#v}"
    fi
    qbank --version
    exit 0
    ;;
  release) ;;
  *) fail "install: '$mode' is not release, cargo or path" ;;
esac

os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
case "$os" in
  Linux) vendor_os=unknown-linux-musl ;;
  macOS | Darwin) vendor_os=apple-darwin ;;
  Windows | MINGW* | MSYS* | CYGWIN*) vendor_os=pc-windows-msvc ;;
  *) fail "no qbank release for the OS '$os'; use install: cargo" ;;
esac
case "$arch" in
  X64 | x86_64 | amd64) cpu=x86_64 ;;
  ARM64 | aarch64 | arm64) cpu=aarch64 ;;
  *) fail "no qbank release for the CPU '$arch'; use install: cargo" ;;
esac
target="$cpu-$vendor_os"
[ "$target" = aarch64-pc-windows-msvc ] && fail "no qbank release for Windows on ARM; use install: cargo"
case "$vendor_os" in
  pc-windows-msvc) archive="qbank-$target.zip" ;;
  *) archive="qbank-$target.tar.xz" ;;
esac

if [ -n "${QBANK_RELEASE_URL:-}" ]; then
  base=${QBANK_RELEASE_URL%/}
else
  repo=${QBANK_REPOSITORY:-$default_repo}
  if [ -z "$repo" ] && [ -n "${GITHUB_ACTION_PATH:-}" ]; then
    # .../_actions/OWNER/NAME/REF: the action's own repository.
    repo=$(echo "$GITHUB_ACTION_PATH" | sed -n 's|.*/_actions/\([^/]*\)/\([^/]*\)/[^/]*$|\1/\2|p')
  fi
  [ -n "$repo" ] || fail "cannot tell which repository's releases to use; set QBANK_REPOSITORY"
  if [ "$version" = latest ]; then
    base="https://github.com/$repo/releases/latest/download"
  else
    base="https://github.com/$repo/releases/download/$version"
  fi
fi

dir="${RUNNER_TEMP:-$(mktemp -d)}/qbank-$target"
rm -rf "$dir"
mkdir -p "$dir"
echo "Downloading $base/$archive"
curl -fsSL --retry 3 -o "$dir/$archive" "$base/$archive" || fail "could not download $base/$archive"
curl -fsSL --retry 3 -o "$dir/$archive.sha256" "$base/$archive.sha256" ||
  fail "could not download $base/$archive.sha256"
want=$(awk '{print $1; exit}' "$dir/$archive.sha256")
if command -v sha256sum >/dev/null; then
  got=$(sha256sum "$dir/$archive" | awk '{print $1}')
else
  got=$(shasum -a 256 "$dir/$archive" | awk '{print $1}')
fi
[ "$want" = "$got" ] || fail "$archive: SHA-256 $got, but the release lists $want"
case "$archive" in
  *.zip) (cd "$dir" && unzip -q "$archive") ;;
  *) tar -xJf "$dir/$archive" -C "$dir" ;;
esac
bin=$(find "$dir" -type f \( -name qbank -o -name qbank.exe \) | head -n 1)
[ -n "$bin" ] || fail "$archive holds no qbank binary"
chmod +x "$bin"
bindir=$(dirname "$bin")
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$bindir" >>"$GITHUB_PATH"
else
  dest=${QBANK_INSTALL_DIR:-$HOME/.local/bin}
  mkdir -p "$dest"
  cp "$bin" "$dest/"
  bindir=$dest
  bin="$dest/$(basename "$bin")"
  case ":$PATH:" in
    *":$dest:"*) ;;
    *) echo "note: $dest is not on PATH; add it to run qbank by name" ;;
  esac
fi
"$bin" --version
echo "qbank installed in $bindir"
