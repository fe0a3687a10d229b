#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): runs `qbank check` once (JSON), then from
# that report writes annotations within GitHub's per-step limits, a markdown summary to
# $GITHUB_STEP_SUMMARY listing every finding, optional SARIF, and the step's outputs.
# Exits with qbank check's exit code (0 passed, 1 a gate failed, 2 unreadable input).
#
# Environment: INPUT_ARGS (arguments for `qbank check`, split on spaces), INPUT_BASELINE,
# INPUT_SARIF, INPUT_MAX_ANNOTATIONS (per kind, default 10), QBANK (the binary, default
# `qbank` on PATH); GITHUB_STEP_SUMMARY and GITHUB_OUTPUT as GitHub sets them.
set -uo pipefail

qbank=${QBANK:-qbank}
max=${INPUT_MAX_ANNOTATIONS:-10}
case "$max" in '' | *[!0-9]*) echo "::error title=qbank::max-annotations '$max' is not a number"; exit 2 ;; esac
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
output=${GITHUB_OUTPUT:-/dev/null}
# GitHub takes at most 1 MiB of summary per step; the findings list stops short of it.
summary_budget=$((900 * 1024))

read -r -a args <<<"${INPUT_ARGS:-}"
if [ -n "${INPUT_BASELINE:-}" ]; then
  args+=(--baseline "$INPUT_BASELINE")
fi
strict=()
for a in "${args[@]}"; do
  [ "$a" = --strict ] && strict=(--strict)
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$qbank" check "${args[@]}" --format json >"$work/report.json" 2>"$work/stderr"
rc=$?
cat "$work/stderr" >&2
echo "exit-code=$rc" >>"$output"

render() { "$qbank" merge "$work/report.json" "${strict[@]}" --color never --format "$@"; }
# merge exits like the report it renders (1 when a gate failed); 2 with no output means
# the report could not be read.
render github >"$work/github" 2>"$work/merge-stderr"
if [ ! -s "$work/github" ] && [ -s "$work/merge-stderr" ]; then
  # No report: a usage error (a flag qbank does not know), or qbank did not run.
  {
    echo "## qbank check could not run (exit $rc)"
    echo
    echo '```'
    head -c 60000 "$work/stderr"
    echo '```'
  } >>"$summary"
  echo "::error title=qbank::qbank check could not run (exit $rc); see the log"
  exit $((rc == 0 ? 2 : rc))
fi
render concise >"$work/concise"
render markdown >"$work/tables"
totals=$(render human | tail -n 1)

# Annotations: `--format github` writes at most 10 of each kind (GitHub shows 10 per step
# and drops the rest without a word), every later finding as a plain line, and a notice
# counting those; here the first $max of each kind are emitted, then one notice says how
# many findings were not annotated in all. The counts are the report's own.
count() { grep -o "\"$1\": [0-9]*" "$work/report.json" | tail -n 1 | grep -o '[0-9]*$' || echo 0; }
errors=$(count errors)
warnings=$(count warnings)
held_title='^::notice title=qbank%3A not annotated::'
held_note=$(grep "$held_title" "$work/github" || true)
held=0
if [ -n "$held_note" ]; then
  held=${held_note##*::}
  held=${held%% *}
fi
grep '^::' "$work/github" | grep -v "$held_title" >"$work/annotations" || true
declare -A limit=([error]=$max [warning]=$max [notice]=$max)
if [ "$held" -gt 0 ] || [ "$(grep -c '^::error' "$work/annotations")" -gt "$max" ] ||
  [ "$(grep -c '^::warning' "$work/annotations")" -gt "$max" ] ||
  [ "$(grep -c '^::notice' "$work/annotations")" -gt "$max" ]; then
  # One notice is kept for the line about the held-back ones.
  [ "$max" -gt 0 ] && limit[notice]=$((max - 1))
fi
declare -A emitted=([error]=0 [warning]=0 [notice]=0)
shown=0
while IFS= read -r line; do
  kind=${line#::}
  kind=${kind%% *}
  if [ "${emitted[$kind]:-0}" -lt "${limit[$kind]:-0}" ]; then
    echo "$line"
    emitted[$kind]=$((${emitted[$kind]} + 1))
    shown=$((shown + 1))
  else
    held=$((held + 1))
  fi
done <"$work/annotations"
if [ "$held" -gt 0 ] && [ "$max" -gt 0 ]; then
  echo "::notice title=qbank::$held more findings are not annotated (GitHub shows $max of each kind per step); the job summary and the log list all of them"
  shown=$((shown + 1))
fi

{
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "annotations=$shown"
  echo "not-annotated=$held"
} >>"$output"

sarif=""
if [ -n "${INPUT_SARIF:-}" ]; then
  mkdir -p "$(dirname "$INPUT_SARIF")"
  render sarif >"$INPUT_SARIF"
  sarif=$INPUT_SARIF
fi
echo "sarif=$sarif" >>"$output"

case $rc in
  0) verdict="passed" ;;
  1) verdict="failed: a gate failed" ;;
  *) verdict="failed: something could not be read (exit $rc)" ;;
esac
{
  echo "## qbank check $verdict"
  echo
  echo "$totals"
  echo
  if [ "$held" -gt 0 ]; then
    echo "$shown annotations shown; $held findings are listed below only (GitHub's per-step limit)."
    echo
  fi
  if grep -q 'stale-baseline' "$work/stderr"; then
    echo "Baseline entries that matched no finding (\`qbank check --baseline FILE --update-baseline\` drops them):"
    echo
    echo '```'
    grep -A1 'stale-baseline' "$work/stderr" | grep -v '^--$' | head -n 100
    echo '```'
    echo
  fi
  cat "$work/tables"
  echo
  lines=$(wc -l <"$work/concise")
  echo "<details><summary>All findings ($lines lines)</summary>"
  echo
  echo '```'
  # shellcheck disable=SC2016 # a literal fence, kept from closing the block
  head -c "$summary_budget" "$work/concise" | sed 's/```/` ` `/g'
  if [ "$(wc -c <"$work/concise")" -gt "$summary_budget" ]; then
    echo
    echo "... the rest is in the step log (the summary is limited to 1 MiB)"
  fi
  echo '```'
  echo
  echo "</details>"
} >>"$summary"
# The full list in the log too: nothing held back is lost.
if [ "$held" -gt 0 ]; then
  echo "All findings:"
  cat "$work/concise"
fi
exit "$rc"
