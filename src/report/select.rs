//! Which findings count: `--select` / `--ignore` (gates by number or name, diagnostic
//! codes) and inline suppressions, `# qbank-ignore: NAME -- reason` in YAML and
//! `<!-- qbank-ignore: NAME -- reason -->` in markdown, applied to a finished report.
//!
//! A gate that is not selected, or is ignored, keeps its measured status in the table but
//! no longer fails the run (it is *waived*); so does a FAIL or WARN gate whose every
//! finding is suppressed. Load errors that stop a bank from loading cannot be ignored.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::{BankReport, Texts};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::gates::Status;

/// What `--select`, `--ignore` and suppressions name: a gate (by number or by a name the
/// rubric in force gives it), or a registered diagnostic code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A gate number: the gate of that number in each input's rubric.
    Gate(u8),
    /// A gate name, folded (`crate::gates::names::fold`): resolved against each input's
    /// rubric (name, title or synonym), so `clarity` is gate 19 of the built-in rubric
    /// and gate 10 of `performance-minimal`.
    GateName(String),
    Code(Code),
}

/// The gate names a setting may use: every name, title and synonym of the built-in and
/// shipped rubrics, and of the rubric in force when one is given.
#[derive(Debug, Clone)]
pub struct KnownGates {
    /// (folded name, display name)
    names: Vec<(String, String)>,
}

impl KnownGates {
    pub fn new(in_force: Option<&crate::model::Rubric>) -> KnownGates {
        let mut rubrics: Vec<std::sync::Arc<crate::model::Rubric>> =
            vec![crate::model::Rubric::default_shared()];
        for (name, _) in crate::model::SHIPPED_RUBRICS {
            if let Ok(r) = crate::load::load_rubric(Some(name), Path::new("")) {
                rubrics.push(r);
            }
        }
        let mut names = Vec::new();
        let extra = in_force.into_iter();
        for r in rubrics.iter().map(|r| &**r).chain(extra) {
            for g in &r.gates {
                names.push((fold(&g.name), g.name.clone()));
                names.push((fold(&g.title), g.name.clone()));
            }
            for (folded, _) in crate::gates::names::gate_names(r) {
                if !names.iter().any(|(f, _)| *f == folded) {
                    names.push((folded.clone(), folded));
                }
            }
        }
        names.sort();
        names.dedup();
        KnownGates { names }
    }

    fn knows(&self, folded: &str) -> bool {
        self.names.iter().any(|(f, _)| f == folded)
    }
}

fn fold(s: &str) -> String {
    crate::gates::names::fold(s)
}

impl Key {
    /// A gate number (`7`), a gate name of a known rubric (`cross-refs`), or a registered
    /// code (`unknown-field`).
    pub fn parse(s: &str, known: &KnownGates) -> Result<Key, String> {
        let s = s.trim();
        if let Ok(n) = s.parse::<u8>()
            && n >= 1
        {
            return Ok(Key::Gate(n));
        }
        if let Some(c) = Code::from_name(s) {
            return Ok(Key::Code(c));
        }
        let folded = fold(s);
        if !folded.is_empty() && known.knows(&folded) {
            return Ok(Key::GateName(folded));
        }
        let names = known
            .names
            .iter()
            .map(|(_, n)| n.as_str())
            .chain(Code::ALL.iter().map(|c| c.name()));
        let mut msg = format!(
            "`{s}` is not a gate (a number, or a name of the rubric in force) or a diagnostic code"
        );
        if let Some(m) = crate::diagnostic::did_you_mean(s, names) {
            msg.push_str(&format!("; did you mean `{m}`?"));
        }
        Err(msg)
    }
}

/// A key resolved against one input's rubric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved {
    Gate(u8),
    Code(Code),
    /// A gate name this input's rubric does not have.
    Nothing,
}

impl Resolved {
    fn of(k: &Key, gates: &[(String, u8)]) -> Resolved {
        match k {
            Key::Gate(n) => Resolved::Gate(*n),
            Key::Code(c) => Resolved::Code(*c),
            Key::GateName(f) => gates
                .iter()
                .find(|(name, _)| name == f)
                .map_or(Resolved::Nothing, |(_, n)| Resolved::Gate(*n)),
        }
    }

