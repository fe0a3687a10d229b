//! What a run of the generate loop cost and reached: rounds, tokens in and out as the
//! provider counted them, the price when the provider reports one, the gates failing in
//! each round, wall time; and, for `--repeat N`, the spread of outcomes over the runs.
//! Human text and JSON (`DIR/summary.json`, `generate --format json`). Nothing here is
//! estimated and presented as measured: a count the provider did not send is "not
//! reported", and qbank never computes a price.

use serde::Serialize;

/// A gate that failed in a round.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FailingGate {
    pub number: u8,
    pub name: String,
}

/// The repair prompt a round did not send, for comparison with the one it sent.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct NotSent {
    /// `repair` (the whole document) or `merge` (the failing questions only).
    pub kind: &'static str,
    pub bytes: usize,
}

/// One round as measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RoundStats {
    pub round: u32,
    /// `generate`, `repair` or `merge`.
    pub kind: &'static str,
    /// The reply came from the reply cache (`--cache`): nothing was sent for it.
    pub from_cache: bool,
    /// The prompt carried the verified list of sources (`--sources`).
    pub sources_offered: bool,
    /// How many of the offered works the round's document cites (`--sources` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources_cited: Option<usize>,
    /// The bytes sent (system and user message).
    pub sent_bytes: usize,
    /// The other repair prompt, not sent (repair rounds only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_sent: Option<NotSent>,
    /// Prompt tokens as the provider counted them (`null`: not reported).
    pub tokens_in: Option<u64>,
    /// Reply tokens as the provider counted them (`null`: not reported).
    pub tokens_out: Option<u64>,
    /// The price the provider reported for the reply (`null`: none reported).
    pub cost: Option<f64>,
    pub fails: usize,
    pub warns: usize,
    pub failing: Vec<FailingGate>,
    /// From sending the request to the round's report.
    pub seconds: f64,
}

/// One run of the loop.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Summary {
    pub version: u32,
    pub model: String,
    pub provider: String,
    pub rounds: Vec<RoundStats>,
    pub best_round: u32,
    /// Gates that pass in the best round, of `gates`.
    pub gates_passed: usize,
    pub gates: usize,
    /// The last round has no FAIL (and no WARN with --strict).
    pub done: bool,
    pub stop: String,
    /// The sum over the rounds when every round's count was reported, else `null`.
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
    /// What the token budget counted: reported counts, bytes/4 where none was reported.
    pub tokens_budgeted: u64,
    /// The sum of the prices reported for the requests sent in this run, when every one
    /// of them reported a price (replies from the cache cost nothing now); else `null`.
    pub cost: Option<f64>,
    pub cached_replies: u32,
    pub wall_seconds: f64,
}

/// The sum of `values` when every one is present.
pub(crate) fn total<T: std::iter::Sum<T>>(values: impl Iterator<Item = Option<T>>) -> Option<T> {
    values.sum()
}

impl Summary {
    /// The cost of the requests sent: `None` unless each of them reported one.
    pub fn cost_of(rounds: &[RoundStats]) -> Option<f64> {
        // Rounded to 1e-9, below any price a provider quotes, so that the sum of 0.025
        // and 0.0125 reads 0.0375.
        total(rounds.iter().filter(|r| !r.from_cache).map(|r| r.cost))
            .map(|c: f64| (c * 1e9).round() / 1e9)
    }

