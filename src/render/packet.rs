//! Interview packets: a balanced selection of a bank's questions for one role and time
//! budget (`select`), rendered as a candidate sheet (no answers) and an interviewer
//! sheet, each as markdown and a printable HTML page, with a JSON manifest of what was
//! chosen and why, and exports for Anki and Moodle (`export`).

pub(crate) mod export;

use std::path::Path;

use serde::Serialize;

use super::markdown::{TemplateError, environment_with, one_line, template_error_with, tidy};
use crate::model::{Bank, DiagramKind, Difficulty, Question, Rubric};
use crate::packet::select;
pub(crate) use crate::packet::{Request, Selection, Shortfall};
use crate::table::cell;
use crate::text;

/// The packet templates shipped in the binary, by name; `--templates DIR` overrides them.
pub(crate) const TEMPLATES: [(&str, &str); 2] = [
    (
        "packet-candidate.md.j2",
        include_str!("../../templates/packet-candidate.md.j2"),
    ),
    (
        "packet-interviewer.md.j2",
        include_str!("../../templates/packet-interviewer.md.j2"),
    ),
];

/// Print rules of both sheets: every question (an h2) after the first starts a new
/// printed page, so the sheet's heading and the first question share page 1 instead of
/// the heading standing alone on it.
pub(crate) const PACKET_CSS: &str = "
.answer-space { margin: 0.5em 0 1em; break-inside: avoid; page-break-inside: avoid; }
.answer-line { height: 8.5mm; border-bottom: 1px solid #8c959f; }
@media print {
  main > h2 { break-before: page; page-break-before: always; }
  main > h2:first-of-type { break-before: auto; page-break-before: auto; }
}
";

/// The names of a packet's files, in the order they are written.
pub(crate) const FILES: [&str; 7] = [
    "candidate.md",
    "candidate.html",
    "interviewer.md",
    "interviewer.html",
    "packet.json",
    "anki.tsv",
    "moodle.xml",
];

/// Every document of one packet.
#[derive(Debug, Clone)]
pub(crate) struct Packet {
    pub selection: Selection,
    pub candidate_md: String,
    pub candidate_html: String,
    pub interviewer_md: String,
    pub interviewer_html: String,
    pub manifest: serde_json::Value,
    pub anki: String,
    pub moodle: String,
}

impl Packet {
    /// (file name, contents) for each of [`FILES`].
    pub fn files(&self) -> Vec<(&'static str, String)> {
        let manifest = serde_json::to_string_pretty(&self.manifest).expect("serializes") + "\n";
        vec![
            (FILES[0], self.candidate_md.clone()),
            (FILES[1], self.candidate_html.clone()),
            (FILES[2], self.interviewer_md.clone()),
            (FILES[3], self.interviewer_html.clone()),
            (FILES[4], manifest),
            (FILES[5], self.anki.clone()),
            (FILES[6], self.moodle.clone()),
        ]
    }
}

/// Why a packet could not be made.
#[derive(Debug, Clone)]
pub(crate) enum PacketError {
    /// The bank lacks questions for the request.
    Shortfall(Shortfall),
    Template(TemplateError),
}

/// The entries `md` cites (`[Ref: ID]`, `[ID]`, `[G: term]` by term or alias), each once
/// in the bank's reference-list order, as a closing "References cited" section: glossary
/// terms with their definition, tools with their purpose, sources in APA 7th. On the
/// HTML sheet every mark then links to its entry. Empty when nothing is cited.
fn cited_references(bank: &Bank, md: &str) -> String {
    let mut ids = std::collections::BTreeSet::new();
    for r in text::refs(md) {
        match r.target {
            text::RefTarget::Id(id) => {
                ids.insert(id);
            }
            text::RefTarget::Term(t) => {
                let t = t.trim();
                if let Some(g) = bank.glossary.iter().find(|g| {
                    g.term.value.eq_ignore_ascii_case(t)
                        || g.aliases.iter().any(|a| a.eq_ignore_ascii_case(t))
                }) {
                    ids.insert(g.id.value.clone());
                }
            }
        }
    }
    let mut out = String::new();
    let text = |s: Option<&str>| one_line(s.unwrap_or(""));
    for g in bank.glossary.iter().filter(|g| ids.contains(&g.id.value)) {
        out.push_str(&format!(
            "**{}. {}**: {}\n\n",
            g.id.value,
            one_line(&g.term.value),
            text(g.definition.as_deref())
        ));
    }
    for t in bank.tools.iter().filter(|t| ids.contains(&t.id.value)) {
        out.push_str(&format!(
            "**{}. {}**: {}\n\n",
            t.id.value,
            one_line(&t.name.value),
            text(t.purpose.as_deref())
        ));
    }
    let sources: Vec<&crate::model::Source> = bank
        .literature
        .iter()
        .chain(&bank.citations)
        .filter(|s| ids.contains(&s.id.value))
        .collect();
    let apa = super::apa::references(&sources);
    for s in &sources {
        if let Some(line) = apa.get(&s.id.value) {
            out.push_str(&format!("**{}.** {line}\n\n", s.id.value));
        }
    }
    if out.is_empty() {
        return out;
    }
    let sep = if md.ends_with("\n\n") { "" } else { "\n" };
    format!("{sep}## References cited\n\n{}", out.trim_end()) + "\n"
}

/// Text without reference markers: `[Ref: A1]` goes, `[G: p99]` becomes `p99`.
pub(crate) fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    let mut last_span = usize::MAX..usize::MAX;
    for r in text::refs(s) {
        if r.span == last_span {
            continue;
        }
        out.push_str(&s[at..r.span.start]);
        if let text::RefTarget::Term(t) = &r.target {
            out.push_str(t);
        } else if out.ends_with(' ') {
            out.pop();
        }
        at = r.span.end;
        last_span = r.span.clone();
    }
    out.push_str(&s[at..]);
    one_line(&out)
}