    fn matches(self, d: &Diagnostic) -> bool {
        match self {
            Resolved::Gate(n) => d.gate == Some(n),
            Resolved::Code(c) => d.code == c.name(),
            Resolved::Nothing => false,
        }
    }
}

/// The gates and codes that count.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `None`: everything.
    pub select: Option<Vec<Key>>,
    pub ignore: Vec<Key>,
    /// Names suppression comments may use besides the codes (set by the settings).
    pub known: Option<KnownGates>,
}

/// A selection resolved against one input's rubric.
struct Applied {
    select: Option<Vec<Resolved>>,
    ignore: Vec<Resolved>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.select.is_none() && self.ignore.is_empty()
    }

    /// Why gate `n` of a rubric whose gates are named `gates`
    /// (`crate::gates::names::gate_names`) does not count, if it does not.
    pub fn gate_waiver(&self, gates: &[(String, u8)], n: u8) -> Option<&'static str> {
        self.resolve(gates).gate_waiver(n)
    }

    fn resolve(&self, gates: &[(String, u8)]) -> Applied {
        Applied {
            select: self
                .select
                .as_ref()
                .map(|s| s.iter().map(|k| Resolved::of(k, gates)).collect()),
            ignore: self.ignore.iter().map(|k| Resolved::of(k, gates)).collect(),
        }
    }
}

impl Applied {
    /// Why gate `n` does not count, if it does not.
    fn gate_waiver(&self, n: u8) -> Option<&'static str> {
        if self.ignore.contains(&Resolved::Gate(n)) {
            Some("ignored")
        } else if self
            .select
            .as_ref()
            .is_some_and(|s| !s.contains(&Resolved::Gate(n)))
        {
            Some("not selected")
        } else {
            None
        }
    }

    /// True when a diagnostic counts: not ignored by its code, and (under `select`) its
    /// code or its gate selected.
    fn counts(&self, d: &Diagnostic) -> bool {
        !self.ignore.iter().any(|k| k.matches(d))
            && self
                .select
                .as_ref()
                .is_none_or(|s| s.iter().any(|k| k.matches(d)))
    }

    /// True when a diagnostic outside the gates counts.
    fn code_counts(&self, d: &Diagnostic) -> bool {
        d.gate.is_some() || self.counts(d)
    }

    /// True when `select` names `d`'s own code (`--select change-mismatch`).
    fn selects_code(&self, d: &Diagnostic) -> bool {
        self.select.as_ref().is_some_and(|s| {
            s.iter()
                .any(|k| matches!(k, Resolved::Code(c) if d.code == c.name()))
        })
    }

    /// True when a gate's finding is not ignored by its own code (`placeholder`).
    fn finding_counts(&self, d: &Diagnostic) -> bool {
        !self
            .ignore
            .iter()
            .any(|k| matches!(k, Resolved::Code(c) if d.code == c.name()))
    }
}

/// A gate that no longer fails the run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Waived {
    pub gate: u8,
    pub reason: String,
}

/// One `qbank-ignore` comment.
#[derive(Debug, Clone)]
struct Suppression {
    at: Location,
    /// The lines it covers (1-based, inclusive).
    lines: (u32, u32),
    keys: Vec<Key>,
    used: bool,
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// The lines a suppression on line `i` (0-based) covers: the line it is on when it ends
/// a line of content, else the next line; and with that line everything nested under it
/// (in YAML, a block scalar or mapping below its key; in markdown, the rest of the
/// paragraph).
fn extent(lines: &[&str], i: usize, comment_only: bool, markdown: bool) -> (u32, u32) {
    let start = if comment_only {
        (i + 1..lines.len())
            .find(|&k| {
                let t = lines[k].trim();
                !t.is_empty() && !t.starts_with('#')
            })
            .unwrap_or(i)
    } else {
        i
    };
    let mut end = start;
    if markdown {
        while end + 1 < lines.len() && !lines[end + 1].trim().is_empty() {
            end += 1;
        }
    } else {
        let base = indent(lines[start]);
        let mut k = start + 1;
        while k < lines.len() {
            let l = lines[k];
            if l.trim().is_empty() {
                k += 1;
                continue;
            }
            if indent(l) <= base {
                break;
            }
            end = k;
            k += 1;
        }
    }
    let n = |x: usize| u32::try_from(x + 1).unwrap_or(u32::MAX);
    (n(i), n(end))
}

static YAML_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)#\s*qbank-ignore:(.*)$").expect("valid regex"));
static MD_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!--\s*qbank-ignore:(.*?)-->").expect("valid regex"));

