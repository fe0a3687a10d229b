#!/usr/bin/env python3
"""Writes the per-gate fixture banks under tests/fixtures/gates/.

Usage: python3 scripts/gen-gate-fixtures.py [--check]

For each of the twenty gates (folder = the gate's kebab name) this writes at least a
`pass/` and a `fail/` case, plus boundary and WARN cases. Each case is a minimal bank
(bank.yaml, questions/, references/ as needed) that loads cleanly, and an
`expect.txt`:

    # what this case shows
    status: PASS | WARN | FAIL
    diag: relative/path.yaml:LINE[:COL] text the message contains

The harness (tests/cli/gates.rs) runs `qbank check CASE --format json --as-of
2026-11-25` and compares the gate's status and diagnostics. A case only pins the
status of its own gate; other gates may fail.

The script uses the standard library only, its output is deterministic, and it is safe
to re-run: it deletes tests/fixtures/gates/ and writes it again. Expected diagnostic
positions are computed from the YAML text written here, never copied from qbank's
output. With --check it writes nothing and exits 1 when the committed tree differs.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "gates"
AS_OF = "2026-11-25"  # the date the harness passes with --as-of
BANK_TITLE = "Performance Engineering Interview Q&A"

# ---------------------------------------------------------------------------------------
# A small YAML writer for the bank model (mappings, lists, scalars).
# ---------------------------------------------------------------------------------------

WIDTH = 100


class Raw(str):
    """A scalar written exactly as given (`"2025-09"`, `2026-11-25`)."""


def _plain_ok(s: str) -> bool:
    if not s or s != s.strip() or "\n" in s or "\t" in s:
        return False
    if s[0] in "-?:,[]{}#&*!|>'\"%@`":
        return False
    if ": " in s or " #" in s or s.endswith(":"):
        return False
    if re.fullmatch(r"[-+]?(\d[\d_,]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?", s):
        return False
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", s):
        return False
    if s.lower() in {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}:
        return False
    return True


def _flow_ok(s: str) -> bool:
    return _plain_ok(s) and not any(c in s for c in ",[]{}")


def _dq(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _wrap(s: str, width: int) -> list[str]:
    """Words of `s` in lines of at most `width`, never breaking inside [brackets] or
    between a number and its unit."""
    tokens: list[str] = []
    depth = 0
    glue = False
    for word in s.split(" "):
        if (depth > 0 or glue) and tokens:
            tokens[-1] += " " + word
        else:
            tokens.append(word)
        depth += word.count("[") - word.count("]")
        glue = bool(re.fullmatch(r"[$+~-]?\d[\d,.]*", word))
    lines: list[str] = []
    cur = ""
    for t in tokens:
        if cur and len(cur) + 1 + len(t) > width:
            lines.append(cur)
            cur = t
        else:
            cur = f"{cur} {t}" if cur else t
    if cur:
        lines.append(cur)
    return lines


def _emit_str(pre: str, s: str, indent: int) -> list[str]:
    pad = " " * (indent + 2)
    if "\n" in s:
        head = f"{pre} |" if s.endswith("\n") else f"{pre} |-"
        body = [pad + line if line else "" for line in s.rstrip("\n").split("\n")]
        return [head, *body]
    if _plain_ok(s) and len(pre) + 1 + len(s) <= WIDTH:
        return [f"{pre} {s}"]
    if len(pre) + 1 + len(_dq(s)) <= WIDTH or s == "":
        return [f"{pre} {_dq(s)}"]
    assert "  " not in s, f"double space would not survive folding: {s!r}"
    return [f"{pre} >-", *(pad + line for line in _wrap(s, WIDTH - len(pad)))]


def _emit_map(d: dict, indent: int) -> list[str]:
    out: list[str] = []
    sp = " " * indent
    for k, v in d.items():
        if v is None or (isinstance(v, list) and not v):
            continue
        pre = f"{sp}{k}:"
        if isinstance(v, Raw):
            out.append(f"{pre} {v}")
        elif isinstance(v, bool):
            out.append(f"{pre} {'true' if v else 'false'}")
        elif isinstance(v, int):
            out.append(f"{pre} {v}")
        elif isinstance(v, str):
            out.extend(_emit_str(pre, v, indent))
        elif isinstance(v, list) and all(isinstance(x, str) for x in v):
            flow = f"{pre} [{', '.join(v)}]"
            if all(_flow_ok(x) for x in v) and len(flow) <= WIDTH:
                out.append(flow)
            else:
                out.append(pre)
                for x in v:
                    out.extend(_emit_str(f"{sp}  -", x, indent + 2))
        elif isinstance(v, list):
            out.append(pre)
            for item in v:
                out.extend(_emit_item(item, indent + 2))
        elif isinstance(v, dict):
            out.append(pre)
            out.extend(_emit_map(v, indent + 2))
        else:
            raise TypeError(f"cannot write {k}: {v!r}")
    return out


def _emit_item(d: dict, indent: int) -> list[str]:
    lines = _emit_map(d, indent + 2)
    first = lines[0]
    lines[0] = " " * indent + "- " + first[indent + 2 :]
    return lines


def yaml_doc(d: dict, schema: str | None = None) -> str:
    head = [f"# yaml-language-server: $schema={schema}"] if schema else []
    return "\n".join(head + _emit_map(d, 0)) + "\n"


def yaml_list(items: list[dict], schema: str | None = None) -> str:
    out = [f"# yaml-language-server: $schema={schema}"] if schema else []
    for i, item in enumerate(items):
        if i:
            out.append("")
        out.extend(_emit_item(item, 0))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------
# Text measures that mirror src/text (used to assert what the fixtures claim).
# ---------------------------------------------------------------------------------------


def word_count(text: str) -> int:
    """src/text::word_count on text without code: runs holding a letter or digit."""
    count = 0
    for token in text.split():
        in_word = False
        for c in token:
            if c.isalnum():
                if not in_word:
                    count += 1
                    in_word = True
    return count


def line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    return line, col


# ---------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------

SCHEMA_UP = "../../../../../schemas"  # from tests/fixtures/gates/<gate>/<case>/
SCHEMA_UP2 = "../../../../../../schemas"  # from .../<case>/questions/ or references/


class Case:
    def __init__(self, gate: str, name: str, about: str, status: str):
        assert status in ("PASS", "WARN", "FAIL")
        self.gate, self.name, self.about, self.status = gate, name, about, status
        self.files: dict[str, str] = {}
        self.diags: list[str] = []

    # -- writing ------------------------------------------------------------------------
    def bank(self, clusters: list[str], title: str = BANK_TITLE, constraints: str | None = None):
        scope = {
            "domain": ["Web services", "Microservices", "Data-intensive platforms"],
            "audience": ["Performance Engineers", "SREs", "Backend Developers"],
            "constraints": constraints,
        }
        meta = {
            "title": title,
            "slug": f"{self.gate}-{self.name}",
            "as_of": Raw(AS_OF),
            "rubric": "default",
            "scope": scope,
            "clusters": [{"id": c, "title": CLUSTER_TITLES[c]} for c in clusters],
        }
        self.files["bank.yaml"] = yaml_doc(meta, f"{SCHEMA_UP}/bank.schema.json")

    def questions(self, qs: list[dict], clusters: list[str] | None = None, **bank_kw):
        """Writes the questions and a bank.yaml declaring their clusters (pool order)."""
        used = clusters or [c for c in CLUSTER_TITLES if any(q["cluster"] == c for q in qs)]
        self.bank(used, **bank_kw)
        for q in qs:
            rel = f"questions/{q['id']}.yaml"
            assert rel not in self.files, rel
            self.files[rel] = question_yaml(q)

    def refs(self, kind: str, items: list[dict]):
        schema = {"glossary": "glossary", "tools": "tools"}.get(kind, "sources")
        self.files[f"references/{kind}.yaml"] = yaml_list(items, f"{SCHEMA_UP2}/{schema}.schema.json")

    # -- expected diagnostics -----------------------------------------------------------
    def value_at(self, rel: str, key: str, nth: int = 0) -> tuple[int, int, int]:
        """(line, col, offset) of the value of the nth `key:` in `rel`; a block scalar's
        value starts on its first content line."""
        text = self.files[rel]
        lines = text.split("\n")
        seen = 0
        offset = 0
        for i, l in enumerate(lines):
            m = re.match(r"^(\s*)(?:- )?" + re.escape(key) + r":(?: (.*))?$", l)
            if m:
                if seen == nth:
                    rest = m.group(2) or ""
                    if rest.startswith(("|", ">")):
                        nxt = lines[i + 1]
                        col = len(nxt) - len(nxt.lstrip()) + 1
                        return i + 2, col, offset + len(l) + 1 + col - 1
                    return i + 1, m.start(2) + 1, offset + m.start(2)
                seen += 1
            offset += len(l) + 1
        raise KeyError(f"{self.gate}/{self.name}: no `{key}:` #{nth} in {rel}")

    def at_value(self, rel: str, key: str, nth: int = 0) -> str:
        line, col, _ = self.value_at(rel, key, nth)
        return f"{rel}:{line}:{col}"

    def at_text(self, rel: str, needle: str, key: str | None = None, nth: int = 0) -> str:
        """Where `needle` first appears after the value of `key` (or in the whole file)."""
        text = self.files[rel]
        start = self.value_at(rel, key, nth)[2] if key else 0
        at = text.find(needle, start)
        assert at >= 0, f"{self.gate}/{self.name}: `{needle}` not in {rel}"
        line, col = line_col(text, at)
        return f"{rel}:{line}:{col}"

    def diag(self, place: str, text: str):
        rel = place.split(":")[0]
        assert rel in self.files, f"{self.gate}/{self.name}: diag names unknown file {rel}"
        self.diags.append(f"diag: {place} {text}".rstrip())

    # -- output -------------------------------------------------------------------------
    def expect(self) -> str:
        out = [f"# {self.about}", f"status: {self.status}", *self.diags]
        return "\n".join(out) + "\n"

    def write(self, base: Path):
        assert "bank.yaml" in self.files
        if self.name == "fail":
            assert self.diags, f"{self.gate}/fail names no diagnostic"
        d = base / self.gate / self.name
        for rel, text in sorted(self.files.items()):
            p = d / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        (d / "expect.txt").write_text(self.expect(), encoding="utf-8")


CASES: list[Case] = []


def case(gate: str, name: str, about: str, status: str) -> Case:
    c = Case(gate, name, about, status)
    CASES.append(c)
    return c


# ---------------------------------------------------------------------------------------
# Content pools: clusters, scenarios, glossary, tools, sources.
# ---------------------------------------------------------------------------------------

CLUSTER_TITLES = {
    "latency": "Latency Optimization",
    "throughput": "Throughput Scaling",
    "database": "Database Performance",
    "caching": "Caching Strategies",
    "load-testing": "Load Testing & Capacity Planning",
    "monitoring": "Monitoring & SLOs",
}

DIFF = {"F": "foundational", "I": "intermediate", "A": "advanced"}


def k6_code(rate: int, stat: str, limit: int, minutes: int, route: str) -> str:
    return f"""import http from 'k6/http';
import {{ check }} from 'k6';