/// The title split into its scenario (every sentence but the last) and the task (the
/// last sentence, where the titles put the ask).
pub(crate) fn scenario_and_task(title: &str) -> (String, String) {
    let t = plain(title);
    let sentences = text::sentences(&t);
    match sentences.split_last() {
        Some((last, rest)) if !rest.is_empty() => (
            t[..last.start].trim().to_owned(),
            t[last.clone()].trim().to_owned(),
        ),
        _ => (String::new(), t),
    }
}

fn kind_words(k: DiagramKind) -> &'static str {
    match k {
        DiagramKind::Sequence => "sequence",
        DiagramKind::Flowchart => "flow",
        DiagramKind::CacheFlow => "cache flow",
        DiagramKind::PerformanceCurve => "performance curve",
        DiagramKind::DependencyGraph => "dependency",
        DiagramKind::AlertFlow => "alert flow",
        DiagramKind::Dashboard => "dashboard",
        DiagramKind::State => "state",
        DiagramKind::Other => "system",
    }
}

/// What the candidate should produce, from the shape of the question (never its content).
fn produce(r: &Rubric, q: &Question) -> Vec<String> {
    let chain: Vec<&str> = r.chain.iter().map(|s| s.label.as_str()).collect();
    let mut out = Vec::new();
    if !chain.is_empty() {
        out.push(format!(
            "Walk through {}, with a number at each step.",
            chain.join(" → ")
        ));
    }
    if !q.practical.is_empty() {
        let mut langs: Vec<String> = Vec::new();
        for p in &q.practical {
            let l = p.lang.value.trim().to_lowercase();
            let generic = matches!(l.as_str(), "" | "text" | "txt" | "plaintext" | "console");
            if !generic && !langs.contains(&l) {
                langs.push(l);
            }
        }
        let langs = if langs.is_empty() {
            String::new()
        } else {
            format!("{} ", langs.join(" or "))
        };
        out.push(format!(
            "A short {langs}sketch (configuration, script or commands) you would actually use."
        ));
    }
    if let Some(d) = &q.diagram {
        out.push(format!(
            "A {} diagram of the design (a whiteboard sketch is fine).",
            kind_words(d.kind.value)
        ));
    }
    if !q.metrics.is_empty() {
        out.push(
            "A before/after table of the metrics that matter, with the expected improvement."
                .to_owned(),
        );
    }
    if !q.alternatives.is_empty() {
        let n = q.alternatives.len().min(2);
        out.push(format!(
            "{} you considered, with what {} would cost.",
            if n == 1 {
                "One alternative".to_owned()
            } else {
                format!("At least {n} alternatives")
            },
            if n == 1 { "it" } else { "each" }
        ));
    }
    if !q.risks.is_empty() {
        out.push("The risks of your change and how you would contain them.".to_owned());
    }
    if q.validation.is_some() {
        out.push("How you would validate the result, with success criteria.".to_owned());
    }
    out
}