/// The suppressions written in `text`, and problems with them (unknown names, no reason).
fn scan(
    path: &Path,
    text: &str,
    known: &KnownGates,
    gates: &[(String, u8)],
) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let markdown = crate::load::is_markdown(path);
    let re: &Regex = if markdown { &MD_COMMENT } else { &YAML_COMMENT };
    let mut found = Vec::new();
    let mut problems = Vec::new();
    // Every suppression holds this literal: most files have none, and most lines of the
    // rest none, so the regex runs only where it can match.
    const MARK: &str = "qbank-ignore:";
    if !text.contains(MARK) {
        return (found, problems);
    }
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.contains(MARK) {
            continue;
        }
        for caps in re.captures_iter(line) {
            let (Some(all), Some(body)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let start = line[all.start()..]
                .find(if markdown { "<!--" } else { "#" })
                .map_or(all.start(), |k| all.start() + k);
            let col = line[..start].chars().count() + 1;
            let at = Location::at(
                path,
                u32::try_from(i + 1).unwrap_or(u32::MAX),
                u32::try_from(col).unwrap_or(u32::MAX),
            )
            .with_len(all.end() - start);
            let (names, reason) = match body.as_str().split_once("--") {
                Some((n, r)) => (n, r.trim()),
                None => (body.as_str(), ""),
            };
            let mut keys = Vec::new();
            for name in names.split([',', ' ']).filter(|n| !n.trim().is_empty()) {
                let parsed = Key::parse(name, known).or_else(|e| {
                    let f = fold(name);
                    if gates.iter().any(|(g, _)| *g == f) {
                        Ok(Key::GateName(f))
                    } else {
                        Err(e)
                    }
                });
                match parsed {
                    Ok(k) => keys.push(k),
                    Err(e) => problems.push(
                        Diagnostic::warning(Code::BadSuppression, e)
                            .at(at.clone())
                            .help("name gates by number or name, or diagnostic codes: `qbank gates` lists them"),
                    ),
                }
            }
            if reason.is_empty() {
                problems.push(
                    Diagnostic::warning(Code::BadSuppression, "a suppression needs a reason")
                        .at(at.clone())
                        .help(
                            "write it as `qbank-ignore: NAME -- why this finding does not apply`",
                        ),
                );
            }
            let comment_only = line[..start].trim().is_empty();
            if !keys.is_empty() {
                found.push(Suppression {
                    lines: extent(&lines, i, comment_only, markdown),
                    at,
                    keys,
                    used: false,
                });
            }
        }
    }
    (found, problems)
}

/// The suppression covering `d`: one on its line, or on the line above it.
fn suppressor<'a>(
    d: &Diagnostic,
    sups: &'a mut HashMap<PathBuf, Vec<Suppression>>,
    gates: &[(String, u8)],
) -> Option<&'a mut Suppression> {
    let loc = d.location.as_ref()?;
    if loc.line == 0 {
        return None;
    }
    sups.get_mut(&loc.file)?.iter_mut().find(|s| {
        (s.lines.0..=s.lines.1).contains(&loc.line)
            && s.keys.iter().any(|k| Resolved::of(k, gates).matches(d))
    })
}

/// Marks gate `g` waived for `reason`; a FAIL or WARN gate also joins the bank's list of
/// gates that no longer fail the run.
pub(crate) fn waive(waived: &mut Vec<Waived>, g: &mut crate::gates::GateResult, reason: String) {
    if matches!(g.status, Status::Fail | Status::Warn) {
        waived.push(Waived {
            gate: g.number,
            reason: reason.clone(),
        });
    }
    g.waived = Some(reason);
}

/// Applies the selection to the problems not tied to one bank (errors always count).
pub(crate) fn apply_general(general: &mut Vec<Diagnostic>, sel: &Selection) {
    let applied = sel.resolve(&[]);
    general.retain(|d| d.is_error() || applied.code_counts(d));
    crate::diagnostic::sort(general);
}

