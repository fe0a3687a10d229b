//! A test-side bank builder: [`Bank::passing`] is a small bank, built in code, that passes
//! all twenty gates; fluent modifiers break one thing; [`Bank::check`] writes it to a
//! temporary folder in the real on-disk layout (bank.yaml, questions/, references/) and
//! runs the real binary on it.

mod refs;
mod scenarios;

use std::fmt::Write as _;
use std::path::PathBuf;

use scenarios::{ALTERNATIVES, CLUSTERS, DIAGRAM, FILLER, FORMULA, RISKS, SCENARIOS, TRADEOFFS};

use crate::common::qbank;

/// The date every check runs at (`--as-of`): recency is measured from it, never from today.
pub const AS_OF: &str = "2026-11-25";

/// A YAML value: a string (written double-quoted, or as a `|` block when it has lines), a
/// scalar written as is (numbers, dates, booleans), a sequence or a mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Str(String),
    Raw(String),
    Seq(Vec<Node>),
    Map(Map),
}

impl From<&str> for Node {
    fn from(s: &str) -> Node {
        Node::Str(s.to_owned())
    }
}
impl From<String> for Node {
    fn from(s: String) -> Node {
        Node::Str(s)
    }
}
impl From<i64> for Node {
    fn from(n: i64) -> Node {
        Node::Raw(n.to_string())
    }
}
impl From<bool> for Node {
    fn from(b: bool) -> Node {
        Node::Raw(b.to_string())
    }
}
impl From<&[&str]> for Node {
    fn from(v: &[&str]) -> Node {
        Node::Seq(v.iter().map(|s| Node::from(*s)).collect())
    }
}
impl From<Vec<Map>> for Node {
    fn from(v: Vec<Map>) -> Node {
        Node::Seq(v.into_iter().map(Node::Map).collect())
    }
}
impl From<Map> for Node {
    fn from(m: Map) -> Node {
        Node::Map(m)
    }
}

/// A mapping that keeps its keys in the order they were set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map(Vec<(String, Node)>);

/// `map! { "key" => value, ... }`: a [`Map`] in that order.
macro_rules! map {
    ($($k:literal => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = $crate::bank::Map::default();
        $( m.set($k, $v); )*
        m
    }};
}
pub(crate) use map;