#[derive(Serialize)]
struct Point {
    label: String,
    text: String,
}

/// How long a step of "A strong answer contains" may be: a line to listen for, not the
/// model answer again.
const STEP_CHARS: usize = 110;

/// `line` cut to [`STEP_CHARS`] at a word, never inside a code span or a `[Ref: ...]`
/// mark (the cut moves before one it would split).
fn shorten(line: &str) -> String {
    let cut = export::cut_at_word(line, STEP_CHARS);
    let Some(kept) = cut.strip_suffix('…') else {
        return cut;
    };
    let mut end = kept.len();
    if kept.matches('`').count() % 2 == 1 {
        end = end.min(kept.rfind('`').unwrap_or(end));
    }
    if let Some(open) = kept.rfind('[')
        && kept.rfind(']').is_none_or(|close| close < open)
    {
        end = end.min(open);
    }
    format!(
        "{}…",
        kept[..end].trim_end_matches(|c: char| c.is_whitespace() || ",;:(".contains(c))
    )
}

/// What a strong answer contains: each step of the rubric's chain, shortened (see
/// [`chain_points`]), then each metric by name with the target the model answer reaches.
fn strong_answer(r: &Rubric, q: &Question) -> Vec<Point> {
    let mut points = chain_points(r, &q.answer.value);
    points.extend(q.metrics.iter().map(|m| {
        let from = plain(&m.baseline.value);
        let improvement = plain(&m.improvement.value);
        let mut text = format!("target {}", plain(&m.optimized.value));
        if !from.is_empty() {
            text.push_str(&format!(", from {from}"));
        }
        if !improvement.is_empty() {
            text.push_str(&format!(" ({improvement})"));
        }
        Point {
            label: plain(&m.metric.value),
            text: cell(&text),
        }
    }));
    points
}

