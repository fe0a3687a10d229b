//! A bank at a glance, as `qbank stats` shows it: the coverage matrix with counts (gate
//! 2's own cells), the difficulty mix against the rubric's target, reference usage (gate
//! 6's own citations), answer lengths, and whether each role can fill a packet.
//! Computed here from the model; `cli/stats.rs` loads, calls and prints.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{Bank, Difficulty};
use crate::text;

#[derive(Serialize)]
struct MatrixRow {
    id: String,
    title: String,
    counts: Vec<usize>,
    total: usize,
}

#[derive(Serialize)]
struct Matrix {
    rows_label: String,
    columns_label: String,
    columns: Vec<String>,
    column_titles: Vec<String>,
    rows: Vec<MatrixRow>,
    column_totals: Vec<usize>,
    empty_cells: usize,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
    count: usize,
    share: f64,
    target: f64,
    /// Share minus target, in percentage points.
    delta_points: f64,
    within_tolerance: bool,
}

#[derive(Serialize)]
struct Named {
    id: String,
    count: usize,
}

#[derive(Serialize)]
struct RefList {
    defined: usize,
    cited: usize,
    unused: Vec<String>,
}

#[derive(Serialize)]
struct Cited {
    id: String,
    /// Questions that cite it.
    questions: usize,
}

#[derive(Serialize)]
struct References {
    glossary: RefList,
    tools: RefList,
    literature: RefList,
    citations: RefList,
    most_cited: Vec<Cited>,
}

#[derive(Serialize)]
struct Words {
    min: usize,
    max: usize,
    median: usize,
    shortest: String,
    longest: String,
    target_min: u32,
    target_max: u32,
    outside_target: usize,
}

#[derive(Serialize)]
pub struct Stats {
    path: String,
    slug: String,
    title: String,
    questions: usize,
    matrix: Matrix,
    difficulty: Vec<Level>,
    tolerance_points: f64,
    clusters: Vec<Named>,
    roles: Vec<Named>,
    /// Questions per role and difficulty, and whether each role fills a
    /// [`PACKET_MINUTES`]-minute packet with the rubric's mix.
    role_difficulty: Vec<RoleRow>,
    references: References,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_words: Option<Words>,
}

/// The packet length `stats` checks every role against.
const PACKET_MINUTES: u32 = 60;

