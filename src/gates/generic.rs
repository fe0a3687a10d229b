//! The measures a rubric's gate can name: the spec's built-in gates (Rust functions) and
//! the generic ones whose thresholds the rubric gives (coverage of one axis, reference
//! floors, lexicon match, field share, word count, all-of, skip).

use super::{Ctx, Level, Measurement, finding, pct, share};
use crate::model::{
    Coverage, CoverageAxis, FieldShare, LexiconMatch, Measure, Question, QuestionField, Rubric,
    TextField,
};

/// What a measure finds on the bank.
pub(crate) fn measure(m: &Measure, ctx: &Ctx<'_>) -> Measurement {
    if let Some(b) = m.built_in()
        && let Some(g) = super::built_in(b.0)
    {
        return (g.check)(ctx);
    }
    match m {
        Measure::Coverage(c) => coverage(c, ctx),
        Measure::ReferenceFloors(f) => reference_floors(&f.kinds, ctx),
        Measure::LexiconMatch(l) => lexicon_match(l, ctx),
        Measure::FieldShare(f) => field_share(f, ctx),
        Measure::WordCount(w) => word_count(w.min, w.max, w.min_share, ctx),
        Measure::AllOf(a) => all_of(&a.of, ctx),
        Measure::Skip(s) => Measurement {
            evidence: format!("not measured: {}", s.reason),
            skipped: true,
            ..Measurement::default()
        },
        // Every other measure is a built-in gate, handled above.
        _ => Measurement::new(format!("measure `{}` has no gate function", m.name())),
    }
}

