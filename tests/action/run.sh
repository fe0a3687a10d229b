#!/usr/bin/env bash
# Tests the GitHub Action's scripts (action/install.sh, action/run.sh) as GitHub runs them,
# with a simulated GITHUB_* environment and the qbank built from this checkout: outputs,
# the step summary, annotation lines within GitHub's per-step limits, SARIF, exit codes;
# and the installer against a release archive served on 127.0.0.1.
# Usage: tests/action/run.sh [QBANK_BINARY]   (default: target/debug/qbank, built now)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ $# -gt 0 ]; then
  qbank="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  (cd "$root" && cargo build --quiet --locked)
  qbank="$root/target/debug/qbank"
fi
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAIL: $1" >&2
  failures=$((failures + 1))
}
output_of() { sed -n "s/^$1=//p" "$2" | tail -n 1; }

# A repository whose bank fails 18 gates (the minimal fixture).
repo="$work/repo"
mkdir -p "$repo/content/bank/questions"
cp "$root/tests/fixtures/valid/minimal/bank.yaml" "$repo/content/bank/"
cp "$root/tests/fixtures/valid/minimal/questions/q.yaml" "$repo/content/bank/questions/"

# Runs the check step in $repo as the runner would; sets $rc, $step (its folder).
run_step() {
  step="$work/step-$1"
  shift
  mkdir -p "$step"
  : >"$step/output"
  : >"$step/summary"
  rc=0
  (cd "$repo" && env GITHUB_ACTIONS=true GITHUB_OUTPUT="$step/output" \
    GITHUB_STEP_SUMMARY="$step/summary" QBANK="$qbank" "$@" \
    bash "$root/action/run.sh" >"$step/log" 2>"$step/stderr") || rc=$?
}

echo "-- a failing bank: exit 1, annotations within limits, every finding in the summary"
run_step failing INPUT_ARGS="content --as-of 2026-11-25" INPUT_SARIF=out/qbank.sarif
[ "$rc" = 1 ] || fail "exit $rc, expected 1"
[ "$(output_of exit-code "$step/output")" = 1 ] || fail "output exit-code"
errors=$(output_of errors "$step/output")
warnings=$(output_of warnings "$step/output")
if [ "$errors" != 44 ] || [ "$warnings" != 1 ]; then
  fail "errors=$errors warnings=$warnings, expected 44 and 1"
fi
for kind in error warning notice; do
  n=$(grep -c "^::$kind " "$step/log" || true)
  [ "$n" -le 10 ] || fail "$n $kind annotations: GitHub shows 10 per step"
