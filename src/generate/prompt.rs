//! The generation prompt (`qbank prompt`): the rubric's figures, lists and text rendered
//! through `templates/prompt.md.j2`, optionally with an existing bank's scope, clusters
//! and reference IDs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::gates;
use crate::model::{Bank, Difficulty, Generator, Labelled, Rubric};

/// The embedded templates of the generator half.
pub(crate) const TEMPLATES: [(&str, &str); 1] =
    [("prompt.md.j2", include_str!("../../templates/prompt.md.j2"))];

/// The figures that the rubric's text may name as `{key}`.
pub(crate) fn figures(r: &Rubric) -> BTreeMap<&'static str, String> {
    let range = |a: u32, b: u32| {
        if a == b {
            a.to_string()
        } else {
            format!("{a}-{b}")
        }
    };
    let pct = |x: f64| format!("{}", (x * 100.0).round());
    let mut f = BTreeMap::new();
    f.insert("quantity", range(r.quantity.min, r.quantity.max));
    f.insert("scale_above", r.quantity.scale_above.to_string());
    f.insert("scale_factor", format!("{}", r.quantity.scale_factor));
    f.insert("clusters_range", range(r.clusters.min, r.clusters.max));
    f.insert(
        "cluster_questions",
        range(r.clusters.min_questions, r.clusters.max_questions),
    );
    f.insert(
        "difficulty_mix",
        format!(
            "{}/{}/{}",
            pct(r.difficulty.foundational),
            pct(r.difficulty.intermediate),
            pct(r.difficulty.advanced)
        ),
    );
    let (nd, np) = (r.dimensions.values.len(), r.phases.values.len());
    f.insert("matrix", format!("{nd}×{np}"));
    f.insert("cells", (nd * np).to_string());
    f.insert("dimensions_count", nd.to_string());
    f.insert("phases_count", np.to_string());
    f.insert("dimension_label", r.dimensions.label.clone());
    f.insert("phase_label", r.phases.label.clone());
    f.insert("glossary_min", r.references.glossary().to_string());
    f.insert("tools_min", r.references.tools().to_string());
    f.insert("literature_min", r.references.literature().to_string());
    f.insert("citations_min", r.references.citations().to_string());
    f.insert("recency_share", pct(r.recency.min_share));
    f.insert("recency_years", r.recency.years.to_string());
    f.insert("min_types", r.diversity.min_types.to_string());
    f.insert("tool_warn_months", r.recency.tool_warn_months.to_string());
    f.insert(
        "answer_words",
        range(r.answer_words.min, r.answer_words.max),
    );
    f.insert(
        "practical_lines",
        range(r.practical_lines.min, r.practical_lines.max),
    );
    f.insert("gate_count", r.gates.len().to_string());
    f.insert("advanced_min", r.citations.advanced_min.to_string());
    f.insert(
        "advanced_min_alternatives",
        r.tradeoffs.advanced_min_alternatives.to_string(),
    );
    f.insert("chain", chain(r));
    f.insert(
        "clusters",
        r.clusters
            .suggested
            .iter()
            .map(|c| c.title.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    f.insert(
        "language_mix",
        r.languages
            .targets
            .iter()
            .map(|t| pct(t.share))
            .collect::<Vec<_>>()
            .join("/"),
    );
    f
}

/// The performance chain as the prompt states it: `SLO → ... → Quantified Impact`.
fn chain(r: &Rubric) -> String {
    r.chain
        .iter()
        .map(|s| {
            // A step that may name its method instead of a figure is not "quantified".
            if s.requires_number && s.methods.is_empty() {
                format!("Quantified {}", s.label)
            } else {
                s.label.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Replaces each `{key}` naming a figure; any other brace is left as it is.
pub(crate) fn fill(text: &str, f: &BTreeMap<&'static str, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let key = tail[1..]
            .find('}')
            .map(|j| &tail[1..=j])
            .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        match key.and_then(|k| f.get(k).map(|v| (k, v))) {
            Some((k, v)) => {
                out.push_str(v);
                rest = &tail[k.len() + 2..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn fill_labelled(items: &mut [Labelled], f: &BTreeMap<&'static str, String>) {
    for l in items {
        l.name = fill(&l.name, f);
        l.text = fill(&l.text, f);
    }
}

/// The rubric's generator text with every `{figure}` filled in.
fn filled_generator(r: &Rubric, f: &BTreeMap<&'static str, String>) -> Generator {
    let mut g = r.generator.clone().unwrap_or_else(|| fallback_generator(r));
    fill_labelled(&mut g.quality_standards, f);
    fill_labelled(&mut g.question_design, f);
    fill_labelled(&mut g.mandatory_elements, f);
    for step in &mut g.workflow {
        step.title = fill(&step.title, f);
        fill_labelled(&mut step.lines, f);
    }
    if let Some(refs) = &mut g.references {
        for k in [
            &mut refs.glossary,
            &mut refs.tools,
            &mut refs.literature,
            &mut refs.citations,
        ] {
            k.examples = fill(&k.examples, f);
            k.include = fill(&k.include, f);
        }
    }
    g.per_cluster = g.per_cluster.iter().map(|s| fill(s, f)).collect();
    g.output_template = fill(&g.output_template, f);
    g.example = g.example.as_deref().map(|e| fill(e, f));
    if g.mandatory_elements.is_empty() {
        g.mandatory_elements = fallback_elements(r, f);
    }
    g
}

/// For a rubric without a `generator` section: the text its figures alone support.
fn fallback_generator(r: &Rubric) -> Generator {
    Generator {
        title: format!("{} Interview Generator", r.name),
        subject: r.name.replace('-', " "),
        output_template: crate::model::Rubric::default_rubric()
            .generator
            .map(|g| g.output_template)
            .unwrap_or_default(),
        ..Generator::default()
    }
}

fn fallback_elements(r: &Rubric, f: &BTreeMap<&'static str, String>) -> Vec<Labelled> {
    let l = |name: &str, text: String| Labelled {
        name: name.to_owned(),
        text,
    };
    vec![
        l("Performance Chain", f["chain"].clone()),
        l(
            "Practical Element",
            format!(
                "code/config/script/command ({} lines)",
                f["practical_lines"]
            ),
        ),
        l(
            "Citation",
            format!(
                "≥1 [Ref: ID], ≥{} for Advanced difficulty",
                r.citations.advanced_min
            ),
        ),
        l(
            "Key Insight",
            "one sentence with a quantified improvement".to_owned(),
        ),
        l(
            "Alternatives",
            format!(
                "≥{} approaches with cost-benefit comparison (required for Advanced)",
                r.tradeoffs.advanced_min_alternatives
            ),
        ),
        l(
            "Risk/Mitigation",
            format!(
                "≥{} high-risk choice flagged with its mitigation (Advanced)",
                r.tradeoffs.advanced_min_risks
            ),
        ),
    ]
}

#[derive(Serialize)]
struct DifficultyRow {
    percent: String,
    title: &'static str,
    count: String,
}

#[derive(Serialize)]
struct GateRow {
    number: u8,
    title: String,
    requirement: String,
    threshold: String,
}

/// The spec's Threshold column: the bar each gate must clear, from the rubric.
fn threshold(n: u8, r: &Rubric, f: &BTreeMap<&'static str, String>) -> String {
    let scaled = |min: &str| {
        format!(
            "≥{min} (scale ×{} if >{})",
            f["scale_factor"], f["scale_above"]
        )
    };
    match n {
        1 => format!("Exactly {}", f["quantity"]),
        2 => format!("{0}/{0} cells", f["cells"]),
        3 => format!("±{}% tolerance", r.difficulty.tolerance_points),
        4 => "100% complete".to_owned(),
        5 => "100% have ≥1".to_owned(),
        6 | 15 => "Meet % thresholds".to_owned(),
        7 => "100% valid".to_owned(),
        8 => "100% acknowledged".to_owned(),
        9 => "100% flagged".to_owned(),
        10 => "100% quantified".to_owned(),
        11 => scaled(&f["glossary_min"]),
        12 => scaled(&f["tools_min"]),
        13 => scaled(&f["literature_min"]),
        14 => scaled(&f["citations_min"]),
        16 => "Meet requirements".to_owned(),
        17 => "100% accessible".to_owned(),
        18 => format!("All {} present", r.methods.len()),
        19 => "100% defined".to_owned(),
        _ => "All standards met".to_owned(),
    }
}

#[derive(Serialize)]
struct BankContext {
    title: String,
    scope: Vec<Labelled>,
    clusters: Vec<ClusterRow>,
    refs: Vec<RefGroup>,
}

#[derive(Serialize)]
struct ClusterRow {
    id: String,
    title: String,
    count: usize,
}

#[derive(Serialize)]
struct RefGroup {
    name: &'static str,
    ids: Vec<String>,
}

fn bank_context(bank: &Bank) -> BankContext {
    let s = &bank.meta.scope;
    let mut scope = Vec::new();
    let mut push = |name: &str, v: Option<String>| {
        if let Some(t) = v.filter(|t| !t.trim().is_empty()) {
            scope.push(Labelled {
                name: name.to_owned(),
                text: t,
            });
        }
    };
    push(
        "Domain",
        (!s.domain.is_empty()).then(|| s.domain.join(", ")),
    );
    push(
        "Audience",
        (!s.audience.is_empty()).then(|| s.audience.join(", ")),
    );
    push("Constraints", s.constraints.clone());
    push("Assumptions", s.assumptions.clone());
    push("In Scope", s.in_scope.clone());
    push("Out of Scope", s.out_of_scope.clone());
    let clusters = bank
        .by_cluster()
        .into_iter()
        .map(|(c, qs)| ClusterRow {
            id: c.id.value.clone(),
            title: c.title.value.clone(),
            count: qs.len(),
        })
        .collect();
    let ids = |v: Vec<String>| {
        if v.is_empty() {
            vec!["none".to_owned()]
        } else {
            v
        }
    };
    let refs = vec![
        RefGroup {
            name: "Glossary",
            ids: ids(bank
                .glossary
                .iter()
                .map(|g| format!("{} ({})", g.id.value, g.term.value))
                .collect()),
        },
        RefGroup {
            name: "Tools",
            ids: ids(bank
                .tools
                .iter()
                .map(|t| format!("{} ({})", t.id.value, t.name.value))
                .collect()),
        },
        RefGroup {
            name: "Literature",
            ids: ids(bank.literature.iter().map(|s| s.id.value.clone()).collect()),
        },
        RefGroup {
            name: "Citations",
            ids: ids(bank.citations.iter().map(|s| s.id.value.clone()).collect()),
        },
    ];
    BankContext {
        title: bank.meta.title.value.clone(),
        scope,
        clusters,
        refs,
    }
}

/// Renders the generation prompt for `rubric`, fitted to `bank` when one is given.
/// The generation prompt for `rubric` (fitted to `bank` when given). Gates `selection`
/// leaves out are listed apart as not checked, so the prompt asks for what the
/// repository's `check` will measure.
pub(crate) fn render(
    rubric: &Rubric,
    bank: Option<&Bank>,
    selection: Option<&crate::report::select::Selection>,
) -> Result<String, String> {
    let f = figures(rubric);
    let g = filled_generator(rubric, &f);
    let count = |share: f64| {
        let lo = (share * f64::from(rubric.quantity.min)).round();
        let hi = (share * f64::from(rubric.quantity.max)).round();
        if lo == hi {
            format!("{lo}")
        } else {
            format!("{lo}-{hi}")
        }
    };
    let difficulty: Vec<DifficultyRow> = Difficulty::ALL
        .iter()
        .map(|&d| DifficultyRow {
            percent: format!("{}", (rubric.difficulty.share(d) * 100.0).round()),
            title: d.title(),
            count: count(rubric.difficulty.share(d)),
        })
        .collect();
    // The rubric's gates; a built-in measure keeps its threshold wording.
    let names = gates::names::gate_names(rubric);
    let waiver = |n: u8| selection.and_then(|s| s.gate_waiver(&names, n));
    let unchecked: Vec<String> = rubric
        .gates
        .iter()
        .filter_map(|g| waiver(g.number).map(|why| format!("{} {} ({why})", g.number, g.title)))
        .collect();
    let gate_rows: Vec<GateRow> = rubric
        .gates
        .iter()
        .filter(|g| waiver(g.number).is_none())
        .map(|g| GateRow {
            number: g.number,
            title: g.title.clone(),
            requirement: gates::requirement(g, rubric),
            threshold: g
                .measure
                .built_in()
                .and_then(|b| gates::built_in(b.0))
                .map_or_else(|| "Met".to_owned(), |b| threshold(b.number, rubric, &f)),
        })
        .collect();
    let mut figs: BTreeMap<&str, String> = f.clone();
    figs.insert("chain_title", gates::ALL[3].title.to_owned());
    let mut env = crate::render::markdown::environment_with(None, &TEMPLATES);
    // Optional rubric text is absent, not an error: `{% if g.example %}` must work.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    let tmpl = env
        .get_template("prompt.md.j2")
        .map_err(|e| e.to_string())?;
    let phases: Vec<String> = rubric
        .phases
        .values
        .iter()
        .map(|x| x.title.clone())
        .collect();
    let methods: Vec<String> = rubric.methods.iter().map(|m| m.title.clone()).collect();
    let ctx = serde_json::json!({
        "g": &g,
        "f": &figs,
        "r": &g.references,
        "difficulty": &difficulty,
        "dimensions": &rubric.dimensions.values,
        "phases": &phases,
        "methods": &methods,
        "roles": &rubric.roles,
        "gates": &gate_rows,
        "unchecked": &unchecked,
        "bank": bank.map(bank_context),
    });
    let text = tmpl.render(minijinja::value::Serde(&ctx)).map_err(|e| {
        crate::render::markdown::template_error_with(&e, None, &TEMPLATES).to_string()
    })?;
    Ok(tidy(&text))
}

/// No trailing spaces beyond markdown's two, no runs of blank lines, one final newline.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim().to_owned() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_keys_and_keeps_other_braces() {
        let f = figures(&Rubric::default_rubric());
        assert_eq!(
            fill("{quantity} Q&As, {\"a\": 1}, {unknown}", &f),
            "25-30 Q&As, {\"a\": 1}, {unknown}"
        );
    }

    #[test]
    fn a_custom_rubric_gets_its_own_figures() {
        let mut r = Rubric::default_rubric();
        r.quantity.min = 12;
        r.quantity.max = 15;
        if let Some(k) = r.references.0.iter_mut().find(|k| k.prefix == "G") {
            k.min = 7;
        }
        let p = render(&r, None, None).unwrap();
        assert!(p.contains("Generate 12-15 interview Q&A pairs"));
        assert!(p.contains("**≥7 Glossary [G#]**"));
        assert!(p.contains("(total 12-15)"));
        assert!(!p.contains("25-30 Q&A"));
    }

    #[test]
    fn a_rubric_without_generator_text_still_renders() {
        let mut r = Rubric::default_rubric();
        r.generator = None;
        let p = render(&r, None, None).unwrap();
        assert!(p.contains("## Output Format"));
        assert!(p.contains("## Quality Gates (All Must PASS)"));
    }
}