/// The requirement a measure states, with the rubric's thresholds.
pub(crate) fn requirement(m: &Measure, r: &Rubric) -> String {
    if let Some(b) = m.built_in()
        && let Some(g) = super::built_in(b.0)
    {
        return (g.requirement)(r);
    }
    match m {
        Measure::Coverage(c) => {
            let (label, values) = axis(c.axis.unwrap_or(CoverageAxis::Dimensions), r);
            let mut parts = Vec::new();
            if let Some(n) = c.min_values {
                parts.push(format!("≥{n}/{} {label} covered", values.len()));
            }
            for (id, title) in &values {
                if let Some(s) = c.shares.get(id) {
                    parts.push(format!("{title} ≥{:.0}%", s * 100.0));
                }
            }
            parts.join("; ")
        }
        Measure::ReferenceFloors(f) => kinds(&f.kinds, r)
            .iter()
            .map(|k| format!("{}≥{}", k.prefix, k.min))
            .collect::<Vec<_>>()
            .join(", "),
        Measure::LexiconMatch(l) => format!(
            "≥{} of: {} ({:.0}% of Q&As)",
            l.min,
            l.lexicons
                .iter()
                .map(|x| x.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            l.min_share * 100.0
        ),
        Measure::FieldShare(f) => {
            let what = if f.values.is_empty() {
                format!("with {}", field_name(f.field))
            } else {
                format!("with {} {}", field_name(f.field), f.values.join("/"))
            };
            let mut parts = Vec::new();
            if let Some(s) = f.min_share {
                parts.push(format!("≥{:.0}% {what}", s * 100.0));
            }
            if let Some(n) = f.min_count {
                parts.push(format!("≥{n} {what}"));
            }
            parts.join("; ")
        }
        Measure::WordCount(w) => format!(
            "{:.0}% of answers {}-{} words",
            w.min_share * 100.0,
            w.min,
            w.max
        ),
        Measure::AllOf(a) => {
            a.of.iter()
                .map(|m| requirement(m, r))
                .collect::<Vec<_>>()
                .join("; ")
        }
        Measure::Skip(s) => format!("not machine-measurable: {}", s.reason),
        _ => String::new(),
    }
}

/// The label and values (id, title) of an axis.
fn axis(a: CoverageAxis, r: &Rubric) -> (String, Vec<(String, String)>) {
    let named = |v: &[crate::model::Named]| -> Vec<(String, String)> {
        v.iter().map(|n| (n.id.clone(), n.title.clone())).collect()
    };
    match a {
        CoverageAxis::Dimensions => (plural(&r.dimensions.label), named(&r.dimensions.values)),
        CoverageAxis::Phases => (plural(&r.phases.label), named(&r.phases.values)),
        CoverageAxis::Roles => ("roles".to_owned(), named(&r.roles)),
    }
}

fn plural(label: &str) -> String {
    let l = label.to_lowercase();
    if l.ends_with('y') {
        format!("{}ies", &l[..l.len() - 1])
    } else if l.ends_with('s') {
        l
    } else {
        format!("{l}s")
    }
}

fn title_of(values: &[(String, String)], id: &str) -> String {
    values
        .iter()
        .find(|(i, _)| i == id)
        .map_or_else(|| id.to_owned(), |(_, t)| t.clone())
}

/// The axis values a question names, as ids of the axis.
fn question_values(q: &Question, a: CoverageAxis) -> Vec<&str> {
    let list = match a {
        CoverageAxis::Dimensions => &q.dimensions,
        CoverageAxis::Phases => &q.phases,
        CoverageAxis::Roles => &q.roles,
    };
    let mut out: Vec<&str> = list.iter().map(|v| v.value.as_str()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// One axis alone: how many of its values are covered, and each listed value's share.
fn coverage(c: &Coverage, ctx: &Ctx<'_>) -> Measurement {
    let a = c.axis.unwrap_or(CoverageAxis::Dimensions);
    let (label, values) = axis(a, ctx.rubric);
    let qs = &ctx.bank.questions;
    let counts: Vec<usize> = values
        .iter()
        .map(|(id, _)| {
            qs.iter()
                .filter(|q| question_values(q, a).contains(&id.as_str()))
                .count()
        })
        .collect();
    let covered = counts.iter().filter(|n| **n > 0).count();
    let mut m = Measurement::new(format!(
        "{}; {covered}/{} {label} covered",
        values
            .iter()
            .zip(&counts)
            .map(|((_, t), n)| format!("{t} {}", pct(*n, qs.len())))
            .collect::<Vec<_>>()
            .join(", "),
        values.len()
    ));
    if let Some(min) = c.min_values {
        let ok = covered >= min as usize;
        m.require(ok);
        if !ok {
            let missing: Vec<&str> = values
                .iter()
                .zip(&counts)
                .filter(|(_, n)| **n == 0)
                .map(|((_, t), _)| t.as_str())
                .collect();
            m.push(
                finding(
                    Level::Required,
                    format!(
                        "{covered} of {} {label} covered; at least {min} required (none covers {})",
                        values.len(),
                        missing.join(", ")
                    ),
                )
                .at(ctx.bank_loc())
                .help(format!("add or retarget questions to cover more {label}")),
            );
        }
    }
    for (i, (id, _)) in values.iter().enumerate() {
        let Some(min_share) = c.shares.get(id) else {
            continue;
        };
        let n = counts[i];
        let ok = share(n, qs.len()) + 1e-9 >= *min_share;
        m.require(ok);
        if !ok {
            m.push(
                finding(
                    Level::Required,
                    format!(
                        "{} covered by {} of questions; at least {:.0}% required",
                        title_of(&values, id),
                        pct(n, qs.len()),
                        min_share * 100.0
                    ),
                )
                .at(ctx.bank_loc())
                .help("tag more questions with this value, where their content covers it"),
            );
        }
    }
    m
}

fn kinds<'r>(prefixes: &[String], r: &'r Rubric) -> Vec<&'r crate::model::RefKind> {
    if prefixes.is_empty() {
        r.references.iter().collect()
    } else {
        prefixes
            .iter()
            .filter_map(|p| r.references.kind(p))
            .collect()
    }
}

/// Every listed kind's complete entries reach its minimum.
fn reference_floors(prefixes: &[String], ctx: &Ctx<'_>) -> Measurement {
    let mut m = Measurement::default();
    let mut evidence = Vec::new();
    for k in kinds(prefixes, ctx.rubric) {
        let built = match k.prefix.as_str() {
            "G" => super::built_in("glossary-min"),
            "T" => super::built_in("tools-min"),
            "L" => super::built_in("literature-min"),
            "A" => super::built_in("citations-min"),
            _ => None,
        };
        static DEFAULT: std::sync::LazyLock<crate::model::References> =
            std::sync::LazyLock::new(|| crate::model::Rubric::default_shared().references.clone());
        let default_fields = DEFAULT.kind(&k.prefix).map(|d| &d.fields);
        // A built-in kind keeps its typed check unless the rubric asks other fields of it.
        let one = match built {
            Some(g) if default_fields == Some(&k.fields) => (g.check)(ctx),
            _ => other_kind(k, ctx),
        };
        evidence.push(format!("{}: {}", k.prefix, one.evidence));
        m.checks.extend(one.checks);
        m.diagnostics.extend(one.diagnostics);
    }
    m.evidence = evidence.join("; ");
    m
}

/// A kind measured by its `fields`: an entry is complete when it is no placeholder, holds
/// a URL (or DOI) when `URL` is among its fields, and has as many non-empty
/// parts (`|`- or `;`-separated, or `Label:` fields) as its other fields.
fn other_kind(k: &crate::model::RefKind, ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(k.min) as usize;
    let entries = entries_of(ctx, &k.prefix);
    let wants_url = k.fields.iter().any(|f| f.eq_ignore_ascii_case("url"));
    let prose_fields = k
        .fields
        .iter()
        .filter(|f| !f.eq_ignore_ascii_case("url"))
        .count();
    let mut m = Measurement::default();
    let mut complete = 0;
    for e in &entries {
        let text = e.text.as_str();
        let mut missing = Vec::new();
        if let Some(p) = ctx.placeholders.find(text) {
            missing.push(format!("content (placeholder: {})", p.what));
        }
        static DOI: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"\b10\.\d{4,9}/\S+").expect("valid regex")
        });
        if wants_url
            && !text.contains("http://")
            && !text.contains("https://")
            && !DOI.is_match(text)
        {
            missing.push("a URL".to_owned());
        }
        let masked = crate::text::mask_code(text);
        let parts = masked
            .split(['|', ';', '\n'])
            .filter(|p| crate::text::word_count(p) > 0)
            .count();
        if parts < prose_fields {
            missing.push(format!(
                "{} of {} fields ({})",
                prose_fields - parts.min(prose_fields),
                prose_fields,
                k.fields.join(", ")
            ));
        }
        if missing.is_empty() {
            complete += 1;
        } else {
            m.push(
                finding(
                    Level::Preferred,
                    format!(
                        "{} entry `{}` lacks {}",
                        k.title.to_lowercase(),
                        e.id.value,
                        missing.join(", ")
                    ),
                )
                .at(ctx.loc(e.file, e.id.pos))
                .help("fill the missing fields"),
            );
        }
    }
    super::minimum::floor(
        ctx,
        &mut m,
        (complete, entries.len(), min),
        &format!("{} entries [{}#]", k.title.to_lowercase(), k.prefix),
        format!("add entries under the {} heading", k.title),
    );
    m.evidence = format!("{} entries, {complete} complete (min {min})", entries.len());
    m
}