#[derive(Serialize)]
struct RoleRow {
    id: String,
    /// Foundational, intermediate, advanced.
    counts: [usize; 3],
    total: usize,
    fills_packet: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    shortfall: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

/// Each rubric role's questions by difficulty, and what `qbank packet --role R
/// --minutes 60` would say (the same selection, not an estimate).
fn role_rows(bank: &Bank) -> Vec<RoleRow> {
    bank.rubric
        .roles
        .iter()
        .map(|role| {
            let counts = Difficulty::ALL.map(|d| {
                bank.questions
                    .iter()
                    .filter(|q| {
                        q.difficulty.value == d && q.roles.iter().any(|x| x.value == role.id)
                    })
                    .count()
            });
            let req = crate::packet::Request {
                role: role.id.clone(),
                minutes: PACKET_MINUTES,
                seed: 0,
                mix: crate::packet::default_mix(bank),
                clusters: Vec::new(),
                exclude: Vec::new(),
            };
            let result = crate::packet::select::select(bank, &req);
            RoleRow {
                id: role.id.clone(),
                counts,
                total: counts.iter().sum(),
                fills_packet: result.is_ok(),
                shortfall: result.as_ref().err().map(|s| s.message.clone()),
                help: result.err().map(|s| s.help),
            }
        })
        .collect()
}

/// The figures of one bank.
pub fn stats(bank: &Bank) -> Stats {
    let r = &bank.rubric;
    let qs = &bank.questions;
    let n = qs.len();
    // The cells as gate 2 counts them, so the two never disagree.
    let cells = crate::gates::cell_counts(qs, r);
    let rows: Vec<MatrixRow> = r
        .dimensions
        .values
        .iter()
        .zip(cells.counts)
        .map(|(d, counts)| MatrixRow {
            id: d.id.clone(),
            title: d.title.clone(),
            total: qs
                .iter()
                .filter(|q| q.dimensions.iter().any(|x| x.value == d.id))
                .count(),
            counts,
        })
        .collect();
    let column_totals = r
        .phases
        .values
        .iter()
        .map(|p| {
            qs.iter()
                .filter(|q| q.phases.iter().any(|x| x.value == p.id))
                .count()
        })
        .collect();
    let empty_cells = rows
        .iter()
        .flat_map(|r| r.counts.iter())
        .filter(|c| **c == 0)
        .count();
    let matrix = Matrix {
        rows_label: r.dimensions.label.clone(),
        columns_label: r.phases.label.clone(),
        columns: r.phases.ids().iter().map(|s| (*s).to_owned()).collect(),
        column_titles: r.phases.values.iter().map(|v| v.title.clone()).collect(),
        rows,
        column_totals,
        empty_cells,
    };
    let tol = r.difficulty.tolerance_points;
    let difficulty = Difficulty::ALL
        .iter()
        .map(|&d| {
            let count = qs.iter().filter(|q| q.difficulty.value == d).count();
            let share = crate::gates::share(count, n);
            let target = r.difficulty.share(d);
            let delta = ((share - target) * 1000.0).round() / 10.0;
            Level {
                level: d.as_str(),
                count,
                share: (share * 1000.0).round() / 1000.0,
                target,
                delta_points: delta,
                within_tolerance: delta.abs() <= tol + 1e-9,
            }
        })
        .collect();
    let clusters = bank
        .meta
        .clusters
        .iter()
        .map(|c| Named {
            id: c.id.value.clone(),
            count: qs.iter().filter(|q| q.cluster.value == c.id.value).count(),
        })
        .collect();
    let roles = r
        .roles
        .iter()
        .map(|role| Named {
            id: role.id.clone(),
            count: qs
                .iter()
                .filter(|q| q.roles.iter().any(|x| x.value == role.id))
                .count(),
        })
        .collect();

    // Reference usage: how many questions cite each id, counted as gate 6 counts them
    // (placeholder text cites nothing).
    let ctx = crate::gates::Ctx::new(bank, bank.meta.as_of.value.0, None);
    let mut cited: BTreeMap<String, usize> = BTreeMap::new();
    // Used: cited, or (glossary entries) named by a `[G: term]` mark in content.
    let mut used: BTreeSet<String> = BTreeSet::new();
    for segments in &ctx.segments {
        for id in crate::gates::cited(segments, &ctx.refs) {
            used.insert(id.clone());
            *cited.entry(id).or_default() += 1;
        }
        for seg in segments.iter().filter(|s| s.is_content()) {
            for u in &seg.refs {
                if let text::RefTarget::Term(_) = &u.target
                    && let Some(id) = ctx.refs.resolve(&u.target)
                {
                    used.insert(id);
                }
            }
        }
    }
    let list = |ids: Vec<&str>| RefList {
        defined: ids.len(),
        cited: ids.iter().filter(|i| used.contains(**i)).count(),
        unused: ids
            .iter()
            .filter(|i| !used.contains(**i))
            .map(|i| (*i).to_owned())
            .collect(),
    };
    let mut most: Vec<(&String, &usize)> = cited.iter().collect();
    most.sort_by(|a, b| b.1.cmp(a.1).then_with(|| id_order(a.0).cmp(&id_order(b.0))));
    let references = References {
        glossary: list(bank.glossary.iter().map(|g| g.id.value.as_str()).collect()),
        tools: list(bank.tools.iter().map(|t| t.id.value.as_str()).collect()),
        literature: list(
            bank.literature
                .iter()
                .map(|s| s.id.value.as_str())
                .collect(),
        ),
        citations: list(bank.citations.iter().map(|s| s.id.value.as_str()).collect()),
        most_cited: most
            .into_iter()
            .take(5)
            .map(|(id, c)| Cited {
                id: id.clone(),
                questions: *c,
            })
            .collect(),
    };

    let mut words: Vec<(usize, usize)> = qs
        .iter()
        .enumerate()
        .map(|(i, q)| (text::word_count(&text::mask_code(&q.answer.value)), i))
        .collect();
    words.sort();
    let name = |i: usize| format!("Q{} ({})", i + 1, qs[i].id.value);
    let answer_words = (!words.is_empty()).then(|| Words {
        min: words[0].0,
        max: words[words.len() - 1].0,
        median: words[words.len() / 2].0,
        shortest: name(words[0].1),
        longest: name(words[words.len() - 1].1),
        target_min: r.answer_words.min,
        target_max: r.answer_words.max,
        outside_target: words
            .iter()
            .filter(|(w, _)| *w < r.answer_words.min as usize || *w > r.answer_words.max as usize)
            .count(),
    });
    Stats {
        path: crate::diagnostic::display_path(&bank.root),
        slug: bank.meta.slug.value.clone(),
        title: bank.meta.title.value.clone(),
        questions: n,
        matrix,
        difficulty,
        tolerance_points: tol,
        clusters,
        roles,
        role_difficulty: role_rows(bank),
        references,
        answer_words,
    }
}

/// Sorts `G2` before `G10`: by prefix, then number.
fn id_order(id: &str) -> (String, u64) {
    let (p, n) = id.split_at(id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len()));
    (p.to_owned(), n.parse().unwrap_or(0))
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The terminal view of one bank's figures.
pub fn terminal(s: &Stats) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}: {} ({} questions)\n", s.path, s.title, s.questions);
    let m = &s.matrix;
    let corner = format!("{} \\ {}", m.rows_label, m.columns_label);
    // Padded by display width: a cluster title in CJK takes two columns a character.
    let width = crate::table::width;
    let first = s
        .matrix
        .rows
        .iter()
        .map(|r| width(&r.title))
        .chain([width(&corner), 5])
        .max()
        .unwrap_or(10);
    let widths: Vec<usize> = m.column_titles.iter().map(|t| width(t).max(3)).collect();
    o.push_str(&crate::table::pad(&corner, first));
    for (t, w) in m.column_titles.iter().zip(&widths) {
        let _ = write!(o, "  {}", crate::table::pad_left(t, *w));
    }
    let _ = writeln!(o, "  total");
    for r in &m.rows {
        o.push_str(&crate::table::pad(&r.title, first));
        for (c, w) in r.counts.iter().zip(&widths) {
            let cell = if *c == 0 {
                "-".to_owned()
            } else {
                c.to_string()
            };
            let _ = write!(o, "  {cell:>w$}");
        }
        let _ = writeln!(o, "  {:>5}", r.total);
    }
    let _ = write!(o, "{:<first$}", "total");
    for (c, w) in m.column_totals.iter().zip(&widths) {
        let _ = write!(o, "  {c:>w$}");
    }
    let _ = writeln!(
        o,
        "\n{} of {} cells covered\n",
        m.rows.len() * m.columns.len() - m.empty_cells,
        m.rows.len() * m.columns.len()
    );
    let levels: Vec<String> = s
        .difficulty
        .iter()
        .map(|l| {
            format!(
                "{} {} ({}, target {}{})",
                l.level,
                l.count,
                pct(l.share),
                pct(l.target),
                if l.within_tolerance { "" } else { ", off" }
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "difficulty   {}; tolerance ±{} points",
        levels.join(" · "),
        s.tolerance_points
    );
    let named = |v: &[Named]| {
        v.iter()
            .map(|x| format!("{} {}", x.id, x.count))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let _ = writeln!(o, "clusters     {}", named(&s.clusters));
    let _ = writeln!(o, "roles        {}", named(&s.roles));
    role_table(&mut o, s);
    let rf = &s.references;
    let list = |name: &str, l: &RefList| {
        let unused = if l.unused.is_empty() {
            "all cited".to_owned()
        } else {
            format!("unused: {}", l.unused.join(", "))
        };
        format!("{name} {} ({unused})", l.defined)
    };
    let _ = writeln!(
        o,
        "references   {}; {}; {}; {}",
        list("glossary", &rf.glossary),
        list("tools", &rf.tools),
        list("literature", &rf.literature),
        list("citations", &rf.citations)
    );
    let most: Vec<String> = rf
        .most_cited
        .iter()
        .map(|c| format!("{} in {}", c.id, c.questions))
        .collect();
    let _ = writeln!(
        o,
        "most cited   {}",
        if most.is_empty() {
            "nothing cited yet".to_owned()
        } else {
            most.join(" · ")
        }
    );
    match &s.answer_words {
        Some(w) => {
            let _ = writeln!(
                o,
                "answer words {}-{} (median {}; target {}-{}; {} outside); shortest {}, longest {}",
                w.min,
                w.max,
                w.median,
                w.target_min,
                w.target_max,
                w.outside_target,
                w.shortest,
                w.longest
            );
        }
        None => {
            let _ = writeln!(o, "answer words no questions yet");
        }
    }
    o
}

/// The role x difficulty table, with each role's verdict for a 60-minute packet.
fn role_table(o: &mut String, s: &Stats) {
    let first = s
        .role_difficulty
        .iter()
        .map(|r| r.id.chars().count())
        .chain(["role \\ difficulty".len()])
        .max()
        .unwrap_or(10);
    let heads = ["foundational", "intermediate", "advanced", "total"];
    let _ = write!(o, "\n{:<first$}", "role \\ difficulty");
    for h in heads {
        let _ = write!(o, "  {h:>12}");
    }
    let _ = writeln!(o, "  {PACKET_MINUTES}-minute packet");
    for r in &s.role_difficulty {
        let _ = write!(o, "{:<first$}", r.id);
        for c in r.counts.iter().chain([&r.total]) {
            let _ = write!(o, "  {c:>12}");
        }
        let _ = writeln!(o, "  {}", if r.fills_packet { "yes" } else { "no" });
    }
    let _ = writeln!(o);
}

/// A warning for each role of each bank that cannot fill a 60-minute packet, with its
/// help when there is one.
pub fn role_warnings(all: &[Stats]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for s in all {
        for r in s.role_difficulty.iter().filter(|r| !r.fills_packet) {
            out.push((
                format!(
                    "{}: role `{}` cannot fill a {PACKET_MINUTES}-minute packet: {}",
                    s.path,
                    r.id,
                    r.shortfall.as_deref().unwrap_or("")
                ),
                r.help.clone(),
            ));
        }
    }
    out
}
