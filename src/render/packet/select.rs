//! Choosing a packet's questions: how many of each difficulty fit the time budget while
//! keeping the requested mix, then which ones cover the most distinct dimensions, phases
//! and clusters. Deterministic for a seed: the seed only orders candidates that tie.

use std::collections::BTreeSet;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::model::{Bank, Difficulty, Question};

/// What the interviewer asked for.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// A rubric role id (`sre`).
    pub role: String,
    /// The time budget in minutes.
    pub minutes: u32,
    pub seed: u64,
    /// Weights of foundational, intermediate and advanced questions (`1:2:2`).
    pub mix: [u32; 3],
    /// Cluster ids to draw from; empty for every cluster.
    pub clusters: Vec<String>,
    /// Question ids to leave out.
    pub exclude: Vec<String>,
}

/// Why the bank cannot give the packet asked for: what is missing, and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shortfall {
    pub message: String,
    pub help: String,
}

/// What one chosen question adds to the packet's coverage (in interview order).
#[derive(Debug, Clone, Default)]
pub(crate) struct Adds {
    pub dimensions: Vec<String>,
    pub phases: Vec<String>,
    pub clusters: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Picked {
    /// Index in `bank.questions` (document order); its Q number is `index + 1`.
    pub index: usize,
    pub minutes: u32,
    pub adds: Adds,
}

/// The chosen questions in interview order (foundational first), and the figures
/// behind the choice.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    pub picked: Vec<Picked>,
    /// Questions per level in the packet (foundational, intermediate, advanced).
    pub counts: [usize; 3],
    /// Questions per level the bank offers for the request.
    pub pool: [usize; 3],
    /// Distinct values the whole pool reaches: dimensions, phases, clusters.
    pub reachable: [usize; 3],
    pub total_minutes: u32,
}

fn level(d: Difficulty) -> usize {
    match d {
        Difficulty::Foundational => 0,
        Difficulty::Intermediate => 1,
        Difficulty::Advanced => 2,
    }
}

/// The levels of the packet's questions, one per question, in the order they are
/// added: each step adds the level furthest below its share of the mix (ties go to
/// the heavier weight, then the easier level), and adding stops at the first question
/// that would overrun the budget. Adding one question at a time keeps the counts for
/// a larger budget a superset of those for a smaller one.
pub(crate) fn plan(mix: [u32; 3], minutes: [u32; 3], budget: u32) -> Vec<Difficulty> {
    let total: u64 = mix.iter().map(|w| u64::from(*w)).sum();
    let mut out = Vec::new();
    if total == 0 {
        return out;
    }
    let mut counts = [0u64; 3];
    let mut used = 0u32;
    loop {
        let n = out.len() as u64 + 1;
        let mut best = 0;
        let mut best_key = (i128::MIN, 0u32);
        for k in 0..3 {
            let deficit = i128::from(mix[k]) * i128::from(n) - i128::from(counts[k] * total);
            let key = (deficit, mix[k]);
            if key > best_key {
                best_key = key;
                best = k;
            }
        }
        let cost = minutes[best];
        if used + cost > budget || out.len() > 10_000 {
            return out;
        }
        used += cost;
        counts[best] += 1;
        out.push(Difficulty::ALL[best]);
    }
}

/// A seeded Fisher-Yates shuffle (ChaCha8, unbiased bounded draws).
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in (1..items.len()).rev() {
        let bound = (i + 1) as u64;
        let zone = u64::MAX - u64::MAX % bound;
        let j = loop {
            let x = rng.next_u64();
            if x < zone {
                break (x % bound) as usize;
            }
        };
        items.swap(i, j);
    }
}

/// Distinct dimensions + phases + clusters of a set of questions.
fn score(bank: &Bank, set: &[usize]) -> usize {
    let (d, p, c) = covered(bank, set);
    d.len() + p.len() + c.len()
}

type Covered<'a> = (BTreeSet<&'a str>, BTreeSet<&'a str>, BTreeSet<&'a str>);

fn covered<'a>(bank: &'a Bank, set: &[usize]) -> Covered<'a> {
    let mut d = BTreeSet::new();
    let mut p = BTreeSet::new();
    let mut c = BTreeSet::new();
    for &i in set {
        let q = &bank.questions[i];
        d.extend(q.dimensions.iter().map(|v| v.value.as_str()));
        p.extend(q.phases.iter().map(|v| v.value.as_str()));
        c.insert(q.cluster.value.as_str());
    }
    (d, p, c)
}

/// The questions the request may draw from, in document order.
pub(crate) fn pool(bank: &Bank, req: &Request) -> Vec<usize> {
    bank.questions
        .iter()
        .enumerate()
        .filter(|(_, q)| eligible(q, req))
        .map(|(i, _)| i)
        .collect()
}

fn eligible(q: &Question, req: &Request) -> bool {
    q.roles.iter().any(|r| r.value == req.role)
        && (req.clusters.is_empty() || req.clusters.contains(&q.cluster.value))
        && !req.exclude.contains(&q.id.value)
}

