//! Fingerprints and baselines (`check --baseline FILE`, `--update-baseline`).
//!
//! Every finding `check` reports gets a fingerprint: a hash of its code, its file
//! (relative to the fingerprint root: the baseline file's folder, else the working
//! folder), the bank or document it belongs to (its slug), the question around it (the
//! nearest `id:` above it in YAML, the nearest heading above it in markdown, numbers
//! blanked), a normalised snippet of the flagged text (the marked span on its first
//! line, else that line)
//! and its message with numbers blanked (several findings often point at one place).
//! The line number is never part of it, so moving text does not change a fingerprint;
//! nor are counts in the message ("3 of 20"), so a shortfall that shrinks stays the
//! same finding.
//!
//! A baseline file records the fingerprints of the findings a repository accepts for
//! now; a check against it counts only the others. A FAIL or WARN gate whose every
//! finding is in the baseline is waived like a suppressed one. Entries that match no
//! finding any more are reported (`stale-baseline`), so the baseline only shrinks.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{BankReport, Texts};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::gates::Status;

/// The baseline file's format version.
const VERSION: u32 = 1;

/// How long an entry's `text` (the snippet shown to people) may be, in characters.
const SHOWN_TEXT: usize = 100;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    /// The file, relative to the baseline's folder, with `/` separators.
    pub file: String,
    /// The question id or markdown section the finding is in.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context: String,
    /// The start of the finding's message and of the flagged text, for people reading
    /// the file (the fingerprint is what matches).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// How many findings share this fingerprint.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// What a run does with fingerprints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Only stamp them on the findings (JSON, SARIF).
    Stamp,
    /// Count only findings the baseline does not hold.
    Match,
    /// Record every finding (`--update-baseline`).
    Record,
}

/// The per-file facts fingerprints read: where lines start, and the question or section
/// each line belongs to.
struct FileIndex {
    starts: Vec<usize>,
    /// (first line, context), by line.
    contexts: Vec<(u32, String)>,
}

impl FileIndex {
    fn new(path: &Path, text: &str) -> FileIndex {
        let markdown = crate::load::is_markdown(path);
        let mut starts = vec![0];
        let mut contexts = Vec::new();
        let mut at = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            at += line.len();
            starts.push(at);
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if let Some(c) = context_of(line, markdown) {
                contexts.push((n, c));
            }
        }
        FileIndex { starts, contexts }
    }

    /// The text of 1-based line `n`, without its line break.
    fn line<'t>(&self, text: &'t str, n: u32) -> Option<&'t str> {
        let i = usize::try_from(n).ok()?.checked_sub(1)?;
        let (&a, &b) = (self.starts.get(i)?, self.starts.get(i + 1)?);
        Some(text[a..b].trim_end_matches(['\n', '\r']))
    }

    fn context(&self, line: u32) -> &str {
        let k = self.contexts.partition_point(|(l, _)| *l <= line);
        if k == 0 { "" } else { &self.contexts[k - 1].1 }
    }
}

/// The question id a YAML line opens (`id: x`, `- id: x`), or the section a markdown
/// heading opens, numbers blanked (renumbering questions does not move findings).
fn context_of(line: &str, markdown: bool) -> Option<String> {
    // Most lines start with another character: they open nothing, decided without
    // trimming (a line starting with a non-ASCII character takes the whole path).
    let first = line.bytes().find(|b| !matches!(b, b' ' | b'\t'));
    if let Some(b) = first
        && b.is_ascii()
        && !b.is_ascii_whitespace()
        && b != 0x0B
        && !(if markdown {
            b == b'#'
        } else {
            b == b'-' || b == b'i'
        })
    {
        return None;
    }
    let t = line.trim();
    if markdown {
        let rest = t.strip_prefix('#')?.trim_start_matches('#');
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        return Some(normalise(&blank_numbers(rest)));
    }
    let v = t
        .strip_prefix("- ")
        .unwrap_or(t)
        .trim_start()
        .strip_prefix("id:")?;
    let v = v
        .split(" #")
        .next()
        .unwrap_or(v)
        .trim()
        .trim_matches(['"', '\'']);
    (!v.is_empty()).then(|| v.to_owned())
}

/// Whitespace runs as one space, trimmed.
fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every run of digits as `#`.
fn blank_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_number = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            out.push(c);
            in_number = false;
        }
    }
    out
}

fn hash(parts: &[&str]) -> String {
    // One buffer, hashed in one call (the digest of a stream does not depend on how it
    // is fed in).
    const TAG: &[u8] = b"qbank-fingerprint-v1";
    let mut buf = Vec::with_capacity(TAG.len() + parts.iter().map(|p| 8 + p.len()).sum::<usize>());
    buf.extend_from_slice(TAG);
    for p in parts {
        buf.extend_from_slice(&(p.len() as u64).to_le_bytes());
        buf.extend_from_slice(p.as_bytes());
    }
    blake3::hash(&buf).to_hex()[..16].to_owned()
}