impl Map {
    /// Sets `key` (in place when present, else at the end).
    pub fn set(&mut self, key: &str, value: impl Into<Node>) -> &mut Map {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_owned(), value)),
        }
        self
    }

    /// Removes `key`; it must be there (a case that removes nothing tests nothing).
    pub fn remove(&mut self, key: &str) -> &mut Map {
        let before = self.0.len();
        self.0.retain(|(k, _)| k != key);
        assert!(before > self.0.len(), "no `{key}` to remove in {self:?}");
        self
    }

    /// Removes `key` when present.
    pub fn unset(&mut self, key: &str) -> &mut Map {
        self.0.retain(|(k, _)| k != key);
        self
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The string value of `key`.
    pub fn str(&self, key: &str) -> &str {
        match self.get(key) {
            Some(Node::Str(s) | Node::Raw(s)) => s,
            other => panic!("`{key}` is not a string: {other:?}"),
        }
    }

    /// The mappings in the sequence `key` (a question's `practical`, `risks`, ...).
    pub fn items(&mut self, key: &str) -> &mut Vec<Node> {
        match self.get_mut(key) {
            Some(Node::Seq(v)) => v,
            other => panic!("`{key}` is not a sequence: {other:?}"),
        }
    }

    /// The `n`th mapping of the sequence `key`.
    pub fn item(&mut self, key: &str, n: usize) -> &mut Map {
        match self.items(key).get_mut(n) {
            Some(Node::Map(m)) => m,
            other => panic!("`{key}`[{n}] is not a mapping: {other:?}"),
        }
    }

    /// Replaces the first `from` in the string `key` by `to`; `from` must be there.
    pub fn replace(&mut self, key: &str, from: &str, to: &str) -> &mut Map {
        let text = self.str(key).to_owned();
        assert!(text.contains(from), "`{from}` is not in `{key}`: {text}");
        self.set(key, text.replacen(from, to, 1))
    }

    // Question shorthands.

    pub fn answer(&mut self, text: &str) -> &mut Map {
        self.set("answer", text)
    }

    /// Replaces the text of the answer's step `**label**:` (up to the next step).
    pub fn step(&mut self, label: &str, text: &str) -> &mut Map {
        let answer = self.str("answer").to_owned();
        let head = format!("**{label}**:");
        let mut found = false;
        let paras: Vec<String> = answer
            .trim_end()
            .split("\n\n")
            .map(|p| {
                if p.starts_with(&head) {
                    found = true;
                    if text.is_empty() {
                        head.clone()
                    } else {
                        format!("{head} {text}")
                    }
                } else {
                    p.to_owned()
                }
            })
            .collect();
        assert!(found, "no step `{label}` in the answer: {answer}");
        self.set("answer", paras.join("\n\n") + "\n")
    }

    /// Removes the answer's step `**label**:` (its whole paragraph).
    pub fn drop_step(&mut self, label: &str) -> &mut Map {
        let answer = self.str("answer").to_owned();
        let head = format!("**{label}**:");
        let paras: Vec<&str> = answer
            .trim_end()
            .split("\n\n")
            .filter(|p| !p.starts_with(&head))
            .collect();
        assert!(answer.contains(&head), "no step `{label}` in the answer");
        self.set("answer", paras.join("\n\n") + "\n")
    }

    /// The step `**label**:` of the answer, without its label.
    pub fn step_text(&self, label: &str) -> String {
        let head = format!("**{label}**: ");
        self.str("answer")
            .split("\n\n")
            .find_map(|p| p.strip_prefix(&head))
            .unwrap_or_else(|| panic!("no step `{label}`"))
            .trim_end()
            .to_owned()
    }
}

/// Selects a question: by its position in the bank (0-based) or by its id.
pub trait Pick {
    fn index(&self, questions: &[Map]) -> usize;
}
impl Pick for usize {
    fn index(&self, questions: &[Map]) -> usize {
        assert!(*self < questions.len(), "no question #{self}");
        *self
    }
}
impl Pick for &str {
    fn index(&self, questions: &[Map]) -> usize {
        questions
            .iter()
            .position(|q| q.str("id") == *self)
            .unwrap_or_else(|| panic!("no question `{self}`"))
    }
}

/// A bank held in memory until [`Bank::write`].
#[derive(Debug, Clone)]
pub struct Bank {
    pub meta: Map,
    pub questions: Vec<Map>,
    pub glossary: Vec<Map>,
    pub tools: Vec<Map>,
    pub literature: Vec<Map>,
    pub citations: Vec<Map>,
}

fn lookup<'a, T: Copy>(table: &'a [(&'a str, T)], key: &str) -> T {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no `{key}` in the table"))
}

/// `12,000` style thousands.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn figure(n: u64, unit: &str) -> String {
    match unit {
        "$" => format!("${}", thousands(n)),
        "%" => format!("{n}%"),
        _ => format!("{} {unit}", thousands(n)),
    }
}