    /// The summary as text, one line per fact, for standard error.
    pub fn human(&self) -> String {
        let mut out = format!(
            "summary: {} round{} in {:.1}s wall time; best round {} passes {} of {} gates\n",
            self.rounds.len(),
            if self.rounds.len() == 1 { "" } else { "s" },
            self.wall_seconds,
            self.best_round,
            self.gates_passed,
            self.gates
        );
        let count = |n: Option<u64>| n.map_or_else(|| "not reported".to_owned(), |n| n.to_string());
        out.push_str(&format!(
            "  tokens in: {}, out: {}{}\n",
            count(self.tokens_in),
            count(self.tokens_out),
            if self.tokens_in.is_none() || self.tokens_out.is_none() {
                format!(
                    " (the budget counted ~{} with bytes/4 where the provider did not)",
                    self.tokens_budgeted
                )
            } else {
                " (as the provider counted them)".to_owned()
            }
        ));
        let sent = self.rounds.iter().filter(|r| !r.from_cache).count();
        out.push_str(&match self.cost {
            Some(_) if sent == 0 => {
                "  cost: nothing sent (every reply came from the cache)\n".to_owned()
            }
            Some(c) => format!("  cost: {c} (the sum of the prices the provider reported)\n"),
            None => "  cost: not reported by the provider\n".to_owned(),
        });
        if self.cached_replies > 0 {
            out.push_str(&format!(
                "  {} repl{} from the cache (tokens as first counted)\n",
                self.cached_replies,
                if self.cached_replies == 1 { "y" } else { "ies" }
            ));
        }
        for r in &self.rounds {
            let gates = if r.failing.is_empty() {
                "no gate fails".to_owned()
            } else {
                let names: Vec<String> = r
                    .failing
                    .iter()
                    .map(|g| format!("{} {}", g.number, g.name))
                    .collect();
                format!("failing: {}", names.join(", "))
            };
            let other = r.not_sent.map_or_else(String::new, |n| {
                format!(
                    " (the {} prompt: {} bytes)",
                    if n.kind == "merge" {
                        "failing-questions"
                    } else {
                        "whole-document"
                    },
                    n.bytes
                )
            });
            let cited = r
                .sources_cited
                .map_or_else(String::new, |n| format!("; cites {n} of the offered works"));
            out.push_str(&format!(
                "  round {} ({}{}{}): {gates}{cited}; {} in, {} out; sent {} bytes{other}; {:.1}s\n",
                r.round,
                r.kind,
                if r.sources_offered {
                    ", sources offered"
                } else {
                    ""
                },
                if r.from_cache { ", cached" } else { "" },
                count(r.tokens_in),
                count(r.tokens_out),
                r.sent_bytes,
                r.seconds
            ));
        }
        out
    }
}

/// The least, middle and greatest of a list of counts (the middle of an even list is
/// the mean of its two middle values).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Range {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Range {
    pub fn of(values: &[f64]) -> Option<Range> {
        let mut v: Vec<f64> = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = match n {
            0 => return None,
            _ if n % 2 == 1 => v[n / 2],
            _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        };
        Some(Range {
            min: v[0],
            median,
            max: v[n - 1],
        })
    }
}

/// The outcomes of `--repeat N`: each run's summary and the spread over them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Spread {
    pub version: u32,
    pub runs: Vec<Summary>,
    /// Runs whose last round has no FAIL.
    pub done: usize,
    /// Gates passed in each run's best round.
    pub gates_passed: Range,
    /// Rounds each run took.
    pub rounds: Range,
    pub wall_seconds: Range,
}

impl Spread {
    /// `None` for no runs.
    pub fn of(runs: Vec<Summary>) -> Option<Spread> {
        let f = |g: &dyn Fn(&Summary) -> f64| runs.iter().map(g).collect::<Vec<f64>>();
        Some(Spread {
            version: 1,
            done: runs.iter().filter(|r| r.done).count(),
            gates_passed: Range::of(&f(&|r| r.gates_passed as f64))?,
            rounds: Range::of(&f(&|r| r.rounds.len() as f64))?,
            wall_seconds: Range::of(&f(&|r| r.wall_seconds))?,
            runs,
        })
    }