done
shown=$(grep -c '^::' "$step/log")
[ "$shown" = "$(output_of annotations "$step/output")" ] || fail "annotations output is not the lines emitted"
held=$(output_of not-annotated "$step/output")
[ "$held" -gt 0 ] || fail "nothing held back from 45 findings"
grep -q "^::notice title=qbank::$held more findings are not annotated" "$step/log" || fail "no notice for the held-back findings"
grep -q '^## qbank check failed: a gate failed' "$step/summary" || fail "summary heading"
listed=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (error|warning)\[' "$step/summary" || true)
[ "$listed" = 45 ] || fail "the summary lists $listed findings, expected all 45"
grep -q '| 19 | Clarity |' "$step/summary" || fail "no validation table in the summary"
python3 - "$repo/out/qbank.sarif" <<'PY' || fail "SARIF"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
results = run["results"]
assert len(results) == 45, len(results)
assert all(r["partialFingerprints"]["qbankFingerprint/v1"] for r in results)
PY

echo "-- with a baseline: recorded findings pass, a new one fails"
(cd "$repo" && "$qbank" check content --as-of 2026-11-25 --baseline .qbank-baseline.json --update-baseline >/dev/null 2>&1)
run_step baseline INPUT_ARGS="content --as-of 2026-11-25" INPUT_BASELINE=.qbank-baseline.json
[ "$rc" = 0 ] || fail "baseline: exit $rc, expected 0"
[ "$(output_of errors "$step/output")" = 0 ] || fail "baseline: errors output"
grep -q '^## qbank check passed' "$step/summary" || fail "baseline: summary heading"
grep -q '45 in the baseline' "$step/summary" || fail "baseline: the summary does not count the baselined findings"
printf '  See [Ref: NOPE].\n' >>"$repo/content/bank/questions/q.yaml"
run_step new INPUT_ARGS="content --as-of 2026-11-25" INPUT_BASELINE=.qbank-baseline.json
[ "$rc" = 1 ] || fail "new finding: exit $rc, expected 1"
[ "$(grep -c '^::error ' "$step/log")" = 1 ] || fail "new finding: expected one error annotation"
grep -q "NOPE" "$step/log" || fail "new finding: not annotated"

echo "-- bad arguments: exit 2 and a summary that says why"
run_step usage INPUT_ARGS="--no-such-flag"
[ "$rc" = 2 ] || fail "usage: exit $rc, expected 2"
grep -q 'could not run' "$step/summary" || fail "usage: summary"
run_step max INPUT_MAX_ANNOTATIONS=many
[ "$rc" = 2 ] || fail "max-annotations=many: exit $rc, expected 2"

echo "-- the installer: this platform's archive from a release served on 127.0.0.1"
case "$(uname -m)" in x86_64 | amd64) cpu=x86_64 ;; aarch64 | arm64) cpu=aarch64 ;; *) cpu=$(uname -m) ;; esac
case "$(uname -s)" in Darwin) target="$cpu-apple-darwin" ;; *) target="$cpu-unknown-linux-musl" ;; esac
release="$work/release"
# The archive the release workflow makes (scripts/release-archive.sh), from this build. A
# debug build is mostly debug info: stripped and lightly compressed, it packs in seconds.
cp "$qbank" "$work/qbank-stripped"
strip "$work/qbank-stripped" 2>/dev/null || true
QBANK_XZ_LEVEL=0 "$root/scripts/release-archive.sh" "$target" "$work/qbank-stripped" "$release" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$release" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.1
done
install_step() {
  : >"$work/path"
  rc=0
  env -u RUNNER_OS -u RUNNER_ARCH RUNNER_TEMP="$work/tmp-$1" GITHUB_PATH="$work/path" \
    QBANK_RELEASE_URL="http://127.0.0.1:$port" QBANK_INSTALL=release \
    bash "$root/action/install.sh" >"$work/install-$1.log" 2>&1 || rc=$?
}
mkdir -p "$work/tmp-ok" "$work/tmp-bad"
install_step ok
[ "$rc" = 0 ] || { fail "install: exit $rc"; cat "$work/install-ok.log" >&2; }
bindir=$(head -n 1 "$work/path")
if [ ! -x "$bindir/qbank" ] || ! "$bindir/qbank" --version >/dev/null; then
  fail "install: no working qbank on GITHUB_PATH"
fi
# Outside GitHub Actions (the published qbank-installer.sh): into QBANK_INSTALL_DIR.
rc=0
env -u GITHUB_PATH -u RUNNER_OS -u RUNNER_ARCH QBANK_INSTALL_DIR="$work/home-bin" \
  QBANK_RELEASE_URL="http://127.0.0.1:$port" bash "$root/action/install.sh" >"$work/install-home.log" 2>&1 || rc=$?
if [ "$rc" != 0 ] || ! "$work/home-bin/qbank" --version >/dev/null; then
  fail "install outside Actions: exit $rc, no working $work/home-bin/qbank"
fi
echo "0000000000000000000000000000000000000000000000000000000000000000  qbank-$target.tar.xz" >"$release/qbank-$target.tar.xz.sha256"
install_step bad
[ "$rc" = 2 ] || fail "install with a wrong checksum: exit $rc, expected 2"
grep -q 'SHA-256' "$work/install-bad.log" || fail "install: the checksum error does not say so"

if [ "$failures" -gt 0 ]; then
  echo "action tests: $failures failed" >&2
  exit 1
fi
echo "action tests: all passed"