/// Upper-cases the first letter, except in a percentile such as `p99`.
fn cap(t: &str) -> String {
    let b = t.as_bytes();
    if b.len() > 1 && b[0] == b'p' && b[1].is_ascii_digit() {
        return t.to_owned();
    }
    let mut c = t.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// ("fell", "lower", 81) or ("rose", "higher", 50).
fn change(s: &scenarios::Scenario) -> (&'static str, &'static str, u64) {
    let (b, a) = (s.before as f64, s.after as f64);
    let pct = ((b - a).abs() * 100.0 / b).round() as u64;
    if a < b {
        ("fell", "lower", pct)
    } else {
        ("rose", "higher", pct)
    }
}

fn cite(ids: &[&str]) -> String {
    if ids.is_empty() {
        String::new()
    } else {
        format!(" [Ref: {}]", ids.join(", "))
    }
}

/// A complete question from its scenario: a 150-300 word answer with every chain step
/// labelled, a key insight with its figures, a practical block, a metrics table, trade-offs,
/// two alternatives, a risk with its mitigation and the validation.
fn question(s: &scenarios::Scenario, i: usize, diagram: bool) -> Map {
    let (verb, word, pct) = change(s);
    let before = figure(s.before, s.unit);
    let after = figure(s.after, s.unit);
    let impact = format!(
        "{} {verb} from {before} to {after} ({pct}% {word})",
        cap(s.metric)
    );
    let steps = [
        ("SLO", format!("{}{}.", cap(s.slo), cite(&["G9"]))),
        ("Measure", format!("{}{}.", cap(s.measure), cite(&[s.tool]))),
        (
            "Bottleneck",
            format!("{}{}.", cap(s.bottleneck), cite(&s.refs[1..])),
        ),
        ("Optimize", format!("{}.", cap(s.fix))),
        ("Validate", format!("{}{}.", cap(s.validate), cite(&["T1"]))),
        ("Impact", format!("{impact}{}.", cite(&s.refs[..1]))),
    ];
    let answer = steps
        .iter()
        .map(|(label, text)| format!("**{label}**: {text} {}", lookup(FILLER, label)[i % 4]))
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n";
    let v = if word == "lower" { "cut" } else { "raised" };
    let (risk, mitigation) = RISKS
        .iter()
        .find(|r| r.0 == s.cluster)
        .map(|r| (r.1, r.2))
        .unwrap();
    let alternatives: Vec<Map> = lookup(ALTERNATIVES, s.cluster)
        .iter()
        .map(|(name, text)| map! { "name" => *name, "text" => *text })
        .collect();
    let mut q = map! {
        "id" => s.slug,
        "cluster" => s.cluster,
        "title" => s.title,
        "difficulty" => s.difficulty,
        "dimensions" => s.dims,
        "phases" => s.phases,
        "methods" => s.methods,
        "key_insight" => format!(
            "{} {v} {} from {before} to {after} ({pct}% {word}){}.",
            s.fix_short, s.metric, cite(&s.refs[..1])
        ),
        "answer" => answer,
        "practical" => vec![map! { "lang" => s.lang, "caption" => s.caption, "code" => s.code }],
    };
    if diagram {
        let name = lookup(CLUSTERS, s.cluster);
        q.set(
            "diagram",
            map! { "kind" => "flowchart", "mermaid" => DIAGRAM.replace("{name}", name) },
        );
    }
    let formula = FORMULA
        .iter()
        .find(|(u, _)| *u == s.unit)
        .map_or("counted over the review period", |(_, f)| *f);
    q.set(
        "metrics",
        vec![map! {
            "metric" => s.metric,
            "formula" => formula,
            "baseline" => before.clone(),
            "optimized" => after.clone(),
            "improvement" => format!("{pct}% {word}"),
            "rationale" => format!("Objective: {} [Ref: G9]", s.slo),
        }],
    );
    q.set("tradeoffs", lookup(TRADEOFFS, s.cluster));
    q.set("alternatives", alternatives);
    q.set(
        "risks",
        vec![map! { "risk" => risk, "mitigation" => mitigation }],
    );
    q.set("validation", format!("{} [Ref: T1].", cap(s.validate)));
    q
}

impl Bank {
    /// 25 questions in 5 clusters of 5 (F 5, I 10, A 10), covering the 16 cells of the
    /// matrix, with 12 glossary entries, 5 tools, 10 literature entries and 20 citations
    /// (EN 12, ZH 6, JA 2), every one of them cited: it passes all twenty gates.
    pub fn passing() -> Bank {
        let mut seen = Vec::new();
        let questions = SCENARIOS
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let first = !seen.contains(&s.cluster);
                seen.push(s.cluster);
                question(s, i, first)
            })
            .collect();
        let clusters: Vec<Map> = CLUSTERS
            .iter()
            .filter(|(id, _)| seen.contains(id))
            .map(|(id, title)| map! { "id" => *id, "title" => *title })
            .collect();
        let domain: &[&str] = &["Web services", "Microservices", "Data-intensive platforms"];
        let audience: &[&str] = &["Performance Engineers", "SREs", "Backend Developers"];
        let meta = map! {
            "title" => "Performance Engineering Interview Q&A",
            "slug" => "builder-bank",
            "as_of" => Node::Raw(AS_OF.to_owned()),
            "rubric" => "default",
            "scope" => map! {
                "domain" => domain,
                "audience" => audience,
                "constraints" => "Production systems (>1K rps) or high-scale targets (>10K rps, <100 ms p99) [G: p99]; measurable SLOs [G: SLO]",
            },
            "clusters" => clusters,
        };
        Bank {
            meta,
            questions,
            glossary: refs::glossary(),
            tools: refs::tools(),
            literature: refs::literature(),
            citations: refs::citations(),
        }
    }

    /// Changes one question (by 0-based position or id).
    pub fn question(mut self, which: impl Pick, f: impl FnOnce(&mut Map)) -> Bank {
        let i = which.index(&self.questions);
        f(&mut self.questions[i]);
        self
    }

    /// Changes every question.
    pub fn questions(mut self, mut f: impl FnMut(&mut Map)) -> Bank {
        self.questions.iter_mut().for_each(&mut f);
        self
    }

    /// Keeps the questions for which `keep` is true.
    pub fn retain_questions(mut self, keep: impl FnMut(&Map) -> bool) -> Bank {
        self.questions.retain(keep);
        assert!(!self.questions.is_empty(), "no question left");
        self
    }

    /// Keeps the first `n` questions.
    pub fn keep_questions(mut self, n: usize) -> Bank {
        assert!(n <= self.questions.len());
        self.questions.truncate(n);
        self
    }

    /// Keeps the questions of one cluster (and that cluster alone in bank.yaml).
    pub fn only_cluster(mut self, cluster: &str) -> Bank {
        self.questions.retain(|q| q.str("cluster") == cluster);
        assert!(!self.questions.is_empty(), "no question in `{cluster}`");
        if let Some(Node::Seq(cs)) = self.meta.get_mut("clusters") {
            cs.retain(|c| matches!(c, Node::Map(m) if m.str("id") == cluster));
        }
        self
    }

    /// Adds a copy of question `which` under a new id (and a distinct title).
    pub fn duplicate_question(mut self, which: impl Pick, id: &str) -> Bank {
        let i = which.index(&self.questions);
        let mut q = self.questions[i].clone();
        q.set("id", id);
        let title = format!("{} (second site)", q.str("title"));
        q.set("title", title);
        self.questions.push(q);
        self
    }

    pub fn meta(mut self, f: impl FnOnce(&mut Map)) -> Bank {
        f(&mut self.meta);
        self
    }

    pub fn glossary(mut self, f: impl FnOnce(&mut Vec<Map>)) -> Bank {
        f(&mut self.glossary);
        self
    }

    pub fn tools(mut self, f: impl FnOnce(&mut Vec<Map>)) -> Bank {
        f(&mut self.tools);
        self
    }

    pub fn literature(mut self, f: impl FnOnce(&mut Vec<Map>)) -> Bank {
        f(&mut self.literature);
        self
    }

    pub fn citations(mut self, f: impl FnOnce(&mut Vec<Map>)) -> Bank {
        f(&mut self.citations);
        self
    }

    /// Every source, literature then citations.
    pub fn sources(mut self, mut f: impl FnMut(&mut Map)) -> Bank {
        self.literature
            .iter_mut()
            .chain(self.citations.iter_mut())
            .for_each(&mut f);
        self
    }

    /// Removes every citation mark (`[Ref: ...]` and bare `[A1]`-style ids) from every
    /// question's text; `[G: Term]` marks stay.
    pub fn remove_citations(self) -> Bank {
        let re =
            regex::Regex::new(r" ?\[(?:Ref: [^\]]*|[A-Z]{1,2}\d+(?:, ?[A-Z]{1,2}\d+)*)\]").unwrap();
        self.questions(|q| strip(q, &re))
    }

    /// The file a question is written to.
    pub fn question_file(id: &str) -> String {
        format!("questions/{id}.yaml")
    }

    /// The bank's files: (path relative to the bank, text).
    pub fn render_files(&self) -> Vec<(String, String)> {
        let mut out = vec![("bank.yaml".to_owned(), yaml_map(&self.meta))];
        for q in &self.questions {
            out.push((Self::question_file(q.str("id")), yaml_map(q)));
        }
        for (name, list) in [
            ("glossary", &self.glossary),
            ("tools", &self.tools),
            ("literature", &self.literature),
            ("citations", &self.citations),
        ] {
            if !list.is_empty() {
                out.push((format!("references/{name}.yaml"), yaml_list(list)));
            }
        }
        out
    }

    /// Writes the bank to `<tempdir>/bank`.
    pub fn write(&self) -> Written {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("bank");
        for (rel, text) in self.render_files() {
            let path = root.join(&rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        Written { dir, root }
    }

    /// Writes the bank and runs `qbank check --format json --as-of AS_OF` on it.
    pub fn check(&self) -> Checked {
        let written = self.write();
        let out = qbank()
            .arg("check")
            .arg(&written.root)
            .args(["--format", "json", "--as-of", AS_OF])
            .output()
            .expect("qbank runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "qbank panicked:\n{stderr}");
        // Paths in the report are made relative to the bank, so snapshots are stable.
        let prefix = format!("{}/", written.root.display());
        let text = String::from_utf8_lossy(&out.stdout).replace(&prefix, "");
        let mut json: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}\n{stderr}"));
        // Fingerprints hash each file's path relative to the working folder, here a
        // temporary one's absolute path: left out of the snapshots (tests/cli/baseline.rs
        // covers them).
        strip_fingerprints(&mut json);
        Checked {
            code: out.status.code().expect("an exit code"),
            json,
        }
    }
}

/// Removes every `fingerprint` field from a JSON report.
fn strip_fingerprints(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("fingerprint");
            m.values_mut().for_each(strip_fingerprints);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_fingerprints),
        _ => {}
    }
}