/// One entry of a reference kind, as text: its id, where it is, and its fields joined.
struct KindEntry<'a> {
    id: &'a crate::model::Sp<String>,
    file: crate::model::FileId,
    text: String,
}

/// The entries of the kind with this prefix: the typed lists for G/T/L/A (their fields
/// joined by `|`), the other kinds' entries as written.
fn entries_of<'a>(ctx: &Ctx<'a>, prefix: &str) -> Vec<KindEntry<'a>> {
    use crate::model::EntryTexts;
    fn typed<'a, E: EntryTexts>(
        list: &'a [E],
        id: impl Fn(&'a E) -> (&'a crate::model::Sp<String>, crate::model::FileId),
    ) -> Vec<KindEntry<'a>> {
        list.iter()
            .map(|e| {
                let (id, file) = id(e);
                let text = e
                    .texts()
                    .iter()
                    .map(|(_, t)| *t)
                    .filter(|t| !t.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join(" | ");
                KindEntry { id, file, text }
            })
            .collect()
    }
    let b = ctx.bank;
    match prefix {
        "G" => typed(&b.glossary, |g| (&g.id, g.file)),
        "T" => typed(&b.tools, |t| (&t.id, t.file)),
        "L" => typed(&b.literature, |s| (&s.id, s.file)),
        "A" => typed(&b.citations, |s| (&s.id, s.file)),
        _ => b
            .other_refs
            .iter()
            .filter(|e| e.kind == prefix)
            .map(|e| KindEntry {
                id: &e.id,
                file: e.file,
                text: e.text.value.clone(),
            })
            .collect(),
    }
}