export const options = {{
  scenarios: {{
    steady: {{
      executor: 'constant-arrival-rate',
      rate: {rate}, timeUnit: '1s', duration: '{minutes}m',
      preAllocatedVUs: {max(50, rate // 10)}, maxVUs: {max(200, rate // 2)},
    }},
  }},
  thresholds: {{
    http_req_duration: ['{stat}<{limit}'],
    http_req_failed: ['rate<0.001'],
  }},
}};

export default function () {{
  const res = http.get(`${{__ENV.BASE_URL}}{route}`);
  check(res, {{ 'status is 200': (r) => r.status === 200 }});
}}
"""


def promql_code(record: str, expr: str, alert: str, cond: str, minutes: int) -> str:
    return f"""groups:
  - name: slo-latency
    rules:
      - record: {record}
        expr: |
          {expr}
      - alert: {alert}
        expr: {cond}
        for: {minutes}m
        labels:
          severity: page
        annotations:
          summary: "{alert} for {minutes} minutes"
"""


# Each scenario: the question's place in the matrix, its title, and one sentence per step
# of the performance chain, plus the figures and a practical block.
SCENARIOS = [
    dict(
        slug="api-p99-pool-wait", cluster="latency", diff="A", dims=["latency"],
        phases=["analyze", "optimize"], methods=["profiling", "optimization"], tool="T2",
        title="After a campaign doubled traffic to 4K rps, a product API's p99 rose from 80 ms to 350 ms while CPU stayed at 31%. Find the bottleneck and justify one fix against a p99 < 100 ms SLO.",
        slo="p99 below 100 ms for product reads at 4K rps on 8 pods",
        measure="I profile one pod in wall-clock mode for 60 s with async-profiler and read the pool's pending-thread gauge beside it",
        bottleneck="58% of request wall time is spent waiting for one of 10 pooled database connections, while Little's Law asks for 12 busy connections at 500 rps per pod",
        fix="I raise the pool to 20 connections per pod and set a 250 ms acquire timeout, so a stall returns an error instead of queueing for 30 s",
        fix_short="Doubling the connection pool from 10 to 20 per pod",
        validate="k6 at 4K rps for 30 min must hold p99 under 100 ms with errors below 0.1%, followed by a 10% canary for 24 h",
        metric="p99 latency", unit="ms", before=350, after=68,
        code=("yaml", "HikariCP pool sized for a cold cache, with a short acquire timeout", """spring:
  datasource:
    hikari:
      maximum-pool-size: 20          # 500 rps x 3 queries x 8 ms = 12 busy, 60% utilisation
      minimum-idle: 20               # fixed size: no ramp-up during bursts
      connection-timeout: 250        # ms: a stall becomes an error, not a 30 s queue
      max-lifetime: 1800000          # 30 min
      leak-detection-threshold: 2000 # ms
management:
  metrics:
    distribution:
      percentiles-histogram:
        http.server.requests: true
"""),
    ),
    dict(
        slug="event-loop-blocking", cluster="latency", diff="I", dims=["latency"],
        phases=["measure", "analyze"], methods=["profiling"], tool="T2",
        title="A Node.js gateway serving 2K rps shows a p99 of 900 ms while p50 is 40 ms. Show how you would prove that the event loop is blocked and what you would change.",
        slo="p99 below 200 ms at 2K rps across the gateway's 12 routes",
        measure="I record event-loop delay with monitorEventLoopDelay and take a 60 s CPU profile with --cpu-prof under replayed production traffic",
        bottleneck="synchronous schema validation of 400 KB payloads holds the event loop for up to 700 ms, so every request queued behind it inherits the delay",
        fix="I move validation into a pool of 4 worker threads and compile the schema once at start-up",
        fix_short="Moving schema validation off the event loop into 4 worker threads",
        validate="a replay of 1 h of production traffic must keep event-loop delay p99 under 20 ms and request p99 under 200 ms",
        metric="p99 latency", unit="ms", before=900, after=120,
        code=("bash", "CPU profile and event-loop delay of one gateway instance", """# 60 s CPU profile of one instance under replayed traffic
node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 1000 dist/server.js &
PID=$!
sleep 60 && kill -INT "$PID"
# Event-loop delay percentiles exported by the gateway (perf_hooks.monitorEventLoopDelay)
curl -s localhost:9464/metrics | grep -E '^nodejs_eventloop_lag_p(50|99)_seconds'
# Open the newest profile in Chrome DevTools or speedscope
ls -t /tmp/prof/*.cpuprofile | head -n 1
"""),
    ),
    dict(
        slug="percentile-gap", cluster="latency", diff="F", dims=["latency"],
        phases=["measure"], methods=["monitoring"], tool="T3",
        title="Dashboards show a healthy 45 ms average for a search API, yet users complain about stalls. How do you measure p95 and p99 correctly at 1.5K rps and decide what to fix first?",
        slo="p99 below 250 ms at 1.5K rps, measured at the load balancer",
        measure="I replace the average panel with histogram_quantile over 5 min windows of the request-duration histogram, split by route",
        bottleneck="a 2% slice of queries hits a cold search shard and takes 780 ms, which the 45 ms average hides completely",
        fix="I pre-warm the shard after each deploy and add buckets at 250 ms and 500 ms so the objective's boundary is measured exactly",
        fix_short="Pre-warming the cold shard and watching histogram percentiles instead of averages",
        validate="the p99 panel and a k6 run at 1.5K rps must both stay under 250 ms for 3 consecutive deploys",
        metric="p99 latency", unit="ms", before=780, after=190,
        code=("yaml", "Recording rule for p99 per route and a page when it breaches 250 ms",
              promql_code("route:http_request_duration_seconds:p99_5m",
                          "histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))",
                          "SearchP99AboveObjective", "route:http_request_duration_seconds:p99_5m > 0.25", 10)),
    ),
    dict(
        slug="canary-tls-reuse", cluster="latency", diff="I", dims=["latency"],
        phases=["validate"], methods=["load-testing", "monitoring"], tool="T3",
        title="A latency fix for a checkout service is ready. Design the canary and A/B comparison that proves p99 fell from 240 ms to under 150 ms at 3K rps without raising the error rate.",
        slo="checkout p99 below 150 ms at 3K rps with an error rate under 0.1%",
        measure="I compare a 10% canary cohort with a 10% control cohort over the same hours, using the same request histograms for both",
        bottleneck="a new TLS handshake on every call to the tax service added 90 ms at p99 before the change",
        fix="the change enables keep-alive connection reuse to the tax service with a pool of 50 connections per pod",
        fix_short="Reusing TLS connections to the tax service",
        validate="the canary must show p99 under 150 ms and an error-rate difference below 0.05 points after 24 h, else the rollout aborts automatically",
        metric="p99 latency", unit="ms", before=240, after=130,
        code=("yaml", "Argo Rollouts analysis comparing canary p99 with the 150 ms objective", """apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: checkout-p99
spec:
  metrics:
    - name: p99-latency
      interval: 5m
      failureLimit: 1
      successCondition: result[0] < 0.150
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: |
            histogram_quantile(0.99, sum by (le) (rate(
              http_request_duration_seconds_bucket{app="checkout",track="canary"}[5m])))
"""),
    ),
    dict(
        slug="fanout-hedging", cluster="latency", diff="A", dims=["latency", "scalability"],
        phases=["analyze", "optimize"], methods=["optimization"], tool="T3",
        title="A feed endpoint fans out to 40 backend calls and its p99 is 600 ms, although each backend's p99 is 50 ms. Explain the tail amplification and reduce it.",
        slo="feed p99 below 200 ms at 1.2K rps",
        measure="I trace 1% of feed requests and chart the slowest of the 40 child spans in each request",
        bottleneck="with 40 parallel calls, 1 - 0.99^40 = 33% of requests wait for at least one backend p99, so the slowest child sets the feed's latency",
        fix="I send a hedged request when a child call exceeds the backend p95 of 30 ms, capped at 5% extra backend load",
        fix_short="Hedging child calls after the backend p95 of 30 ms",
        validate="a 2 h load test at 1.2K rps must keep feed p99 under 200 ms while backend load grows by less than 5%",
        metric="p99 latency", unit="ms", before=600, after=140,
        code=("yaml", "Envoy route with hedging on the per-try timeout", """route_config:
  virtual_hosts:
    - name: feed-backends
      domains: ["*"]
      routes:
        - match: { prefix: "/" }
          route:
            cluster: feed-backend
            timeout: 0.25s
            hedge_policy:
              hedge_on_per_try_timeout: true
            retry_policy:
              retry_on: reset,connect-failure
              num_retries: 1
              per_try_timeout: 0.03s
"""),
    ),
    dict(
        slug="max-sustainable-rps", cluster="throughput", diff="I", dims=["throughput"],
        phases=["measure"], methods=["load-testing"], tool="T1",
        title="Find the maximum sustainable throughput of an order service before its p99 of 150 ms is breached, and explain why a closed-loop test overstates it.",
        slo="p99 below 150 ms with errors under 0.5% at the highest sustained rate",
        measure="I run a k6 constant-arrival-rate test that steps from 1K to 5K rps in 500 rps steps of 5 min each",
        bottleneck="at 2.4K rps the payment-client thread pool saturates at 64 threads, and the closed-loop test hid it because its virtual users waited",
        fix="I size the thread pool to 128 and make the payment call asynchronous so threads are not held during the 120 ms remote call",
        fix_short="Making the payment call asynchronous and resizing its thread pool to 128",
        validate="the same step test must hold p99 under 150 ms up to 3.6K rps in 3 runs in a row",
        metric="sustainable throughput", unit="rps", before=2400, after=3600,
        code=("javascript", "k6 step test at a fixed arrival rate", k6_code(3600, "p(99)", 150, 5, "/orders")),
    ),
    dict(
        slug="worker-pool-saturation", cluster="throughput", diff="A", dims=["throughput", "resources"],
        phases=["analyze", "optimize"], methods=["profiling", "optimization"], tool="T2",
        title="An image-processing service plateaus at 800 jobs/s while CPU sits at 45% on 16 cores. Diagnose the saturation point and raise throughput.",
        slo="at least 1,500 jobs/s with a p99 job time below 2 s",
        measure="I profile the workers with async-profiler in lock mode for 60 s and chart queue depth against completed jobs",
        bottleneck="a global lock around the thumbnail cache serialises 70% of the work, so adding cores adds contention, not throughput",
        fix="I replace the global lock with 64 striped locks and move cache writes off the request path",
        fix_short="Replacing one global lock with 64 striped locks",
        validate="a 1 h run at 1,500 jobs/s must keep p99 job time under 2 s with CPU below 80%",
        metric="throughput", unit="jobs/s", before=800, after=1700,
        code=("bash", "Lock and wall-clock profiles of the worker JVM", """PID=$(pgrep -f image-worker.jar)
# Lock contention: which monitors do threads wait on, and for how long
asprof -e lock -d 60 -f /tmp/locks.html "$PID"
# Wall-clock profile to compare waiting with running
asprof -e wall -t -d 60 -f /tmp/wall.html "$PID"
# Queue depth and completed jobs from the service's own metrics
curl -s localhost:8080/metrics | grep -E '^jobs_(queued|completed_total)'
"""),
    ),
    dict(
        slug="batching-writes", cluster="throughput", diff="I", dims=["throughput"],
        phases=["optimize"], methods=["optimization"], tool="T1",
        title="A telemetry ingest API writes each event to PostgreSQL individually and tops out at 5K events/s. Propose batching and async queuing to reach 20K events/s.",
        slo="ingest at least 20K events/s with p99 acknowledgement under 300 ms",
        measure="I measure commit rate, log volume and per-event latency with pg_stat_statements during a 15 min test at 5K events/s",
        bottleneck="every event pays a full commit with an fsync of about 0.2 ms, so the single writer saturates near 5K commits per second",
        fix="I queue events in memory and write them with COPY in batches of 500 or every 50 ms, whichever comes first",
        fix_short="Batching inserts into COPY statements of 500 events",
        validate="a 30 min test at 20K events/s must keep acknowledgement p99 under 300 ms and lose no events after a forced restart",
        metric="ingest rate", unit="events/s", before=5000, after=24000,
        code=("sql", "One COPY per batch instead of one INSERT per event", """-- before: one statement and one commit per event
INSERT INTO events (device_id, ts, payload) VALUES ($1, $2, $3);

-- after: the writer flushes 500 rows or every 50 ms in one transaction
BEGIN;
COPY events (device_id, ts, payload) FROM STDIN WITH (FORMAT binary);
COMMIT;

-- check the commit rate during the test
SELECT xact_commit, now() FROM pg_stat_database WHERE datname = 'telemetry';
"""),
    ),
    dict(
        slug="usl-capacity-fit", cluster="throughput", diff="A", dims=["throughput", "scalability"],
        phases=["analyze"], methods=["scalability", "load-testing"], tool="T1",
        title="Load tests of a pricing service at 4, 8 and 16 pods show shrinking throughput gains. Fit the Universal Scalability Law and decide how many pods reach 12K rps.",
        slo="12K rps with p99 below 120 ms during the yearly sale",
        measure="I load-test 1, 2, 4, 8 and 16 pods and record the peak rate that keeps the objective at each size",
        bottleneck="the fit gives contention of 0.04 and coherency of 0.0008, so throughput peaks near 35 pods, and a shared rate-limiter counter is the coherency term",
        fix="I move the rate-limiter counter to per-pod token buckets, which brings the coherency term down to 0.0001",
        fix_short="Removing the shared rate-limiter counter",
        validate="a 24-pod test must reach 12K rps at p99 under 120 ms, within 10% of the model's prediction",
        metric="peak throughput", unit="rps", before=7800, after=13500,
        code=("python", "Least-squares fit of the scalability law to measured peaks", """import numpy as np
from scipy.optimize import curve_fit

pods = np.array([1, 2, 4, 8, 16])
rps = np.array([720, 1400, 2650, 4700, 7100])   # peak rate at p99 < 120 ms

def usl(n, alpha, beta, lam):
    return lam * n / (1 + alpha * (n - 1) + beta * n * (n - 1))

(alpha, beta, lam), _ = curve_fit(usl, pods, rps, p0=[0.01, 0.0001, 700])
peak = np.sqrt((1 - alpha) / beta)
print(f"alpha={alpha:.3f} beta={beta:.5f} peak at {peak:.0f} pods")
"""),
    ),
    dict(
        slug="hpa-rps-signal", cluster="throughput", diff="I", dims=["scalability"],
        phases=["optimize"], methods=["scalability", "monitoring"], tool="T3",
        title="Autoscaling on CPU reacts 3 minutes late to traffic bursts on a stateless API. Redesign the scaling signal so p99 stays under 200 ms during 3x bursts.",
        slo="p99 below 200 ms during bursts from 2K to 6K rps",
        measure="I overlay per-pod request rate, CPU and ready replicas from Prometheus for the last 10 bursts",
        bottleneck="CPU lags the request rate by 90 s and pods need 60 s to become ready, so saturation arrives before new capacity",
        fix="I scale on requests per second per pod with a target of 250 and keep 2 warm spare pods",
        fix_short="Scaling on requests per pod instead of CPU",
        validate="a k6 spike from 2K to 6K rps in 60 s must keep p99 under 200 ms with no dropped requests",
        metric="p99 latency during bursts", unit="ms", before=1400, after=180,
        code=("yaml", "Autoscaler on requests per second per pod", """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
  minReplicas: 10
  maxReplicas: 40
  metrics:
    - type: Pods
      pods:
        metric: { name: http_requests_per_second }
        target: { type: AverageValue, averageValue: "250" }
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      policies: [{ type: Percent, value: 100, periodSeconds: 15 }]
"""),
    ),
    dict(
        slug="n-plus-one-history", cluster="database", diff="F", dims=["latency", "resources"],
        phases=["analyze"], methods=["optimization"], tool="T3",
        title="An order-history page issues 120 queries per request and takes 1.8 s at p95. Find the N+1 pattern and fix it without changing the public API.",
        slo="p95 below 400 ms for the order-history page at 300 rps",
        measure="I enable the query log for 100 sampled requests and group statements by their normalised text",
        bottleneck="one query per order line loads product names, so a page of 40 orders with 3 lines each issues 120 round trips",
        fix="I load the lines and products with one join through eager loading, which leaves 2 queries per page",
        fix_short="Replacing 120 per-line queries with one eager-loaded join",
        validate="the page test at 300 rps must show p95 under 400 ms and at most 3 queries per request",
        metric="p95 latency", unit="ms", before=1800, after=210,
        code=("sql", "The repeated per-line query and the single join that replaces it", """-- before: issued once per order line (120 times per page)
SELECT name, price FROM products WHERE id = $1;

-- after: one query for the page
SELECT o.id, l.quantity, p.name, p.price
FROM orders o
JOIN order_lines l ON l.order_id = o.id
JOIN products p ON p.id = l.product_id
WHERE o.customer_id = $1
ORDER BY o.created_at DESC
LIMIT 40;
"""),
    ),
    dict(
        slug="partial-index-tickets", cluster="database", diff="I", dims=["resources"],
        phases=["analyze", "optimize"], methods=["optimization"], tool="T3",
        title="A support dashboard query scans 40M ticket rows to show 2K open tickets and takes 2.3 s. Use the query plan to design an index and quantify the gain.",
        slo="dashboard query below 50 ms at p95 during business hours",
        measure="I run the query plan with ANALYZE and BUFFERS on production parameters and read the rows removed by the filter",
        bottleneck="a sequential scan reads 40M rows and discards 99.99% of them, costing 1.1M buffer reads per call",
        fix="I create a partial index on team and update time restricted to open tickets, which holds only the 2K open rows",
        fix_short="A partial index over the 2K open tickets",
        validate="the plan must show an index scan with under 100 buffer reads, and p95 must stay under 50 ms for 7 days",
        metric="query time p95", unit="ms", before=2300, after=4,
        code=("sql", "Plan before and after a partial index on open tickets", """EXPLAIN (ANALYZE, BUFFERS)
SELECT id, subject, updated_at
FROM tickets
WHERE status = 'open' AND team_id = 42
ORDER BY updated_at DESC
LIMIT 50;

CREATE INDEX CONCURRENTLY tickets_open_team_updated
  ON tickets (team_id, updated_at DESC)
  WHERE status = 'open';
"""),
    ),
    dict(
        slug="pool-sizing-pgbouncer", cluster="database", diff="A", dims=["scalability", "resources"],
        phases=["optimize"], methods=["optimization", "scalability"], tool="T3",
        title="After scaling checkout to 60 pods, PostgreSQL hits its 500-connection limit and p99 spikes. Size the connection pools and decide whether to add a pooler.",
        slo="checkout p99 below 250 ms at 6K rps with no connection errors",
        measure="I chart active, idle and waiting connections per pod from pg_stat_activity samples taken every 10 s",
        bottleneck="60 pods with pools of 10 open 600 connections while only 45 are active at peak, so idle connections exhaust the limit of 500",
        fix="I introduce PgBouncer in transaction mode with 80 server connections and shrink the per-pod pool to 4",
        fix_short="Transaction pooling through PgBouncer with 80 server connections",
        validate="a 6K rps test must keep p99 under 250 ms with zero connection errors and under 100 server connections",
        metric="server connections", unit="connections", before=600, after=80,
        code=("ini", "PgBouncer in transaction mode in front of the primary", """[databases]
checkout = host=pg-primary.internal port=5432 dbname=checkout

[pgbouncer]
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 80
reserve_pool_size = 10
reserve_pool_timeout = 2
server_idle_timeout = 60
"""),
    ),
    dict(
        slug="replicas-vs-sharding", cluster="database", diff="A", dims=["scalability"],
        phases=["analyze", "optimize"], methods=["scalability"], tool="T3",
        title="A marketplace database at 85% CPU must absorb 3x growth within 12 months. Compare read replicas with sharding and choose, with the numbers behind the choice.",
        slo="p99 below 150 ms for reads and 250 ms for writes at 3x today's 9K rps",
        measure="I split database time by statement type and find that 82% of it goes to reads",
        bottleneck="the primary's CPU is the limiting factor, and read queries from search pages consume most of it",
        fix="I add 2 read replicas for search traffic and keep sharding as the plan for when writes pass 60% of the primary",
        fix_short="Two read replicas for search reads",
        validate="a replayed 3x load must keep primary CPU under 60% and replica lag under 1 s",
        metric="primary CPU at peak", unit="%", before=85, after=38,
        code=("sql", "Share of database time by statement type", """SELECT
  CASE WHEN query ILIKE 'select%' THEN 'read' ELSE 'write' END AS kind,
  round(sum(total_exec_time)::numeric / 1000) AS seconds,
  round(100 * sum(total_exec_time) / (SELECT sum(total_exec_time) FROM pg_stat_statements)) AS pct
FROM pg_stat_statements
GROUP BY 1
ORDER BY 2 DESC;
"""),
    ),
    dict(
        slug="partition-validation", cluster="database", diff="I", dims=["resources", "latency"],
        phases=["validate"], methods=["optimization"], tool="T3",
        title="After partitioning a 2 TB telemetry table by month, how do you validate that p95 query time fell from 4 s to under 500 ms and that writes did not regress?",
        slo="p95 below 500 ms for 30-day dashboards and write p99 below 20 ms",
        measure="I replay 1 day of logged dashboard queries against the old and new tables on identical hardware",
        bottleneck="before partitioning, each 30-day query walked index pages covering 24 months of data",
        fix="monthly partitions with partition pruning limit each query to 1 or 2 partitions",
        fix_short="Monthly partitions with pruning",
        validate="the plan must show pruning to at most 2 partitions, replayed p95 must be under 500 ms, and insert p99 must stay under 20 ms",
        metric="query time p95", unit="ms", before=4000, after=380,
        code=("sql", "Monthly partitions and a pruning check", """CREATE TABLE readings (
  device_id bigint NOT NULL,
  ts timestamptz NOT NULL,
  value double precision
) PARTITION BY RANGE (ts);

CREATE TABLE readings_2026_10 PARTITION OF readings
  FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');

EXPLAIN SELECT avg(value) FROM readings
WHERE device_id = 7 AND ts > now() - interval '30 days';
"""),
    ),
    dict(
        slug="cache-aside-catalog", cluster="caching", diff="I", dims=["latency", "throughput"],
        phases=["optimize"], methods=["caching"], tool="T3",
        title="A catalog service serves 6K rps of reads with an 80 ms p99 straight from the database. Design a cache-aside layer that reaches a 95% hit rate and keeps prices correct.",
        slo="catalog p99 below 30 ms at 6K rps, with prices never more than 5 s stale",
        measure="I log key access frequencies for 1 h and find that 8% of products receive 90% of reads",
        bottleneck="every read pays a 12 ms database round trip, and the database runs at 70% CPU at peak",
        fix="I add cache-aside in Redis with a 10 min expiry for descriptions and event-driven invalidation for prices",
        fix_short="Cache-aside in Redis with event-driven price invalidation",
        validate="a k6 run at 6K rps must show a hit rate above 95%, p99 under 30 ms and no price older than 5 s",
        metric="p99 latency", unit="ms", before=80, after=9,
        code=("python", "Cache-aside read with jittered expiry", """import json, random
import redis

r = redis.Redis(host="redis-catalog", socket_timeout=0.05)

def get_product(product_id, db):
    key = f"product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    row = db.fetch_product(product_id)          # 12 ms at p50
    ttl = int(600 * random.uniform(0.9, 1.1))   # 10 min +/- 10%
    r.set(key, json.dumps(row), ex=ttl)
    return row
"""),
    ),
    dict(
        slug="cache-offload-load-test", cluster="caching", diff="I", dims=["throughput"],
        phases=["validate"], methods=["caching", "load-testing"], tool="T1",
        title="You added Redis in front of a product API. Design the load test that proves the database offload and the p99 gain, including the cold-cache case.",
        slo="p99 below 100 ms at 4K rps, and below 150 ms with an empty cache",
        measure="I record database queries per second, hit rate and p99 for warm and cold runs of 30 min each",
        bottleneck="with a cold cache every request falls through, so database CPU is the limiting factor for the first 5 min",
        fix="I add request coalescing and a 5 min warm-up ramp so a cold start does not overload the database",
        fix_short="Request coalescing with a warm-up ramp",
        validate="the warm run must hold p99 under 100 ms and the cold run under 150 ms, both with errors below 0.1%",
        metric="database load", unit="qps", before=12000, after=1100,
        code=("javascript", "k6 warm-cache run at 4K rps", k6_code(4000, "p(99)", 100, 30, "/products/42")),
    ),
    dict(
        slug="redis-memory-lfu", cluster="caching", diff="I", dims=["resources"],
        phases=["measure", "analyze"], methods=["caching", "monitoring"], tool="T3",
        title="A 16 GB Redis cache evicts hot keys and its hit rate fell from 93% to 71%. Analyse memory use and choose an eviction policy.",
        slo="hit rate above 90% with memory below 85% of the configured maximum",
        measure="I sample keys with redis-cli in bigkeys and memkeys mode and chart evictions per second against hit rate",
        bottleneck="a batch job writes 4 GB of one-off report keys without an expiry, and the allkeys-lru policy evicts hot product keys to make room",
        fix="I give report keys a 1 h expiry in a separate instance and switch the cache to allkeys-lfu",
        fix_short="Switching to allkeys-lfu and expiring one-off keys",
        validate="over 7 days the hit rate must stay above 90% with evictions below 10 per second",
        metric="hit rate", unit="%", before=71, after=94,
        code=("bash", "Where the memory goes and what gets evicted", """redis-cli -h redis-cache --bigkeys -i 0.01
redis-cli -h redis-cache --memkeys --memkeys-samples 100
redis-cli -h redis-cache INFO stats | grep -E 'evicted_keys|keyspace_(hits|misses)'
redis-cli -h redis-cache CONFIG SET maxmemory-policy allkeys-lfu
redis-cli -h redis-cache CONFIG GET maxmemory
"""),
    ),
    dict(
        slug="cache-stampede", cluster="caching", diff="A", dims=["latency", "resources"],
        phases=["optimize"], methods=["caching"], tool="T3",
        title="Each hour, when a popular key expires, 3K concurrent misses reach the database and p99 jumps to 2 s. Prevent the stampede.",
        slo="p99 below 120 ms at every hour boundary",
        measure="I correlate key expiry times with database connection spikes over 24 h of metrics",
        bottleneck="all copies of the key expire in the same second, so 3K requests rebuild the same value at once",
        fix="I add single-flight loading per key, 10% expiry jitter and early refresh when less than 30 s of life remain",
        fix_short="Single-flight loading with expiry jitter and early refresh",
        validate="a test that expires the 100 hottest keys at 4K rps must keep p99 under 120 ms",
        metric="p99 latency", unit="ms", before=2000, after=95,
        code=("go", "Single-flight loading: one rebuild per key", """var group singleflight.Group

// Get returns the cached value; on a miss only one caller per key rebuilds it.
func Get(ctx context.Context, key string) ([]byte, error) {
    if v, err := rdb.Get(ctx, key).Bytes(); err == nil {
        return v, nil
    }
    v, err, _ := group.Do(key, func() (any, error) {
        row, err := loadFromDB(ctx, key)
        if err != nil {
            return nil, err
        }
        jitter := time.Duration(rand.Int63n(int64(6 * time.Minute)))
        return row, rdb.Set(ctx, key, row, time.Hour+jitter).Err()
    })
    if err != nil {
        return nil, err
    }
    return v.([]byte), nil
}
"""),
    ),
    dict(
        slug="two-tier-invalidation", cluster="caching", diff="A", dims=["scalability"],
        phases=["optimize", "validate"], methods=["caching"], tool="T3",
        title="A two-tier cache of in-process maps plus Redis serves stale prices for up to 10 minutes after updates. Design invalidation that keeps staleness under 2 s at 8K rps.",
        slo="price staleness below 2 s at p99 with catalog p99 below 40 ms at 8K rps",
        measure="I run a probe that updates a test price every minute and measures how long each of 30 pods serves the old value",
        bottleneck="in-process entries live for 10 min and nothing tells the 30 pods that a price changed",
        fix="I publish invalidation events on a Redis channel and cap in-process entries at 30 s as a fallback",
        fix_short="Published invalidation events with a 30 s fallback expiry",
        validate="the probe must report staleness p99 under 2 s for 7 days, including a test where the channel drops messages",
        metric="price staleness p99", unit="s", before=600, after=1,
        code=("python", "Invalidate the in-process tier when a price changes", """import threading
import redis
from cachetools import TTLCache

local = TTLCache(maxsize=50_000, ttl=30)     # fallback: 30 s at most
r = redis.Redis(host="redis-catalog")

def listen():
    sub = r.pubsub()
    sub.subscribe("price-updates")
    for msg in sub.listen():
        if msg["type"] == "message":
            local.pop(msg["data"].decode(), None)

threading.Thread(target=listen, daemon=True).start()
"""),
    ),
    dict(
        slug="k6-ci-gate", cluster="load-testing", diff="F", dims=["latency"],
        phases=["validate"], methods=["load-testing"], tool="T1",
        title="Add a performance gate to CI so that a pull request raising p95 by more than 10% at 500 rps fails the build. Write the test and its thresholds.",
        slo="p95 below 120 ms at 500 rps for the 5 busiest routes",
        measure="I run the same k6 scenario on every merge to main to build a baseline of 20 runs",
        bottleneck="run-to-run noise of 6% means a gate tighter than 10% would fail good builds",
        fix="I add a k6 job with thresholds on p95 and error rate that compares each run with the stored baseline",
        fix_short="A k6 gate in CI with thresholds against a stored baseline",
        validate="a deliberate 20 ms sleep in a test branch must fail the gate, and 10 unchanged builds must pass",
        metric="regressions reaching production", unit="per quarter", before=6, after=1,
        code=("javascript", "k6 thresholds that fail the CI job", k6_code(500, "p(95)", 120, 3, "/search?q=shoes")),
    ),
    dict(
        slug="login-spike-test", cluster="load-testing", diff="I", dims=["throughput", "scalability"],
        phases=["validate"], methods=["load-testing"], tool="T1",
        title="A login service must survive a 10x spike from 300 to 3K rps within 60 s at 09:00. Design the spike test and state its pass criteria.",
        slo="login p99 below 300 ms and errors below 1% during the spike",
        measure="I replay the 09:00 arrival curve with a ramping arrival-rate scenario and record per-second percentiles",
        bottleneck="password hashing with a cost factor of 12 saturates CPU at 1.8K rps on 10 pods",
        fix="I pre-scale to 18 pods at 08:50 and check returning users with a signed token that needs no hash",
        fix_short="Scheduled pre-scaling plus token checks for returning users",
        validate="the spike test must hold p99 under 300 ms and errors under 1% in 3 runs",
        metric="login p99 during the spike", unit="ms", before=2600, after=240,
        code=("javascript", "k6 spike from 300 to 3K rps in 60 s", """import http from 'k6/http';

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: 300, timeUnit: '1s', preAllocatedVUs: 500, maxVUs: 3000,
      stages: [
        { target: 3000, duration: '60s' },
        { target: 3000, duration: '10m' },
        { target: 300, duration: '60s' },
      ],
    },
  },
  thresholds: { http_req_duration: ['p(99)<300'], http_req_failed: ['rate<0.01'] },
};

export default function () {
  http.post(`${__ENV.BASE_URL}/login`, JSON.stringify({ user: 'u', password: 'p' }));
}
"""),
    ),
    dict(
        slug="soak-test-leak", cluster="load-testing", diff="I", dims=["resources"],
        phases=["measure"], methods=["load-testing", "monitoring"], tool="T1",
        title="A JVM service passes 30-minute load tests but its pods restart after 9 hours. Design a soak test that exposes the leak and the metrics that confirm it.",
        slo="no restarts and heap after full collection below 60% over 24 h at 1K rps",
        measure="I run a 12 h soak at 1K rps and chart old-generation heap after each full collection",
        bottleneck="a per-tenant metrics map grows by 40 MB per hour because tenant labels are never evicted",
        fix="I bound the map to 5K entries with least-recently-used eviction and drop unbounded labels",
        fix_short="Bounding the per-tenant metrics map to 5K entries",
        validate="a 24 h soak must show heap after full collection flat within 5% and no restarts",
        metric="heap growth", unit="MB/h", before=40, after=1,
        code=("javascript", "k6 soak at 1K rps for 12 hours", k6_code(1000, "p(99)", 200, 720, "/reports")),
    ),
    dict(
        slug="capacity-plan-10x", cluster="load-testing", diff="A", dims=["scalability", "resources"],
        phases=["analyze", "validate"], methods=["scalability", "load-testing"], tool="T1",
        title="Plan capacity for 10x traffic on a payments API that runs at 1K rps on 6 pods, with a cost estimate and the test that validates the model.",
        slo="p99 below 250 ms at 10K rps with 30% headroom",
        measure="I measure the peak rate per pod at the objective with a step test and find 220 rps per pod",
        bottleneck="the fraud-scoring call is the limiting factor at 220 rps per pod, and the database reaches 70% CPU at 6K rps",
        fix="I plan 65 pods, a larger database instance and a second fraud-scoring cluster for $18K per month",
        fix_short="A measured per-pod limit of 220 rps and a 65-pod plan",
        validate="a 10K rps test in a production-sized environment must confirm the model within 10%",
        metric="tested capacity", unit="rps", before=1300, after=13000,
        code=("python", "Pods and cost for 10x traffic with 30% headroom", """import math

target_rps = 10_000
per_pod_rps = 220          # measured at p99 < 250 ms
headroom = 0.30
pods = math.ceil(target_rps / per_pod_rps / (1 - headroom))
monthly = pods * 190 + 4_200 + 1_400   # pods, database, fraud scoring
print(f"{pods} pods, about ${monthly:,} per month")
"""),
    ),
    dict(
        slug="coordinated-omission", cluster="load-testing", diff="F", dims=["latency"],
        phases=["measure"], methods=["load-testing"], tool="T1",
        title="Your load generator reports a p99 of 60 ms, but production shows 400 ms at the same 2K rps. Explain coordinated omission and fix the test.",
        slo="p99 below 200 ms at 2K rps",
        measure="I compare the closed-loop tool's histogram with production histograms for the same hour",
        bottleneck="the closed-loop generator waits for each response before sending the next, so requests that would arrive during a stall are never sent or timed",
        fix="I switch to an open-model constant-arrival-rate executor so requests are scheduled independently of responses",
        fix_short="Switching the test to an open-model arrival rate",
        validate="the corrected test must report p99 within 10% of production over 3 runs",
        metric="gap between test and production p99", unit="ms", before=340, after=25,
        code=("javascript", "Open-model k6 test at 2K rps", k6_code(2000, "p(99)", 200, 10, "/api/items")),
    ),
    dict(
        slug="latency-sli-histograms", cluster="monitoring", diff="F", dims=["latency"],
        phases=["measure"], methods=["monitoring"], tool="T3",
        title="A payment API needs a latency SLI built from Prometheus histograms so that its p99 below 300 ms objective can be alerted on reliably. Design the indicator and its alert.",
        slo="99% of payment requests complete in under 300 ms over 28 days",
        measure="I count requests below the 300 ms bucket boundary and divide by all requests, using rates over 5 min",
        bottleneck="the histogram had no bucket at 300 ms, so the indicator was interpolated between 250 ms and 500 ms",
        fix="I add buckets at 200, 300 and 400 ms and define the indicator as a ratio of counters",
        fix_short="Adding a histogram bucket at the 300 ms boundary",
        validate="the indicator must agree within 0.1 points with access-log percentiles over 7 days",
        metric="false pages", unit="per month", before=12, after=2,
        code=("yaml", "Latency indicator as a ratio of histogram counters",
              promql_code("payment:latency_sli:ratio_rate5m",
                          'sum(rate(http_request_duration_seconds_bucket{job="payment",le="0.3"}[5m])) / sum(rate(http_request_duration_seconds_count{job="payment"}[5m]))',
                          "PaymentLatencyBudgetBurn", "payment:latency_sli:ratio_rate5m < 0.99", 15)),
    ),
    dict(
        slug="saturation-dashboard", cluster="monitoring", diff="I", dims=["resources"],
        phases=["measure"], methods=["monitoring"], tool="T3",
        title="Build a saturation dashboard for a 40-node service that shows which resource runs out first as load approaches 20K rps.",
        slo="p99 below 150 ms up to 20K rps",
        measure="I chart utilisation, saturation and errors for CPU, memory, disk and network on each node from Prometheus",
        bottleneck="network receive queues on 6 nodes saturate at 14K rps while CPU is still at 55%",
        fix="I raise the network card's queue count from 4 to 16 and spread interrupts across cores",
        fix_short="Spreading network interrupts across 16 queues",
        validate="a step test to 20K rps must show no receive-queue drops and p99 under 150 ms",
        metric="rate at first saturation", unit="rps", before=14000, after=21000,
        code=("yaml", "Saturation signals per resource as recording rules", """groups:
  - name: saturation
    rules:
      - record: node:cpu_saturation:load1_per_cpu
        expr: node_load1 / count without (cpu, mode) (node_cpu_seconds_total{mode="idle"})
      - record: node:memory_saturation:major_faults_rate5m
        expr: rate(node_vmstat_pgmajfault[5m])
      - record: node:disk_saturation:io_time_weighted_rate5m
        expr: rate(node_disk_io_time_weighted_seconds_total[5m])
      - record: node:network_saturation:drops_rate5m
        expr: rate(node_network_receive_drop_total[5m])
"""),
    ),
    dict(
        slug="burn-rate-alerts", cluster="monitoring", diff="I", dims=["latency"],
        phases=["validate"], methods=["monitoring"], tool="T3",
        title="Replace a noisy static p99 alert with multi-window burn-rate alerts for a 99.9% availability SLO. Show the rules and their expected paging volume.",
        slo="99.9% of requests succeed over 30 days, an error budget of 43 min",
        measure="I replay 90 days of error-rate history against both alerting schemes",
        bottleneck="the static alert fired on 1 min blips, giving 30 pages per month of which 26 needed no action",
        fix="I page on burn rates of 14.4 over 1 h and 5 min and open a ticket on a rate of 1 over 3 days",
        fix_short="Multi-window burn-rate alerts",
        validate="the replay must catch all 4 real incidents of the 90 days with no more than 3 pages per month",
        metric="pages", unit="per month", before=30, after=3,
        code=("yaml", "Fast-burn page over two windows", """groups:
  - name: slo-burn
    rules:
      - alert: ErrorBudgetFastBurn
        expr: |
          (job:slo_errors_per_request:ratio_rate1h{job="api"} > (14.4 * 0.001))
          and
          (job:slo_errors_per_request:ratio_rate5m{job="api"} > (14.4 * 0.001))
        labels:
          severity: page
        annotations:
          summary: "2% of the 30-day budget spent in 1 hour"
"""),
    ),
    dict(
        slug="continuous-profiling-regression", cluster="monitoring", diff="A", dims=["resources"],
        phases=["analyze"], methods=["profiling", "monitoring"], tool="T2",
        title="CPU cost of a search fleet grew 30% over a quarter while traffic stayed flat. Use continuous profiling to find the regression and prevent the next one.",
        slo="CPU per 1K requests within 5% of the quarterly baseline",
        measure="I compare merged fleet profiles from the first and last week of the quarter as a differential flame graph",
        bottleneck="a logging change formats full request bodies at debug level before the level check, costing 22% of CPU",
        fix="I guard the formatting behind the level check and add a CI benchmark for the logging path",
        fix_short="Guarding debug formatting behind the level check",
        validate="fleet CPU per 1K requests must return within 5% of baseline for 14 days",
        metric="fleet cost", unit="$", before=52000, after=41000,
        code=("bash", "Differential flame graph of two weeks of fleet profiles", """# Merged profiles exported from the continuous profiler, one per week
./stackcollapse-perf.pl week01.perf > week01.folded
./stackcollapse-perf.pl week13.perf > week13.folded
# Red frames grew between the two weeks, blue frames shrank
./difffolded.pl -n week01.folded week13.folded | ./flamegraph.pl --title "week 13 vs week 1" > diff.svg
# Top growing frames as text
./difffolded.pl -n week01.folded week13.folded | sort -k3 -n -r | head -n 20
"""),
    ),
    dict(
        slug="cost-per-request", cluster="monitoring", diff="A", dims=["resources"],
        phases=["optimize"], methods=["monitoring", "optimization"], tool="T3",
        title="Cloud spend for an API rose to $42K per month. Build a cost-per-request view and cut it by 25% without breaking the p99 SLO.",
        slo="p99 below 200 ms while cost per 1M requests falls by 25%",
        measure="I join billing exports with request counts per service to chart cost per 1M requests",
        bottleneck="pods request 4 cores but use 0.9 at peak, so 60% of the paid CPU sits idle",
        fix="I right-size requests to 1.5 cores and move batch jobs to spot instances",
        fix_short="Right-sizing CPU requests and moving batch work to spot instances",
        validate="p99 must stay under 200 ms for 14 days after the change while cost is tracked daily",
        metric="monthly spend", unit="$", before=42000, after=29000,
        code=("yaml", "Right-sized requests for the API container", """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          resources:
            requests: { cpu: "1500m", memory: 2Gi }
            limits: { memory: 2Gi }
"""),
    ),
    dict(
        slug="gc-pause-tail", cluster="monitoring", diff="I", dims=["latency", "resources"],
        phases=["analyze"], methods=["profiling"], tool="T2",
        title="A Java API's p99.9 spikes to 1.2 s every few minutes while p50 stays at 20 ms. Show how to link the spikes to garbage collection pauses and remove them.",
        slo="p99.9 below 250 ms at 2K rps",
        measure="I align collector logs with the latency histogram and count pauses above 200 ms per hour",
        bottleneck="full collections of a 12 GB heap pause the service for up to 1.1 s when large caches are promoted",
        fix="I switch to the Z collector and cap the local cache at 2 GB",
        fix_short="Switching to the Z collector with a 2 GB cache cap",
        validate="a 6 h soak must show no pause above 10 ms and p99.9 under 250 ms",
        metric="p99.9 latency", unit="ms", before=1200, after=90,
        code=("bash", "Collector logging and the switch to ZGC", """# Before: log every pause with its cause
JAVA_OPTS="-Xms12g -Xmx12g -Xlog:gc*:file=/var/log/app/gc.log:time,uptime,level,tags"
# Pauses above 200 ms in the last hour
grep -E 'Pause (Full|Young)' /var/log/app/gc.log | awk '{ if ($NF+0 > 200) n++ } END { print n }'
# After: concurrent collector with a capped local cache
JAVA_OPTS="-Xms12g -Xmx12g -XX:+UseZGC -XX:+ZGenerational -Dcache.max-bytes=2g"
"""),
    ),
]

SC = {s["slug"]: s for s in SCENARIOS}
assert len(SCENARIOS) == 31 and len(SC) == 31


def scenarios(cluster: str | None = None) -> list[dict]:
    return [s for s in SCENARIOS if cluster is None or s["cluster"] == cluster]


# Glossary entries, complete (a definition plus a formula or targets).
GLOSSARY = [
    dict(term="p50/p95/p99", aliases=["p50", "p95", "p99", "percentile latency"], acronym=False,
         definition="Latency percentiles: the value below which 50%, 95% or 99% of requests complete; p99 describes the tail that slow users and fan-out requests experience.",
         formula="Nearest rank: sorted_latencies[ceil(q * n)]; from a histogram: histogram_quantile(0.99, rate(bucket[5m]))",
         targets="API p99 < 100 ms and p95 < 50 ms for interactive reads"),
    dict(term="SLO", aliases=["service level objective"], acronym=True,
         definition="Service level objective: the target share of good events for an SLI over a window, agreed with the product owner.",
         formula="good events / valid events >= objective over 28 or 30 days",
         targets="99.9% of requests succeed; 99% of requests complete in < 300 ms"),
    dict(term="SLI", aliases=["service level indicator"], acronym=True,
         definition="Service level indicator: a ratio of good events to valid events that users would recognise as quality.",
         formula="SLI = good events / valid events"),
    dict(term="Error budget", aliases=["budget burn"], acronym=False,
         definition="The share of events allowed to fail under an SLO; spending it faster than planned is a signal to slow releases.",
         formula="budget = (1 - SLO) x valid events in the window",
         targets="99.9% over 30 days leaves 43 min of full outage"),
    dict(term="RPS/TPS/QPS", aliases=["requests per second", "queries per second"], acronym=True,
         definition="Rates of requests, transactions and queries per second; the offered rate is what clients send, the achieved rate what completes.",
         formula="RPS = requests / window in seconds; sum(rate(http_requests_total[1m]))",
         targets="Production > 1K rps; scale targets > 10K rps"),
    dict(term="Throughput", aliases=["goodput"], acronym=False,
         definition="Completed work per unit of time; goodput counts only successful, useful completions.",
         formula="X = completions / T; utilisation U = X x S"),
    dict(term="Little's Law", aliases=["Littles law"], acronym=False,
         definition="In a stable system the average number of items in service equals the arrival rate times the average time in the system.",
         formula="L = lambda x W; busy connections = rps x queries per request x query time"),
    dict(term="USL", aliases=["Universal Scalability Law"], acronym=True,
         definition="Universal Scalability Law: a model of relative capacity with a contention and a coherency penalty as nodes are added.",
         formula="C(N) = N / (1 + alpha (N - 1) + beta N (N - 1)); peak at N = sqrt((1 - alpha) / beta)"),
    dict(term="Apdex", aliases=["application performance index"], acronym=False,
         definition="A 0-1 score of user satisfaction from response times against a threshold T.",
         formula="(satisfied + tolerating / 2) / total, with satisfied <= T and tolerating <= 4T",
         targets=">= 0.94 is excellent, < 0.85 needs work"),
    dict(term="Flamegraph", aliases=["flame graph", "differential flame graph"], acronym=False,
         definition="A visualisation of sampled stacks where width is the share of samples, so wide frames are where time goes.",
         formula="share(f) = samples containing f / total samples",
         targets="Attribute > 80% of samples to named frames; sample at 49-99 Hz for about 1% overhead"),
    dict(term="Cache hit ratio", aliases=["hit rate", "hit ratio"], acronym=False,
         definition="The share of lookups served from the cache without touching the origin.",
         formula="hits / (hits + misses)",
         targets=">= 90% for read-heavy catalogues; alert below 85%"),
    dict(term="Coordinated omission", aliases=["closed-loop bias"], acronym=False,
         definition="A load-test error where the generator waits for slow responses and so never sends or times the requests that would have queued.",
         targets="Use open-model arrival rates; test p99 within 10% of production p99"),
    dict(term="Utilisation", aliases=["utilization", "USE method"], acronym=False,
         definition="The share of time a resource is busy; with saturation and errors it forms the USE method.",
         formula="U = busy time / interval",
         targets="Run hot resources at 60-75% to stay left of the queueing knee"),
    dict(term="TTL", aliases=["time to live", "expiry"], acronym=True,
         definition="Time to live: how long a cached entry stays valid before it expires.",
         targets="Minutes for catalogue data with 10% jitter; seconds for prices"),
]

# Incomplete glossary entries (for WARN and FAIL cases).
GLOSSARY_INCOMPLETE = [
    dict(term="Tail latency", aliases=["long tail"], acronym=False,
         definition="The slowest percentiles of the latency distribution, usually p99 and above."),
    dict(term="Hedged request", aliases=["hedging"], acronym=False,
         definition="A duplicate request sent after a delay to a second replica, keeping whichever answer comes first."),
]


def glossary(n: int, incomplete: int = 0) -> list[dict]:
    assert n <= len(GLOSSARY) and incomplete <= len(GLOSSARY_INCOMPLETE)
    entries = GLOSSARY[:n] + GLOSSARY_INCOMPLETE[:incomplete]
    return [{"id": f"G{i + 1}", **e, "lang": "EN"} for i, e in enumerate(entries)]


TOOLS = [
    dict(name="k6", category="load-testing",
         purpose="Scriptable load, stress, spike and soak testing in JavaScript with arrival-rate executors and pass/fail thresholds.",
         pricing="Open source (AGPL-3.0); Grafana Cloud k6 has a free tier and paid plans",
         last_update=Raw('"2026-08"'), integrations=["Grafana", "Prometheus remote write", "GitHub Actions"],
         url="https://k6.io", archived="https://web.archive.org/web/2026/https://k6.io"),
    dict(name="async-profiler", category="profiling",
         purpose="Low-overhead sampling profiler for the JVM: CPU, wall-clock, allocation and lock profiles as flame graphs.",
         pricing="Open source (Apache-2.0), free",
         last_update=Raw('"2026-05"'), integrations=["JDK 11+", "IntelliJ IDEA", "Pyroscope"],
         url="https://github.com/async-profiler/async-profiler",
         archived="https://web.archive.org/web/2026/https://github.com/async-profiler/async-profiler"),
    dict(name="Prometheus", category="monitoring",
         purpose="Time-series monitoring with a pull model, PromQL, recording rules and alerting.",
         pricing="Open source (Apache-2.0), free; managed services priced per sample",
         last_update=Raw('"2026-10"'), integrations=["Grafana", "Alertmanager", "Kubernetes"],
         url="https://prometheus.io", archived="https://web.archive.org/web/2026/https://prometheus.io"),
    dict(name="Grafana", category="dashboards",
         purpose="Dashboards and alerting over Prometheus, Loki, Tempo and SQL data sources.",
         pricing="Open source (AGPL-3.0); Grafana Cloud free tier and paid plans",
         last_update=Raw('"2026-09"'), integrations=["Prometheus", "Loki", "Tempo"],
         url="https://grafana.com", archived="https://web.archive.org/web/2026/https://grafana.com"),
    dict(name="Redis", category="caching",
         purpose="In-memory data store used as a cache with expiry, eviction policies and pub/sub.",
         pricing="Source-available and AGPL-3.0 community edition; managed Redis Cloud plans",
         last_update=Raw('"2026-07"'), integrations=["Lettuce", "redis-py", "Spring Cache"],
         url="https://redis.io", archived="https://web.archive.org/web/2026/https://redis.io"),
    dict(name="PgBouncer", category="database",
         purpose="Lightweight connection pooler for PostgreSQL with session, transaction and statement modes.",
         pricing="Open source (ISC), free",
         last_update=Raw('"2025-12"'), integrations=["PostgreSQL", "Kubernetes sidecars"],
         url="https://www.pgbouncer.org", archived="https://web.archive.org/web/2025/https://www.pgbouncer.org"),
    dict(name="Locust", category="load-testing",
         purpose="Load testing with user behaviour written in Python and a web interface for live results.",
         pricing="Open source (MIT), free",
         last_update=Raw('"2026-06"'), integrations=["Python", "Docker", "Kubernetes"],
         url="https://locust.io", archived="https://web.archive.org/web/2026/https://locust.io"),
    dict(name="py-spy", category="profiling",
         purpose="Sampling profiler for Python processes that attaches without restarting them.",
         pricing="Open source (MIT), free",
         last_update=Raw('"2025-10"'), integrations=["speedscope", "flame graphs"],
         url="https://github.com/benfred/py-spy",
         archived="https://web.archive.org/web/2025/https://github.com/benfred/py-spy"),
    dict(name="wrk2", category="load-testing",
         purpose="Constant-throughput HTTP benchmarking tool that corrects for coordinated omission.",
         pricing="Open source (Apache-2.0), free",
         last_update=Raw('"2025-06"'), integrations=["Lua scripts", "HdrHistogram"],
         url="https://github.com/giltene/wrk2",
         archived="https://web.archive.org/web/2025/https://github.com/giltene/wrk2"),
]


def tools(n: int, patch: dict | None = None) -> list[dict]:
    """The first `n` tools as T1..Tn; `patch` maps a tool name to fields to change (None
    removes the field)."""
    out = []
    for i, t in enumerate(TOOLS[:n]):
        e = {"id": f"T{i + 1}", **t}
        e.update((patch or {}).get(t["name"], {}))
        out.append({k: v for k, v in e.items() if v is not None})
    return out


# Sources (literature and citations share one shape). `kind` is the source type.
SOURCES = {
    "dean-2013": dict(type="journal", authors=["Dean, J.", "Barroso, L. A."], year=2013,
                      title="The tail at scale", container="Communications of the ACM",
                      volume=56, issue=2, pages="74-80", doi=Raw('"10.1145/2408776.2408794"'), lang="EN"),
    "little-2011": dict(type="journal", authors=["Little, J. D. C."], year=2011,
                        title="Little's Law as viewed on its 50th anniversary", container="Operations Research",
                        volume=59, issue=3, pages="536-549", doi=Raw('"10.1287/opre.1110.0940"'), lang="EN"),
    "gregg-2016": dict(type="journal", authors=["Gregg, B."], year=2016, date=Raw('"2016-06"'),
                       title="The flame graph", container="Communications of the ACM",
                       volume=59, issue=6, pages="48-57", doi=Raw('"10.1145/2909476"'), lang="EN"),
    "yang-2023": dict(type="conference", authors=["Yang, J.", "Zhang, Y.", "Qiu, Z.", "Yue, Y.", "Vinayak, R."],
                      year=2023, date=Raw('"2023-10"'), title="FIFO queues are all you need for cache eviction",
                      container="Proceedings of the 29th Symposium on Operating Systems Principles",
                      pages="130-149", doi=Raw('"10.1145/3600006.3613147"'), lang="EN"),
    "zhang-2024": dict(type="conference", authors=["Zhang, Y.", "Yang, J.", "Yue, Y.", "Vigfusson, Y.", "Rashmi, K. V."],
                       year=2024, date=Raw('"2024-04"'),
                       title="SIEVE is simpler than LRU: An efficient turn-key eviction algorithm for web caches",
                       container="21st USENIX Symposium on Networked Systems Design and Implementation",
                       publisher="USENIX Association",
                       url="https://www.usenix.org/conference/nsdi24/presentation/zhang-yazhuo",
                       archived="https://web.archive.org/web/2025/https://www.usenix.org/conference/nsdi24/presentation/zhang-yazhuo",
                       lang="EN"),
    "nishtala-2013": dict(type="conference", authors=["Nishtala, R.", "Fugal, H.", "Grimm, S.", "Kwiatkowski, M."],
                          year=2013, title="Scaling Memcache at Facebook",
                          container="10th USENIX Symposium on Networked Systems Design and Implementation",
                          publisher="USENIX Association",
                          url="https://www.usenix.org/conference/nsdi13/technical-sessions/presentation/nishtala",
                          archived="https://web.archive.org/web/2024/https://www.usenix.org/conference/nsdi13/technical-sessions/presentation/nishtala",
                          lang="EN"),
    "gregg-2020": dict(type="book", authors=["Gregg, B."], year=2020,
                       title="Systems performance: Enterprise and the cloud", publisher="Addison-Wesley", edition=2,
                       url="https://www.brendangregg.com/systems-performance-2nd-edition-book.html",
                       archived="https://web.archive.org/web/2025/https://www.brendangregg.com/systems-performance-2nd-edition-book.html",
                       lang="EN"),
    "kleppmann-2017": dict(type="book", authors=["Kleppmann, M."], year=2017,
                           title="Designing data-intensive applications", publisher="O'Reilly Media",
                           url="https://dataintensive.net", archived="https://web.archive.org/web/2025/https://dataintensive.net",
                           lang="EN"),
    "beyer-2016": dict(type="book", authors=["Beyer, B.", "Jones, C.", "Petoff, J.", "Murphy, N. R."], year=2016,
                       title="Site reliability engineering: How Google runs production systems", publisher="O'Reilly Media",
                       url="https://sre.google/sre-book/table-of-contents/",
                       archived="https://web.archive.org/web/2025/https://sre.google/sre-book/table-of-contents/",
                       lang="EN"),
    "beyer-2018": dict(type="book", authors=["Beyer, B.", "Murphy, N. R.", "Rensin, D. K.", "Kawahara, K.", "Thorne, S."],
                       year=2018, title="The site reliability workbook: Practical ways to implement SRE",
                       publisher="O'Reilly Media", url="https://sre.google/workbook/table-of-contents/",
                       archived="https://web.archive.org/web/2025/https://sre.google/workbook/table-of-contents/",
                       lang="EN"),
    "gunther-2007": dict(type="book", authors=["Gunther, N. J."], year=2007, title="Guerrilla capacity planning",
                         publisher="Springer", doi=Raw('"10.1007/978-3-540-31010-5"'), lang="EN"),
    "gregg-2019": dict(type="book", authors=["Gregg, B."], year=2019, title="BPF performance tools",
                       publisher="Addison-Wesley", url="https://www.brendangregg.com/bpf-performance-tools-book.html",
                       archived="https://web.archive.org/web/2025/https://www.brendangregg.com/bpf-performance-tools-book.html",
                       lang="EN"),
    "k6-docs-2026": dict(type="docs", authors=["Grafana Labs"], year=2026, date=Raw('"2026-03"'),
                         title="Thresholds", container="Grafana k6 documentation",
                         url="https://grafana.com/docs/k6/latest/using-k6/thresholds/",
                         archived="https://web.archive.org/web/2026/https://grafana.com/docs/k6/latest/using-k6/thresholds/",
                         lang="EN"),
    "prom-docs-2025": dict(type="docs", authors=["Prometheus Authors"], year=2025,
                           title="Histograms and summaries", container="Prometheus documentation",
                           url="https://prometheus.io/docs/practices/histograms/",
                           archived="https://web.archive.org/web/2025/https://prometheus.io/docs/practices/histograms/",
                           lang="EN"),
    "pg-docs-2025": dict(type="docs", authors=["PostgreSQL Global Development Group"], year=2025,
                         title="Table partitioning", container="PostgreSQL 18 documentation",
                         url="https://www.postgresql.org/docs/18/ddl-partitioning.html",
                         archived="https://web.archive.org/web/2025/https://www.postgresql.org/docs/18/ddl-partitioning.html",
                         lang="EN"),
    "dora-2024": dict(type="report", authors=["DORA"], year=2024, title="Accelerate State of DevOps report 2024",
                      publisher="Google Cloud", url="https://dora.dev/research/2024/dora-report/",
                      archived="https://web.archive.org/web/2025/https://dora.dev/research/2024/dora-report/",
                      lang="EN"),
    "grafana-obs-2025": dict(type="report", authors=["Grafana Labs"], year=2025,
                             title="Observability survey report 2025", publisher="Grafana Labs",
                             url="https://grafana.com/observability-survey/2025/",
                             archived="https://web.archive.org/web/2025/https://grafana.com/observability-survey/2025/",
                             lang="EN"),
    "gregg-blog-2017": dict(type="blog", authors=["Gregg, B."], year=2017, date=Raw('"2017-05-09"'),
                            title="CPU utilization is wrong", container="Brendan Gregg's blog",
                            url="https://www.brendangregg.com/blog/2017-05-09/cpu-utilization-is-wrong.html",
                            archived="https://web.archive.org/web/2024/https://www.brendangregg.com/blog/2017-05-09/cpu-utilization-is-wrong.html",
                            lang="EN"),
    "iso-25010-2023": dict(type="standard", authors=["International Organization for Standardization"], year=2023,
                           title="Systems and software engineering: Product quality model (ISO/IEC 25010:2023)",
                           publisher="ISO", url="https://www.iso.org/standard/78176.html",
                           archived="https://web.archive.org/web/2025/https://www.iso.org/standard/78176.html",
                           lang="EN"),
    "tene-2015": dict(type="video", authors=["Tene, G."], year=2015, title="How NOT to measure latency",
                      container="Strange Loop", url="https://www.youtube.com/watch?v=lJ8ydIuPFeU",
                      archived="https://web.archive.org/web/2024/https://www.youtube.com/watch?v=lJ8ydIuPFeU",
                      lang="EN"),
    # Sources for recency boundaries (dates around the cutoff 2023-11-25).
    "k6-large-tests-2023": dict(type="docs", authors=["Grafana Labs"], year=2023, date=Raw('"2023-11-25"'),
                                title="Running large tests", container="Grafana k6 documentation",
                                url="https://grafana.com/docs/k6/latest/testing-guides/running-large-tests/",
                                archived="https://web.archive.org/web/2023/https://grafana.com/docs/k6/latest/testing-guides/running-large-tests/",
                                lang="EN"),
    "perf-notes-2023": dict(type="blog", authors=["Okafor, N."], year=2023, date=Raw('"2023-11-24"'),
                            title="Reading wall-clock flame graphs", container="Performance notes",
                            url="https://perf-notes.example.org/2023/11/wall-clock-flame-graphs",
                            archived="https://web.archive.org/web/2023/https://perf-notes.example.org/2023/11/wall-clock-flame-graphs",
                            lang="EN"),
    "dora-2019": dict(type="report", authors=["Forsgren, N.", "Smith, D.", "Humble, J.", "Frazelle, J."], year=2019,
                      title="Accelerate State of DevOps 2019", publisher="DORA and Google Cloud",
                      url="https://dora.dev/research/2019/dora-report/",
                      archived="https://web.archive.org/web/2024/https://dora.dev/research/2019/dora-report/", lang="EN"),
    # Chinese-language sources.
    "zhou-2019": dict(type="book", authors=["周志明"], year=2019,
                      title="深入理解Java虚拟机：JVM高级特性与最佳实践（第3版）", publisher="机械工业出版社",
                      url="https://book.douban.com/subject/34907497/",
                      archived="https://web.archive.org/web/2025/https://book.douban.com/subject/34907497/", lang="ZH"),
    "huang-2014": dict(type="book", authors=["黄健宏"], year=2014, title="Redis设计与实现",
                       publisher="机械工业出版社", url="https://book.douban.com/subject/25900156/",
                       archived="https://web.archive.org/web/2025/https://book.douban.com/subject/25900156/", lang="ZH"),
    "jiang-2013": dict(type="book", authors=["姜承尧"], year=2013, title="MySQL技术内幕：InnoDB存储引擎（第2版）",
                       publisher="机械工业出版社", url="https://book.douban.com/subject/24708143/",
                       archived="https://web.archive.org/web/2025/https://book.douban.com/subject/24708143/", lang="ZH"),
    "li-2013": dict(type="book", authors=["李智慧"], year=2013, title="大型网站技术架构：核心原理与案例分析",
                    publisher="电子工业出版社", url="https://book.douban.com/subject/25723064/",
                    archived="https://web.archive.org/web/2025/https://book.douban.com/subject/25723064/", lang="ZH"),
    "meituan-2020": dict(type="blog", authors=["美团技术团队"], year=2020, date=Raw('"2020-11-12"'),
                         title="Java中9种常见的CMS GC问题分析与解决", container="美团技术团队博客",
                         url="https://tech.meituan.com/2020/11/12/java-9-cms-gc.html",
                         archived="https://web.archive.org/web/2024/https://tech.meituan.com/2020/11/12/java-9-cms-gc.html",
                         lang="ZH"),
    "gregg-zh-2015": dict(type="book", authors=["Gregg, B."], translators=["徐章宁", "吴寒思", "陈磊"], year=2015,
                          title="性能之巅：洞悉系统、企业与云计算", publisher="电子工业出版社",
                          url="https://book.douban.com/subject/26586598/",
                          archived="https://web.archive.org/web/2025/https://book.douban.com/subject/26586598/", lang="ZH"),
    "aliyun-2025": dict(type="docs", authors=["阿里云"], year=2025, title="云数据库Tair（兼容Redis）最佳实践",
                        container="阿里云帮助中心", url="https://help.aliyun.com/zh/redis/",
                        archived="https://web.archive.org/web/2025/https://help.aliyun.com/zh/redis/", lang="ZH"),
    # Other languages.
    "kleppmann-ja-2019": dict(type="book", authors=["Kleppmann, M."], year=2019, title="データ指向アプリケーションデザイン",
                              publisher="オライリー・ジャパン", url="https://www.oreilly.co.jp/books/9784873118703/",
                              archived="https://web.archive.org/web/2025/https://www.oreilly.co.jp/books/9784873118703/",
                              lang="JA"),
    "wolff-2018": dict(type="book", authors=["Wolff, E."], year=2018,
                       title="Microservices: Grundlagen flexibler Softwarearchitekturen", publisher="dpunkt.verlag", edition=2,
                       url="https://dpunkt.de/produkt/microservices-2/",
                       archived="https://web.archive.org/web/2024/https://dpunkt.de/produkt/microservices-2/", lang="DE"),
}



SOURCE_ORDER = ["id", "type", "authors", "translators", "year", "date", "title", "container", "volume",
                "issue", "pages", "publisher", "edition", "doi", "url", "archived", "lang"]


def _ordered(d: dict, order: list[str]) -> dict:
    extra = [k for k in d if k not in order]
    assert not extra, f"unexpected fields {extra}"
    return {k: d[k] for k in order if k in d and d[k] is not None}


def src(prefix: str, keys: list[str], patch: dict | None = None) -> list[dict]:
    """Source entries with ids A1.. (or L1..) in the order given. `patch` maps a key to
    fields to change (None removes the field)."""
    out = []
    for i, k in enumerate(keys):
        e = {"id": f"{prefix}{i + 1}", **SOURCES[k]}
        e.update((patch or {}).get(k, {}))
        out.append(_ordered(e, SOURCE_ORDER))
    return out


# ---------------------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------------------

Q_ORDER = ["id", "cluster", "title", "difficulty", "dimensions", "phases", "roles", "methods",
           "key_insight", "answer", "practical", "diagram", "metrics", "tradeoffs", "alternatives",
           "risks", "validation"]


def num(n, unit: str) -> str:
    if unit == "$":
        return f"${n:,}"
    if unit == "%":
        return f"{n}%"
    return f"{n:,} {unit}"


def change(s: dict) -> tuple[str, str, int]:
    """("fell", "lower", 81) or ("rose", "higher", 50) for the scenario's figures."""
    b, a = s["before"], s["after"]
    pct = round(abs(b - a) * 100 / b)
    return ("fell", "lower", pct) if a < b else ("rose", "higher", pct)


def impact_sentence(s: dict) -> str:
    verb, word, pct = change(s)
    m = cap(s["metric"])
    return f"{m} {verb} from {num(s['before'], s['unit'])} to {num(s['after'], s['unit'])} ({pct}% {word})"


def key_insight(s: dict, ref: str | None = None) -> str:
    verb, word, pct = change(s)
    v = "cut" if word == "lower" else "raised"
    cite = f" [Ref: {ref}]" if ref else ""
    return (f"{s['fix_short']} {v} {s['metric']} from {num(s['before'], s['unit'])} to "
            f"{num(s['after'], s['unit'])} ({pct}% {word}){cite}.")


def cap(t: str) -> str:
    """Upper-cases the first letter, except in a percentile such as `p99`."""
    if re.match(r"p\d", t):
        return t
    return t[0].upper() + t[1:]


def short_answer(s: dict, refs: dict | None = None) -> str:
    """A six-line answer carrying the performance chain; `refs` maps a step label to the
    reference text appended to that line (`{"SLO": "[Ref: G1]"}`)."""
    refs = refs or {}
    steps = [
        ("SLO", cap(s["slo"])),
        ("Measure", cap(s["measure"])),
        ("Bottleneck", cap(s["bottleneck"])),
        ("Optimize", cap(s["fix"])),
        ("Validate", cap(s["validate"])),
        ("Impact", impact_sentence(s)),
    ]
    lines = []
    for label, text in steps:
        r = f" {refs[label]}" if label in refs else ""
        lines.append(f"**{label}**: {text}{r}.")
    return "\n".join(lines) + "\n"


def question(s: dict, **over) -> dict:
    """A minimal question: id, place in the matrix, title and a short chain answer."""
    q = {
        "id": s["slug"],
        "cluster": s["cluster"],
        "title": s["title"],
        "difficulty": DIFF[s["diff"]],
        "dimensions": s["dims"],
        "phases": s["phases"],
        "answer": short_answer(s),
    }
    q.update(over)
    return _ordered(q, Q_ORDER)


def question_yaml(q: dict) -> str:
    return yaml_doc(q, f"{SCHEMA_UP2}/question.schema.json")


FILLER = {
    "SLO": [
        "I agree the objective with the product owner before touching anything, so every later number is judged against it.",
        "The target comes from the funnel data, where each extra 100 ms at p99 costs about 1% of conversions.",
        "Product and SRE sign the target off together, and the error budget decides how much risk a change may take.",
        "I write the objective into the runbook first, because a fix without a target cannot be declared done.",
    ],
    "Measure": [
        "I keep the raw histograms of a 30-minute peak window, so the before and after runs compare like with like.",
        "Every run records the build, the pod count and the offered load, because a baseline without its conditions cannot be repeated.",
        "The baseline covers 2 peak hours on 3 separate days, which keeps one noisy day from steering the decision.",
        "Traces from 1% of requests sit beside the metrics, so each outlier can be followed to the span that caused it.",
    ],
    "Bottleneck": [
        "Other suspects such as garbage collection and the network stay below 5% of request time, so they can wait.",
        "I rank the candidates by their share of wall time and fix only the largest one first.",
        "Utilisation, saturation and errors of each resource are checked in that order before any change is written.",
        "The profile and the metrics point at the same component, which is the evidence I want before a change.",
    ],
    "Optimize": [
        "The change ships behind a flag, with the old path kept for one release as the rollback.",
        "I change one variable at a time so that the gain can be attributed to this change alone.",
        "The configuration lives in version control, and the pull request carries the profile that justified it.",
        "The capacity owner reviews the change, because it moves load onto a shared dependency.",
    ],
    "Validate": [
        "Success criteria are written before the run, so the result cannot be argued into a pass afterwards.",
        "The canary cohort is compared with a control cohort of the same size over the same hours.",
        "A re-run one week later confirms that the gain holds under the new traffic mix.",
        "If any criterion fails, the flag is turned off and the regression is analysed before a second attempt.",
    ],
    "Impact": [
        "The result and the cost of the change go into the performance log, so the next review starts from real figures.",
        "It also freed about 20% of headroom, which postpones the next capacity purchase by 2 quarters.",
        "The on-call team saw 3 fewer pages per week on this service after the change.",
        "The same pattern is now part of the team's checklist for the other 4 services with this shape.",
    ],
}


def full_answer(s: dict, i: int) -> str:
    """A 150-300 word answer: each step's scenario sentence, a reference and a filler."""
    text = {
        "SLO": f"{cap(s['slo'])} [Ref: G2].",
        "Measure": f"{cap(s['measure'])} [Ref: {s['tool']}].",
        "Bottleneck": f"{cap(s['bottleneck'])}.",
        "Optimize": f"{cap(s['fix'])}.",
        "Validate": f"{cap(s['validate'])} [Ref: T1].",
        "Impact": f"{impact_sentence(s)} [Ref: A1].",
    }
    paras = [f"**{k}**: {v} {FILLER[k][i % 4]}" for k, v in text.items()]
    out = "\n\n".join(paras) + "\n"
    words = word_count(out)
    assert 150 <= words <= 300, f"{s['slug']}: full answer has {words} words"
    return out


TRADEOFFS = {
    "latency": "Latency vs cost: the change adds about 5% to infrastructure cost for a tail 3x shorter. When to use: read-heavy paths whose p99 breaches the objective. When to avoid: endpoints under 100 rps, where the extra moving parts cost more than the 10 ms they save.",
    "throughput": "Throughput vs latency: larger batches and deeper queues raise completions per second but add up to 50 ms of waiting. When to use: background and ingest paths with a p99 budget above 200 ms. When to avoid: interactive requests with a budget under 100 ms.",
    "database": "Query speed vs write cost: each index or replica speeds reads but adds 5-15% to write time and storage. When to use: read-to-write ratios above 10:1. When to avoid: tables taking more than 5K writes per second.",
    "caching": "Freshness vs load: a cache removes up to 90% of database reads but serves data as old as its expiry. When to use: data read 10x more often than written. When to avoid: balances and stock levels that must never be stale.",
    "load-testing": "Realism vs cost: a production-sized test environment costs about 40% of production for each hour it runs. When to use: before 10x events and quarterly capacity reviews. When to avoid: every pull request, where a 3 min smoke test is enough.",
    "monitoring": "Signal vs noise: more rules catch more issues but each page costs about 30 min of on-call time. When to use: user-facing objectives with an error budget. When to avoid: internal signals without an owner, which belong on a dashboard.",
}

ALTERNATIVES = {
    "latency": [("Vertical scaling", "A larger instance at +$3,800 per month trims service time by about 20% but leaves the queueing in place."),
                ("Read replicas", "Two replicas at +$2,100 per month spread load but add 10-100 ms of replication lag.")],
    "throughput": [("More pods", "Doubling pods costs 2x and stops helping past the contention point measured in the profile."),
                   ("Message queue", "A queue absorbs bursts of 10x but adds an extra component to run and 20-50 ms of delay.")],
    "database": [("Sharding", "Splitting the data across 4 shards removes the single-writer limit but costs months of migration work."),
                 ("Larger instance", "Moving up one instance size buys about 18 months of growth for +$4,000 per month.")],
    "caching": [("CDN caching", "Edge caching serves 60-80% of anonymous reads but cannot cache per-user prices."),
                ("Materialised views", "Precomputed tables cut read time to 2-5 ms while refreshes lag by up to 1 min.")],
    "load-testing": [("Production shadowing", "Mirroring 5% of live traffic gives real mixes but cannot test 10x peaks."),
                     ("Scaled-down environment", "A 1/4-size environment costs 25% as much but needs a model to extrapolate.")],
    "monitoring": [("Vendor APM", "A hosted tool gives traces and profiles in 1 day at about $30 per host per month."),
                   ("Log-based metrics", "Deriving rates from logs needs no code change but adds 1-2 min of delay.")],
}

RISKS = {
    "latency": ("The change shifts load onto a shared database during peak", "Roll out through a 10% canary with an automatic rollback when p99 exceeds the objective for 5 min"),
    "throughput": ("Bigger batches lose more work if a node crashes", "Acknowledge only after the batch commits, and cap batches at 500 items or 50 ms"),
    "database": ("Index or schema changes lock a busy table", "Build indexes concurrently off-peak and keep a tested down-migration"),
    "caching": ("Stale or stampeding entries after an invalidation bug", "Expiry jitter of 10%, single-flight loading and an alert when the hit rate falls below 85%"),
    "load-testing": ("The test environment differs from production and misleads the plan", "Calibrate the model against 1 week of production metrics and re-test after each major change"),
    "monitoring": ("New alerts page the team for non-issues", "Run the rules in ticket-only mode for 2 weeks and review every firing before paging"),
}

FORMULA = {
    "ms": "percentile of request duration from the service histogram",
    "s": "percentile of the measured delay over 1 day",
    "rps": "requests completed per second at the objective",
    "qps": "queries per second reaching the database",
    "events/s": "events acknowledged per second",
    "jobs/s": "jobs completed per second",
    "%": "share measured over 1 h at peak",
    "$": "monthly bill from the billing export",
}


def full_question(s: dict, i: int, diagram: bool = False, **over) -> dict:
    """A complete question: chain answer of 150-300 words with references, key insight,
    practical block, metrics, trade-offs, alternatives, a risk and validation."""
    lang, caption, code = s["code"]
    verb, word, pct = change(s)
    c = s["cluster"]
    q = {
        "id": s["slug"],
        "cluster": c,
        "title": s["title"],
        "difficulty": DIFF[s["diff"]],
        "dimensions": s["dims"],
        "phases": s["phases"],
        "methods": s["methods"],
        "key_insight": key_insight(s, "A1"),
        "answer": full_answer(s, i),
        "practical": [{"lang": lang, "caption": caption, "code": code}],
        "diagram": {"kind": "flowchart", "mermaid": DIAGRAM.format(name=CLUSTER_TITLES[c])} if diagram else None,
        "metrics": [{
            "metric": s["metric"],
            "formula": FORMULA.get(s["unit"], "counted over the review period"),
            "baseline": num(s["before"], s["unit"]),
            "optimized": num(s["after"], s["unit"]),
            "improvement": f"{pct}% {word}",
            "rationale": f"Objective: {s['slo']} [Ref: G2]",
        }],
        "tradeoffs": TRADEOFFS[c],
        "alternatives": [{"name": n, "text": t} for n, t in ALTERNATIVES[c]],
        "risks": [{"risk": RISKS[c][0], "mitigation": RISKS[c][1]}],
        "validation": f"{cap(s['validate'])} [Ref: T1].",
    }
    q.update(over)
    return _ordered(q, Q_ORDER)


DIAGRAM = """flowchart LR
    C[Client] --> LB[Load balancer]
    LB --> S[{name} service]
    S --> K[(Cache)]
    S --> D[(Database)]
    S -. metrics .-> P[Prometheus]
"""

# The references a bank of full questions cites.
FULL_REFS = {
    "glossary": lambda: glossary_terms(["p50/p95/p99", "SLO", "RPS/TPS/QPS"]),
    "tools": lambda: tools(3),  # T1 k6, T2 async-profiler, T3 Prometheus
    "citations": lambda: src("A", ["dean-2013"]),
}


def full_refs(c: Case):
    for kind, make in FULL_REFS.items():
        c.refs(kind, make())


def qf(slug: str) -> str:
    """The file a question is written to."""
    return f"questions/{slug}.yaml"


def chain(*steps: tuple[str, str]) -> str:
    """An answer of bold-labelled steps, one per line."""
    return "".join(f"**{label}**: {text}\n" for label, text in steps)


def pick(f: int, i: int, a: int) -> list[dict]:
    """The first f foundational, i intermediate and a advanced scenarios, in pool order."""
    want = {"F": f, "I": i, "A": a}
    out = []
    for s in SCENARIOS:
        if want[s["diff"]] > 0:
            want[s["diff"]] -= 1
            out.append(s)
    assert not any(want.values()), want
    return out


# ---------------------------------------------------------------------------------------
# Gate 1: quantity
# ---------------------------------------------------------------------------------------


def gate_quantity():
    g = "quantity"
    for name, n, about, status in [
        ("pass", 28, "28 questions, inside the rubric's 25-30", "PASS"),
        ("boundary-25", 25, "exactly 25 questions, the lower bound, passes", "PASS"),
        ("boundary-30", 30, "exactly 30 questions, the upper bound, passes", "PASS"),
        ("fail", 24, "24 questions, one below the minimum of 25", "FAIL"),
        ("over-31", 31, "31 questions, one above the maximum of 30", "FAIL"),
    ]:
        c = case(g, name, about, status)
        c.questions([question(s) for s in SCENARIOS[:n]])
        if status == "FAIL":
            c.diag("bank.yaml:1:1", f"the bank has {n} questions; the rubric asks for 25 to 30")


# ---------------------------------------------------------------------------------------
# Gate 2: MECE coverage
# ---------------------------------------------------------------------------------------


def gate_mece():
    g = "mece-coverage"
    blocks = [
        ("max-sustainable-rps", ["latency", "throughput"], ["measure", "analyze"]),
        ("cache-aside-catalog", ["latency", "throughput"], ["optimize", "validate"]),
        ("capacity-plan-10x", ["scalability", "resources"], ["measure", "analyze"]),
        ("pool-sizing-pgbouncer", ["scalability", "resources"], ["optimize", "validate"]),
    ]
    c = case(g, "pass", "4 questions tagged with 2 dimensions x 2 phases each cover all 16 cells", "PASS")
    c.questions([question(SC[s], dimensions=d, phases=p) for s, d, p in blocks])

    c = case(g, "fail", "the pool-sizing question is tagged optimize only, so two Validate cells are empty", "FAIL")
    qs = [question(SC[s], dimensions=d, phases=p) for s, d, p in blocks]
    qs[3]["phases"] = ["optimize"]
    c.questions(qs)
    c.diag("bank.yaml:1:1", "no question covers Scalability×Validate")
    c.diag("bank.yaml:1:1", "no question covers Resources×Validate")


# ---------------------------------------------------------------------------------------
# Gate 3: difficulty
# ---------------------------------------------------------------------------------------


def gate_difficulty():
    g = "difficulty"
    c = case(g, "pass", "F 1 (20%), I 2 (40%), A 2 (40%): exactly the 20/40/40 target", "PASS")
    c.questions([question(s) for s in pick(1, 2, 2)])

    c = case(g, "boundary-plus5", "20 questions: F 5 (25%), I 7 (35%), A 8 (40%); shares exactly 5 points off pass", "PASS")
    c.questions([question(s) for s in pick(5, 7, 8)])

    c = case(g, "boundary-minus5", "20 questions: F 3 (15%), I 9 (45%), A 8 (40%); shares exactly 5 points off pass", "PASS")
    c.questions([question(s) for s in pick(3, 9, 8)])

    c = case(g, "fail", "19 questions: F 5 is 26.3%, just beyond 20% +5", "FAIL")
    c.questions([question(s) for s in pick(5, 7, 7)])
    c.diag("bank.yaml:1:1", "Foundational questions are 26.3% of the bank (5 of 19); the target is 20% ±5")


# ---------------------------------------------------------------------------------------
# Gate 4: performance chain
# ---------------------------------------------------------------------------------------

PROSE_ANSWER = (
    "The target is p99 under 200 ms at 2K rps for the gateway's 12 routes.\n\n"
    "I measured a baseline with a 60 s CPU profile under replayed production traffic, and the flame graph "
    "showed one wide frame in the request handler.\n\n"
    "The root cause is synchronous schema validation of 400 KB payloads, blocking the event loop for up to "
    "700 ms while every queued request waits.\n\n"
    "I moved validation into a pool of 4 worker threads and replaced the validator with one compiled at start-up.\n\n"
    "A canary with 10% of traffic for 24 h confirmed the result against a control cohort.\n\n"
    "The p99 went from 900 ms to 120 ms, an 87% reduction, with CPU per request unchanged.\n"
)


def gate_chain():
    g = "performance-chain"
    c = case(g, "pass", "one answer with bold step labels, one in prose where each step is found by its lexicon", "PASS")
    c.questions([question(SC["api-p99-pool-wait"]),
                 question(SC["event-loop-blocking"], answer=PROSE_ANSWER)])

    c = case(g, "fail", "one answer stops after Optimize; another has an Impact step without a number", "FAIL")
    fan = SC["fanout-hedging"]
    no_validate = chain(
        ("SLO", cap(fan["slo"]) + "."),
        ("Measure", cap(fan["measure"]) + "."),
        ("Bottleneck", cap(fan["bottleneck"]) + "."),
        ("Optimize", cap(fan["fix"]) + "."),
        ("Next steps", "Ship the hedging policy to every region in the next release train."),
    )
    cat = SC["cache-aside-catalog"]
    no_number = chain(
        ("SLO", cap(cat["slo"]) + "."),
        ("Measure", cap(cat["measure"]) + "."),
        ("Bottleneck", cap(cat["bottleneck"]) + "."),
        ("Optimize", cap(cat["fix"]) + "."),
        ("Validate", cap(cat["validate"]) + "."),
        ("Result", "Shoppers noticed the improvement and complaints about stale pages stopped."),
    )
    c.questions([
        question(SC["percentile-gap"]),
        question(fan, answer=no_validate),
        question(cat, answer=no_number),
    ])
    c.diag(c.at_value(qf("fanout-hedging"), "answer"), "(`fanout-hedging`): the answer lacks Validate, Impact")
    c.diag(c.at_value(qf("cache-aside-catalog"), "answer"), "(`cache-aside-catalog`): the answer lacks Impact")


# ---------------------------------------------------------------------------------------
# Gate 5: practical elements
# ---------------------------------------------------------------------------------------


def practical_of(s: dict) -> list[dict]:
    lang, caption, code = s["code"]
    return [{"lang": lang, "caption": caption, "code": code}]


def nonempty(code: str) -> int:
    return sum(1 for line in code.splitlines() if line.strip())


def gate_practical():
    g = "practical-elements"
    a, b = SC["api-p99-pool-wait"], SC["n-plus-one-history"]
    c = case(g, "pass", "every question has a code or config block of 5-30 non-empty lines", "PASS")
    c.questions([question(a, practical=practical_of(a)), question(b, practical=practical_of(b))])

    # Exactly 5 and exactly 30 non-empty lines; blank lines do not count.
    five = """redis-cli -h redis-cache --bigkeys -i 0.01

redis-cli -h redis-cache --memkeys --memkeys-samples 100

redis-cli -h redis-cache INFO stats | grep -E 'evicted_keys|keyspace_(hits|misses)'
redis-cli -h redis-cache CONFIG SET maxmemory-policy allkeys-lfu
redis-cli -h redis-cache CONFIG GET maxmemory
"""
    spike = SC["login-spike-test"]["code"][2]
    header = [
        "// Spike test for the 09:00 login storm: 300 -> 3K rps in 60 s, held for 10 min.",
        "// Pass criteria: p99 < 300 ms and < 1% errors for the whole run.",
        "// Run: k6 run -e BASE_URL=https://login.staging.internal spike.js",
        "// Results go to Prometheus remote write for the capacity review.",
        "// Owner: identity team; reviewed with SRE before each quarter.",
        "// Pre-allocated VUs cover 3K rps at 150 ms mean latency (Little's Law).",
        "// maxVUs leaves room for 1 s responses before the generator saturates.",
        "// The ramp-down stage checks that the service recovers without errors.",
        "// Think time is zero: the arrival rate, not the VU count, sets the load.",
        "// Test accounts come from the fixture tenant; 20K users are pre-created.",
        "// Password hashing cost matches production (bcrypt cost 12).",
        "// Tokens issued during the run expire after 15 min and are not reused.",
        "// Compare with the previous run in the capacity dashboard before sign-off.",
        "// A failed threshold exits with code 99 and blocks the release.",
    ]
    need = 30 - nonempty(spike)
    thirty = "\n".join(header[:need]) + "\n" + spike
    assert nonempty(five) == 5 and nonempty(thirty) == 30, (nonempty(five), nonempty(thirty))
    m, s2 = SC["redis-memory-lfu"], SC["login-spike-test"]
    c = case(g, "boundary-5-30", "blocks of exactly 5 and exactly 30 non-empty lines pass (blank lines are not counted)", "PASS")
    c.questions([
        question(m, practical=[{"lang": "bash", "caption": "Memory, evictions and the policy switch", "code": five}]),
        question(s2, practical=[{"lang": "javascript", "caption": "k6 spike test with its pass criteria", "code": thirty}]),
    ])

    c = case(g, "fail", "one question has no practical element at all", "FAIL")
    c.questions([question(a, practical=practical_of(a)), question(b)])
    c.diag(c.at_value(qf("n-plus-one-history"), "id"), "(`n-plus-one-history`) has no practical element")

    c = case(g, "fail-short-block", "the only block has 3 non-empty lines, too short to count", "FAIL")
    short = "EXPLAIN (ANALYZE, BUFFERS)\nSELECT name, price FROM products WHERE id = 42;\n-- repeated 120 times per page\n"
    c.questions([question(b, practical=[{"lang": "sql", "caption": "The repeated query", "code": short}])])
    c.diag(c.at_value(qf("n-plus-one-history"), "code"), "a `sql` block has 3 non-empty lines; blocks need 5-30")

    c = case(g, "warn-long-block", "each question has a valid block, but a second one has 34 lines: a warning", "WARN")
    long_code = practical_of(a)[0]["code"] + "".join(f"# replica {i}: same settings, region eu-west-{i % 3 + 1}\n" for i in range(34 - nonempty(practical_of(a)[0]["code"])))
    assert nonempty(long_code) == 34
    c.questions([question(a, practical=practical_of(a) + [{"lang": "yaml", "caption": "Full configuration dump", "code": long_code}]),
                 question(b, practical=practical_of(b))])
    c.diag(c.at_value(qf("api-p99-pool-wait"), "code", nth=1), "a `yaml` block has 34 non-empty lines; blocks need 5-30")

    c = case(g, "fail-mermaid-only",
             "the only practical entry is a mermaid diagram, which does not count (the gate gives no diagnostic for it)", "FAIL")
    mermaid = "sequenceDiagram\n    participant A as API\n    participant D as PostgreSQL\n    A->>D: SELECT ... WHERE id = 1\n    A->>D: SELECT ... WHERE id = 2\n    A->>D: ... 118 more\n"
    c.questions([question(b, practical=[{"lang": "mermaid", "caption": "The N+1 round trips", "code": mermaid}])])


# ---------------------------------------------------------------------------------------
# Gate 6: citations
# ---------------------------------------------------------------------------------------

CITE_ONE = [{"Impact": "[Ref: A1]"}, {"Validate": "[Ref: T1]"}, {"SLO": "[G: p99]"}, {"Measure": "[Ref: T3]"}]
CITE_TWO = [{"SLO": "[Ref: G2]", "Impact": "[Ref: A1]"}, {"Measure": "[Ref: T3]", "Validate": "[Ref: T1]"},
            {"SLO": "[G: p99]", "Bottleneck": "[Ref: A2]"}, {"Measure": "[Ref: T2]", "Impact": "[Ref: A2]"}]


def citation_refs(c: Case):
    c.refs("glossary", glossary(3))
    c.refs("tools", tools(3))
    c.refs("citations", src("A", ["dean-2013", "little-2011"]))


def cited_bank(c: Case, plan: list[int], pool: list[dict]) -> list[dict]:
    """Questions citing `plan[i]` distinct references (0, 1 or 2)."""
    qs = []
    for i, (n, s) in enumerate(zip(plan, pool)):
        refs = {0: {}, 1: CITE_ONE[i % 4], 2: CITE_TWO[i % 4]}[n]
        qs.append(question(s, answer=short_answer(s, refs)))
    c.questions(qs)
    citation_refs(c)
    return qs


def gate_citations():
    g = "citations"
    not_adv = pick(5, 15, 0)

    c = case(g, "pass", "every question cites 2 or more distinct references, the advanced one included", "PASS")
    adv = SC["api-p99-pool-wait"]
    c.questions([
        question(SC["percentile-gap"], answer=short_answer(SC["percentile-gap"], CITE_TWO[0])),
        question(SC["event-loop-blocking"], answer=short_answer(SC["event-loop-blocking"], CITE_TWO[1])),
        question(adv, answer=short_answer(adv, {"SLO": "[G: p99]", "Bottleneck": "[Ref: A2]", "Validate": "[Ref: T1]"})),
    ])
    citation_refs(c)

    c = case(g, "boundary-70",
             "7 of 10 cite >=1 (70%) and 3 of 10 cite >=2 (30%): both shares are met exactly, so the gate passes; "
             "the 3 uncited questions are reported as notes", "PASS")
    plan = [2, 2, 2, 1, 1, 1, 1, 0, 0, 0]
    qs = cited_bank(c, plan, not_adv)
    for q in qs[7:]:
        c.diag(c.at_value(qf(q["id"]), "answer"), f"(`{q['id']}`) cites no reference")

    c = case(g, "boundary-30", "10 of 10 cite >=1 and exactly 3 of 10 (30%) cite >=2; citing one id twice counts once", "PASS")
    qs = cited_bank(c, [2, 2, 2, 1, 1, 1, 1, 1, 1, 1], not_adv)
    s = SC[qs[3]["id"]]
    qs[3]["answer"] = short_answer(s, {"SLO": "[Ref: A1]", "Impact": "[Ref: A1]"})
    c.files[qf(qs[3]["id"])] = question_yaml(qs[3])

    c = case(g, "fail", "only 6 of 10 questions (60%) cite anything; each uncited question is an error", "FAIL")
    plan = [2, 2, 2, 1, 1, 1, 0, 0, 0, 0]
    qs = cited_bank(c, plan, not_adv)
    for q in qs[6:]:
        c.diag(c.at_value(qf(q["id"]), "answer"), f"(`{q['id']}`) cites no reference")

    c = case(g, "fail-two", "all 10 cite one reference but only 2 (20%) cite two", "FAIL")
    cited_bank(c, [2, 2, 1, 1, 1, 1, 1, 1, 1, 1], not_adv)
    c.diag("bank.yaml:1:1", "only 20% of questions cite >=2 references; 30% required")

    c = case(g, "warn-advanced", "an advanced question cites a single reference: a warning", "WARN")
    c.questions([
        question(SC["percentile-gap"], answer=short_answer(SC["percentile-gap"], CITE_TWO[0])),
        question(adv, answer=short_answer(adv, {"Validate": "[Ref: T1]"})),
    ])
    citation_refs(c)
    c.diag(c.at_value(qf(adv["slug"]), "answer"), "(`api-p99-pool-wait`) is advanced but cites 1 distinct reference(s); 2 expected")


# ---------------------------------------------------------------------------------------
# Gate 7: cross-refs
# ---------------------------------------------------------------------------------------


def gate_cross_refs():
    g = "cross-refs"
    a, b = SC["api-p99-pool-wait"], SC["max-sustainable-rps"]

    def refs(c: Case, citations: list[str]):
        c.refs("glossary", glossary_terms(["p50/p95/p99", "SLO", "RPS/TPS/QPS"]))
        c.refs("tools", tools(1))
        c.refs("literature", src("L", ["gregg-2020"]))
        c.refs("citations", src("A", citations))

    a_refs = {"SLO": "[G: p99] [Ref: G2]", "Validate": "[Ref: T1]", "Impact": "[Ref: A1, L1]"}
    b_refs = {"SLO": "[G: RPS]", "Bottleneck": "[G1]", "Validate": "[Ref: T1]"}

    c = case(g, "pass", "every form resolves ([Ref: A1, L1], bare [G1], [G: p99] alias, [G: RPS] part of RPS/TPS/QPS) and every entry is cited", "PASS")
    c.questions([question(a, answer=short_answer(a, a_refs)), question(b, answer=short_answer(b, b_refs))])
    refs(c, ["dean-2013"])

    c = case(g, "fail", "[Ref: A2] names no entry, [G: p999] no term, and bank.yaml's constraints cite [G: SLA]", "FAIL")
    bad_a = dict(a_refs, Impact="[Ref: A2, L1]")
    bad_b = dict(b_refs, SLO="[G: RPS] [G: p999]")
    c.questions([question(a, answer=short_answer(a, bad_a)), question(b, answer=short_answer(b, bad_b))],
                constraints="Production APIs above 1K rps with a p99 under 100 ms [G: p99] and a signed SLA [G: SLA]")
    refs(c, ["dean-2013"])
    c.diag(c.at_text(qf(a["slug"]), "[Ref: A2, L1]", key="answer"), "`A2` is not a defined reference")
    c.diag(c.at_text(qf(b["slug"]), "[G: p999]", key="answer"), "`[G: p999]` is not a glossary term or alias")
    c.diag(c.at_text("bank.yaml", "[G: SLA]"), "`[G: SLA]` is not a glossary term or alias")
    c.diag(c.at_value("references/citations.yaml", "id"), "`A1` is never cited")

    c = case(g, "warn-unused", "every citation resolves, but citation A2 is never cited: a warning", "WARN")
    c.questions([question(a, answer=short_answer(a, a_refs)), question(b, answer=short_answer(b, b_refs))])
    refs(c, ["dean-2013", "little-2011"])
    c.diag(c.at_value("references/citations.yaml", "id", nth=1), "`A2` is never cited")


# ---------------------------------------------------------------------------------------
# Gate 8: trade-offs
# ---------------------------------------------------------------------------------------


def alts(cluster: str, n: int = 2) -> list[dict]:
    return [{"name": name, "text": text} for name, text in ALTERNATIVES[cluster][:n]]


def gate_tradeoffs():
    g = "tradeoffs"
    i, a, a2 = SC["event-loop-blocking"], SC["api-p99-pool-wait"], SC["fanout-hedging"]
    c = case(g, "pass", "every question has trade-offs; the advanced one also has 2 alternatives", "PASS")
    c.questions([
        question(i, tradeoffs=TRADEOFFS["latency"]),
        question(a, tradeoffs=TRADEOFFS["latency"], alternatives=alts("latency")),
    ])

    c = case(g, "fail", "no trade-offs on one question; advanced questions with 1 alternative, and with 2 where one is blank", "FAIL")
    c.questions([
        question(i),
        question(a, tradeoffs=TRADEOFFS["latency"], alternatives=alts("latency", 1)),
        question(a2, tradeoffs=TRADEOFFS["latency"],
                 alternatives=alts("latency", 1) + [{"name": "Request deadlines", "text": ""}]),
    ])
    c.diag(c.at_value(qf(i["slug"]), "id"), "(`event-loop-blocking`) has no trade-offs")
    c.diag(c.at_value(qf(a["slug"]), "id"), "(`api-p99-pool-wait`) is advanced and has 1 alternative(s); 2 required")
    c.diag(c.at_value(qf(a2["slug"]), "id"), "(`fanout-hedging`) is advanced and has 1 alternative(s); 2 required")


# ---------------------------------------------------------------------------------------
# Gate 9: risk/mitigation
# ---------------------------------------------------------------------------------------


def gate_risks():
    g = "risk-mitigation"
    a, i, f, a2 = SC["cache-stampede"], SC["cache-aside-catalog"], SC["percentile-gap"], SC["two-tier-invalidation"]
    stampede_risks = [
        {"risk": "Single-flight holds 3K callers on one slow database query",
         "mitigation": "Waiters time out after 50 ms and serve the stale value kept for 5 min beyond expiry"},
        {"risk": "Early refresh doubles load on a cold start",
         "mitigation": "Refresh only keys read more than 10 times per minute, and ramp traffic over 5 min after a deploy"},
    ]
    c = case(g, "pass", "the advanced question flags 2 risks, an intermediate one flags 1; all are mitigated", "PASS")
    c.questions([
        question(f),
        question(i, risks=[{"risk": RISKS["caching"][0], "mitigation": RISKS["caching"][1]}]),
        question(a, risks=stampede_risks),
    ])

    c = case(g, "fail", "an advanced question flags no risk; two risks have no (or a blank) mitigation", "FAIL")
    c.questions([
        question(a),
        question(i, risks=[{"risk": "Prices served from the cache go stale after an update"}]),
        question(a2, risks=[{"risk": "Invalidation messages are lost during a Redis failover", "mitigation": ""}]),
    ])
    c.diag(c.at_value(qf(a["slug"]), "id"), "(`cache-stampede`) is advanced and flags no risk")
    c.diag(c.at_value(qf(i["slug"]), "risk"), "(`cache-aside-catalog`): risk without a mitigation")
    c.diag(c.at_value(qf(a2["slug"]), "risk"), "(`two-tier-invalidation`): risk without a mitigation")


# ---------------------------------------------------------------------------------------
# Gate 10: quantified impact
# ---------------------------------------------------------------------------------------


def gate_impact():
    g = "quantified-impact"
    insights = [
        ("api-p99-pool-wait", "Doubling the connection pool per pod cut p99 latency by 81%."),
        ("worker-pool-saturation", "Replacing one global lock with 64 striped locks raised image throughput 2.1x."),
        ("event-loop-blocking", "Moving schema validation to worker threads brought gateway p99 down from 900 ms to 120 ms."),
        ("cost-per-request", "Right-sizing CPU requests saved $13,000 per month on the API fleet."),
        ("max-sustainable-rps", "Making the payment call asynchronous lifted sustainable throughput from 2.4K rps to 3.6K rps."),
        ("soak-test-leak", "Bounding the per-tenant metrics map stopped a heap leak of 40 MB per hour."),
    ]
    c = case(g, "pass", "each key insight holds a different kind of figure: %, x, ms, $, rps, MB", "PASS")
    c.questions([question(SC[s], key_insight=k) for s, k in insights])

    c = case(g, "fail", "one key insight says 'much faster' with no figure; another question has no key insight", "FAIL")
    c.questions([
        question(SC["api-p99-pool-wait"], key_insight=insights[0][1]),
        question(SC["cache-aside-catalog"], key_insight="Cache-aside in Redis made catalog pages much faster for shoppers."),
        question(SC["hpa-rps-signal"]),
    ])
    c.diag(c.at_value(qf("cache-aside-catalog"), "key_insight"), "(`cache-aside-catalog`): the key insight has no numeric improvement")
    c.diag(c.at_value(qf("hpa-rps-signal"), "id"), "(`hpa-rps-signal`) has no key insight")


# ---------------------------------------------------------------------------------------
# Gates 11-14: reference minimums
# ---------------------------------------------------------------------------------------


def gate_glossary():
    g = "glossary-min"
    one = [question(SC["percentile-gap"])]
    c = case(g, "pass", "exactly 10 complete entries (a definition plus a formula or targets)", "PASS")
    c.questions(one)
    c.refs("glossary", glossary(10))

    c = case(g, "fail", "10 entries but G10 has only a definition: 9 complete, 10 required", "FAIL")
    c.questions(one)
    c.refs("glossary", glossary(9, incomplete=1))
    c.diag("bank.yaml:1:1", "9 complete glossary entries; at least 10 required")
    c.diag(c.at_value("references/glossary.yaml", "id", nth=9), "glossary entry `G10` (Tail latency) lacks a formula or targets")

    c = case(g, "warn-incomplete", "10 complete entries plus an incomplete G11: a warning", "WARN")
    c.questions(one)
    c.refs("glossary", glossary(10, incomplete=1))
    c.diag(c.at_value("references/glossary.yaml", "id", nth=10), "glossary entry `G11` (Tail latency) lacks a formula or targets")

    c = case(g, "scaled-31-fail", "31 questions raise the minimum to ceil(10 x 1.2) = 12; 11 complete entries fail", "FAIL")
    c.questions([question(s) for s in SCENARIOS])
    c.refs("glossary", glossary(11))
    c.diag("bank.yaml:1:1", "11 complete glossary entries; at least 12 required")

    c = case(g, "scaled-31-pass", "31 questions and 12 complete entries meet the scaled minimum of 12", "PASS")
    c.questions([question(s) for s in SCENARIOS])
    c.refs("glossary", glossary(12))


def gate_tools():
    g = "tools-min"
    one = [question(SC["max-sustainable-rps"])]
    c = case(g, "pass", "exactly 5 complete tools (purpose, pricing, last_update, url)", "PASS")
    c.questions(one)
    c.refs("tools", tools(5))

    c = case(g, "fail", "5 tools but Redis lacks pricing and last_update: 4 complete, 5 required", "FAIL")
    c.questions(one)
    c.refs("tools", tools(5, {"Redis": {"pricing": None, "last_update": None}}))
    c.diag("bank.yaml:1:1", "4 complete tools; at least 5 required")
    c.diag(c.at_value("references/tools.yaml", "id", nth=4), "tool `T5` (Redis) lacks pricing, last_update")

    c = case(g, "warn-incomplete", "5 complete tools plus PgBouncer without a url: a warning", "WARN")
    c.questions(one)
    c.refs("tools", tools(6, {"PgBouncer": {"url": None, "archived": None}}))
    c.diag(c.at_value("references/tools.yaml", "id", nth=5), "tool `T6` (PgBouncer) lacks url")

    c = case(g, "scaled-31-fail", "31 questions raise the minimum to ceil(5 x 1.2) = 6; 5 complete tools fail", "FAIL")
    c.questions([question(s) for s in SCENARIOS])
    c.refs("tools", tools(5))
    c.diag("bank.yaml:1:1", "5 complete tools; at least 6 required")

    c = case(g, "scaled-31-pass", "31 questions and 6 complete tools meet the scaled minimum", "PASS")
    c.questions([question(s) for s in SCENARIOS])
    c.refs("tools", tools(6))


LITERATURE_KEYS = ["gregg-2020", "kleppmann-2017", "beyer-2016", "beyer-2018", "gunther-2007",
                   "gregg-2019", "dean-2013", "little-2011", "nishtala-2013", "zhou-2019", "huang-2014"]


def gate_literature():
    g = "literature-min"
    one = [question(SC["usl-capacity-fit"])]
    c = case(g, "pass", "exactly 10 complete entries (authors, year, title, publisher or container)", "PASS")
    c.questions(one)
    c.refs("literature", src("L", LITERATURE_KEYS[:10]))

    c = case(g, "fail", "10 entries but L10 has no year and no publisher: 9 complete, 10 required", "FAIL")
    c.questions(one)
    c.refs("literature", src("L", LITERATURE_KEYS[:10], {"zhou-2019": {"year": None, "publisher": None}}))
    c.diag("bank.yaml:1:1", "9 complete literature entries; at least 10 required")
    c.diag(c.at_value("references/literature.yaml", "id", nth=9), "literature `L10` lacks year, publisher or container")

    c = case(g, "warn-incomplete", "10 complete entries plus L11 without authors: a warning", "WARN")
    c.questions(one)
    c.refs("literature", src("L", LITERATURE_KEYS[:11], {"huang-2014": {"authors": []}}))
    c.diag(c.at_value("references/literature.yaml", "id", nth=10), "literature `L11` lacks authors")


CIT_EN = ["dean-2013", "little-2011", "gregg-2016", "yang-2023", "zhang-2024", "nishtala-2013",
          "k6-docs-2026", "prom-docs-2025", "pg-docs-2025", "dora-2024", "gregg-blog-2017", "tene-2015",
          "gregg-2020", "kleppmann-2017", "beyer-2016", "beyer-2018", "gunther-2007", "gregg-2019",
          "grafana-obs-2025", "iso-25010-2023"]
CIT_ZH = ["zhou-2019", "huang-2014", "jiang-2013", "li-2013", "meituan-2020", "gregg-zh-2015", "aliyun-2025"]
CIT_OTHER = ["kleppmann-ja-2019", "wolff-2018"]


def gate_citations_min():
    g = "citations-min"
    one = [question(SC["latency-sli-histograms"])]
    mix = CIT_EN[:12] + CIT_ZH[:6] + CIT_OTHER
    c = case(g, "pass", "20 complete APA entries with language tags: EN 12 (60%), ZH 6 (30%), other 2 (10%)", "PASS")
    c.questions(one)
    c.refs("citations", src("A", mix))

    c = case(g, "fail", "20 entries but A20 has no DOI or URL and no lang: 19 complete, 20 required", "FAIL")
    c.questions(one)
    c.refs("citations", src("A", mix, {"wolff-2018": {"url": None, "archived": None, "lang": None}}))
    c.diag("bank.yaml:1:1", "19 complete citations; at least 20 required")
    c.diag(c.at_value("references/citations.yaml", "id", nth=19), "citation `A20` lacks doi or url, lang")

    c = case(g, "warn-languages", "20 complete entries, all in English: the language mix is off target (a warning)", "WARN")
    c.questions(one)
    c.refs("citations", src("A", CIT_EN))
    c.diag("bank.yaml:1:1", "citation languages off target by more than 15 points: EN is 100% (target 60%)")

    c = case(g, "boundary-lang-15", "EN 15 (75%), ZH 3 (15%), other 2 (10%): EN and ZH exactly 15 points off pass", "PASS")
    c.questions(one)
    c.refs("citations", src("A", CIT_EN[:15] + CIT_ZH[:3] + CIT_OTHER))


# ---------------------------------------------------------------------------------------
# Gate 15: recency (as of 2026-11-25, the cutoff is 2023-11-25)
# ---------------------------------------------------------------------------------------


def gate_recency():
    g = "recency"
    one = [question(SC["k6-ci-gate"])]
    fresh_tools = tools(3)  # k6 2026-08, async-profiler 2026-05, Prometheus 2026-10

    c = case(g, "pass", "2 of 4 sources (50%) are from 2024 or later, and every tool was updated in 2026", "PASS")
    c.questions(one)
    c.refs("tools", fresh_tools)
    c.refs("literature", src("L", ["gregg-2020", "k6-docs-2026"]))
    c.refs("citations", src("A", ["dean-2013", "zhang-2024"]))

    c = case(g, "boundary-cutoff",
             "dated on the cutoff day counts, a bare year counts as 31 December, the day before the cutoff does not: 2 of 4 (50%)",
             "PASS")
    c.questions(one)
    c.refs("tools", fresh_tools)
    c.refs("citations", src("A", ["k6-large-tests-2023", "yang-2023", "perf-notes-2023", "little-2011"],
                            {"yang-2023": {"date": None}}))

    c = case(g, "fail", "1 of 5 sources (20%) is recent, and A3 has no year at all", "FAIL")
    c.questions(one)
    c.refs("tools", fresh_tools)
    c.refs("literature", src("L", ["gregg-2020", "kleppmann-2017"]))
    c.refs("citations", src("A", ["dean-2013", "zhang-2024", "tene-2015"], {"tene-2015": {"year": None}}))
    c.diag("bank.yaml:1:1", "1 of 5 sources are from the last 3 years (20%); 50% required")
    c.diag(c.at_value("references/citations.yaml", "id", nth=2), "`A3` has no year or date")

    c = case(g, "fail-tools", "2 of 3 tools (67%) were updated since the cutoff; 70% required", "FAIL")
    c.questions(one)
    c.refs("tools", tools(2) + [{**TOOLS[8], "id": "T3", "last_update": Raw('"2022-06"')}])
    c.refs("citations", src("A", ["zhang-2024", "k6-docs-2026"]))
    c.diag("bank.yaml:1:1", "2 of 3 tools were updated since 2023-11-25; 70% required")
    c.diag(c.at_value("references/tools.yaml", "last_update", nth=2),
           "tool `T3` (wrk2) was last updated 2022-06 (53 months before 2026-11-25)")

    c = case(g, "fail-benchmarks", "3 of 4 sources are recent, but only 1 of the 2 reports (benchmarks): 50% < 70%", "FAIL")
    c.questions(one)
    c.refs("tools", fresh_tools)
    c.refs("citations", src("A", ["dora-2024", "dora-2019", "zhang-2024", "k6-docs-2026"]))
    c.diag("bank.yaml:1:1", "1 of 2 benchmark sources are recent; 70% required")

    c = case(g, "warn-stale-tool",
             "a tool last updated 19 months before as_of is a warning; 18 months (py-spy) is not", "WARN")
    c.questions(one)
    c.refs("tools", [
        {**TOOLS[0], "id": "T1"},
        {**TOOLS[7], "id": "T2", "last_update": Raw('"2025-05"')},
        {**TOOLS[5], "id": "T3", "last_update": Raw('"2025-04"')},
    ])
    c.refs("citations", src("A", ["zhang-2024", "k6-docs-2026"]))
    c.diag(c.at_value("references/tools.yaml", "last_update", nth=2),
           "tool `T3` (PgBouncer) was last updated 2025-04 (19 months before 2026-11-25)")


# ---------------------------------------------------------------------------------------
# Gate 16: diversity
# ---------------------------------------------------------------------------------------


def gate_diversity():
    g = "diversity"
    one = [question(SC["replicas-vs-sharding"])]
    c = case(g, "pass", "8 sources of 4 types, 2 each: every type is exactly 25%", "PASS")
    c.questions(one)
    c.refs("literature", src("L", ["gregg-2020", "kleppmann-2017"]))
    c.refs("citations", src("A", ["dean-2013", "gregg-2016", "yang-2023", "nishtala-2013", "k6-docs-2026", "prom-docs-2025"]))

    c = case(g, "fail", "3 types, but books are 4 of 8 (50%), above the 25% cap", "FAIL")
    c.questions(one)
    c.refs("literature", src("L", ["gregg-2020", "kleppmann-2017", "beyer-2016", "beyer-2018"]))
    c.refs("citations", src("A", ["dean-2013", "gregg-2016", "k6-docs-2026", "prom-docs-2025"]))
    c.diag("bank.yaml:1:1", "book sources are 50% (4/8); at most 25% allowed")

    c = case(g, "fail-two-types", "only books and journals: 2 types, 3 required", "FAIL")
    c.questions(one)
    c.refs("literature", src("L", ["gregg-2020", "kleppmann-2017"]))
    c.refs("citations", src("A", ["dean-2013", "gregg-2016"]))
    c.diag("bank.yaml:1:1", "sources span 2 type(s); at least 3 required")
    c.diag("bank.yaml:1:1", "book sources are 50% (2/4); at most 25% allowed")
    c.diag("bank.yaml:1:1", "journal sources are 50% (2/4); at most 25% allowed")

    c = case(g, "fail-three-even",
             "3 types of 2 sources each: 3 types are enough, but each is 33% > 25%, so 3 types can never pass", "FAIL")
    c.questions(one)
    c.refs("literature", src("L", ["gregg-2020", "kleppmann-2017"]))
    c.refs("citations", src("A", ["dean-2013", "gregg-2016", "k6-docs-2026", "prom-docs-2025"]))
    for kind in ("book", "docs", "journal"):
        c.diag("bank.yaml:1:1", f"{kind} sources are 33% (2/6); at most 25% allowed")


# ---------------------------------------------------------------------------------------
# Gate 17: link accessibility (offline: the harness never checks links live)
# ---------------------------------------------------------------------------------------


def gate_links():
    g = "link-accessibility"
    s = SC["k6-ci-gate"]
    c = case(g, "pass", "every link is persistent: a DOI, or a URL with an archived copy; a doi.org link in the text", "PASS")
    c.questions([question(s, answer=short_answer(s, {"Impact": "(https://doi.org/10.1145/2408776.2408794)"}))])
    c.refs("tools", tools(1))
    c.refs("literature", src("L", ["gunther-2007"]))
    c.refs("citations", src("A", ["dean-2013", "zhang-2024"]))

    c = case(g, "fail", "a DOI written as a URL and a tool URL with a mistyped scheme are malformed", "FAIL")
    c.questions([question(s)])
    c.refs("tools", tools(1, {"k6": {"url": "htps://k6.io"}}))
    c.refs("citations", src("A", ["dean-2013", "zhang-2024"],
                            {"dean-2013": {"doi": Raw('"https://doi.org/10.1145/2408776.2408794"')}}))
    c.diag(c.at_value("references/citations.yaml", "doi"), "malformed DOI `https://doi.org/10.1145/2408776.2408794`")
    c.diag(c.at_value("references/tools.yaml", "url"), "malformed URL `htps://k6.io`")

    c = case(g, "warn-offline",
             "a tool URL without an archived copy and a plain link in an answer cannot be verified offline: WARN, never PASS",
             "WARN")
    link = "https://grafana.com/docs/k6/latest/using-k6/thresholds/"
    c.questions([question(s, answer=short_answer(s, {"Optimize": f"(thresholds: {link})"}))])
    c.refs("tools", tools(1, {"k6": {"archived": None}}))
    c.refs("citations", src("A", ["dean-2013"]))
    c.diag(c.at_value("references/tools.yaml", "url"), "`T1` has neither a DOI nor an archived copy, and was not checked live")
    c.diag(c.at_text(qf(s["slug"]), link, key="answer"), f"link {link} was not checked live")


# ---------------------------------------------------------------------------------------
# Gate 18: performance methods
# ---------------------------------------------------------------------------------------


def gate_methods():
    g = "performance-methods"
    a, b, h = SC["api-p99-pool-wait"], SC["cache-offload-load-test"], SC["hpa-rps-signal"]
    c = case(g, "pass",
             "4 methods are tagged; scalability and monitoring are found in the text of an untagged question (autoscaling, Prometheus)",
             "PASS")
    c.questions([question(a, methods=["profiling", "optimization"]),
                 question(b, methods=["caching", "load-testing"]),
                 question(h)])

    c = case(g, "fail", "no question is tagged with, or mentions, scalability or monitoring", "FAIL")
    c.questions([question(a, methods=["profiling", "optimization"]),
                 question(b, methods=["caching", "load-testing"])])
    c.diag("bank.yaml:1:1", "no question covers Scalability")
    c.diag("bank.yaml:1:1", "no question covers Monitoring")


# ---------------------------------------------------------------------------------------
# Gate 19: clarity
# ---------------------------------------------------------------------------------------


def glossary_terms(terms: list[str]) -> list[dict]:
    by = {e["term"]: e for e in GLOSSARY}
    return [{"id": f"G{i + 1}", **by[t], "lang": "EN"} for i, t in enumerate(terms)]


def gate_clarity():
    g = "clarity"
    s = SC["cache-aside-catalog"]

    def answer(optimize: str) -> str:
        return chain(
            ("SLO", "Catalog p99 below 30 ms at 6K RPS [G: SLO]; the SLOs for prices allow 5 s of staleness."),
            ("Measure", "8% of products receive 90% of reads, and `EXPLAIN ANALYZE` of the hot query shows 12 ms per call."),
            ("Bottleneck", "The database runs at 70% CPU at peak while serving the same rows again and again."),
            ("Optimize", optimize),
            ("Validate", "A k6 run at 6K RPS must show a hit rate above 95% and p99 under 30 ms."),
            ("Impact", "p99 fell from 80 ms to 9 ms (89% lower) and database QPS by 90%."),
        )

    c = case(g, "pass",
             "SLO/SLOs, RPS, QPS and TTL are glossary terms or term parts, CPU is a common acronym, code in backticks is skipped",
             "PASS")
    c.questions([question(s, answer=answer("Cache-aside in Redis with a 10 min TTL for descriptions and event-driven invalidation for prices."))])
    c.refs("glossary", glossary_terms(["p50/p95/p99", "SLO", "RPS/TPS/QPS", "TTL"]))

    c = case(g, "fail", "TTL (used twice) and LFU are in no glossary entry and not common acronyms", "FAIL")
    rel = qf(s["slug"])
    c.questions([question(s, answer=answer(
        "Cache-aside in Redis with a 10 min TTL and an LFU eviction policy; each TTL is jittered by 10%."))])
    c.refs("glossary", glossary_terms(["p50/p95/p99", "SLO", "RPS/TPS/QPS"]))
    c.diag(c.at_text(rel, "TTL", key="answer"), "acronym `TTL` is not defined (2 uses)")
    c.diag(c.at_text(rel, "LFU", key="answer"), "acronym `LFU` is not defined")


# ---------------------------------------------------------------------------------------
# Gate 20: self-review
# ---------------------------------------------------------------------------------------

SR_CLUSTERS = ["latency", "throughput", "database", "caching", "monitoring"]

NOTES = [
    "The runbook links the dashboard, the profile and the test script used here.",
    "Two engineers reviewed the numbers before the change went out.",
    "The same test now runs every night at 02:00 against staging.",
    "Rollback takes 4 minutes through the deployment pipeline.",
    "The alert threshold sits 20% below the objective to give on-call time to act.",
    "We kept the previous configuration in the repository for 2 releases.",
    "Staging uses 1/4 of the production fleet, so every figure is scaled by 4.",
    "Capacity reviews repeat this check every quarter.",
    "Each figure above comes from at least 3 runs.",
    "Cost figures use on-demand prices for the region in use.",
    "The owner of each dependency signed off on the extra load it receives.",
    "A short write-up went to the architecture forum with the measured results and the open questions for the next quarter.",
    "Interview follow-up: ask the candidate what they would measure first if the profile disagreed with the metrics.",
    "Interview follow-up: ask how the answer changes when traffic triples within 6 months and the budget stays flat.",
    "A good candidate names the assumption behind each number and how they would check it in production.",
    "Weak answers jump from symptom to fix without a baseline or a success criterion.",
    "Strong answers state the trade-off they accept and the signal that would make them revisit it.",
]


def padded_answer(base: str, target: int) -> str:
    """`base` plus a Notes paragraph of whole sentences, exactly `target` words long."""
    head = base + "\n**Notes**:"
    need = target - word_count(head)
    counts = [word_count(n) for n in NOTES]
    # Subset sum over the notes, keeping their order.
    best: dict[int, list[int]] = {0: []}
    for i, k in enumerate(counts):
        for total, chosen in list(best.items()):
            if total + k <= need and total + k not in best:
                best[total + k] = chosen + [i]
    assert need in best, f"cannot pad to {target} words (need {need})"
    text = head + " " + " ".join(NOTES[i] for i in sorted(best[need])) + "\n"
    assert word_count(text) == target, (word_count(text), target)
    return text


def sr_questions(clusters: list[str] = SR_CLUSTERS, per: int = 4) -> list[dict]:
    """Full questions: `per` from each cluster, the first of each with a diagram."""
    qs = []
    for c in clusters:
        for j, s in enumerate(scenarios(c)[:per]):
            qs.append(full_question(s, len(qs), diagram=(j == 0)))
    return qs


def sr_case(name: str, about: str, status: str, qs: list[dict], **bank_kw) -> Case:
    c = case("self-review", name, about, status)
    c.questions(qs, **bank_kw)
    full_refs(c)
    return c


def gate_self_review():
    c = sr_case("pass", "5 clusters of 4 complete questions: every machine-checkable quality standard holds", "PASS",
                sr_questions())

    qs = sr_questions()
    by = {q["id"]: q for q in qs}
    by["event-loop-blocking"]["answer"] = short_answer(SC["event-loop-blocking"], {"SLO": "[Ref: G2]", "Validate": "[Ref: T1]"})
    short_words = word_count(by["event-loop-blocking"]["answer"])
    by["worker-pool-saturation"]["key_insight"] = key_insight(SC["worker-pool-saturation"], "A1") + " The change took 2 days of work."
    by["partial-index-tickets"]["tradeoffs"] = (
        "Query speed vs write cost: the partial index keeps writes fast because only open tickets are indexed. "
        "When to use: filters that select under 1% of rows. When to avoid: predicates that change with every release.")
    by["cache-offload-load-test"]["title"] = (
        "What is the right load test to prove that a new Redis layer offloads the database, including the cold-cache case?")
    c = sr_case("fail", "a 101-word answer, a two-sentence key insight, 'fast' without a figure and a 'What is' recall title",
                "FAIL", qs)
    assert 0 < short_words < 150
    c.about = c.about.replace("101", str(short_words))
    c.diag(c.at_value(qf("event-loop-blocking"), "answer"),
           f"(`event-loop-blocking`): the answer has {short_words} words; 150-300 required")
    c.diag(c.at_value(qf("worker-pool-saturation"), "key_insight"), "(`worker-pool-saturation`): the key insight has 2 sentences")
    # The harness matches the JSON-encoded message, where `"` is written `\"`.
    c.diag(c.at_text(qf("partial-index-tickets"), "fast", key="tradeoffs"),
           '(`partial-index-tickets`): \\"fast\\" without a number in the same sentence')
    c.diag(c.at_value(qf("cache-offload-load-test"), "title"), "(`cache-offload-load-test`) asks for recall, not application")

    qs = [q for q in sr_questions() if q["id"] != "replicas-vs-sharding"]
    for q in qs:
        if q["cluster"] == "monitoring":
            q.pop("diagram", None)
            q.pop("metrics", None)
    c = sr_case("fail-clusters", "the database cluster holds 3 questions; the monitoring cluster has no diagram and no metrics table",
                "FAIL", qs)
    c.diag(c.at_value("bank.yaml", "id", nth=2), "cluster `database` has 3 questions; 4-6 required")
    c.diag(c.at_value("bank.yaml", "id", nth=4), "cluster `monitoring` lacks a diagram, a metrics table")

    c = sr_case("fail-cluster-count", "4 clusters of 4 questions: 5-6 clusters required", "FAIL",
                sr_questions(SR_CLUSTERS[:4]))
    c.diag("bank.yaml:1:1", "4 clusters hold questions; 5-6 required")

    qs = sr_questions()
    by = {q["id"]: q for q in qs}
    by["redis-memory-lfu"]["title"] = by["cache-aside-catalog"]["title"].replace("6K rps", "8K rps")
    c = sr_case("fail-duplicate-titles", "a question copied with one figure changed has a near-identical title", "FAIL", qs)
    c.diag(c.at_value(qf("redis-memory-lfu"), "title"), "(`redis-memory-lfu`) have near-identical titles")

    c = sr_case("fail-toc", "a bank titled like the 'Q&A by Cluster' section shadows its anchor, so that Contents link breaks",
                "FAIL", sr_questions(), title="Q&A by Cluster")
    c.diag("bank.yaml:1:1", "the Contents link `#qa-by-cluster` (Q&A by Cluster) does not resolve to its heading")

    qs = sr_questions()
    by = {q["id"]: q for q in qs}
    by["percentile-gap"]["answer"] = padded_answer(short_answer(SC["percentile-gap"], {"SLO": "[Ref: G2]", "Measure": "[Ref: T3]"}), 150)
    by["max-sustainable-rps"]["answer"] = padded_answer(full_answer(SC["max-sustainable-rps"], 4), 300)
    sr_case("boundary-words", "answers of exactly 150 and exactly 300 words pass (the bounds are inclusive)", "PASS", qs)


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

GATES = [
    ("quantity", gate_quantity),
    ("mece-coverage", gate_mece),
    ("difficulty", gate_difficulty),
    ("performance-chain", gate_chain),
    ("practical-elements", gate_practical),
    ("citations", gate_citations),
    ("cross-refs", gate_cross_refs),
    ("tradeoffs", gate_tradeoffs),
    ("risk-mitigation", gate_risks),
    ("quantified-impact", gate_impact),
    ("glossary-min", gate_glossary),
    ("tools-min", gate_tools),
    ("literature-min", gate_literature),
    ("citations-min", gate_citations_min),
    ("recency", gate_recency),
    ("diversity", gate_diversity),
    ("link-accessibility", gate_links),
    ("performance-methods", gate_methods),
    ("clarity", gate_clarity),
    ("self-review", gate_self_review),
]

README = """# Gate fixtures

Generated by `scripts/gen-gate-fixtures.py`; do not edit by hand. Change the script
and run `python3 scripts/gen-gate-fixtures.py`.

One folder per gate (its kebab name), one minimal bank per case. Each case's
`expect.txt` starts with a comment saying what the case shows, then
`status: PASS|WARN|FAIL`, then `diag: path:line[:col] text` for each diagnostic the
gate must produce. `tests/cli/gates.rs` runs every case with
`qbank check CASE --format json --as-of 2026-11-25`; a case pins only its own gate.
The text is matched against the JSON-encoded message, so a `"` in a message is
written `\\"` in expect.txt.

Cases:

{cases}
"""


def build(base: Path):
    CASES.clear()
    for gate, make in GATES:
        make()
        names = [c.name for c in CASES if c.gate == gate]
        assert "pass" in names and "fail" in names, gate
    seen = set()
    for c in CASES:
        key = (c.gate, c.name)
        assert key not in seen, key
        seen.add(key)
        c.write(base)
    lines = []
    for gate, _ in GATES:
        names = ", ".join(f"`{c.name}`" for c in CASES if c.gate == gate)
        lines.append(f"- `{gate}`: {names}")
    (base / "README.md").write_text(README.format(cases="\n".join(lines)), encoding="utf-8")


def tree(base: Path) -> dict[str, bytes]:
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def main() -> int:
    if "--check" in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "gates"
            fresh.mkdir()
            build(fresh)
            if tree(fresh) != (tree(OUT) if OUT.exists() else {}):
                print(f"{OUT.relative_to(ROOT)} is stale; run python3 scripts/gen-gate-fixtures.py", file=sys.stderr)
                return 1
        return 0
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    build(OUT)
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {len(CASES)} cases for {len(GATES)} gates to {OUT.relative_to(ROOT)} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