impl Bank {
    /// Writes the bank and runs `qbank check bank --as-of AS_OF` (human format) from its
    /// temporary folder; returns the diagnostics of gate `gate` alone, as printed.
    pub fn check_human(&self, gate: u64) -> String {
        let written = self.write();
        let out = qbank()
            .current_dir(written.path())
            .args(["check", "bank", "--as-of", AS_OF])
            .output()
            .expect("qbank runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mine = [
            format!("error[{gate}:"),
            format!("warning[{gate}:"),
            format!("note[{gate}:"),
        ];
        // A diagnostic starts with `error[N:code]` (or warning, note) and ends with a
        // blank line.
        let mut out = String::new();
        let mut keep = false;
        for line in text.lines() {
            if ["error[", "warning[", "note["]
                .iter()
                .any(|p| line.starts_with(p))
            {
                keep = mine.iter().any(|m| line.starts_with(m.as_str()));
            }
            if keep {
                out.push_str(line.trim_end());
                out.push('\n');
                keep = !line.is_empty();
            }
        }
        out
    }
}

fn strip(q: &mut Map, re: &regex::Regex) {
    for (_, v) in q.0.iter_mut() {
        strip_node(v, re);
    }
}

fn strip_node(v: &mut Node, re: &regex::Regex) {
    match v {
        Node::Str(s) => *s = re.replace_all(s, "").into_owned(),
        Node::Raw(_) => {}
        Node::Seq(items) => items.iter_mut().for_each(|n| strip_node(n, re)),
        Node::Map(m) => strip(m, re),
    }
}

