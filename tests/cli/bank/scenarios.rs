//! The builder bank's questions: one scenario per question (its matrix cell, each step of
//! the performance chain in one sentence, figures and a practical block) and the per-cluster
//! prose (trade-offs, alternatives, risks) and sentences that complete each step.

pub(crate) struct Scenario {
    pub slug: &'static str,
    pub cluster: &'static str,
    pub difficulty: &'static str,
    pub dims: &'static [&'static str],
    pub phases: &'static [&'static str],
    pub methods: &'static [&'static str],
    /// The tool the Measure step cites.
    pub tool: &'static str,
    pub title: &'static str,
    pub slo: &'static str,
    pub measure: &'static str,
    pub bottleneck: &'static str,
    pub fix: &'static str,
    pub fix_short: &'static str,
    pub validate: &'static str,
    pub metric: &'static str,
    pub unit: &'static str,
    pub before: u64,
    pub after: u64,
    pub lang: &'static str,
    pub caption: &'static str,
    pub code: &'static str,
    /// References the answer cites besides the glossary's SLO entry, the tool and k6:
    /// the first in Impact and the key insight, the rest in Bottleneck.
    pub refs: &'static [&'static str],
}

pub(crate) const SCENARIOS: &[Scenario] = &[
    Scenario {
        slug: "percentile-gap",
        cluster: "latency",
        difficulty: "foundational",
        dims: &["latency"],
        phases: &["measure"],
        methods: &["monitoring"],
        tool: "T3",
        title: "Dashboards show a healthy 45 ms average for a search API, yet users complain about stalls. How do you measure p95 and p99 correctly at 1.5K rps and decide what to fix first?",
        slo: "p99 below 250 ms at 1.5K rps, measured at the load balancer",
        measure: "I replace the average panel with histogram_quantile over 5 min windows of the request-duration histogram, split by route",
        bottleneck: "a 2% slice of queries hits a cold search shard and takes 780 ms, which the 45 ms average hides completely",
        fix: "I pre-warm the shard after each deploy and add buckets at 250 ms and 500 ms so the objective's boundary is measured exactly",
        fix_short: "Pre-warming the cold shard and watching histogram percentiles instead of averages",
        validate: "the p99 panel and a k6 run at 1.5K rps must both stay under 250 ms for 3 consecutive deploys",
        metric: "p99 latency",
        unit: "ms",
        before: 780,
        after: 190,
        lang: "yaml",
        caption: "Recording rule for p99 per route and a page when it breaches 250 ms",
        code: r#"groups:
  - name: slo-latency
    rules:
      - record: route:http_request_duration_seconds:p99_5m
        expr: |
          histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))
      - alert: SearchP99AboveObjective
        expr: route:http_request_duration_seconds:p99_5m > 0.25
        for: 10m
        labels:
          severity: page
        annotations:
          summary: "SearchP99AboveObjective for 10 minutes"