fn shown(snippet: &str) -> String {
    match snippet.char_indices().nth(SHOWN_TEXT) {
        Some((i, _)) => format!("{}…", &snippet[..i]),
        None => snippet.to_owned(),
    }
}

/// Fingerprints for one run, and the baseline it checks against or records.
pub struct Baseline {
    mode: Mode,
    /// The baseline file (none in `Stamp` mode).
    path: Option<PathBuf>,
    text: String,
    /// The folder fingerprint paths are relative to (canonical).
    root: PathBuf,
    /// The baseline's entries by fingerprint, and how many findings each may still match.
    entries: BTreeMap<String, (Entry, usize)>,
    /// Every finding seen (`Record`).
    recorded: BTreeMap<String, Entry>,
    /// The files this run checked, relative to `root`: a baseline entry of one of them
    /// that matched nothing is stale.
    seen: HashSet<String>,
    relative: HashMap<PathBuf, String>,
    /// Findings matched or recorded.
    pub matched: usize,
}

impl Baseline {
    /// Stamps fingerprints relative to the working folder; no baseline.
    pub fn stamp_only() -> Baseline {
        let root = std::env::current_dir().unwrap_or_default();
        Baseline::new(Mode::Stamp, None, String::new(), root)
    }

    fn new(mode: Mode, path: Option<PathBuf>, text: String, root: PathBuf) -> Baseline {
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        Baseline {
            mode,
            path,
            text,
            root,
            entries: BTreeMap::new(),
            recorded: BTreeMap::new(),
            seen: HashSet::new(),
            relative: HashMap::new(),
            matched: 0,
        }
    }