/// Whether the bank's pool (`have`, per level) holds the plan for `mix` and `budget`.
fn fits(mix: [u32; 3], minutes: [u32; 3], budget: u32, have: [usize; 3]) -> bool {
    let levels = plan(mix, minutes, budget);
    let mut need = [0usize; 3];
    for d in &levels {
        need[level(*d)] += 1;
    }
    !levels.is_empty() && (0..3).all(|k| need[k] <= have[k])
}

/// The help for a shortfall: the longest budget under the one asked for that the pool
/// fills with the same mix, and the mix nearest to the one asked for (weights 0-4) that
/// fills the budget asked for, each named only when there is one.
fn nearest_that_works(req: &Request, minutes: [u32; 3], have: [usize; 3]) -> String {
    let mix_text = |m: [u32; 3]| format!("{}:{}:{}", m[0], m[1], m[2]);
    let mut ways = Vec::new();
    if let Some(b) = (1..req.minutes)
        .rev()
        .find(|&b| fits(req.mix, minutes, b, have))
    {
        ways.push(format!("--minutes {b} (mix {})", mix_text(req.mix)));
    }
    let share = |m: [u32; 3]| {
        let t = f64::from(m.iter().sum::<u32>().max(1));
        m.map(|w| f64::from(w) / t)
    };
    let want = share(req.mix);
    let mut best: Option<(f64, [u32; 3])> = None;
    for f in 0..=4 {
        for i in 0..=4 {
            for a in 0..=4 {
                let m = [f, i, a];
                if m == [0, 0, 0] || !fits(m, minutes, req.minutes, have) {
                    continue;
                }
                let g = [f, i, a].into_iter().filter(|w| *w > 0).fold(0, gcd);
                if g > 1 {
                    continue; // 2:2:4 is 1:1:2
                }
                let sm = share(m);
                let d: f64 = (0..3).map(|k| (sm[k] - want[k]).abs()).sum();
                if best.is_none_or(|(bd, _)| d < bd - 1e-9) {
                    best = Some((d, m));
                }
            }
        }
    }
    if let Some((_, m)) = best {
        ways.push(format!(
            "--difficulty-mix {} ({} minutes)",
            mix_text(m),
            req.minutes
        ));
    }
    let tail = "or widen --cluster or --exclude, or write more questions tagged with the role";
    if ways.is_empty() {
        format!("no budget or mix fills it from this pool; {tail}")
    } else {
        format!("nearest that works: {}; {tail}", ways.join(", or "))
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Chooses the packet, or says what the bank lacks for it.
pub(crate) fn select(bank: &Bank, req: &Request) -> Result<Selection, Shortfall> {
    let m = &bank.rubric.difficulty.minutes;
    let minutes = Difficulty::ALL.map(|d| m.of(d));
    let levels = plan(req.mix, minutes, req.minutes);
    let mix_text = format!("{}:{}:{}", req.mix[0], req.mix[1], req.mix[2]);
    if levels.is_empty() {
        let longest = minutes.iter().copied().max().unwrap_or(0);
        let first = plan(req.mix, minutes, longest).first().copied();
        return Err(Shortfall {
            message: match first {
                Some(f) => format!(
                    "a {}-minute budget holds no question of the mix {mix_text}: its first question is {} and takes {} minutes",
                    req.minutes,
                    f.as_str(),
                    minutes[level(f)]
                ),
                None => "the difficulty mix 0:0:0 asks for no question".to_owned(),
            },
            help: format!(
                "raise --minutes; questions take {}/{}/{} minutes (foundational/intermediate/advanced, from the rubric)",
                minutes[0], minutes[1], minutes[2]
            ),
        });
    }
    let mut counts = [0usize; 3];
    for d in &levels {
        counts[level(*d)] += 1;
    }
    let candidates = pool(bank, req);
    let mut pool_counts = [0usize; 3];
    for &i in &candidates {
        pool_counts[level(bank.questions[i].difficulty.value)] += 1;
    }
    let short: Vec<String> = (0..3)
        .filter(|&k| counts[k] > pool_counts[k])
        .map(|k| {
            format!(
                "{} {} (the bank has {})",
                counts[k],
                Difficulty::ALL[k].as_str(),
                pool_counts[k]
            )
        })
        .collect();
    if !short.is_empty() {
        let mut filters = format!("role `{}`", req.role);
        if !req.clusters.is_empty() {
            filters.push_str(&format!(", clusters {}", req.clusters.join(", ")));
        }
        if !req.exclude.is_empty() {
            filters.push_str(&format!(", {} excluded", req.exclude.len()));
        }
        return Err(Shortfall {
            message: format!(
                "not enough questions for a {}-minute packet with mix {mix_text} ({filters}): it needs {}",
                req.minutes,
                short.join(", ")
            ),
            help: nearest_that_works(req, minutes, pool_counts),
        });
    }

    let mut order = candidates.clone();
    shuffle(&mut order, req.seed);
    let lvl = |i: usize| level(bank.questions[i].difficulty.value);

    // Greedy: the candidate that adds the most coverage, ties to the seed's order.
    let mut chosen: Vec<usize> = Vec::new();
    let mut left = counts;
    while chosen.len() < levels.len() {
        let mut best: Option<(usize, usize)> = None;
        for &c in &order {
            if chosen.contains(&c) || left[lvl(c)] == 0 {
                continue;
            }
            let mut trial = chosen.clone();
            trial.push(c);
            let s = score(bank, &trial);
            if best.is_none_or(|(bs, _)| s > bs) {
                best = Some((s, c));
            }
        }
        let (_, c) = best.expect("the pool holds enough questions of each level");
        left[lvl(c)] -= 1;
        chosen.push(c);
    }
    // Then swap a chosen question for an unchosen one of the same level while that
    // raises the coverage (each swap raises it, so this ends).
    loop {
        let mut improved = false;
        for i in 0..chosen.len() {
            for &c in &order {
                if chosen.contains(&c) || lvl(c) != lvl(chosen[i]) {
                    continue;
                }
                let mut trial = chosen.clone();
                trial[i] = c;
                if score(bank, &trial) > score(bank, &chosen) {
                    chosen = trial;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    chosen.sort_by_key(|&i| (lvl(i), i));

    let mut seen: Vec<BTreeSet<String>> = vec![BTreeSet::new(); 3];
    let picked = chosen
        .iter()
        .map(|&i| {
            let q = &bank.questions[i];
            let mut adds = Adds::default();
            for d in &q.dimensions {
                if seen[0].insert(d.value.clone()) {
                    adds.dimensions.push(d.value.clone());
                }
            }
            for p in &q.phases {
                if seen[1].insert(p.value.clone()) {
                    adds.phases.push(p.value.clone());
                }
            }
            if seen[2].insert(q.cluster.value.clone()) {
                adds.clusters.push(q.cluster.value.clone());
            }
            Picked {
                index: i,
                minutes: minutes[lvl(i)],
                adds,
            }
        })
        .collect::<Vec<_>>();
    let (d, p, c) = covered(bank, &candidates);
    Ok(Selection {
        total_minutes: picked.iter().map(|p| p.minutes).sum(),
        picked,
        counts,
        pool: pool_counts,
        reachable: [d.len(), p.len(), c.len()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortfall_names_the_nearest_budget_and_mix_that_work() {
        let req = Request {
            role: "architect".into(),
            minutes: 60,
            seed: 0,
            mix: [1, 2, 2],
            clusters: Vec::new(),
            exclude: Vec::new(),
        };
        let minutes = [8, 12, 15];
        let have = [1, 1, 9];
        assert!(!fits(req.mix, minutes, 60, have));
        let help = nearest_that_works(&req, minutes, have);
        let budget: u32 = help
            .split("--minutes ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect(&help);
        assert!(fits(req.mix, minutes, budget, have), "{help}");
        assert!(
            (budget + 1..60).all(|b| !fits(req.mix, minutes, b, have)),
            "{help}"
        );
        let mix = help
            .split("--difficulty-mix ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .expect(&help);
        let m: Vec<u32> = mix.split(':').map(|w| w.parse().unwrap()).collect();
        assert!(fits([m[0], m[1], m[2]], minutes, 60, have), "{help}");
        // An empty pool has neither.
        let none = nearest_that_works(&req, minutes, [0, 0, 0]);
        assert!(none.starts_with("no budget or mix fills it"), "{none}");
    }

    #[test]
    fn plan_keeps_the_mix_and_the_budget() {
        let minutes = [8, 12, 15];
        let count = |levels: &[Difficulty], d| levels.iter().filter(|x| **x == d).count();
        let p60 = plan([1, 2, 2], minutes, 60);
        assert_eq!(p60.len(), 4);
        assert_eq!(count(&p60, Difficulty::Foundational), 1);
        assert_eq!(count(&p60, Difficulty::Intermediate), 2);
        assert_eq!(count(&p60, Difficulty::Advanced), 1);
        let p62 = plan([1, 2, 2], minutes, 62);
        assert_eq!(p62.len(), 5);
        // A larger budget only adds questions.
        let p90 = plan([1, 2, 2], minutes, 90);
        assert_eq!(&p90[..5], &p62[..]);
        assert!(
            plan([0, 0, 1], minutes, 44)
                .iter()
                .all(|d| *d == Difficulty::Advanced)
        );
        assert_eq!(plan([0, 0, 1], minutes, 44).len(), 2);
        assert!(plan([1, 2, 2], minutes, 7).is_empty());
        assert!(plan([0, 0, 0], minutes, 60).is_empty());
    }

    #[test]
    fn shuffle_is_fixed_for_a_seed() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 7);
        assert_eq!(a, b);
        let mut c: Vec<u32> = (0..20).collect();
        shuffle(&mut c, 8);
        assert_ne!(a, c);
    }
}
