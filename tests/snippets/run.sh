#!/usr/bin/env bash
# Check every practical block of a bank with its real tool: the block as the reader sees it,
# taken from `qbank render --format json`, never a cleaned-up copy.
#
#   lang bash/sh      shellcheck -s bash
#   lang python       python3 -m py_compile
#   lang javascript   node --check (.mjs when the block imports or exports, else .cjs; k6
#                     scripts import 'k6/...' modules: this parses them, it does not run k6)
#   lang yaml         yamllint (relaxed, no line length); Prometheus rule groups also pass
#                     `promtool check rules`, and a promtool unit test (rule_files + tests)
#                     passes `promtool test rules` against the rule blocks of its question
#   lang promql       `promtool check rules` on the expression wrapped in a recording rule
#   lang sql          a throwaway PostgreSQL cluster on a unix socket with tests/snippets/schema.sql:
#                     every statement that can be planned is EXPLAINed (EXPLAIN ANALYZE is
#                     planned, not run), `\gset` lines and DDL run as written
#
# Blocks no tool here checks (reported as SKIP with their reason, never counted as passed):
#   lang ini   pgbouncer.ini: pgbouncer has no config-check mode; starting it needs the
#              auth file and the upstream hosts the block names
#   lang text  redis.conf fragments: redis-server validates a config only by starting a server
#   yaml that is not Prometheus (Kubernetes, Argo Rollouts, Spring, GitHub Actions,
#              prometheus-adapter) is checked as YAML only: no API server or schema here
#   javascript is parsed only: its imports (k6, ioredis, pg, socket.io) are not resolved
#
# Usage: tests/snippets/run.sh [BANK_DIR]   (default content/performance-engineering)
set -euo pipefail
cd "$(dirname "$0")/../.."
bank=${1:-content/performance-engineering}

for tool in shellcheck promtool yamllint node python3 psql; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (.ci/run installs it)" >&2; exit 2; }
done
pgbin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "error: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 2; }

work=$(mktemp -d)
pgdata="$work/pg"
cleanup() {
  if [ -f "$pgdata/postmaster.pid" ]; then as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: in CI (root) the cluster belongs to the postgres user.
if [ "$(id -u)" -eq 0 ]; then
  as_pg() { (cd "$work" && runuser -u postgres -- "$@"); }
else
  as_pg() { "$@"; }
fi

cargo run --quiet --locked -- render --format json "$bank" > "$work/bank.json"
python3 tests/snippets/extract.py "$work/bank.json" "$work/blocks" > "$work/manifest"

start_postgres() {
  mkdir -p "$pgdata" "$work/sock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$pgdata" "$work/sock" && chmod 755 "$work"
  as_pg "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$work/sock/pg.log" -w -o \
    "-c listen_addresses='' -k $work/sock -c shared_preload_libraries=pg_stat_statements" start >/dev/null
  as_pg psql -h "$work/sock" -U postgres -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE snippets_template' >/dev/null
  as_pg psql -h "$work/sock" -U postgres -X -q -v ON_ERROR_STOP=1 -d snippets_template <tests/snippets/schema.sql >/dev/null
}

yamllint_config='{extends: relaxed, rules: {line-length: disable}}'

# One block, one tool: exit status 0 when the tool accepts the block.
check_block() {
  local kind=$1 file=$2
  case "$kind" in
    shellcheck) shellcheck -s bash "$file" ;;
    python) python3 -m py_compile "$file" ;;
    node) node --check "$file" ;;
    yamllint) yamllint -d "$yamllint_config" "$file" ;;
    promtool-rules) yamllint -d "$yamllint_config" "$file" && promtool check rules "$file" ;;
    promtool-test)
      (cd "$(dirname "$file")" && yamllint -d "$yamllint_config" . && promtool test rules test.yaml) ;;
    promql)
      local rules="${file%.promql}.rules.yaml"
      { printf 'groups:\n  - name: snippet\n    rules:\n      - record: snippet:check\n        expr: |\n'
        sed 's/^/          /' "$file"; } >"$rules"
      promtool check rules "$rules" ;;
    postgres)
      db=$((db + 1))
      as_pg psql -h "$work/sock" -U postgres -X -q -c "CREATE DATABASE snippet_$db TEMPLATE snippets_template" &&
        as_pg psql -h "$work/sock" -U postgres -X -q -v ON_ERROR_STOP=1 -d "snippet_$db" <"${file%.sql}.psql" ;;
    *) echo "unknown checker kind $kind"; return 2 ;;
  esac
}

pass=0 fail=0 skip=0 db=0
while IFS=$'\t' read -r qid k lang kind file <&3; do
  label="$qid block $k ($lang)"
  if [ "$kind" = none ]; then
    echo "SKIP  $label: no tool here checks this language"
    skip=$((skip + 1))
    continue
  fi
  if [ "$kind" = postgres ] && [ ! -d "$pgdata" ]; then start_postgres; fi
  if check_block "$kind" "$file" >"$work/out" 2>&1; then
    echo "ok    $label: $kind"
    pass=$((pass + 1))
  else
    echo "FAIL  $label: $kind"
    sed 's/^/      /' "$work/out"
    fail=$((fail + 1))
  fi
done 3<"$work/manifest"

echo "snippets: $pass passed, $fail failed, $skip skipped (no tool)"
[ "$fail" -eq 0 ]