/// A bank on disk, in `<tempdir>/bank`; the folder is removed when this is dropped.
pub struct Written {
    dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Written {
    /// The temporary folder holding `bank/`.
    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

/// A `qbank check` report on a written bank.
pub struct Checked {
    pub code: i32,
    pub json: serde_json::Value,
}

impl Checked {
    pub fn bank(&self) -> &serde_json::Value {
        let b = &self.json["banks"][0];
        assert_eq!(
            b["loaded"], true,
            "the bank did not load: {:#}",
            b["diagnostics"]
        );
        b
    }

    /// Gate `n`'s row: number, name, status, evidence, diagnostics.
    pub fn gate(&self, n: u64) -> &serde_json::Value {
        let g = &self.bank()["gates"][(n - 1) as usize];
        assert_eq!(g["number"], n);
        g
    }

    pub fn status(&self, n: u64) -> String {
        self.gate(n)["status"].as_str().unwrap().to_owned()
    }

    /// Every gate that is not PASS: `(number, status, evidence)`.
    pub fn not_passing(&self) -> Vec<String> {
        self.bank()["gates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["status"] != "PASS")
            .map(|g| {
                format!(
                    "gate {} {} {}: {}\n{:#}",
                    g["number"], g["name"], g["status"], g["evidence"], g["diagnostics"]
                )
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// A small YAML writer: strings double-quoted (JSON escapes are YAML escapes) or as `|`
// blocks, mappings and sequences in block style.
// ---------------------------------------------------------------------------------------

fn scalar(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn emit_value(out: &mut String, key_line: &str, v: &Node, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Node::Str(s) if s.contains('\n') => {
            let chomp = if s.ends_with('\n') { "" } else { "-" };
            let ind = if s.starts_with(' ') { "2" } else { "" };
            let _ = writeln!(out, "{key_line} |{ind}{chomp}");
            for line in s.trim_end_matches('\n').split('\n') {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{pad}  {line}");
                }
            }
        }
        Node::Str(s) => {
            let _ = writeln!(out, "{key_line} {}", scalar(s));
        }
        Node::Raw(r) => {
            let _ = writeln!(out, "{key_line} {r}");
        }
        Node::Seq(items) if items.is_empty() => {
            let _ = writeln!(out, "{key_line} []");
        }
        Node::Seq(items) => {
            let _ = writeln!(out, "{key_line}");
            for item in items {
                emit_item(out, item, indent + 2);
            }
        }
        Node::Map(m) => {
            let _ = writeln!(out, "{key_line}");
            emit_map(out, m, indent + 2);
        }
    }
}

fn emit_map(out: &mut String, m: &Map, indent: usize) {
    let pad = " ".repeat(indent);
    for (k, v) in &m.0 {
        emit_value(out, &format!("{pad}{k}:"), v, indent);
    }
}

fn emit_item(out: &mut String, item: &Node, indent: usize) {
    let pad = " ".repeat(indent);
    match item {
        Node::Map(m) => {
            let mut body = String::new();
            emit_map(&mut body, m, indent + 2);
            // The first key goes on the dash line.
            out.push_str(&pad);
            out.push_str("- ");
            out.push_str(&body[indent + 2..]);
        }
        other => emit_value(out, &format!("{pad}-"), other, indent),
    }
}

fn yaml_map(m: &Map) -> String {
    let mut out = String::new();
    emit_map(&mut out, m, 0);
    out
}

fn yaml_list(items: &[Map]) -> String {
    let mut out = String::new();
    for (i, m) in items.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        emit_item(&mut out, &Node::Map(m.clone()), 0);
    }
    out
}

#[test]
fn yaml_writer_round_trips_through_a_yaml_parser() {
    let m = map! {
        "id" => "x",
        "n" => 3i64,
        "quote" => "a \"b\": c # d",
        "block" => "line 1\n  indented\n\nlast\n",
        "list" => &["a", "b: c"][..],
        "items" => vec![map! { "k" => "v", "w" => 2i64 }],
    };
    let text = yaml_map(&m);
    let parsed: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(
        parsed,
        serde_json::json!({
            "id": "x", "n": 3, "quote": "a \"b\": c # d",
            "block": "line 1\n  indented\n\nlast\n",
            "list": ["a", "b: c"], "items": [{"k": "v", "w": 2}]
        }),
        "{text}"
    );
}

/// The passing bank's substance, held to the revised contract's rules so that it keeps
/// passing when they land: every step is labelled and has at least 10 words of prose
/// (reference marks masked); SLO, Measure and Impact hold a figure with a unit; Impact
/// states a from -> to change; risks have mitigations of 8 words or more; trade-offs name
/// what is traded and when to use or avoid; citations are `[Ref: ...]` marks.
#[test]
fn the_passing_bank_has_substance_in_every_step() {
    let marks = regex::Regex::new(r"\[(?:Ref|G): [^\]]*\]").unwrap();
    let figure = regex::Regex::new(
        r"\d[\d,.]*\s?(?:K|M)?\s?(?:%|ms|s\b|min|h\b|rps|qps|MB|GB|TB|KB|x\b|jobs/s|events/s|pods|connections|days?|hours|minutes|requests|queries|shards|ms\b)",
    )
    .unwrap();
    let words = |t: &str| {
        marks
            .replace_all(t, "")
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    };
    let mut problems = Vec::new();
    for q in &Bank::passing().questions {
        let id = q.str("id");
        for label in [
            "SLO",
            "Measure",
            "Bottleneck",
            "Optimize",
            "Validate",
            "Impact",
        ] {
            let text = q.step_text(label);
            if words(&text) < 10 {
                problems.push(format!("{id}: {label} has {} words", words(&text)));
            }
            if matches!(label, "SLO" | "Measure" | "Impact") && !figure.is_match(&text) {
                problems.push(format!("{id}: {label} has no figure with a unit: {text}"));
            }
        }
        let impact = q.step_text("Impact");
        if !(impact.contains(" from ") && impact.contains(" to ")) {
            problems.push(format!("{id}: Impact states no from -> to change"));
        }
        let tradeoffs = q.str("tradeoffs");
        if !(tradeoffs.contains(" vs ")
            && tradeoffs.contains("When to use")
            && tradeoffs.contains("When to avoid"))
        {
            problems.push(format!(
                "{id}: trade-offs name no X vs Y or when to use/avoid"
            ));
        }
        let mut q = q.clone();
        let risks = q.items("risks").clone();
        for r in risks {
            let Node::Map(r) = r else { unreachable!() };
            if words(r.str("mitigation")) < 8 {
                problems.push(format!("{id}: a mitigation under 8 words"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The passing bank's YAML blocks parse (the other languages are checked by the gates).
#[test]
fn the_passing_bank_yaml_blocks_parse() {
    for mut q in Bank::passing().questions {
        let id = q.str("id").to_owned();
        for b in q.items("practical").clone() {
            let Node::Map(b) = b else { unreachable!() };
            if b.str("lang") == "yaml" {
                let parsed: Result<serde_json::Value, _> = serde_saphyr::from_str(b.str("code"));
                assert!(parsed.is_ok(), "{id}: {parsed:?}");
            }
        }
    }
}