/// Applies the selection and every suppression written in the bank's files (`texts`) to
/// one bank's results; a suppression that matches nothing, or is malformed, becomes a
/// finding of the bank. `gates` are the names the bank's rubric gives its gates
/// (`crate::gates::names::gate_names`), against which gate names resolve.
pub(crate) fn apply_bank(
    b: &mut BankReport,
    texts: &Texts,
    sel: &Selection,
    gates: &[(String, u8)],
) {
    let applied = sel.resolve(gates);
    let fallback;
    let known = match &sel.known {
        Some(k) => k,
        None => {
            fallback = KnownGates::new(None);
            &fallback
        }
    };
    let mut sups: HashMap<PathBuf, Vec<Suppression>> = HashMap::new();
    let mut problems = Vec::new();
    let mut files: Vec<&PathBuf> = texts.keys().collect();
    files.sort();
    for f in files {
        let (s, p) = scan(f, &texts[f], known, gates);
        if !s.is_empty() {
            sups.insert(f.clone(), s);
        }
        problems.extend(p);
    }
    let mut suppressed = 0;
    let loaded = b.loaded;
    b.diagnostics.retain(|d| {
        if d.is_error() && !loaded {
            return true;
        }
        if !applied.code_counts(d) {
            return false;
        }
        match suppressor(d, &mut sups, gates) {
            Some(s) => {
                s.used = true;
                suppressed += 1;
                false
            }
            None => true,
        }
    });
    for g in &mut b.gates {
        if let Some(reason) = applied.gate_waiver(g.number) {
            // A gate left out keeps the findings whose code is selected (`--select
            // change-mismatch` keeps gate 20's arithmetic findings), and counts for them.
            g.diagnostics
                .retain(|d| applied.selects_code(d) && applied.finding_counts(d));
            if g.diagnostics.is_empty() {
                waive(&mut b.waived, g, format!("{reason} (--select/--ignore)"));
                continue;
            }
        }
        let before = g.diagnostics.len();
        g.diagnostics.retain(|d| applied.finding_counts(d));
        let ignored = before - g.diagnostics.len();
        if ignored > 0
            && g.diagnostics.is_empty()
            && matches!(g.status, Status::Fail | Status::Warn)
        {
            let reason = format!(
                "{ignored} {} ignored by code (--select/--ignore)",
                super::human::plural(ignored, "finding", "findings")
            );
            waive(&mut b.waived, g, reason);
            continue;
        }
        let before = g.diagnostics.len();
        g.diagnostics
            .retain(|d| match suppressor(d, &mut sups, gates) {
                Some(s) => {
                    s.used = true;
                    false
                }
                None => true,
            });
        let gone = before - g.diagnostics.len();
        suppressed += gone;
        if gone > 0 && g.diagnostics.is_empty() && matches!(g.status, Status::Fail | Status::Warn) {
            let reason = format!(
                "{gone} {} suppressed",
                super::human::plural(gone, "finding", "findings")
            );
            waive(&mut b.waived, g, reason);
        }
    }
    b.suppressed += suppressed;
    // A suppression of a code that compares banks is judged by the run, not here.
    let run_level = |s: &Suppression| {
        s.keys
            .iter()
            .any(|k| matches!(k, Key::Code(c) if c.is_run_level()))
    };
    let unused = sups
        .into_values()
        .flatten()
        .filter(|s| !s.used && !run_level(s))
        .map(|s| {
            Diagnostic::warning(
                Code::UnusedSuppression,
                "this suppression matches no finding",
            )
            .at(s.at)
            .help("remove the comment, or name the gate or code the finding carries")
        });
    let mut extra: Vec<Diagnostic> = unused.collect();
    extra.extend(problems);
    b.diagnostics
        .extend(extra.into_iter().filter(|d| applied.code_counts(d)));
    crate::diagnostic::sort(&mut b.diagnostics);
}

