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
use crate::diagnostic::{Diagnostic, Location};
use crate::gates::Status;

/// The codes a diagnostic outside the gates can carry, with what each means
/// (`qbank explain CODE`).
pub(crate) const CODES: &[(&str, &str)] = &[
    (
        "archived-link",
        "a dead link whose `archived:` copy works (qbank links)",
    ),
    (
        "bad-comment",
        "a `<!-- qbank: -->` metadata comment that cannot be read",
    ),
    (
        "bad-suppression",
        "a `qbank-ignore` comment naming no known gate or code, or giving no reason",
    ),
    ("bad-value", "a value the importer cannot read"),
    (
        "binary-file",
        "a bank file holding binary data (a NUL byte)",
    ),
    (
        "broken-symlink",
        "a symbolic link inside a bank whose target does not exist",
    ),
    ("config", "a qbank.toml that cannot be read"),
    (
        "contradicted-claim",
        "a document's own Validation Results row that the measurement contradicts",
    ),
    (
        "dead-link",
        "a link that answered with an HTTP error, or redirected in a loop",
    ),
    ("duplicate-id", "an id used twice in one bank"),
    ("duplicate-key", "a YAML mapping that names a key twice"),
    ("empty-file", "a file holding no YAML document"),
    ("encoding", "a file that is not valid UTF-8"),
    ("file-too-large", "a file larger than a bank file may be"),
    (
        "invalid-date",
        "a date not written as YYYY-MM-DD (or YYYY-MM)",
    ),
    ("invalid-id", "an id that is not kebab-case"),
    (
        "invalid-type",
        "a value of the wrong type (text where a list is expected, ...)",
    ),
    ("invalid-value", "a value outside the allowed ones"),
    ("io", "a path that cannot be read"),
    ("missing-field", "a required field left out"),
    ("missing-questions", "a bank without a questions/ folder"),
    ("missing-title", "a markdown document without a title"),
    (
        "network-unavailable",
        "no link request got an answer: the network is down",
    ),
    ("no-banks", "a folder holding no bank.yaml"),
    (
        "question-number",
        "a question heading whose number is out of order",
    ),
    (
        "resource-limit",
        "YAML that nests too deeply or expands too many aliases",
    ),
    (
        "skipped-link",
        "a broken symbolic link outside every bank, skipped (shown with --verbose)",
    ),
    ("stale-as-of", "a bank whose `as_of` date is old"),
    (
        "symlink-loop",
        "a symbolic link that points back to a folder above it",
    ),
    ("template", "a render template that fails"),
    (
        "unknown-cluster",
        "a question in a cluster bank.yaml does not declare",
    ),
    ("unknown-field", "a field the schema does not know"),
    (
        "unreachable-link",
        "a link that got no HTTP answer (DNS, refused, reset, timeout)",
    ),
    (
        "unrecognised",
        "a markdown block the importer does not recognise",
    ),
    (
        "unsupported",
        "an input of a kind this command does not read",
    ),
    (
        "unsafe-path",
        "an output path that would leave the folder qbank was told to write in",
    ),
    (
        "unused-suppression",
        "a `qbank-ignore` comment that suppressed nothing",
    ),
    (
        "unverified-link",
        "a link that could not be verified (rate-limited, offline, refused)",
    ),
    ("yaml-syntax", "text that is not valid YAML"),
];

/// What `--select`, `--ignore` and suppressions name: a gate, or a diagnostic code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Gate(u8),
    Code(String),
}

impl Key {
    /// A gate number (`7`), a gate name (`cross-refs`), or a code (`unknown-field`).
    pub fn parse(s: &str) -> Result<Key, String> {
        let s = s.trim();
        if let Some(g) = crate::gates::find(s) {
            return Ok(Key::Gate(g.number));
        }
        let lower = s.to_ascii_lowercase();
        if CODES
            .iter()
            .chain(crate::numbers::CODES)
            .any(|(c, _)| *c == lower)
        {
            return Ok(Key::Code(lower));
        }
        let names = crate::gates::ALL
            .iter()
            .map(|g| g.name)
            .chain(CODES.iter().map(|(c, _)| *c))
            .chain(crate::numbers::CODES.iter().map(|(c, _)| *c));
        let mut msg = format!("`{s}` is not a gate (1-20 or a name) or a diagnostic code");
        if let Some(m) = crate::diagnostic::did_you_mean(s, names) {
            msg.push_str(&format!("; did you mean `{m}`?"));
        }
        Err(msg)
    }

    fn matches(&self, d: &Diagnostic) -> bool {
        match self {
            Key::Gate(n) => d.gate == Some(*n),
            // A gate finding carries the gate's name as its code, except the findings of
            // shared checks (`change-mismatch`), which keep their own.
            Key::Code(c) => d.code == *c,
        }
    }
}

