#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with the real pre-commit from PyPI (installed into a venv
# under target/) against a throwaway git repository holding a copy of the shipped bank:
# a commit touching a clean bank file, a README and a workflow passes; a commit adding a
# finding to a bank file is blocked, and the finding is shown.
# The `qbank-system` hook runs the qbank built from this checkout (put on PATH); the
# `qbank` hook builds qbank from source with cargo, which takes too long to run here.
# Usage: tests/precommit/run.sh [QBANK_BINARY]   (default: target/debug/qbank, built now)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ $# -gt 0 ]; then
  qbank="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  (cd "$root" && cargo build --quiet --locked)
  qbank="$root/target/debug/qbank"
fi
venv="$root/target/precommit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check 'pre-commit>=3.5,<5'; then
    rm -rf "$venv"
    echo "error: could not install pre-commit from PyPI (is the network reachable?)" >&2
    exit 2
  fi
fi
"$venv/bin/pre-commit" --version
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$qbank" "$work/bin/qbank"
export PATH="$work/bin:$PATH" PRE_COMMIT_HOME="$work/cache" GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=qbank GIT_AUTHOR_EMAIL=qbank@example.com
export GIT_COMMITTER_NAME=qbank GIT_COMMITTER_EMAIL=qbank@example.com

# The hooks repository: this checkout's hooks file at a commit (pre-commit reads a rev).
hooks="$work/hooks"
mkdir -p "$hooks"
cp "$root/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init --quiet
git -C "$hooks" add .
git -C "$hooks" commit --quiet -m hooks
rev=$(git -C "$hooks" rev-parse HEAD)

repo="$work/repo"
mkdir -p "$repo/.github"
cp -r "$root/content/performance-engineering" "$repo/bank"
printf '# Notes\n\nSome text.\n' >"$repo/README.md"
printf 'on: push\n' >"$repo/.github/ci.yml"
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: qbank-system
YAML
git -C "$repo" init --quiet
git -C "$repo" add -A
git -C "$repo" commit --quiet -m start
cd "$repo"
"$venv/bin/pre-commit" install --install-hooks >/dev/null

failures=0
fail() {
  echo "FAIL: $1" >&2
  failures=$((failures + 1))
}
q=bank/questions/01-latency/01-percentile-gap-measurement.yaml
[ -f "$q" ] || { echo "error: $q is not in the shipped bank any more" >&2; exit 2; }

echo "-- a clean bank file, a README and a workflow: the commit passes"
printf '# reviewed\n' >>"$q"
printf 'More text.\n' >>README.md
printf 'jobs: {}\n' >>.github/ci.yml
git add -A
rc=0
git commit -m clean >"$work/clean.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || { fail "clean commit: exit $rc"; cat "$work/clean.log" >&2; }
grep -q 'qbank check (qbank on PATH).*Passed' "$work/clean.log" || fail "the hook did not run and pass"

echo "-- a finding added to a bank file: the commit is blocked and the finding shown"
python3 - "$q" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("answer: |\n", "answer: |\n  See [Ref: NO-SUCH-REF].\n\n", 1)
open(p, "w").write(s)
PY
git add -A
rc=0
git commit -m broken >"$work/broken.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "the commit with a new finding was not blocked"
grep -q "$q" "$work/broken.log" || fail "the failing file is not named"
grep -q 'NO-SUCH-REF' "$work/broken.log" || fail "the finding is not shown"

if [ "$failures" -gt 0 ]; then
  cat "$work/broken.log" >&2
  echo "pre-commit tests: $failures failed" >&2
  exit 1
fi
echo "pre-commit tests: all passed"