"#,
        refs: &["G1", "A10", "A15"],
    },
    Scenario {
        slug: "event-loop-blocking",
        cluster: "latency",
        difficulty: "intermediate",
        dims: &["latency"],
        phases: &["measure", "analyze"],
        methods: &["profiling"],
        tool: "T2",
        title: "A Node.js gateway serving 2K rps shows a p99 of 900 ms while p50 is 40 ms. Show how you would prove that the event loop is blocked and what you would change.",
        slo: "p99 below 200 ms at 2K rps across the gateway's 12 routes",
        measure: "I record event-loop delay with monitorEventLoopDelay and take a 60 s CPU profile with --cpu-prof under replayed production traffic",
        bottleneck: "synchronous schema validation of 400 KB payloads holds the event loop for up to 700 ms, so every request queued behind it inherits the delay",
        fix: "I move validation into a pool of 4 worker threads and compile the schema once at start-up",
        fix_short: "Moving schema validation off the event loop into 4 worker threads",
        validate: "a replay of 1 h of production traffic must keep event-loop delay p99 under 20 ms and request p99 under 200 ms",
        metric: "p99 latency",
        unit: "ms",
        before: 900,
        after: 120,
        lang: "bash",
        caption: "CPU profile and event-loop delay of one gateway instance",
        code: r#"# 60 s CPU profile of one instance under replayed traffic
node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 1000 dist/server.js &
PID=$!
sleep 60 && kill -INT "$PID"
# Event-loop delay percentiles exported by the gateway (perf_hooks.monitorEventLoopDelay)
curl -s localhost:9464/metrics | grep -E '^nodejs_eventloop_lag_p(50|99)_seconds'
# Open the newest profile in Chrome DevTools or speedscope
ls -t /tmp/prof/*.cpuprofile | head -n 1
"#,
        refs: &["A2", "G4"],
    },
    Scenario {
        slug: "api-p99-pool-wait",
        cluster: "latency",
        difficulty: "advanced",
        dims: &["latency"],
        phases: &["analyze", "optimize"],
        methods: &["profiling", "optimization"],
        tool: "T2",
        title: "After a campaign doubled traffic to 4K rps, a product API's p99 rose from 80 ms to 350 ms while CPU stayed at 31%. Find the bottleneck and justify one fix against a p99 < 100 ms SLO.",
        slo: "p99 below 100 ms for product reads at 4K rps on 8 pods",
        measure: "I profile one pod in wall-clock mode for 60 s with async-profiler and read the pool's pending-thread gauge beside it",
        bottleneck: "58% of request wall time is spent waiting for one of 10 pooled database connections, while Little's Law asks for 12 busy connections at 500 rps per pod",
        fix: "I raise the pool to 20 connections per pod and set a 250 ms acquire timeout, so a stall returns an error instead of queueing for 30 s",
        fix_short: "Doubling the connection pool from 10 to 20 per pod",
        validate: "k6 at 4K rps for 30 min must hold p99 under 100 ms with errors below 0.1%, followed by a 10% canary for 24 h",
        metric: "p99 latency",
        unit: "ms",
        before: 350,
        after: 68,
        lang: "yaml",
        caption: "HikariCP pool sized for a cold cache, with a short acquire timeout",
        code: r#"spring:
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
"#,
        refs: &["A1", "G7", "G12"],
    },
    Scenario {
        slug: "canary-tls-reuse",
        cluster: "latency",
        difficulty: "intermediate",
        dims: &["latency"],
        phases: &["validate"],
        methods: &["load-testing", "monitoring"],
        tool: "T3",
        title: "A latency fix for a checkout service is ready. Design the canary and A/B comparison that proves p99 fell from 240 ms to under 150 ms at 3K rps without raising the error rate.",
        slo: "checkout p99 below 150 ms at 3K rps with an error rate under 0.1%",
        measure: "I compare a 10% canary cohort with a 10% control cohort over the same hours, using the same request histograms for both",
        bottleneck: "a new TLS handshake on every call to the tax service added 90 ms at p99 before the change",
        fix: "the change enables keep-alive connection reuse to the tax service with a pool of 50 connections per pod",
        fix_short: "Reusing TLS connections to the tax service",
        validate: "the canary must show p99 under 150 ms and an error-rate difference below 0.05 points after 24 h, else the rollout aborts automatically",
        metric: "p99 latency",
        unit: "ms",
        before: 240,
        after: 130,
        lang: "yaml",
        caption: "Argo Rollouts analysis comparing canary p99 with the 150 ms objective",
        code: r#"apiVersion: argoproj.io/v1alpha1
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
"#,
        refs: &["L3", "A17"],
    },
    Scenario {
        slug: "fanout-hedging",
        cluster: "latency",
        difficulty: "advanced",
        dims: &["latency", "scalability"],
        phases: &["analyze"],
        methods: &["optimization"],
        tool: "T3",
        title: "A feed endpoint fans out to 40 backend calls and its p99 is 600 ms, although each backend's p99 is 50 ms. Explain the tail amplification and reduce it.",
        slo: "feed p99 below 200 ms at 1.2K rps",
        measure: "I trace 1% of feed requests and chart the slowest of the 40 child spans in each request",
        bottleneck: "with 40 parallel calls, 1 - 0.99^40 = 33% of requests wait for at least one backend p99, so the slowest child sets the feed's latency",
        fix: "I send a hedged request when a child call exceeds the backend p95 of 30 ms, capped at 5% extra backend load",
        fix_short: "Hedging child calls after the backend p95 of 30 ms",
        validate: "a 2 h load test at 1.2K rps must keep feed p99 under 200 ms while backend load grows by less than 5%",
        metric: "p99 latency",
        unit: "ms",
        before: 600,
        after: 140,
        lang: "yaml",
        caption: "Envoy route with hedging on the per-try timeout",
        code: r#"route_config:
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
"#,
        refs: &["L6", "A7", "A18"],
    },
    Scenario {
        slug: "n-plus-one-history",
        cluster: "database",
        difficulty: "foundational",
        dims: &["latency", "resources"],
        phases: &["analyze"],
        methods: &["optimization"],
        tool: "T3",
        title: "An order-history page issues 120 queries per request and takes 1.8 s at p95. Find the N+1 pattern and fix it without changing the public API.",
        slo: "p95 below 400 ms for the order-history page at 300 rps",
        measure: "I enable the query log for 100 requests sampled over 10 min and group statements by their normalised text",
        bottleneck: "one query per order line loads product names, so a page of 40 orders with 3 lines each issues 120 round trips",
        fix: "I load the lines and products with one join through eager loading, which leaves 2 queries per page",
        fix_short: "Replacing 120 per-line queries with one eager-loaded join",
        validate: "the page test at 300 rps must show p95 under 400 ms and at most 3 queries per request",
        metric: "p95 latency",
        unit: "ms",
        before: 1800,
        after: 210,
        lang: "sql",
        caption: "The repeated per-line query and the single join that replaces it",
        code: r#"-- before: issued once per order line (120 times per page)
SELECT name, price FROM products WHERE id = $1;

-- after: one query for the page
SELECT o.id, l.quantity, p.name, p.price
FROM orders o
JOIN order_lines l ON l.order_id = o.id
JOIN products p ON p.id = l.product_id
WHERE o.customer_id = $1
ORDER BY o.created_at DESC
LIMIT 40;
"#,
        refs: &["L5", "G2"],
    },
    Scenario {
        slug: "partial-index-tickets",
        cluster: "database",
        difficulty: "intermediate",
        dims: &["resources"],
        phases: &["analyze", "optimize"],
        methods: &["optimization"],
        tool: "T3",
        title: "A support dashboard query scans 40M ticket rows to show 2K open tickets and takes 2.3 s. Use the query plan to design an index and quantify the gain.",
        slo: "dashboard query below 50 ms at p95 during business hours",
        measure: "I run `EXPLAIN (ANALYZE, BUFFERS)` with production parameters, which reports 2.3 s per call and 40M rows removed by the filter",
        bottleneck: "a sequential scan reads 40M rows and discards 99.99% of them, costing 1.1M buffer reads per call",
        fix: "I create a partial index on team and update time restricted to open tickets, which holds only the 2K open rows",
        fix_short: "A partial index over the 2K open tickets",
        validate: "the plan must show an index scan with under 100 buffer reads, and p95 must stay under 50 ms for 7 days",
        metric: "query time p95",
        unit: "ms",
        before: 2300,
        after: 4,
        lang: "sql",
        caption: "Plan before and after a partial index on open tickets",
        code: r#"EXPLAIN (ANALYZE, BUFFERS)
SELECT id, subject, updated_at
FROM tickets
WHERE status = 'open' AND team_id = 42
ORDER BY updated_at DESC
LIMIT 50;

CREATE INDEX CONCURRENTLY tickets_open_team_updated
  ON tickets (team_id, updated_at DESC)
  WHERE status = 'open';
"#,
        refs: &["A8", "A14"],
    },
    Scenario {
        slug: "pool-sizing-pgbouncer",
        cluster: "database",
        difficulty: "advanced",
        dims: &["scalability", "resources"],
        phases: &["optimize"],
        methods: &["optimization", "scalability"],
        tool: "T3",
        title: "After scaling checkout to 60 pods, PostgreSQL hits its 500-connection limit and p99 spikes. Size the connection pools and decide whether to add a pooler.",
        slo: "checkout p99 below 250 ms at 6K rps with no connection errors",
        measure: "I chart active, idle and waiting connections per pod from pg_stat_activity samples taken every 10 s",
        bottleneck: "60 pods with pools of 10 open 600 connections while only 45 are active at peak, so idle connections exhaust the limit of 500",
        fix: "I introduce PgBouncer in transaction mode with 80 server connections and shrink the per-pod pool to 4",
        fix_short: "Transaction pooling through PgBouncer with 80 server connections",
        validate: "a 6K rps test must keep p99 under 250 ms with zero connection errors and under 100 server connections",
        metric: "server connections",
        unit: "connections",
        before: 600,
        after: 80,
        lang: "ini",
        caption: "PgBouncer in transaction mode in front of the primary",
        code: r#"[databases]
checkout = host=pg-primary.internal port=5432 dbname=checkout

[pgbouncer]
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 80
reserve_pool_size = 10
reserve_pool_timeout = 2
server_idle_timeout = 60
"#,
        refs: &["G7", "A13", "T5"],
    },
    Scenario {
        slug: "replicas-vs-sharding",
        cluster: "database",
        difficulty: "advanced",
        dims: &["scalability"],
        phases: &["analyze", "optimize"],
        methods: &["scalability"],
        tool: "T3",
        title: "A marketplace database at 85% CPU must absorb 3x growth within 12 months. Compare read replicas with sharding and choose, with the numbers behind the choice.",
        slo: "p99 below 150 ms for reads and 250 ms for writes at 3x today's 9K rps",
        measure: "I split database time by statement type and find that 82% of it goes to reads",
        bottleneck: "the primary's CPU is the limiting factor, and read queries from search pages consume most of it",
        fix: "I add 2 read replicas for search traffic and keep sharding as the plan for when writes pass 60% of the primary",
        fix_short: "Two read replicas for search reads",
        validate: "a replayed 3x load must keep primary CPU under 60% and replica lag under 1 s",
        metric: "primary CPU at peak",
        unit: "%",
        before: 85,
        after: 38,
        lang: "sql",
        caption: "Share of database time by statement type",
        code: r#"SELECT
  CASE WHEN query ILIKE 'select%' THEN 'read' ELSE 'write' END AS kind,
  round(sum(total_exec_time)::numeric / 1000) AS seconds,
  round(100 * sum(total_exec_time) / (SELECT sum(total_exec_time) FROM pg_stat_statements)) AS pct
FROM pg_stat_statements
GROUP BY 1
ORDER BY 2 DESC;
"#,
        refs: &["L2", "L8"],
    },
    Scenario {
        slug: "partition-validation",
        cluster: "database",
        difficulty: "intermediate",
        dims: &["resources", "latency"],
        phases: &["validate"],
        methods: &["optimization"],
        tool: "T3",
        title: "After partitioning a 2 TB telemetry table by month, how do you validate that p95 query time fell from 4 s to under 500 ms and that writes did not regress?",
        slo: "p95 below 500 ms for 30-day dashboards and write p99 below 20 ms",
        measure: "I replay 1 day of logged dashboard queries against the old and new tables on identical hardware",
        bottleneck: "before partitioning, each 30-day query walked index pages covering 24 months of data",
        fix: "monthly partitions with partition pruning limit each query to 1 or 2 partitions",
        fix_short: "Monthly partitions with pruning",
        validate: "the plan must show pruning to at most 2 partitions, replayed p95 must be under 500 ms, and insert p99 must stay under 20 ms",
        metric: "query time p95",
        unit: "ms",
        before: 4000,
        after: 380,
        lang: "sql",
        caption: "The pruning check: the plan of a 30-day query must touch at most 2 partitions",
        code: r#"-- run on the replay host against the partitioned table
EXPLAIN (ANALYZE, BUFFERS)
SELECT device_id, avg(value) AS mean_value
FROM readings
WHERE device_id = 7
  AND ts >= now() - interval '30 days'
GROUP BY device_id;
"#,
        refs: &["L1", "A14"],
    },
    Scenario {
        slug: "cache-aside-catalog",
        cluster: "caching",
        difficulty: "intermediate",
        dims: &["latency", "throughput"],
        phases: &["optimize"],
        methods: &["caching"],
        tool: "T3",
        title: "A catalog service serves 6K rps of reads with an 80 ms p99 straight from the database. Design a cache-aside layer that reaches a 95% hit rate and keeps prices correct.",
        slo: "catalog p99 below 30 ms at 6K rps, with prices never more than 5 s stale",
        measure: "I log key access frequencies for 1 h and find that 8% of products receive 90% of reads",
        bottleneck: "every read pays a 12 ms database round trip, and the database runs at 70% CPU at peak",
        fix: "I add cache-aside in Redis with a 10 min expiry for descriptions and event-driven invalidation for prices",
        fix_short: "Cache-aside in Redis with event-driven price invalidation",
        validate: "a k6 run at 6K rps must show a hit rate above 95%, p99 under 30 ms and no price older than 5 s",
        metric: "p99 latency",
        unit: "ms",
        before: 80,
        after: 9,
        lang: "python",
        caption: "Cache-aside read with jittered expiry",
        code: r#"import json, random
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
"#,
        refs: &["A6", "G6"],
    },
    Scenario {
        slug: "cache-offload-load-test",
        cluster: "caching",
        difficulty: "intermediate",
        dims: &["throughput"],
        phases: &["analyze", "validate"],
        methods: &["caching", "load-testing"],
        tool: "T1",
        title: "You added Redis in front of a product API. Design the load test that proves the database offload and the p99 gain, including the cold-cache case.",
        slo: "p99 below 100 ms at 4K rps, and below 150 ms with an empty cache",
        measure: "I record database queries per second, hit rate and p99 for warm and cold runs of 30 min each",
        bottleneck: "with a cold cache every request falls through, so database CPU is the limiting factor for the first 5 min",
        fix: "I add request coalescing and a 5 min warm-up ramp so a cold start does not overload the database",
        fix_short: "Request coalescing with a warm-up ramp",
        validate: "the warm run must hold p99 under 100 ms and the cold run under 150 ms, both with errors below 0.1%",
        metric: "database load",
        unit: "qps",
        before: 12000,
        after: 1100,
        lang: "javascript",
        caption: "k6 warm-cache run at 4K rps",
        code: r#"import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: 4000, timeUnit: '1s', duration: '30m',
      preAllocatedVUs: 400, maxVUs: 2000,
    },
  },
  thresholds: {
    http_req_duration: ['p(99)<100'],
    http_req_failed: ['rate<0.001'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/products/42`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
"#,
        refs: &["G6", "G3"],
    },
    Scenario {
        slug: "redis-memory-lfu",
        cluster: "caching",
        difficulty: "advanced",
        dims: &["resources"],
        phases: &["measure", "analyze"],
        methods: &["caching", "monitoring"],
        tool: "T3",
        title: "A 16 GB Redis cache evicts hot keys and its hit rate fell from 93% to 71%. Analyse memory use and choose an eviction policy.",
        slo: "hit rate above 90% with memory below 85% of the configured maximum",
        measure: "I sample keys with redis-cli in bigkeys and memkeys mode and chart evictions per second against hit rate over 24 h",
        bottleneck: "a batch job writes 4 GB of one-off report keys without an expiry, and the allkeys-lru policy evicts hot product keys to make room",
        fix: "I give report keys a 1 h expiry in a separate instance and switch the cache to allkeys-lfu",
        fix_short: "Switching to allkeys-lfu and expiring one-off keys",
        validate: "over 7 days the hit rate must stay above 90% with evictions below 10 per second",
        metric: "hit rate",
        unit: "%",
        before: 71,
        after: 94,
        lang: "bash",
        caption: "Where the memory goes and what gets evicted",
        code: r#"redis-cli -h redis-cache --bigkeys -i 0.01
redis-cli -h redis-cache --memkeys --memkeys-samples 100
redis-cli -h redis-cache INFO stats | grep -E 'evicted_keys|keyspace_(hits|misses)'
redis-cli -h redis-cache CONFIG SET maxmemory-policy allkeys-lfu
redis-cli -h redis-cache CONFIG GET maxmemory
"#,
        refs: &["A9", "A4", "A3", "G10", "T4"],
    },
    Scenario {
        slug: "cache-stampede",
        cluster: "caching",
        difficulty: "advanced",
        dims: &["latency", "resources"],
        phases: &["optimize"],
        methods: &["caching"],
        tool: "T3",
        title: "Each hour, when a popular key expires, 3K concurrent misses reach the database and p99 jumps to 2 s. Prevent the stampede.",
        slo: "p99 below 120 ms at every hour boundary",
        measure: "I correlate key expiry times with database connection spikes over 24 h of metrics",
        bottleneck: "all copies of the key expire in the same second, so 3K requests rebuild the same value at once",
        fix: "I add single-flight loading per key, 10% expiry jitter and early refresh when less than 30 s of life remain",
        fix_short: "Single-flight loading with expiry jitter and early refresh",
        validate: "a test that expires the 100 hottest keys at 4K rps must keep p99 under 120 ms",
        metric: "p99 latency",
        unit: "ms",
        before: 2000,
        after: 95,
        lang: "python",
        caption: "Single-flight loading: one rebuild per key, with jittered expiry",
        code: r#"import random
import threading

_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def get(r, db, key: str) -> bytes:
    value = r.get(key)
    if value is not None:
        return value
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:  # only one caller per key rebuilds it
        value = r.get(key)
        if value is None:
            value = db.load(key)
            ttl = 3600 + random.randint(0, 360)  # 1 h plus up to 10% jitter
            r.set(key, value, ex=ttl)
    return value
"#,
        refs: &["L10", "G10"],
    },
    Scenario {
        slug: "two-tier-invalidation",
        cluster: "caching",
        difficulty: "advanced",
        dims: &["scalability"],
        phases: &["optimize", "validate"],
        methods: &["caching"],
        tool: "T3",
        title: "A two-tier cache of in-process maps plus Redis serves stale prices for up to 10 minutes after updates. Design invalidation that keeps staleness under 2 s at 8K rps.",
        slo: "price staleness below 2 s at p99 with catalog p99 below 40 ms at 8K rps",
        measure: "I run a probe that updates a test price every minute and measures how long each of 30 pods serves the old value",
        bottleneck: "in-process entries live for 10 min and nothing tells the 30 pods that a price changed",
        fix: "I publish invalidation events on a Redis channel and cap in-process entries at 30 s as a fallback",
        fix_short: "Published invalidation events with a 30 s fallback expiry",
        validate: "the probe must report staleness p99 under 2 s for 7 days, including a test where the channel drops messages",
        metric: "price staleness p99",
        unit: "s",
        before: 600,
        after: 1,
        lang: "python",
        caption: "Invalidate the in-process tier when a price changes",
        code: r#"import threading
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
"#,
        refs: &["A6", "L2"],
    },
    Scenario {
        slug: "k6-ci-gate",
        cluster: "load-testing",
        difficulty: "foundational",
        dims: &["latency"],
        phases: &["validate"],
        methods: &["load-testing"],
        tool: "T1",
        title: "Add a performance gate to CI so that a pull request raising p95 by more than 10% at 500 rps fails the build. Write the test and its thresholds.",
        slo: "p95 below 120 ms at 500 rps for the 5 busiest routes",
        measure: "I run the same k6 scenario on every merge to main to build a baseline of 20 runs",
        bottleneck: "run-to-run noise of 6% means a gate tighter than 10% would fail good builds",
        fix: "I add a k6 job with thresholds on p95 and error rate that compares each run with the stored baseline",
        fix_short: "A k6 gate in CI with thresholds against a stored baseline",
        validate: "a deliberate 20 ms sleep in a test branch must fail the gate, and 10 unchanged builds must pass",
        metric: "regressions reaching production",
        unit: "per quarter",
        before: 6,
        after: 1,
        lang: "javascript",
        caption: "k6 thresholds that fail the CI job",
        code: r#"import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: 500, timeUnit: '1s', duration: '3m',
      preAllocatedVUs: 50, maxVUs: 250,
    },
  },
  thresholds: {
    http_req_duration: ['p(95)<120'],
    http_req_failed: ['rate<0.001'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/search?q=shoes`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
"#,
        refs: &["A5", "G3"],
    },
    Scenario {
        slug: "login-spike-test",
        cluster: "load-testing",
        difficulty: "intermediate",
        dims: &["throughput", "scalability"],
        phases: &["validate"],
        methods: &["load-testing"],
        tool: "T1",
        title: "A login service must survive a 10x spike from 300 to 3K rps within 60 s at 09:00. Design the spike test and state its pass criteria.",
        slo: "login p99 below 300 ms and errors below 1% during the spike",
        measure: "I replay the 09:00 arrival curve, from 300 to 3K rps within 60 s, with a ramping arrival-rate scenario and record per-second percentiles",
        bottleneck: "password hashing with a cost factor of 12 saturates CPU at 1.8K rps on 10 pods",
        fix: "I pre-scale to 18 pods at 08:50 and check returning users with a signed token that needs no hash",
        fix_short: "Scheduled pre-scaling plus token checks for returning users",
        validate: "the spike test must hold p99 under 300 ms and errors under 1% in 3 runs",
        metric: "login p99 during the spike",
        unit: "ms",
        before: 2600,
        after: 240,
        lang: "javascript",
        caption: "k6 spike from 300 to 3K rps in 60 s",
        code: r#"import http from 'k6/http';

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
"#,
        refs: &["G11", "A20"],
    },
    Scenario {
        slug: "soak-test-leak",
        cluster: "load-testing",
        difficulty: "intermediate",
        dims: &["resources"],
        phases: &["measure"],
        methods: &["load-testing", "monitoring"],
        tool: "T1",
        title: "A JVM service passes 30-minute load tests but its pods restart after 9 hours. Design a soak test that exposes the leak and the metrics that confirm it.",
        slo: "no restarts and heap after full collection below 60% over 24 h at 1K rps",
        measure: "I run a 12 h soak at 1K rps and chart old-generation heap after each full collection",
        bottleneck: "a per-tenant metrics map grows by 40 MB per hour because tenant labels are never evicted",
        fix: "I bound the map to 5K entries with least-recently-used eviction and drop unbounded labels",
        fix_short: "Bounding the per-tenant metrics map to 5K entries",
        validate: "a 24 h soak must show heap after full collection flat within 5% and no restarts",
        metric: "heap growth",
        unit: "MB/h",
        before: 40,
        after: 1,
        lang: "javascript",
        caption: "k6 soak at 1K rps for 12 hours",
        code: r#"import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: 1000, timeUnit: '1s', duration: '720m',
      preAllocatedVUs: 100, maxVUs: 500,
    },
  },
  thresholds: {
    http_req_duration: ['p(99)<200'],
    http_req_failed: ['rate<0.001'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/reports`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
"#,
        refs: &["A11", "A16"],
    },
    Scenario {
        slug: "capacity-plan-10x",
        cluster: "load-testing",
        difficulty: "advanced",
        dims: &["scalability"],
        phases: &["measure", "analyze"],
        methods: &["scalability", "load-testing"],
        tool: "T1",
        title: "Plan capacity for 10x traffic on a payments API that runs at 1K rps on 6 pods, with a cost estimate and the test that validates the model.",
        slo: "p99 below 250 ms at 10K rps with 30% headroom",
        measure: "I measure the peak rate per pod at the objective with a step test and find 220 rps per pod",
        bottleneck: "the fraud-scoring call is the limiting factor at 220 rps per pod, and the database reaches 70% CPU at 6K rps",
        fix: "I plan 65 pods, a larger database instance and a second fraud-scoring cluster for $18K per month",
        fix_short: "A measured per-pod limit of 220 rps and a 65-pod plan",
        validate: "a 10K rps test in a production-sized environment must confirm the model within 10%",
        metric: "tested capacity",
        unit: "rps",
        before: 1300,
        after: 13000,
        lang: "python",
        caption: "Pods and cost for 10x traffic with 30% headroom",
        code: r#"import math

target_rps = 10_000
per_pod_rps = 220          # measured at p99 < 250 ms
headroom = 0.30
pods = math.ceil(target_rps / per_pod_rps / (1 - headroom))
monthly = pods * 190 + 4_200 + 1_400   # pods, database, fraud scoring
print(f"{pods} pods, about ${monthly:,} per month")
"#,
        refs: &["L7", "G8", "A12"],
    },
    Scenario {
        slug: "coordinated-omission",
        cluster: "load-testing",
        difficulty: "foundational",
        dims: &["latency", "throughput"],
        phases: &["measure"],
        methods: &["load-testing"],
        tool: "T1",
        title: "Your load generator reports a p99 of 60 ms, but production shows 400 ms at the same 2K rps. Explain coordinated omission and fix the test.",
        slo: "p99 below 200 ms at 2K rps",
        measure: "I compare the closed-loop tool's histogram with production histograms for the same hour",
        bottleneck: "the closed-loop generator waits for each response before sending the next, so requests that would arrive during a stall are never sent or timed",
        fix: "I switch to an open-model constant-arrival-rate executor so requests are scheduled independently of responses",
        fix_short: "Switching the test to an open-model arrival rate",
        validate: "the corrected test must report p99 within 10% of production over 3 runs",
        metric: "gap between test and production p99",
        unit: "ms",
        before: 340,
        after: 25,
        lang: "javascript",
        caption: "Open-model k6 test at 2K rps",
        code: r#"import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: 2000, timeUnit: '1s', duration: '10m',
      preAllocatedVUs: 200, maxVUs: 1000,
    },
  },
  thresholds: {
    http_req_duration: ['p(99)<200'],
    http_req_failed: ['rate<0.001'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/api/items`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
"#,
        refs: &["L9", "A10"],
    },
    Scenario {
        slug: "latency-sli-histograms",
        cluster: "monitoring",
        difficulty: "foundational",
        dims: &["latency"],
        phases: &["measure"],
        methods: &["monitoring"],
        tool: "T3",
        title: "A payment API needs a latency SLI built from Prometheus histograms so that its p99 below 300 ms objective can be alerted on reliably. Design the indicator and its alert.",
        slo: "99% of payment requests complete in under 300 ms over 28 days",
        measure: "I count requests below the 300 ms bucket boundary and divide by all requests, using rates over 5 min",
        bottleneck: "the histogram had no bucket at 300 ms, so the indicator was interpolated between 250 ms and 500 ms",
        fix: "I add buckets at 200, 300 and 400 ms and define the indicator as a ratio of counters",
        fix_short: "Adding a histogram bucket at the 300 ms boundary",
        validate: "the indicator must agree within 0.1 points with access-log percentiles over 7 days",
        metric: "false pages",
        unit: "per month",
        before: 12,
        after: 2,
        lang: "yaml",
        caption: "Latency indicator as a ratio of histogram counters",
        code: r#"groups:
  - name: slo-latency
    rules:
      - record: payment:latency_sli:ratio_rate5m
        expr: |
          sum(rate(http_request_duration_seconds_bucket{job="payment",le="0.3"}[5m])) / sum(rate(http_request_duration_seconds_count{job="payment"}[5m]))
      - alert: PaymentLatencyBudgetBurn
        expr: payment:latency_sli:ratio_rate5m < 0.99
        for: 15m
        labels:
          severity: page
        annotations:
          summary: "PaymentLatencyBudgetBurn for 15 minutes"
"#,
        refs: &["G9", "L4"],
    },
    Scenario {
        slug: "saturation-dashboard",
        cluster: "monitoring",
        difficulty: "intermediate",
        dims: &["resources"],
        phases: &["measure"],
        methods: &["monitoring"],
        tool: "T3",
        title: "Build a saturation dashboard for a 40-node service that shows which resource runs out first as load approaches 20K rps.",
        slo: "p99 below 150 ms up to 20K rps",
        measure: "I chart utilisation, saturation and errors for CPU, memory, disk and network on each node from Prometheus at a 15 s scrape interval",
        bottleneck: "network receive queues on 6 nodes saturate at 14K rps while CPU is still at 55%",
        fix: "I raise the network card's queue count from 4 to 16 and spread interrupts across cores",
        fix_short: "Spreading network interrupts across 16 queues",
        validate: "a step test to 20K rps must show no receive-queue drops and p99 under 150 ms",
        metric: "rate at first saturation",
        unit: "rps",
        before: 14000,
        after: 21000,
        lang: "yaml",
        caption: "Saturation signals per resource as recording rules",
        code: r#"groups:
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
"#,
        refs: &["L1", "A18"],
    },
    Scenario {
        slug: "burn-rate-alerts",
        cluster: "monitoring",
        difficulty: "intermediate",
        dims: &["latency"],
        phases: &["validate"],
        methods: &["monitoring"],
        tool: "T3",
        title: "Replace a noisy static p99 alert with multi-window burn-rate alerts for a 99.9% availability SLO. Show the rules and their expected paging volume.",
        slo: "99.9% of requests succeed over 30 days, an error budget of 43 min",
        measure: "I replay 90 days of error-rate history against both alerting schemes",
        bottleneck: "the static alert fired on 1 min blips, giving 30 pages per month of which 26 needed no action",
        fix: "I page on burn rates of 14.4 over 1 h and 5 min and open a ticket on a rate of 1 over 3 days",
        fix_short: "Multi-window burn-rate alerts",
        validate: "the replay must catch all 4 real incidents of the 90 days with no more than 3 pages per month",
        metric: "pages",
        unit: "per month",
        before: 30,
        after: 3,
        lang: "yaml",
        caption: "Fast-burn page over two windows",
        code: r#"groups:
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
"#,
        refs: &["L4", "A19", "G13"],
    },
    Scenario {
        slug: "continuous-profiling-regression",
        cluster: "monitoring",
        difficulty: "advanced",
        dims: &["resources"],
        phases: &["analyze"],
        methods: &["profiling", "monitoring"],
        tool: "T2",
        title: "CPU cost of a search fleet grew 30% over a quarter while traffic stayed flat. Use continuous profiling to find the regression and prevent the next one.",
        slo: "CPU per 1K requests within 5% of the quarterly baseline",
        measure: "I compare merged fleet profiles from the first and last week of the quarter as a differential flame graph",
        bottleneck: "a logging change formats full request bodies at debug level before the level check, costing 22% of CPU",
        fix: "I guard the formatting behind the level check and add a CI benchmark for the logging path",
        fix_short: "Guarding debug formatting behind the level check",
        validate: "fleet CPU per 1K requests must return within 5% of baseline for 14 days",
        metric: "fleet cost",
        unit: "$",
        before: 52000,
        after: 41000,
        lang: "bash",
        caption: "Differential flame graph of two weeks of fleet profiles",
        code: r#"# Merged profiles exported from the continuous profiler, one per week
./stackcollapse-perf.pl week01.perf > week01.folded
./stackcollapse-perf.pl week13.perf > week13.folded
# Red frames grew between the two weeks, blue frames shrank
./difffolded.pl -n week01.folded week13.folded | ./flamegraph.pl --title "week 13 vs week 1" > diff.svg
# Top growing frames as text
./difffolded.pl -n week01.folded week13.folded | sort -k3 -n -r | head -n 20
"#,
        refs: &["G5", "A2", "A5"],
    },
    Scenario {
        slug: "cost-per-request",
        cluster: "monitoring",
        difficulty: "advanced",
        dims: &["resources"],
        phases: &["optimize"],
        methods: &["monitoring", "optimization"],
        tool: "T3",
        title: "Cloud spend for an API rose to $42K per month. Build a cost-per-request view and cut it by 25% without breaking the p99 SLO.",
        slo: "p99 below 200 ms while cost per 1M requests falls by 25%",
        measure: "I join billing exports with request counts per service to chart cost per 1M requests",
        bottleneck: "pods request 4 cores but use 0.9 at peak, so 60% of the paid CPU sits idle",
        fix: "I right-size requests to 1.5 cores and move batch jobs to spot instances",
        fix_short: "Right-sizing CPU requests and moving batch work to spot instances",
        validate: "p99 must stay under 200 ms for 14 days after the change while cost is tracked daily",
        metric: "monthly spend",
        unit: "$",
        before: 42000,
        after: 29000,
        lang: "yaml",
        caption: "Right-sized requests for the API container",
        code: r#"apiVersion: apps/v1
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
"#,
        refs: &["A13", "A16"],
    },
];

/// Per step label, sentences that complete it (question i takes sentence i % 4).
pub(crate) const FILLER: &[(&str, [&str; 4])] = &[
    (
        "SLO",
        [
            "I agree the objective with the product owner before touching anything, so every later number is judged against it.",
            "The target comes from the funnel data, where each extra 100 ms at p99 costs about 1% of conversions.",
            "Product and site reliability engineering (SRE) sign the target off together, and the error budget decides how much risk a change may take.",
            "I write the objective into the runbook first, because a fix without a target cannot be declared done.",
        ],
    ),
    (
        "Measure",
        [
            "I keep the raw histograms of a 30-minute peak window, so the before and after runs compare like with like.",
            "Every run records the build, the pod count and the offered load, because a baseline without its conditions cannot be repeated.",
            "The baseline covers 2 peak hours on 3 separate days, which keeps one noisy day from steering the decision.",
            "Traces from 1% of requests sit beside the metrics, so each outlier can be followed to the span that caused it.",
        ],
    ),
    (
        "Bottleneck",
        [
            "Other suspects such as garbage collection and the network stay below 5% of request time, so they can wait.",
            "I rank the candidates by their share of wall time and fix only the largest one first.",
            "Utilisation, saturation and errors of each resource are checked in that order before any change is written.",
            "The profile and the metrics point at the same component, which is the evidence I want before a change.",
        ],
    ),
    (
        "Optimize",
        [
            "The change ships behind a flag, with the old path kept for one release as the rollback.",
            "I change one variable at a time so that the gain can be attributed to this change alone.",
            "The configuration lives in version control, and the pull request carries the profile that justified it.",
            "The capacity owner reviews the change, because it moves load onto a shared dependency.",
        ],
    ),
    (
        "Validate",
        [
            "Success criteria are written before the run, so the result cannot be argued into a pass afterwards.",
            "The canary cohort is compared with a control cohort of the same size over the same hours.",
            "A re-run one week later confirms that the gain holds under the new traffic mix.",
            "If any criterion fails, the flag is turned off and the regression is analysed before a second attempt.",
        ],
    ),
    (
        "Impact",
        [
            "The result and the cost of the change go into the performance log, so the next review starts from real figures.",
            "It also freed about 20% of headroom, which postpones the next capacity purchase by 2 quarters.",
            "The on-call team saw 3 fewer pages per week on this service after the change.",
            "The same pattern is now part of the team's checklist for the other 4 services with this shape.",
        ],
    ),
];

/// Per cluster: the trade-off paragraph.
pub(crate) const TRADEOFFS: &[(&str, &str)] = &[
    (
        "latency",
        "Latency vs cost: the change adds about 5% to infrastructure cost for a tail 3x shorter. When to use: read-heavy paths whose p99 breaches the objective. When to avoid: endpoints under 100 rps, where the extra moving parts cost more than the 10 ms they save.",
    ),
    (
        "throughput",
        "Throughput vs latency: larger batches and deeper queues raise completions per second but add up to 50 ms of waiting. When to use: background and ingest paths with a p99 budget above 200 ms. When to avoid: interactive requests with a budget under 100 ms.",
    ),
    (
        "database",
        "Query speed vs write cost: each index or replica speeds reads but adds 5-15% to write time and storage. When to use: read-to-write ratios above 10:1. When to avoid: tables taking more than 5K writes per second.",
    ),
    (
        "caching",
        "Freshness vs load: a cache removes up to 90% of database reads but serves data as old as its expiry. When to use: data read 10x more often than written. When to avoid: balances and stock levels that must never be stale.",
    ),
    (
        "load-testing",
        "Realism vs cost: a production-sized test environment costs about 40% of production for each hour it runs. When to use: before 10x events and quarterly capacity reviews. When to avoid: every pull request, where a 3 min smoke test is enough.",
    ),
    (
        "monitoring",
        "Signal vs noise: more rules catch more issues but each page costs about 30 min of on-call time. When to use: user-facing objectives with an error budget. When to avoid: internal signals without an owner, which belong on a dashboard.",
    ),
];

/// Per cluster: two alternatives, each with its cost or benefit.
pub(crate) const ALTERNATIVES: &[(&str, [(&str, &str); 2])] = &[
    (
        "latency",
        [
            (
                "Vertical scaling",
                "A larger instance at +$3,800 per month trims service time by about 20% but leaves the queueing in place.",
            ),
            (
                "Read replicas",
                "Two replicas at +$2,100 per month spread load but add 10-100 ms of replication lag.",
            ),
        ],
    ),
    (
        "throughput",
        [
            (
                "More pods",
                "Doubling pods costs 2x and stops helping past the contention point measured in the profile.",
            ),
            (
                "Message queue",
                "A queue absorbs bursts of 10x but adds an extra component to run and 20-50 ms of delay.",
            ),
        ],
    ),
    (
        "database",
        [
            (
                "Sharding",
                "Splitting the data across 4 shards removes the single-writer limit but costs months of migration work.",
            ),
            (
                "Larger instance",
                "Moving up one instance size buys about 18 months of growth for +$4,000 per month.",
            ),
        ],
    ),
    (
        "caching",
        [
            (
                "CDN caching",
                "Edge caching serves 60-80% of anonymous reads but cannot cache per-user prices.",
            ),
            (
                "Materialised views",
                "Precomputed tables cut read time to 2-5 ms while refreshes lag by up to 1 min.",
            ),
        ],
    ),
    (
        "load-testing",
        [
            (
                "Production shadowing",
                "Mirroring 5% of live traffic gives real mixes but cannot test 10x peaks.",
            ),
            (
                "Scaled-down environment",
                "A 1/4-size environment costs 25% as much but needs a model to extrapolate.",
            ),
        ],
    ),
    (
        "monitoring",
        [
            (
                "Vendor APM",
                "A hosted tool gives traces and profiles in 1 day at about $30 per host per month.",
            ),
            (
                "Log-based metrics",
                "Deriving rates from logs needs no code change but adds 1-2 min of delay.",
            ),
        ],
    ),
];

/// Per cluster: a risk and its mitigation.
pub(crate) const RISKS: &[(&str, &str, &str)] = &[
    (
        "latency",
        "The change shifts load onto a shared database during peak",
        "Roll out through a 10% canary with an automatic rollback when p99 exceeds the objective for 5 min",
    ),
    (
        "throughput",
        "Bigger batches lose more work if a node crashes",
        "Acknowledge only after the batch commits, and cap batches at 500 items or 50 ms",
    ),
    (
        "database",
        "Index or schema changes lock a busy table",
        "Build indexes concurrently off-peak and keep a tested down-migration",
    ),
    (
        "caching",
        "Stale or stampeding entries after an invalidation bug",
        "Expiry jitter of 10%, single-flight loading and an alert when the hit rate falls below 85%",
    ),
    (
        "load-testing",
        "The test environment differs from production and misleads the plan",
        "Calibrate the model against 1 week of production metrics and re-test after each major change",
    ),
    (
        "monitoring",
        "New alerts page the team for non-issues",
        "Run the rules in ticket-only mode for 2 weeks and review every firing before paging",
    ),
];

/// Per unit: how the metric in the metrics table is computed.
pub(crate) const FORMULA: &[(&str, &str)] = &[
    (
        "ms",
        "percentile of request duration from the service histogram",
    ),
    ("s", "percentile of the measured delay over 1 day"),
    ("rps", "requests completed per second at the objective"),
    ("qps", "queries per second reaching the database"),
    ("events/s", "events acknowledged per second"),
    ("jobs/s", "jobs completed per second"),
    ("%", "share measured over 1 h at peak"),
    ("$", "monthly bill from the billing export"),
];

pub(crate) const CLUSTERS: &[(&str, &str)] = &[
    ("latency", "Latency Optimization"),
    ("throughput", "Throughput Scaling"),
    ("database", "Database Performance"),
    ("caching", "Caching Strategies"),
    ("load-testing", "Load Testing & Capacity Planning"),
    ("monitoring", "Monitoring & SLOs"),
];

/// The architecture diagram of the first question of each cluster (`{name}`: its title).
pub(crate) const DIAGRAM: &str = r#"flowchart LR
    C[Client] --> LB[Load balancer]
    LB --> S[{name} service]
    S --> K[(Cache)]
    S --> D[(Database)]
    S -. metrics .-> P[Prometheus]
"#;