/// The gates and codes that count.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `None`: everything.
    pub select: Option<Vec<Key>>,
    pub ignore: Vec<Key>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.select.is_none() && self.ignore.is_empty()
    }

    /// Why gate `n` does not count, if it does not.
    fn gate_waiver(&self, n: u8) -> Option<&'static str> {
        if self.ignore.contains(&Key::Gate(n)) {
            Some("ignored")
        } else if self
            .select
            .as_ref()
            .is_some_and(|s| !s.contains(&Key::Gate(n)))
        {
            Some("not selected")
        } else {
            None
        }
    }

    /// Whether the selection names `d`'s code (`--select change-mismatch`).
    fn selects_code(&self, d: &Diagnostic) -> bool {
        self.select
            .as_ref()
            .is_some_and(|s| s.iter().any(|k| matches!(k, Key::Code(_)) && k.matches(d)))
    }

    /// Whether `--ignore` names `d`'s code.
    fn ignores_code(&self, d: &Diagnostic) -> bool {
        self.ignore
            .iter()
            .any(|k| matches!(k, Key::Code(_)) && k.matches(d))
    }

    /// True when a diagnostic that is not a gate finding counts.
    fn code_counts(&self, d: &Diagnostic) -> bool {
        !self.ignore.iter().any(|k| k.matches(d))
            && self
                .select
                .as_ref()
                .is_none_or(|s| s.iter().any(|k| k.matches(d)))
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
fn scan(path: &Path, text: &str) -> (Vec<Suppression>, Vec<Diagnostic>) {
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
                match Key::parse(name) {
                    Ok(k) => keys.push(k),
                    Err(e) => problems.push(
                        Diagnostic::warning("bad-suppression", e)
                            .at(at.clone())
                            .help("name gates by number or name, or diagnostic codes: `qbank gates` lists them"),
                    ),
                }
            }
            if reason.is_empty() {
                problems.push(
                    Diagnostic::warning("bad-suppression", "a suppression needs a reason")
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
) -> Option<&'a mut Suppression> {
    let loc = d.location.as_ref()?;
    if loc.line == 0 {
        return None;
    }
    sups.get_mut(&loc.file)?.iter_mut().find(|s| {
        (s.lines.0..=s.lines.1).contains(&loc.line) && s.keys.iter().any(|k| k.matches(d))
    })
}

/// Applies the selection to the problems not tied to one bank (errors always count).
pub(crate) fn apply_general(general: &mut Vec<Diagnostic>, sel: &Selection) {
    general.retain(|d| d.is_error() || sel.code_counts(d));
    crate::diagnostic::sort(general);
}

/// Applies the selection and every suppression written in the bank's files (`texts`) to
/// one bank's results; a suppression that matches nothing, or is malformed, becomes a
/// finding of the bank.
pub(crate) fn apply_bank(b: &mut BankReport, texts: &Texts, sel: &Selection) {
    let mut sups: HashMap<PathBuf, Vec<Suppression>> = HashMap::new();
    let mut problems = Vec::new();
    let mut files: Vec<&PathBuf> = texts.keys().collect();
    files.sort();
    for f in files {
        let (s, p) = scan(f, &texts[f]);
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
        if !sel.code_counts(d) {
            return false;
        }
        match suppressor(d, &mut sups) {
            Some(s) => {
                s.used = true;
                suppressed += 1;
                false
            }
            None => true,
        }
    });
    for g in &mut b.gates {
        if let Some(reason) = sel.gate_waiver(g.number) {
            // A gate left out keeps the findings whose code is selected, and counts for them.
            g.diagnostics
                .retain(|d| sel.selects_code(d) && !sel.ignores_code(d));
            if g.diagnostics.is_empty() {
                if matches!(g.status, Status::Fail | Status::Warn) {
                    b.waived.push(Waived {
                        gate: g.number,
                        reason: format!("{reason} (--select/--ignore)"),
                    });
                }
                continue;
            }
        }
        let before = g.diagnostics.len();
        g.diagnostics.retain(|d| !sel.ignores_code(d));
        if before > g.diagnostics.len()
            && g.diagnostics.is_empty()
            && matches!(g.status, Status::Fail | Status::Warn)
        {
            b.waived.push(Waived {
                gate: g.number,
                reason: "its findings ignored (--ignore)".to_owned(),
            });
            continue;
        }
        let before = g.diagnostics.len();
        g.diagnostics.retain(|d| match suppressor(d, &mut sups) {
            Some(s) => {
                s.used = true;
                false
            }
            None => true,
        });
        let gone = before - g.diagnostics.len();
        suppressed += gone;
        if gone > 0 && g.diagnostics.is_empty() && matches!(g.status, Status::Fail | Status::Warn) {
            b.waived.push(Waived {
                gate: g.number,
                reason: format!(
                    "{gone} {} suppressed",
                    super::human::plural(gone, "finding", "findings")
                ),
            });
        }
    }
    b.suppressed += suppressed;
    let unused = sups.into_values().flatten().filter(|s| !s.used).map(|s| {
        Diagnostic::warning("unused-suppression", "this suppression matches no finding")
            .at(s.at)
            .help("remove the comment, or name the gate or code the finding carries")
    });
    let mut extra: Vec<Diagnostic> = unused.collect();
    extra.extend(problems);
    b.diagnostics
        .extend(extra.into_iter().filter(|d| sel.code_counts(d)));
    crate::diagnostic::sort(&mut b.diagnostics);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_by_number_name_or_code() {
        assert_eq!(Key::parse("7").unwrap(), Key::Gate(7));
        assert_eq!(Key::parse("Cross-Refs").unwrap(), Key::Gate(7));
        assert_eq!(
            Key::parse("unknown-field").unwrap(),
            Key::Code("unknown-field".into())
        );
        let e = Key::parse("clarty").unwrap_err();
        assert!(e.contains("did you mean `clarity`"), "{e}");
        assert!(Key::parse("21").is_err());
    }

    #[test]
    fn comments_in_yaml_and_markdown() {
        let (s, p) = scan(
            Path::new("q.yaml"),
            "id: a\n# qbank-ignore: clarity -- a quoted log line\nanswer: x # qbank-ignore: 7, 8 -- why\n",
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
        );
        assert_eq!(s[0].lines, (1, 5));
        let (s, p) = scan(
            Path::new("doc.md"),
            "text <!-- qbank-ignore: clarity -- quoted -->\n<!-- qbank: id=x -->\n",
        );
        assert!(p.is_empty());
        assert_eq!(s.len(), 1);
        let (_, p) = scan(Path::new("q.yaml"), "# qbank-ignore: clarity\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("reason"));
    }
}