/// The masked prose of a question that a lexicon measure reads.
fn text_of(ctx: &Ctx<'_>, i: usize, field: TextField) -> String {
    let segments = &ctx.segments[i];
    let want = match field {
        TextField::Question => None,
        TextField::Answer => Some("answer"),
        TextField::KeyInsight => Some("key_insight"),
    };
    segments
        .iter()
        .filter(|s| s.is_content() && want.is_none_or(|w| s.field == w))
        .map(|s| s.masked.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rubric lexicon compiled: each phrase and pattern on its own, to count distinct ones.
struct Matcher {
    words: Vec<std::sync::Arc<crate::text::Lexicon>>,
    patterns: std::sync::Arc<Vec<regex::Regex>>,
    min_distinct: usize,
}

impl Matcher {
    fn new(x: &crate::model::Lexicon) -> Matcher {
        Matcher {
            words: x
                .words
                .iter()
                .map(|w| crate::text::Lexicon::get(std::slice::from_ref(w), false))
                .collect(),
            patterns: super::compiled(&x.patterns),
            min_distinct: x.min_distinct.max(1) as usize,
        }
    }

    fn is_match(&self, text: &str) -> bool {
        let n = self.words.iter().filter(|w| w.is_match(text)).count()
            + self.patterns.iter().filter(|p| p.is_match(text)).count();
        n >= self.min_distinct
    }
}

/// Each question's text matches at least `min` lexicons, in `min_share` of the questions.
fn lexicon_match(l: &LexiconMatch, ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let lexicons: Vec<(&str, Matcher)> = l
        .lexicons
        .iter()
        .map(|x| (x.name.as_str(), Matcher::new(x)))
        .collect();
    let mut m = Measurement::default();
    let mut ok = 0;
    for (i, q) in qs.iter().enumerate() {
        let text = text_of(ctx, i, l.field);
        let matched: Vec<&str> = lexicons
            .iter()
            .filter(|(_, x)| x.is_match(&text))
            .map(|(n, _)| *n)
            .collect();
        if matched.len() >= l.min as usize {
            ok += 1;
        } else {
            m.push(
                finding(
                    Level::Required,
                    format!(
                        "{} matches {} of {} ({}); at least {} required",
                        ctx.q_name(q),
                        matched.len(),
                        lexicons.len(),
                        if matched.is_empty() {
                            "none".to_owned()
                        } else {
                            matched.join(", ")
                        },
                        l.min
                    ),
                )
                .at(ctx.q_loc(q))
                .help(format!(
                    "state in the text which applies: {}",
                    lexicons
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
    require_share(&mut m, ok, qs.len(), l.min_share);
    m.evidence = format!(
        "{ok}/{} Q&As match ≥{} of {} ({})",
        qs.len(),
        l.min,
        lexicons.len(),
        pct(ok, qs.len())
    );
    m
}

fn field_name(f: QuestionField) -> &'static str {
    match f {
        QuestionField::Difficulty => "difficulty",
        QuestionField::Dimensions => "dimensions",
        QuestionField::Phases => "phases",
        QuestionField::Roles => "roles",
        QuestionField::Methods => "methods",
        QuestionField::Cluster => "cluster",
        QuestionField::KeyInsight => "key insight",
        QuestionField::Practical => "practical",
        QuestionField::Diagram => "diagram",
        QuestionField::Metrics => "metrics table",
        QuestionField::Tradeoffs => "trade-offs",
        QuestionField::Alternatives => "alternatives",
        QuestionField::Risks => "risks",
        QuestionField::Validation => "validation",
    }
}

/// Whether a question's field holds one of `values` (any filled value when empty). A value
/// that is a placeholder (`TODO: p99 latency`, a diagram of `TODO` arrows) is not filled.
fn field_matches(q: &Question, f: QuestionField, values: &[String], ctx: &Ctx<'_>) -> bool {
    let r = ctx.rubric;
    let listed: Vec<String> = match f {
        QuestionField::Difficulty => vec![q.difficulty.value.as_str().to_owned()],
        QuestionField::Dimensions => q.dimensions.iter().map(|v| v.value.clone()).collect(),
        QuestionField::Phases => q.phases.iter().map(|v| v.value.clone()).collect(),
        QuestionField::Roles => q.roles.iter().map(|v| v.value.clone()).collect(),
        QuestionField::Methods => q.methods.iter().map(|v| v.value.clone()).collect(),
        QuestionField::Cluster => vec![q.cluster.value.clone()],
        QuestionField::KeyInsight => q.key_insight.iter().map(|v| v.value.clone()).collect(),
        QuestionField::Practical => q.practical.iter().map(|p| p.code.value.clone()).collect(),
        QuestionField::Diagram => ctx
            .diagram_of(q)
            .iter()
            .map(|d| d.mermaid.value.clone())
            .collect(),
        QuestionField::Metrics => q.metrics.iter().map(|m| m.metric.value.clone()).collect(),
        QuestionField::Tradeoffs => q.tradeoffs.iter().map(|v| v.value.clone()).collect(),
        QuestionField::Alternatives => q
            .alternatives
            .iter()
            .map(|a| a.name.value.clone())
            .collect(),
        QuestionField::Risks => q.risks.iter().map(|x| x.risk.value.clone()).collect(),
        QuestionField::Validation => q.validation.iter().map(|v| v.value.clone()).collect(),
    };
    let placeholder = |v: &str| match f {
        // Code and diagram source: only the placeholder words count, not prose rules.
        QuestionField::Practical | QuestionField::Diagram => {
            ctx.placeholders.find_word(v).is_some()
        }
        QuestionField::KeyInsight
        | QuestionField::Metrics
        | QuestionField::Tradeoffs
        | QuestionField::Alternatives
        | QuestionField::Risks
        | QuestionField::Validation => ctx.placeholders.find(v).is_some(),
        _ => false,
    };
    let listed: Vec<&String> = listed
        .iter()
        .filter(|v| !v.trim().is_empty() && !placeholder(v))
        .collect();
    if values.is_empty() {
        return !listed.is_empty();
    }
    let title = |id: &str| -> Option<String> {
        let axis = match f {
            QuestionField::Dimensions => &r.dimensions,
            QuestionField::Phases => &r.phases,
            _ => return None,
        };
        Some(axis.title(id))
    };
    listed.iter().any(|v| {
        values.iter().any(|want| {
            want.eq_ignore_ascii_case(v) || title(v).is_some_and(|t| t.eq_ignore_ascii_case(want))
        })
    })
}

/// The share (and count) of questions whose field holds one of the values.
fn field_share(f: &FieldShare, ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let hits: Vec<&Question> = qs
        .iter()
        .filter(|q| field_matches(q, f.field, &f.values, ctx))
        .collect();
    let mut m = Measurement::new(format!(
        "{}/{} Q&As with {} ({})",
        hits.len(),
        qs.len(),
        field_name(f.field),
        pct(hits.len(), qs.len())
    ));
    let mut failed = Vec::new();
    if let Some(s) = f.min_share {
        let ok = !qs.is_empty() && share(hits.len(), qs.len()) + 1e-9 >= s;
        m.require(ok);
        if !ok {
            failed.push(format!("at least {:.0}% required", s * 100.0));
        }
    }
    if let Some(n) = f.min_count {
        let ok = hits.len() >= n as usize;
        m.require(ok);
        if !ok {
            failed.push(format!("at least {n} required"));
        }
    }
    if !failed.is_empty() {
        let without: Vec<String> = qs
            .iter()
            .filter(|q| !hits.iter().any(|h| std::ptr::eq(*h, *q)))
            .map(|q| format!("Q{}", ctx.q_number(q)))
            .collect();
        m.push(
            finding(
                Level::Required,
                format!(
                    "{} of {} Q&As with {}{}; {}",
                    hits.len(),
                    qs.len(),
                    field_name(f.field),
                    if without.is_empty() {
                        String::new()
                    } else {
                        format!(" (not: {})", without.join(", "))
                    },
                    failed.join(", ")
                ),
            )
            .at(ctx.bank_loc())
            .help(format!(
                "add the {} where the content has it",
                field_name(f.field)
            )),
        );
    }
    m
}

/// Requires `part` of `whole` (none of nothing) to reach `min_share`. The per-question
/// findings already in `m` are only errors when the share is missed: met, they go.
fn require_share(m: &mut Measurement, part: usize, whole: usize, min_share: f64) {
    let passed = whole > 0 && share(part, whole) + 1e-9 >= min_share;
    m.require(passed);
    if passed {
        m.diagnostics.clear();
    }
}

/// At least `min_share` of the answers have `min`-`max` words of prose.
fn word_count(min: u32, max: u32, min_share: f64, ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let mut m = Measurement::default();
    let mut ok = 0;
    for (i, q) in qs.iter().enumerate() {
        let words = ctx.answer_words(i);
        if (min as usize..=max as usize).contains(&words) {
            ok += 1;
        } else {
            m.push(
                finding(
                    Level::Required,
                    format!(
                        "{}: answer has {words} words of prose; {min}-{max} required",
                        ctx.q_name(q)
                    ),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help(if words < min as usize {
                    "complete the answer"
                } else {
                    "cut the answer: move detail into tables, code or references"
                }),
            );
        }
    }
    require_share(&mut m, ok, qs.len(), min_share);
    m.evidence = format!(
        "{ok}/{} answers {min}-{max} words ({})",
        qs.len(),
        pct(ok, qs.len())
    );
    m
}

/// Every measure must pass: checks and findings of all, evidence joined.
fn all_of(of: &[Measure], ctx: &Ctx<'_>) -> Measurement {
    let mut m = Measurement::default();
    let mut evidence = Vec::new();
    let mut all_skipped = !of.is_empty();
    for x in of {
        let one = measure(x, ctx);
        all_skipped &= one.skipped;
        evidence.push(one.evidence);
        if !one.skipped {
            m.checks.extend(one.checks);
        }
        m.diagnostics.extend(one.diagnostics);
    }
    m.evidence = evidence.join("; ");
    m.skipped = all_skipped;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(i: usize) -> Rubric {
        serde_saphyr::from_str(crate::model::SHIPPED_RUBRICS[i].1).expect("parses")
    }

    #[test]
    fn generic_requirements_state_the_rubrics_thresholds() {
        let q = shipped(2);
        let req = |name: &str| {
            let g = q.gates.iter().find(|g| g.name == name).expect(name);
            super::super::requirement(g, &q)
        };
        assert_eq!(req("phases"), "≥3/4 phases covered");
        assert_eq!(
            req("categories"),
            "Testing & Automation ≥40%; Code Quality & Analysis ≥30%; CI/CD & Quality Gates ≥30%; Observability & Reliability ≥20%"
        );
        assert_eq!(
            req("minimums"),
            "G≥6, S≥3, T≥2, C≥1, O≥1, A≥4; 3-5 Q&A pairs"
        );
        assert_eq!(req("words"), "100% of answers 120-200 words");
        let p = shipped(1);
        let floors = p
            .gates
            .iter()
            .find(|g| g.name == "reference-floors")
            .unwrap();
        assert_eq!(super::super::requirement(floors, &p), "G≥4, T≥2, L≥3, A≥5");
    }

    #[test]
    fn the_default_rubrics_gates_are_the_spec_gates_with_their_own_measures() {
        let d = Rubric::default_rubric();
        for (spec, g) in d.gates.iter().zip(super::super::ALL) {
            assert_eq!(
                (spec.number, spec.name.as_str(), spec.title.as_str()),
                (g.number, g.name, g.title)
            );
            assert_eq!(spec.measure.built_in().map(|b| b.0), Some(g.name));
        }
    }

    #[test]
    fn plurals_of_axis_labels() {
        assert_eq!(plural("Category"), "categories");
        assert_eq!(plural("Phase"), "phases");
        assert_eq!(plural("Roles"), "roles");
    }
}