/// Adds to one bank's results the findings a whole run makes (questions repeated across
/// banks), under the selection and the bank's suppression comments.
pub(crate) fn apply_late(
    b: &mut BankReport,
    texts: &Texts,
    sel: Option<&Selection>,
    found: Vec<Diagnostic>,
) {
    let Some(sel) = sel else {
        b.diagnostics.extend(found);
        crate::diagnostic::sort(&mut b.diagnostics);
        return;
    };
    let applied = sel.resolve(&[]);
    let fallback;
    let known = match &sel.known {
        Some(k) => k,
        None => {
            fallback = KnownGates::new(None);
            &fallback
        }
    };
    let mut sups: HashMap<PathBuf, Vec<Suppression>> = HashMap::new();
    for d in found {
        if !applied.code_counts(&d) {
            continue;
        }
        if let Some(file) = d.location.as_ref().map(|l| l.file.clone())
            && !sups.contains_key(&file)
            && let Some(text) = texts.get(&file)
        {
            sups.insert(file.clone(), scan(&file, text, known, &[]).0);
        }
        if suppressor(&d, &mut sups, &[]).is_some() {
            b.suppressed += 1;
            continue;
        }
        b.diagnostics.push(d);
    }
    crate::diagnostic::sort(&mut b.diagnostics);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_by_number_name_or_code() {
        let known = KnownGates::new(None);
        assert_eq!(Key::parse("7", &known).unwrap(), Key::Gate(7));
        assert_eq!(
            Key::parse("Cross-Refs", &known).unwrap(),
            Key::GateName("crossrefs".into())
        );
        assert_eq!(
            Key::parse("unknown-field", &known).unwrap(),
            Key::Code(Code::UnknownField)
        );
        assert_eq!(
            Key::parse("placeholder", &known).unwrap(),
            Key::Code(Code::Placeholder)
        );
        let e = Key::parse("clarty", &known).unwrap_err();
        assert!(e.contains("did you mean `clarity`"), "{e}");
        assert!(Key::parse("no-such-gate", &known).is_err());
    }

    #[test]
    fn gate_names_resolve_against_each_rubric() {
        let known = KnownGates::new(None);
        let key = Key::parse("clarity", &known).unwrap();
        let builtin = crate::gates::names::gate_names(&crate::model::Rubric::default_shared());
        assert_eq!(Resolved::of(&key, &builtin), Resolved::Gate(19));
        let minimal = crate::load::load_rubric(Some("performance-minimal"), Path::new("")).unwrap();
        let minimal = crate::gates::names::gate_names(&minimal);
        let n = minimal
            .iter()
            .find(|(f, _)| f == "clarity")
            .map(|(_, n)| *n)
            .expect("performance-minimal has a clarity gate");
        assert_ne!(n, 19);
        assert_eq!(Resolved::of(&key, &minimal), Resolved::Gate(n));
        // A name the input's rubric does not have matches nothing there.
        let words = Key::parse("words", &known);
        if let Ok(k) = words {
            assert_eq!(Resolved::of(&k, &builtin), Resolved::Nothing);
        }
    }

    #[test]
    fn comments_in_yaml_and_markdown() {
        let known = KnownGates::new(None);
        let gates = crate::gates::names::gate_names(&crate::model::Rubric::default_shared());
        let (s, p) = scan(
            Path::new("q.yaml"),
            "id: a\n# qbank-ignore: clarity -- a quoted log line\nanswer: x # qbank-ignore: 7, 8 -- why\n",
            &known,
            &gates,
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].at.line, s[0].at.col), (2, 1));
        assert_eq!(s[1].keys, [Key::Gate(7), Key::Gate(8)]);
        assert_eq!(s[0].lines, (2, 3));
        assert_eq!(s[1].lines, (3, 3));
        assert_eq!((s[1].at.line, s[1].at.col), (3, 11));
        // Above a block scalar: the whole block.
        let (s, _) = scan(
            Path::new("q.yaml"),
            "# qbank-ignore: 4 -- why\nanswer: |\n  one\n\n  two\nnext: x\n",
            &known,
            &gates,
        );
        assert_eq!(s[0].lines, (1, 5));
        let (s, p) = scan(
            Path::new("doc.md"),
            "text <!-- qbank-ignore: clarity -- quoted -->\n<!-- qbank: id=x -->\n",
            &known,
            &gates,
        );
        assert!(p.is_empty());
        assert_eq!(s.len(), 1);
        let (_, p) = scan(
            Path::new("q.yaml"),
            "# qbank-ignore: clarity\n",
            &known,
            &gates,
        );
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("reason"));
    }
}
