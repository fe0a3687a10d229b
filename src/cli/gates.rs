//! `qbank gates` lists the gates; `qbank explain 7` / `qbank explain cross-refs` prints one.
//! Both follow `--rubric` (a shipped rubric's name or a rubric file), else the built-in one.

use std::io::Write;

use crate::gates::{ALL, Gate};
use crate::model::{GateSpec, Measure, Rubric};

#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    /// The rubric whose gates to list: a shipped rubric's name (`performance-minimal`,
    /// `quality-engineering`) or a rubric file (default: the built-in one).
    #[arg(long, value_name = "NAME|FILE")]
    pub rubric: Option<String>,
    /// Print the list as JSON.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print every gate's documentation as one markdown page (docs/gates.md).
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// A gate of the rubric in force, by number or name (`cross-refs`), or a diagnostic
    /// code (`unknown-field`).
    #[arg(required_unless_present = "codes_markdown")]
    pub gate: Option<String>,
    /// The rubric whose gate to explain: a shipped rubric's name or a rubric file
    /// (default: `rubric` in qbank.toml, else the built-in one).
    #[arg(long, value_name = "NAME|FILE")]
    pub rubric: Option<String>,
    /// Print every diagnostic code's documentation as one markdown page (docs/codes.md).
    #[arg(long)]
    pub codes_markdown: bool,
}

/// The rubric `--rubric` names, or the built-in one; an error message when it does not load.
fn rubric_of(spec: Option<&str>) -> Result<Rubric, u8> {
    match crate::load::load_rubric(spec, std::path::Path::new("")) {
        Ok(r) => Ok((*r).clone()),
        Err(d) => {
            super::eprint_diagnostic(&d);
            Err(2)
        }
    }
}

/// A gate of the rubric that is the spec's gate of the same name and measure.
fn spec_gate(g: &GateSpec) -> Option<&'static Gate> {
    g.measure
        .built_in()
        .and_then(|b| crate::gates::built_in(b.0))
        .filter(|b| b.name == g.name)
}