/// For each step of the rubric's chain, the model answer's line for it, cut to
/// [`STEP_CHARS`] at a word: the first sentence of a paragraph labelled `**Step**`, else
/// the first sentence matching the step's lexicon.
fn chain_points(r: &Rubric, answer: &str) -> Vec<Point> {
    let paragraphs: Vec<&str> = answer.split("\n\n").map(str::trim).collect();
    r.chain
        .iter()
        .map(|step| {
            let label = step.label.to_lowercase();
            let labelled = paragraphs.iter().find_map(|p| {
                let rest = p.strip_prefix("**")?;
                let end = rest.find("**")?;
                let bold = rest[..end].trim_end_matches(':').trim().to_lowercase();
                (bold == label || text::has_phrase(&bold, &label))
                    .then(|| rest[end + 2..].trim_start_matches(':').trim().to_owned())
            });
            let body = labelled.or_else(|| {
                let lexicon = text::Lexicon::get(&step.lexicon, false);
                text::sentences(answer)
                    .into_iter()
                    .map(|s| answer[s].trim().to_owned())
                    .find(|s| lexicon.is_match(s))
            });
            let text = body
                .map(|b| {
                    let first = text::sentences(&b)
                        .first()
                        .map_or_else(|| b.clone(), |s| b[s.clone()].to_owned());
                    shorten(&one_line(&first))
                })
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "(the model answer has no such step: probe for it)".to_owned());
            Point {
                label: step.label.clone(),
                text,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct FollowUp {
    ask: String,
    expect: String,
}

/// Follow-up questions from the trade-offs, the alternatives and the risks.
fn followups(q: &Question) -> Vec<FollowUp> {
    let mut out = Vec::new();
    if let Some(t) = &q.tradeoffs {
        let t = one_line(&t.value);
        for s in text::sentences(&t) {
            let s = t[s].trim();
            let Some((head, rest)) = s.split_once(':') else {
                continue;
            };
            let head_l = head.to_lowercase();
            let rest = rest.trim();
            if head_l.starts_with("when to avoid") {
                out.push(FollowUp {
                    ask: "When would you not use this approach?".to_owned(),
                    expect: rest.to_owned(),
                });
            } else if head_l.contains(" vs ") || head_l.contains(" versus ") {
                out.push(FollowUp {
                    ask: format!("What does the design trade in {}?", head.trim()),
                    expect: rest.to_owned(),
                });
            }
        }
    }
    for a in &q.alternatives {
        out.push(FollowUp {
            ask: format!("Why not {}?", one_line(&a.name.value)),
            expect: one_line(&a.text.value),
        });
    }
    for r in q.risks.iter().take(2) {
        if let Some(m) = &r.mitigation {
            out.push(FollowUp {
                ask: format!(
                    "What if this happens: {}?",
                    one_line(&r.risk.value).trim_end_matches('.')
                ),
                expect: one_line(&m.value),
            });
        }
    }
    out
}

#[derive(Serialize)]
struct Score {
    score: u8,
    text: String,
}

fn scoring(r: &Rubric, q: &Question) -> Vec<Score> {
    let chain: Vec<&str> = r.chain.iter().map(|s| s.label.as_str()).collect();
    let chain = chain.join(" → ");
    let figure = q
        .metrics
        .first()
        .map(|m| {
            format!(
                " and lands near the model's figures ({}: {} → {})",
                plain(&m.metric.value),
                plain(&m.baseline.value),
                plain(&m.optimized.value)
            )
        })
        .unwrap_or_default();
    let mut top = format!("Covers every step ({chain}) with numbers{figure}");
    if q.difficulty.value == Difficulty::Advanced || !q.alternatives.is_empty() {
        top.push_str("; weighs at least two alternatives by cost");
    }
    if !q.risks.is_empty() {
        top.push_str("; names the main risk and its mitigation");
    }
    top.push('.');
    vec![
        Score {
            score: 4,
            text: cell(&top),
        },
        Score {
            score: 3,
            text: "Measures before changing anything, finds the real bottleneck and quantifies the impact; thin on trade-offs or on how to validate.".to_owned(),
        },
        Score {
            score: 2,
            text: "Finds the right area but jumps to a fix without measuring, or gives no numbers for the impact.".to_owned(),
        },
        Score {
            score: 1,
            text: "Generic advice (add a cache, scale up) with no measurement, no numbers and no validation.".to_owned(),
        },
    ]
}

#[derive(Serialize)]
struct MetricRow {
    metric: String,
    baseline: String,
    optimized: String,
    improvement: String,
}

/// What a candidate sheet leaves below each question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum AnswerSpace {
    /// Ruled lines, one per minute the question is planned for (at least 6, at most 16,
    /// so a question and its lines share one A4 page).
    #[default]
    Lines,
    /// No space: a compact sheet, for answers given aloud or on a whiteboard.
    None,
}

impl AnswerSpace {
    /// The number of ruled lines for a question planned for `minutes`.
    fn lines(self, minutes: u32) -> u32 {
        match self {
            AnswerSpace::Lines => minutes.clamp(6, 16),
            AnswerSpace::None => 0,
        }
    }
}

#[derive(Serialize)]
struct CandidateQuestion {
    number: usize,
    minutes: u32,
    /// Ruled lines to leave for the answer (0: none).
    answer_lines: u32,
    scenario: String,
    task: String,
    produce: Vec<String>,
}

#[derive(Serialize)]
struct CandidateView {
    title: String,
    role: String,
    count: usize,
    total_minutes: u32,
    instructions: String,
    questions: Vec<CandidateQuestion>,
}

#[derive(Serialize)]
struct InterviewerQuestion {
    number: usize,
    start: String,
    end: String,
    minutes: u32,
    difficulty: &'static str,
    bank_number: String,
    id: String,
    cluster: String,
    dimensions: String,
    phases: String,
    scenario: String,
    task: String,
    key_insight: String,
    must: Vec<Point>,
    answer: String,
    metrics: Vec<MetricRow>,
    followups: Vec<FollowUp>,
    scoring: Vec<Score>,
}

#[derive(Serialize)]
struct InterviewerView {
    title: String,
    bank: String,
    role: String,
    role_focus: Option<String>,
    budget: u32,
    total_minutes: u32,
    seed: u64,
    mix: String,
    coverage: String,
    dimension_label: String,
    phase_label: String,
    questions: Vec<InterviewerQuestion>,
}

/// "0:12" for minute 12.
fn clock(minute: u32) -> String {
    format!("{}:{:02}", minute / 60, minute % 60)
}

fn join_titles(axis: &crate::model::Axis, values: &[crate::model::Sp<String>]) -> String {
    values
        .iter()
        .map(|v| axis.title(&v.value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn coverage_line(bank: &Bank, sel: &Selection) -> String {
    let r = &bank.rubric;
    let (d, p, c) = covered(bank, sel);
    format!(
        "{} of {} {} values ({} in the role's pool), {} of {} {} values ({}), {} of {} clusters ({})",
        d.len(),
        r.dimensions.values.len(),
        r.dimensions.label,
        sel.reachable[0],
        p.len(),
        r.phases.values.len(),
        r.phases.label,
        sel.reachable[1],
        c.len(),
        bank.meta.clusters.len(),
        sel.reachable[2]
    )
}

fn covered(bank: &Bank, sel: &Selection) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut d = Vec::new();
    let mut p = Vec::new();
    let mut c = Vec::new();
    for pk in &sel.picked {
        d.extend(pk.adds.dimensions.iter().cloned());
        p.extend(pk.adds.phases.iter().cloned());
        c.extend(pk.adds.clusters.iter().cloned());
    }
    let order = |ids: Vec<&str>, mut v: Vec<String>| {
        v.sort_by_key(|x| ids.iter().position(|i| i == x).unwrap_or(usize::MAX));
        v
    };
    let r = &bank.rubric;
    let clusters: Vec<&str> = bank
        .meta
        .clusters
        .iter()
        .map(|c| c.id.value.as_str())
        .collect();
    (
        order(r.dimensions.ids(), d),
        order(r.phases.ids(), p),
        order(clusters, c),
    )
}

fn mix_text(mix: [u32; 3]) -> String {
    format!("{}:{}:{}", mix[0], mix[1], mix[2])
}

/// The role's title from the rubric (`SREs`), or its id.
fn role_title(r: &Rubric, id: &str) -> String {
    r.roles
        .iter()
        .find(|x| x.id == id)
        .map_or_else(|| id.to_owned(), |x| x.title.clone())
}

fn render_template(
    name: &str,
    view: impl Serialize,
    templates: Option<&Path>,
) -> Result<String, TemplateError> {
    let env = environment_with(templates, &TEMPLATES);
    let tmpl = env
        .get_template(name)
        .map_err(|e| template_error_with(&e, templates, &TEMPLATES))?;
    let text = tmpl
        .render(minijinja::value::Serde(serde_json::json!({ "p": view })))
        .map_err(|e| template_error_with(&e, templates, &TEMPLATES))?;
    Ok(tidy(&text))
}

/// Chooses and renders a packet.
pub(crate) fn build(
    bank: &Bank,
    req: &Request,
    answer_space: AnswerSpace,
    templates: Option<&Path>,
) -> Result<Packet, PacketError> {
    let sel = select::select(bank, req).map_err(PacketError::Shortfall)?;
    let r = &bank.rubric;
    let role = role_title(r, &req.role);
    let questions: Vec<&Question> = sel
        .picked
        .iter()
        .map(|p| &bank.questions[p.index])
        .collect();
    let mut start = 0u32;
    let mut times = Vec::new();
    for p in &sel.picked {
        times.push((start, start + p.minutes));
        start += p.minutes;
    }

    let bank_title = one_line(&bank.meta.title.value);
    let candidate = CandidateView {
        title: format!("Interview questions: {role}"),
        role: role.clone(),
        count: questions.len(),
        total_minutes: sel.total_minutes,
        instructions: format!(
            "Each question describes a production situation. Think aloud: say what you would measure, what you expect to find and why, and put numbers on your estimates. The minutes are a guide; the interviewer may move on or ask follow-up questions. {}",
            "Sketches, formulas and rough arithmetic are welcome."
        ),
        questions: questions
            .iter()
            .zip(&sel.picked)
            .enumerate()
            .map(|(i, (q, p))| {
                let (scenario, task) = scenario_and_task(&q.title.value);
                CandidateQuestion {
                    number: i + 1,
                    minutes: p.minutes,
                    answer_lines: answer_space.lines(p.minutes),
                    scenario,
                    task,
                    produce: produce(r, q),
                }
            })
            .collect(),
    };
    let candidate_md = render_template("packet-candidate.md.j2", &candidate, templates)
        .map_err(PacketError::Template)?;

    let interviewer = InterviewerView {
        title: format!("Interviewer sheet: {role}, {} minutes", req.minutes),
        bank: bank_title.clone(),
        role: role.clone(),
        role_focus: r
            .roles
            .iter()
            .find(|x| x.id == req.role)
            .and_then(|x| x.focus.clone()),
        budget: req.minutes,
        total_minutes: sel.total_minutes,
        seed: req.seed,
        mix: mix_text(req.mix),
        coverage: coverage_line(bank, &sel),
        dimension_label: r.dimensions.label.clone(),
        phase_label: r.phases.label.clone(),
        questions: questions
            .iter()
            .zip(&sel.picked)
            .zip(&times)
            .enumerate()
            .map(|(i, ((q, p), (s, e)))| {
                let (scenario, task) = scenario_and_task(&q.title.value);
                InterviewerQuestion {
                    number: i + 1,
                    start: clock(*s),
                    end: clock(*e),
                    minutes: p.minutes,
                    difficulty: q.difficulty.value.title(),
                    bank_number: format!("Q{}", p.index + 1),
                    id: q.id.value.clone(),
                    cluster: cell(
                        bank.cluster_title(&q.cluster.value)
                            .unwrap_or(&q.cluster.value),
                    ),
                    dimensions: join_titles(&r.dimensions, &q.dimensions),
                    phases: join_titles(&r.phases, &q.phases),
                    scenario,
                    task,
                    key_insight: q
                        .key_insight
                        .as_ref()
                        .map_or_else(|| "(none written)".to_owned(), |k| one_line(&k.value)),
                    must: strong_answer(r, q),
                    answer: q.answer.value.trim().to_owned(),
                    metrics: q
                        .metrics
                        .iter()
                        .map(|m| MetricRow {
                            metric: cell(&m.metric.value),
                            baseline: cell(&m.baseline.value),
                            optimized: cell(&m.optimized.value),
                            improvement: cell(&m.improvement.value),
                        })
                        .collect(),
                    followups: followups(q),
                    scoring: scoring(r, q),
                }
            })
            .collect(),
    };
    let mut interviewer_md = render_template("packet-interviewer.md.j2", &interviewer, templates)
        .map_err(PacketError::Template)?;
    interviewer_md.push_str(&cited_references(bank, &interviewer_md));

    let candidate_html = super::html::page_with_css(&candidate.title, &candidate_md, PACKET_CSS);
    let interviewer_html =
        super::html::page_with_css(&interviewer.title, &interviewer_md, PACKET_CSS);
    let manifest = manifest(bank, req, &sel, &times);
    Ok(Packet {
        anki: export::anki_tsv(bank, &questions),
        moodle: export::moodle_xml(bank, &questions),
        selection: sel,
        candidate_md,
        candidate_html,
        interviewer_md,
        interviewer_html,
        manifest,
    })
}

fn manifest(
    bank: &Bank,
    req: &Request,
    sel: &Selection,
    times: &[(u32, u32)],
) -> serde_json::Value {
    let r = &bank.rubric;
    let m = &r.difficulty.minutes;
    let levels = |a: [usize; 3]| {
        serde_json::json!({
            "foundational": a[0], "intermediate": a[1], "advanced": a[2],
        })
    };
    let (d, p, c) = covered(bank, sel);
    let missing = |all: Vec<&str>, have: &[String]| -> Vec<String> {
        all.into_iter()
            .filter(|x| !have.iter().any(|h| h == x))
            .map(str::to_owned)
            .collect()
    };
    let clusters: Vec<&str> = bank
        .meta
        .clusters
        .iter()
        .map(|c| c.id.value.as_str())
        .collect();
    let questions: Vec<serde_json::Value> = sel
        .picked
        .iter()
        .zip(times)
        .enumerate()
        .map(|(i, (pk, (s, e)))| {
            let q = &bank.questions[pk.index];
            let file = bank.sources.path(q.file);
            let file = file.strip_prefix(&bank.root).unwrap_or(&file);
            let file = file
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let mut why = vec![format!(
                "{} question for role {}",
                q.difficulty.value.as_str(),
                req.role
            )];
            let mut adds = Vec::new();
            if !pk.adds.dimensions.is_empty() {
                adds.push(format!(
                    "{} {}",
                    r.dimensions.label.to_lowercase(),
                    pk.adds.dimensions.join(", ")
                ));
            }
            if !pk.adds.phases.is_empty() {
                adds.push(format!(
                    "{} {}",
                    r.phases.label.to_lowercase(),
                    pk.adds.phases.join(", ")
                ));
            }
            if !pk.adds.clusters.is_empty() {
                adds.push(format!("cluster {}", pk.adds.clusters.join(", ")));
            }
            if adds.is_empty() {
                why.push(
                    "adds no new coverage (the budget's slots outnumber what is left to cover)"
                        .to_owned(),
                );
            } else {
                why.push(format!("adds {}", adds.join("; ")));
            }
            serde_json::json!({
                "order": i + 1,
                "bank_number": format!("Q{}", pk.index + 1),
                "id": q.id.value,
                "file": file,
                "difficulty": q.difficulty.value.as_str(),
                "minutes": pk.minutes,
                "start_minute": s,
                "end_minute": e,
                "cluster": q.cluster.value,
                "dimensions": q.dimensions.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
                "phases": q.phases.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
                "roles": q.roles.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
                "adds": {
                    "dimensions": pk.adds.dimensions,
                    "phases": pk.adds.phases,
                    "clusters": pk.adds.clusters,
                },
                "why": why.join("; "),
            })
        })
        .collect();
    serde_json::json!({
        "qbank_version": env!("CARGO_PKG_VERSION"),
        "bank": { "slug": bank.meta.slug.value, "title": one_line(&bank.meta.title.value) },
        "request": {
            "role": req.role,
            "minutes": req.minutes,
            "seed": req.seed,
            "difficulty_mix": mix_text(req.mix),
            "clusters": req.clusters,
            "exclude": req.exclude,
        },
        "minutes": {
            "budget": req.minutes,
            "total": sel.total_minutes,
            "unused": req.minutes - sel.total_minutes,
            "per_question": { "foundational": m.foundational, "intermediate": m.intermediate, "advanced": m.advanced },
        },
        "difficulty": { "chosen": levels(sel.counts), "pool": levels(sel.pool) },
        "coverage": {
            "dimensions": { "covered": d, "missing": missing(r.dimensions.ids(), &d), "reachable": sel.reachable[0], "total": r.dimensions.values.len() },
            "phases": { "covered": p, "missing": missing(r.phases.ids(), &p), "reachable": sel.reachable[1], "total": r.phases.values.len() },
            "clusters": { "covered": c, "missing": missing(clusters.clone(), &c), "reachable": sel.reachable[2], "total": clusters.len() },
        },
        "method": "counts per difficulty: add one question at a time to the level furthest below its share of the mix, stopping before the budget is overrun; then choose, per level, the questions that add the most distinct dimensions, phases and clusters (greedy, then improving swaps), ties broken by a ChaCha8 shuffle of the pool seeded with `seed`",
        "questions": questions,
        "files": FILES,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_steps_never_split_code_or_references() {
        let long = "Buckets at 25, 50, 100, 150, 200, 250, 300, 500, 1000 and 2500 ms and then a long tail of text `sum by (le) across sixty pods` here";
        let short = shorten(long);
        assert!(short.chars().count() <= STEP_CHARS, "{short}");
        assert_eq!(short.matches('`').count() % 2, 0, "{short}");
        let refs = "A sentence that keeps going for quite a while with many words in it and then ends with a mark [Ref: G10, G15, T1, T2, L3] here";
        let short = shorten(refs);
        assert!(!short.contains('['), "{short}");
        assert!(short.ends_with('…'));
        assert_eq!(shorten("short one."), "short one.");
    }

    #[test]
    fn plain_drops_ids_and_keeps_terms() {
        assert_eq!(
            plain("p99 rose [Ref: A1, T2] to 350 ms [G: p99]."),
            "p99 rose to 350 ms p99."
        );
    }

    #[test]
    fn the_last_sentence_is_the_task() {
        let (s, t) = scenario_and_task("An API at 2.5K rps is slow. It misses its SLO. Find why.");
        assert_eq!(s, "An API at 2.5K rps is slow. It misses its SLO.");
        assert_eq!(t, "Find why.");
        let (s, t) = scenario_and_task("Find why the API is slow.");
        assert_eq!((s.as_str(), t.as_str()), ("", "Find why the API is slow."));
    }
}