    /// The baseline at `path`: read (it must exist and be valid) unless `update`, when it
    /// is written from this run's findings at the end.
    pub fn open(path: &Path, update: bool) -> Result<Baseline, Diagnostic> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Diagnostic::error(
                Code::BadBaseline,
                "the baseline's folder does not exist",
            )
            .at(Location::file(path))
            .help("create the folder, or name a baseline file in an existing one"));
        }
        if update {
            return Ok(Baseline::new(
                Mode::Record,
                Some(path.to_path_buf()),
                String::new(),
                dir,
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(Code::BadBaseline, format!("cannot read the baseline: {e}"))
                .at(Location::file(path))
                .help("write it first: `qbank check --baseline FILE --update-baseline`")
        })?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            let line = u32::try_from(e.line()).unwrap_or(0);
            let col = u32::try_from(e.column()).unwrap_or(0);
            Diagnostic::error(Code::BadBaseline, format!("not a qbank baseline: {e}"))
                .at(Location::at(path, line, col))
                .help("write it again: `qbank check --baseline FILE --update-baseline`")
        })?;
        if file.version != VERSION {
            return Err(Diagnostic::error(
                Code::BadBaseline,
                format!(
                    "baseline version {} is not {VERSION}, the one this qbank reads",
                    file.version
                ),
            )
            .at(Location::file(path))
            .help("write it again with this qbank: `--update-baseline`"));
        }
        let mut b = Baseline::new(Mode::Match, Some(path.to_path_buf()), text, dir);
        for e in file.findings {
            let slot = b.entries.entry(e.fingerprint.clone()).or_insert_with(|| {
                (
                    Entry {
                        count: 0,
                        ..e.clone()
                    },
                    0,
                )
            });
            slot.0.count += e.count;
            slot.1 += e.count;
        }
        Ok(b)
    }

    /// `file` relative to the root, with `/` separators (as given when outside it).
    fn rel(&mut self, file: &Path) -> String {
        if let Some(r) = self.relative.get(file) {
            return r.clone();
        }
        let abs = std::fs::canonicalize(file)
            .or_else(|_| std::path::absolute(file))
            .unwrap_or_else(|_| file.to_path_buf());
        let shown = abs.strip_prefix(&self.root).map_or_else(
            |_| file.to_string_lossy().into_owned(),
            |r| r.to_string_lossy().into_owned(),
        );
        let shown = shown.replace('\\', "/");
        let shown = if shown.is_empty() {
            ".".to_owned()
        } else {
            shown
        };
        self.relative.insert(file.to_path_buf(), shown.clone());
        shown
    }

    /// The entry for finding `d` of bank `b`.
    fn entry(
        &mut self,
        d: &Diagnostic,
        b: &BankReport,
        texts: &Texts,
        index: &mut HashMap<PathBuf, FileIndex>,
    ) -> Entry {
        let (file, line, col, len) = match &d.location {
            Some(l) => (l.file.clone(), l.line, l.col, l.len),
            None => (b.path.clone(), 0, 0, 0),
        };
        let rel = self.rel(&file);
        let mut context = String::new();
        let mut snippet = String::new();
        if line > 0
            && let Some(text) = texts.get(&file)
        {
            let ix = index
                .entry(file.clone())
                .or_insert_with(|| FileIndex::new(&file, text));
            context = ix.context(line).to_owned();
            if let Some(l) = ix.line(text, line) {
                let start = ix.starts[line as usize - 1]
                    + l.char_indices()
                        .nth(col.saturating_sub(1) as usize)
                        .map_or(l.len(), |(i, _)| i);
                // The span's first line: a finding that marks a whole answer keeps its
                // fingerprint when the answer's later lines change.
                let line_end = ix.starts[line as usize - 1] + l.len();
                let mut end = (start + len as usize).min(line_end).max(start);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                snippet = normalise(&text[start..end]);
                if snippet.is_empty() {
                    snippet = normalise(l);
                }
            }
        }
        // Several findings often point at one place (a bank-wide shortfall at the
        // bank's title): the message, numbers blanked, tells them apart.
        let message = normalise(&blank_numbers(&d.message));
        let bank = b.slug.as_deref().unwrap_or_default();
        Entry {
            fingerprint: hash(&[&d.code, &rel, bank, &context, &snippet, &message]),
            code: d.code.clone(),
            file: rel,
            context,
            message: shown(&normalise(&d.message)),
            text: shown(&snippet),
            count: 1,
        }
    }

    /// The entry for a FAIL or WARN gate that has no finding to carry one.
    fn gate_entry(&mut self, g: &crate::gates::GateResult, b: &BankReport) -> Entry {
        let rel = self.rel(&b.path);
        let bank = b.slug.as_deref().unwrap_or_default();
        let what = format!("gate {} result", g.number);
        Entry {
            fingerprint: hash(&[&g.name, &rel, bank, "", &what]),
            code: g.name.clone(),
            file: rel,
            context: String::new(),
            message: format!("{} {}", g.status.as_str(), g.evidence),
            text: what,
            count: 1,
        }
    }

    /// True when `e` is in the baseline (or recorded into it): the finding no longer counts.
    fn take(&mut self, e: Entry) -> bool {
        match self.mode {
            Mode::Stamp => false,
            Mode::Record => {
                self.recorded
                    .entry(e.fingerprint.clone())
                    .and_modify(|r| r.count += 1)
                    .or_insert(e);
                self.matched += 1;
                true
            }
            Mode::Match => match self.entries.get_mut(&e.fingerprint) {
                Some((_, left)) if *left > 0 => {
                    *left -= 1;
                    self.matched += 1;
                    true
                }
                _ => false,
            },
        }
    }

    /// Stamps every finding of `b` with its fingerprint and, against a baseline, leaves
    /// out those it holds. `focus`: the files a focused check keeps findings of.
    pub fn apply(&mut self, b: &mut BankReport, texts: &Texts, focus: &[PathBuf]) {
        let mut index = HashMap::new();
        let files: Vec<PathBuf> = if focus.is_empty() {
            let mut f: Vec<PathBuf> = texts.keys().cloned().collect();
            f.push(b.path.clone());
            f
        } else {
            focus.to_vec()
        };
        for f in files {
            let r = self.rel(&f);
            self.seen.insert(r);
        }
        let loaded = b.loaded;
        let mut left = Vec::new();
        for mut d in std::mem::take(&mut b.diagnostics) {
            let e = self.entry(&d, b, texts, &mut index);
            d.fingerprint = Some(e.fingerprint.clone());
            if (loaded || !d.is_error()) && self.take(e) {
                b.baselined += 1;
            } else {
                left.push(d);
            }
        }
        b.diagnostics = left;
        let mut gates = std::mem::take(&mut b.gates);
        for g in &mut gates {
            let had = g.diagnostics.len();
            let mut left = Vec::new();
            for mut d in std::mem::take(&mut g.diagnostics) {
                let e = self.entry(&d, b, texts, &mut index);
                d.fingerprint = Some(e.fingerprint.clone());
                if self.take(e) {
                    b.baselined += 1;
                } else {
                    left.push(d);
                }
            }
            g.diagnostics = left;
            let failing = matches!(g.status, Status::Fail | Status::Warn) && g.waived.is_none();
            let gone = had - g.diagnostics.len();
            if failing && had == 0 && !b.focused {
                let e = self.gate_entry(g, b);
                if self.take(e) {
                    b.baselined += 1;
                    super::select::waive(&mut b.waived, g, "in the baseline".to_owned());
                }
            } else if failing && gone > 0 && g.diagnostics.is_empty() {
                let reason = format!(
                    "{gone} {} in the baseline",
                    super::human::plural(gone, "finding", "findings")
                );
                super::select::waive(&mut b.waived, g, reason);
            }
        }
        b.gates = gates;
    }

    /// The baseline's entries this run checked the file of and no finding matched
    /// (entries of files that no longer exist are stale too).
    pub fn stale(&self) -> Vec<Diagnostic> {
        let Some(path) = &self.path else {
            return Vec::new();
        };
        if self.mode != Mode::Match {
            return Vec::new();
        }
        // The line each fingerprint is written on (one entry a line, as `write` puts them).
        let mut lines: HashMap<&str, u32> = HashMap::new();
        for (i, l) in self.text.lines().enumerate() {
            if let Some(at) = l.find("\"fingerprint\":") {
                let rest = l[at + 14..].trim_start().trim_start_matches('"');
                let fp = rest.split('"').next().unwrap_or_default();
                lines.entry(fp).or_insert(u32::try_from(i + 1).unwrap_or(0));
            }
        }
        let line_of = |fp: &str| lines.get(fp).copied().unwrap_or(0);
        self.entries
            .values()
            .filter(|(e, left)| {
                *left > 0 && (self.seen.contains(&e.file) || !self.root.join(&e.file).exists())
            })
            .map(|(e, left)| {
                let what = if e.context.is_empty() {
                    format!("`{}` in {}", e.code, e.file)
                } else {
                    format!("`{}` in {} ({})", e.code, e.file, e.context)
                };
                let times = if *left == e.count {
                    String::new()
                } else {
                    format!(" {left} of its {} times", e.count)
                };
                Diagnostic::warning(
                    Code::StaleBaseline,
                    format!(
                        "baseline entry {what}, \"{}\", matched no finding{times}",
                        e.message
                    ),
                )
                .at(Location::at(path, line_of(&e.fingerprint), 0))
                .help("fixed? `qbank check --baseline FILE --update-baseline` drops it")
            })
            .collect()
    }

    /// With `--update-baseline`: writes every recorded finding to the baseline file, one
    /// entry a line, sorted (so its diffs read well), through a temporary file renamed
    /// into place. Returns the number of entries.
    pub fn write(&self) -> Result<Option<usize>, Diagnostic> {
        let (Mode::Record, Some(path)) = (self.mode, &self.path) else {
            return Ok(None);
        };
        let mut entries: Vec<&Entry> = self.recorded.values().collect();
        entries.sort_by(|a, b| {
            (&a.file, &a.code, &a.context, &a.fingerprint).cmp(&(
                &b.file,
                &b.code,
                &b.context,
                &b.fingerprint,
            ))
        });
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"findings\": [");
        for (i, e) in entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(e).expect("entry serializes"));
        }
        out.push_str(if entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        let fail = |e: std::io::Error| {
            Diagnostic::error(Code::BadBaseline, format!("cannot write the baseline: {e}"))
                .at(Location::file(path))
        };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        let mut tmp =
            tempfile::NamedTempFile::new_in(dir.unwrap_or(Path::new("."))).map_err(fail)?;
        std::io::Write::write_all(&mut tmp, out.as_bytes()).map_err(fail)?;
        // A temporary file is private to its owner; the baseline is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(fail)?;
        }
        tmp.persist(path).map_err(|e| fail(e.error))?;
        Ok(Some(entries.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_of_yaml_and_markdown() {
        assert_eq!(
            context_of("id: api-p99\n", false).as_deref(),
            Some("api-p99")
        );
        assert_eq!(
            context_of("  - id: \"x\" # c\n", false).as_deref(),
            Some("x")
        );
        assert_eq!(context_of("idea: x\n", false), None);
        assert_eq!(
            context_of("### Q12. Why  p99?\n", true).as_deref(),
            Some("Q#. Why p#?")
        );
        assert_eq!(context_of("#hashtag\n", true), None);
    }

    #[test]
    fn index_finds_lines_and_contexts() {
        let text = "id: a\nx: 1\nid: b\ny: 2\n";
        let ix = FileIndex::new(Path::new("q.yaml"), text);
        assert_eq!(ix.line(text, 2), Some("x: 1"));
        assert_eq!(ix.line(text, 9), None);
        assert_eq!(ix.context(2), "a");
        assert_eq!(ix.context(4), "b");
    }

    #[test]
    fn fingerprints_ignore_the_line_and_whitespace() {
        assert_eq!(hash(&["c", "f", "", "a b"]), hash(&["c", "f", "", "a b"]));
        assert_ne!(hash(&["c", "f", "", "ab"]), hash(&["c", "fa", "", "b"]));
        assert_eq!(normalise("  a \n\t b "), "a b");
        assert_eq!(blank_numbers("12 of 20 (p99)"), "# of # (p#)");
    }
}