pub(crate) fn list(args: &ListArgs) -> u8 {
    let rubric = match rubric_in_force(args.rubric.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut out = anstream::stdout();
    if args.markdown {
        let _ = out.write_all(docs_page().as_bytes());
        return 0;
    }
    if args.json {
        let list: Vec<serde_json::Value> = rubric
            .gates
            .iter()
            .map(|g| {
                serde_json::json!({
                    "number": g.number,
                    "name": g.name,
                    "title": g.title,
                    "requirement": crate::gates::requirement(g, &rubric),
                    "measure": g.measure.name(),
                })
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&list).expect("serializes")
        );
        return 0;
    }
    let width = rubric.gates.iter().map(|g| g.name.len()).max().unwrap_or(0);
    for g in &rubric.gates {
        let _ = writeln!(
            out,
            "{:>2}  {:<width$}  {}",
            g.number,
            g.name,
            crate::gates::requirement(g, &rubric)
        );
    }
    0
}

/// The documentation of a rubric's gate that is not one of the spec's: its requirement
/// and what its measure does.
fn generic_doc(g: &GateSpec, rubric: &Rubric) -> String {
    let (what, _) = measure_doc(&g.measure);
    format!(
        "# {}. {} (`{}`)\n\nRequirement (rubric `{}`): {}\n\nMeasure: `{}`. {what}\n",
        g.number,
        g.title,
        g.name,
        rubric.name,
        crate::gates::requirement(g, rubric),
        g.measure.name()
    )
}

/// The rubric `explain` and `gates` follow: `--rubric`, else qbank.toml's `rubric`
/// (found upward from the working folder), else the built-in one.
fn rubric_in_force(flag: Option<&str>) -> Result<Rubric, u8> {
    if flag.is_some() {
        return rubric_of(flag);
    }
    let config = match crate::config::find(std::path::Path::new(".")) {
        Ok(c) => c,
        Err(d) => {
            super::eprint_diagnostic(&d);
            return Err(2);
        }
    };
    let spec = config.rubric();
    rubric_of(spec.as_deref().and_then(|p| p.to_str()))
}

pub(crate) fn explain(args: &ExplainArgs) -> u8 {
    if args.codes_markdown {
        super::print_out(&crate::codes::docs_page());
        return 0;
    }
    let Some(key) = args.gate.as_deref().map(str::trim) else {
        return super::fail(
            "name a gate or a diagnostic code",
            Some("`qbank gates` lists the gates; `qbank explain --codes-markdown` lists the codes"),
        );
    };
    let rubric = match rubric_in_force(args.rubric.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // A gate of the rubric in force: by number, or by name, title or synonym.
    let folded = crate::gates::names::fold(key);
    let by_name = crate::gates::names::gate_names(&rubric)
        .into_iter()
        .find(|(n, _)| !folded.is_empty() && *n == folded)
        .map(|(_, n)| n);
    let number = key.parse::<u8>().ok().or(by_name);
    if let Some(g) = number.and_then(|n| rubric.gates.iter().find(|g| g.number == n)) {
        let text = match spec_gate(g) {
            Some(b) => doc_as(b, g.number, &rubric),
            None => generic_doc(g, &rubric),
        };
        let _ = anstream::stdout().write_all(text.as_bytes());
        return 0;
    }
    if let Some(code) = crate::codes::Code::from_name(key) {
        super::print_out(&crate::numbers::explain(code).unwrap_or_else(|| code.doc()));
        return 0;
    }
    let names: Vec<&str> = rubric
        .gates
        .iter()
        .map(|g| g.name.as_str())
        .chain(crate::codes::Code::ALL.iter().map(|c| c.name()))
        .collect();
    let hint = crate::diagnostic::did_you_mean(key, names.iter().copied()).map_or_else(
        || {
            format!(
                "the rubric `{}` has gates 1-{}; `qbank gates` lists them",
                rubric.name,
                rubric.gates.len()
            )
        },
        |s| format!("did you mean `{s}`?"),
    );
    super::fail(
        &format!(
            "no gate or diagnostic code `{key}` in the rubric `{}`",
            rubric.name
        ),
        Some(&hint),
    )
}

/// One gate's documentation as markdown.
pub(crate) fn doc(g: &Gate, rubric: &Rubric) -> String {
    doc_as(g, g.number, rubric)
}

/// [`doc`] under the number the rubric in force gives the gate.
fn doc_as(g: &Gate, number: u8, rubric: &Rubric) -> String {
    let body = g.doc_text();
    format!(
        "# {}. {} (`{}`)\n\nRequirement ({}): {}\n\n{}\n",
        number,
        g.title,
        g.name,
        if rubric.name == Rubric::default_rubric().name {
            "default rubric".to_owned()
        } else {
            format!("rubric `{}`", rubric.name)
        },
        (g.requirement)(rubric),
        body
    )
}

/// docs/gates.md: every gate's documentation, generated from the registry.
pub(crate) fn docs_page() -> String {
    let rubric = Rubric::default_rubric();
    let mut s = String::from(
        "# Quality gates\n\n<!-- Generated from the gate registry by `qbank gates --markdown`; a test fails when it is stale. -->\n\n",
    );
    s.push_str("| # | Name | Requirement (default rubric) |\n|---|---|---|\n");
    for g in ALL {
        s.push_str(&format!(
            "| {} | [`{}`](#{}) | {} |\n",
            g.number,
            g.name,
            crate::text::slug(&format!("{}. {} ({})", g.number, g.title, g.name)),
            (g.requirement)(&rubric)
        ));
    }
    for g in ALL {
        s.push('\n');
        s.push_str(
            &doc(g, &rubric)
                .replacen("# ", "## ", 1)
                .replace("\n## ", "\n### "),
        );
    }
    s.push_str(crate::numbers::DOC);
    s.push_str(MEASURES_INTRO);
    for m in MEASURES.iter() {
        let (what, params) = measure_doc(m);
        s.push_str(&format!("\n### `{}`\n\n{what}\n", m.name()));
        if !params.is_empty() {
            s.push_str(&format!("\nThresholds: {params}.\n"));
        }
    }
    s
}

const MEASURES_INTRO: &str = "
## Measures a rubric's gate can use

A rubric lists its gates under `gates:`: each has a `number`, a kebab `name`, a `title`
(the name a document's Validation Results gives it), optional `synonyms` (other names
the claims audit accepts) and `requirement` text, and the `measure` it uses with that
measure's thresholds. The built-in rubric lists the twenty gates above; the shipped
`performance-minimal` and `quality-engineering` rubrics (`--rubric NAME`) list their
prompts' ten and twelve. The measures named after one of the twenty gates take their
thresholds from the rubric's sections (`quantity:`, `difficulty:`, `citations:`, ...);
the generic ones below take them in the gate itself.
";

/// One example of every measure that has thresholds of its own, for the docs.
static MEASURES: std::sync::LazyLock<Vec<Measure>> = std::sync::LazyLock::new(|| {
    use crate::model::{
        AllOf, Coverage, FieldShare, LexiconMatch, QuestionField, ReferenceFloors, Skip, WordCount,
    };
    vec![
        Measure::Coverage(Coverage {
            axis: None,
            min_values: None,
            shares: Default::default(),
        }),
        Measure::ReferenceFloors(ReferenceFloors { kinds: Vec::new() }),
        Measure::LexiconMatch(LexiconMatch {
            field: Default::default(),
            lexicons: Vec::new(),
            min: 1,
            min_share: 1.0,
        }),
        Measure::FieldShare(FieldShare {
            field: QuestionField::Diagram,
            values: Vec::new(),
            min_share: None,
            min_count: None,
        }),
        Measure::WordCount(WordCount {
            min: 0,
            max: 0,
            min_share: 1.0,
        }),
        Measure::AllOf(AllOf { of: Vec::new() }),
        Measure::Skip(Skip {
            reason: String::new(),
        }),
    ]
});

/// What a generic measure does, and its thresholds.
fn measure_doc(m: &Measure) -> (&'static str, &'static str) {
    match m {
        Measure::Coverage(_) => (
            "Coverage of the rubric's axes. Without `axis`: the two axes (`dimensions` x `phases`) crossed, every cell covered by at least one question (gate 2, a question counting in at most `matrix.max_cells_per_question` cells). With `axis` (`dimensions`, `phases` or `roles`): that axis alone.",
            "`axis`; `min_values` (values of the axis covered by at least one question); `shares` (value id -> least share of questions covering it, `{testing: 0.40}`)",
        ),
        Measure::ReferenceFloors(_) => (
            "Complete entries of each reference kind reach the kind's `min` under `references` (scaled above `quantity.scale_above` questions). G/T/L/A with their default `fields` are checked on their typed fields (gates 11-14, including the citation language mix); any other kind, or a built-in kind with other `fields`, counts an entry complete when it is no placeholder, holds a URL or DOI when `URL` is a field, and has a non-empty part (`|`- or `;`-separated) per other field.",
            "`kinds` (prefixes; empty: every declared kind)",
        ),
        Measure::LexiconMatch(_) => (
            "Every question's prose (code, inline code and URLs masked) matches at least `min` of the lexicons; a lexicon matches when `min_distinct` of its phrases (case-insensitive, at a word start) and patterns (regular expressions) occur.",
            "`field` (`question`, `answer` or `key-insight`); `lexicons` (`name`, `words`, `patterns`, `min_distinct`); `min`; `min_share` (default 1)",
        ),
        Measure::FieldShare(_) => (
            "The share and count of questions whose field holds one of `values` (ids or titles), or with no `values`, is filled.",
            "`field` (`difficulty`, `dimensions`, `phases`, `roles`, `methods`, `cluster`, `key-insight`, `practical`, `diagram`, `metrics`, `tradeoffs`, `alternatives`, `risks`, `validation`); `values`; `min_share` and/or `min_count`",
        ),
        Measure::WordCount(_) => (
            "At least `min_share` of the answers have `min`-`max` words of prose (code and diagrams not counted).",
            "`min`; `max`; `min_share` (default 1)",
        ),
        Measure::AllOf(_) => (
            "Every listed measure must pass; the evidence joins theirs.",
            "`of` (a list of measures, each written as `{measure: ..., ...}`)",
        ),
        Measure::Skip(_) => (
            "A requirement no machine can measure: the gate is always SKIP, never PASS, with `not measured:` and the reason as its evidence.",
            "`reason`",
        ),
        _ => (
            "One of the spec's twenty gates, with the rubric's thresholds.",
            "",
        ),
    }
}