    /// A table of the runs and the spread, as text.
    pub fn human(&self) -> String {
        let gates = self.runs.first().map_or(0, |r| r.gates);
        let mut out = format!(
            "{} runs; {} ended with no gate failing\n\n| Run | Rounds | Best round | Gates passed | Tokens in | Tokens out | Cost | Wall time |\n|---|---|---|---|---|---|---|---|\n",
            self.runs.len(),
            self.done
        );
        let count = |n: Option<u64>| n.map_or_else(|| "not reported".to_owned(), |n| n.to_string());
        for (i, r) in self.runs.iter().enumerate() {
            out.push_str(&format!(
                "| {} | {} | {} | {}/{} | {} | {} | {} | {:.1}s |\n",
                i + 1,
                r.rounds.len(),
                r.best_round,
                r.gates_passed,
                r.gates,
                count(r.tokens_in),
                count(r.tokens_out),
                r.cost
                    .map_or_else(|| "not reported".to_owned(), |c| c.to_string()),
                r.wall_seconds
            ));
        }
        let fmt = |x: f64| {
            if x.fract() == 0.0 {
                format!("{x:.0}")
            } else {
                format!("{x:.1}")
            }
        };
        out.push_str(&format!(
            "\ngates passed (of {gates}): min {}, median {}, max {}\nrounds: min {}, median {}, max {}\n",
            fmt(self.gates_passed.min),
            fmt(self.gates_passed.median),
            fmt(self.gates_passed.max),
            fmt(self.rounds.min),
            fmt(self.rounds.median),
            fmt(self.rounds.max),
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(n: u32, tokens: Option<u64>, cost: Option<f64>, cached: bool) -> RoundStats {
        RoundStats {
            round: n,
            kind: if n == 1 { "generate" } else { "repair" },
            from_cache: cached,
            sources_offered: false,
            sources_cited: (n == 2).then_some(3),
            sent_bytes: 100,
            not_sent: (n > 1).then_some(NotSent {
                kind: "merge",
                bytes: 40,
            }),
            tokens_in: tokens,
            tokens_out: tokens,
            cost,
            fails: 1,
            warns: 0,
            failing: vec![FailingGate {
                number: 15,
                name: "recency".to_owned(),
            }],
            seconds: 0.5,
        }
    }

    fn summary(rounds: Vec<RoundStats>, passed: usize) -> Summary {
        Summary {
            version: 1,
            model: "m".to_owned(),
            provider: "p".to_owned(),
            tokens_in: total(rounds.iter().map(|r| r.tokens_in)),
            tokens_out: total(rounds.iter().map(|r| r.tokens_out)),
            tokens_budgeted: 10,
            cost: Summary::cost_of(&rounds),
            cached_replies: rounds.iter().filter(|r| r.from_cache).count() as u32,
            rounds,
            best_round: 1,
            gates_passed: passed,
            gates: 20,
            done: false,
            stop: "x".to_owned(),
            wall_seconds: 1.0,
        }
    }

    #[test]
    fn counts_are_summed_only_when_every_round_reported_them() {
        let s = summary(
            vec![
                round(1, Some(5), Some(0.025), false),
                round(2, Some(7), Some(0.0125), false),
            ],
            19,
        );
        assert_eq!((s.tokens_in, s.cost), (Some(12), Some(0.0375)));
        assert!(
            s.human()
                .contains("tokens in: 12, out: 12 (as the provider counted them)")
        );
        assert!(s.human().contains("cost: 0.0375 (the sum"), "{}", s.human());
        let s = summary(
            vec![
                round(1, Some(5), None, false),
                round(2, None, Some(0.25), false),
            ],
            19,
        );
        assert_eq!((s.tokens_in, s.cost), (None, None));
        let h = s.human();
        assert!(
            h.contains("tokens in: not reported, out: not reported (the budget counted ~10"),
            "{h}"
        );
        assert!(h.contains("cost: not reported by the provider"), "{h}");
        assert!(
            h.contains("round 2 (repair): failing: 15 recency; cites 3 of the offered works; not reported in, not reported out; sent 100 bytes (the failing-questions prompt: 40 bytes);"),
            "{h}"
        );
        // A reply from the cache costs nothing now: only the requests sent need a price.
        let s = summary(
            vec![
                round(1, Some(5), None, true),
                round(2, Some(7), Some(0.25), false),
            ],
            19,
        );
        assert_eq!(s.cost, Some(0.25));
        let s = summary(vec![round(1, Some(5), None, true)], 19);
        assert!(s.human().contains("cost: nothing sent"), "{}", s.human());
    }

    #[test]
    fn the_spread_is_min_median_max() {
        assert_eq!(Range::of(&[]), None);
        assert_eq!(
            Range::of(&[3.0, 1.0, 2.0]),
            Some(Range {
                min: 1.0,
                median: 2.0,
                max: 3.0
            })
        );
        assert_eq!(Range::of(&[4.0, 1.0]).map(|r| r.median), Some(2.5));
        let s = Spread::of(vec![
            summary(vec![round(1, Some(1), None, false)], 17),
            summary(
                vec![
                    round(1, Some(1), None, false),
                    round(2, Some(1), None, false),
                ],
                20,
            ),
            summary(vec![round(1, Some(1), None, false)], 18),
        ])
        .expect("runs");
        assert_eq!(
            s.gates_passed,
            Range {
                min: 17.0,
                median: 18.0,
                max: 20.0
            }
        );
        let h = s.human();
        assert!(
            h.contains("gates passed (of 20): min 17, median 18, max 20"),
            "{h}"
        );
        assert!(
            h.contains("| 2 | 2 | 1 | 20/20 | 2 | 2 | not reported | 1.0s |"),
            "{h}"
        );
        assert!(Spread::of(Vec::new()).is_none());
    }
}
