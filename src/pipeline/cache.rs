//! The result cache, `.qbank/results/`: one entry per bank or document, in the manner
//! of ruff's cache, so a re-check of an unchanged repository reads results instead of
//! loading and gating again.
//!
//! An entry is valid only when everything its results depend on is unchanged:
//! - the run's key: qbank's build identity (version and a hash of the sources it was
//!   built from), and what the caller puts in it (the effective settings, the rubric,
//!   the as-of date in force, `--online`), see [`ResultCache::new`];
//! - the bank's file list and the content hash of each of its files (and of the rubric
//!   file it names);
//! - with `--online`, what the link results said of each URL its gates asked about.
//!
//! A corrupt or foreign entry is ignored with a warning, never trusted; entries are
//! written to a temporary file and renamed into place.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::gates::LinkStatus;
use crate::load::Input;
use crate::report::{BankReport, Texts};

/// Where the entries live, relative to the working directory (beside the link cache).
pub(crate) const DIR: &str = ".qbank/results";

/// Bumped when the entry layout changes.
const SCHEMA: u32 = 1;

/// The identity of this binary: its version, a hash of its sources (build.rs), and
/// whether it parses diagrams (feature `mermaid`).
pub(crate) fn build_id() -> String {
    let diagrams = if crate::mermaid::AVAILABLE {
        ""
    } else {
        "-no-mermaid"
    };
    format!(
        "{}+{}{diagrams}",
        env!("CARGO_PKG_VERSION"),
        env!("QBANK_BUILD_ID")
    )
}

/// The cache of one run.
pub struct ResultCache {
    dir: PathBuf,
    /// Hash of the build identity and the run's settings.
    key: String,
    warnings: Mutex<Vec<String>>,
}

/// A valid entry's results, and the texts of the bank's files (read to hash them), which
/// the human format quotes.
pub struct Hit {
    pub report: BankReport,
    pub sketch: Option<super::overlap::BankSketch>,
    pub texts: Texts,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    schema: u32,
    /// The input's path, as given.
    input: PathBuf,
    key: String,
    /// The input's files as listed when the entry was written.
    listing: Vec<PathBuf>,
    /// Content hash of each file the results depend on; none for an unreadable one.
    files: Vec<(PathBuf, Option<String>)>,
    /// What the link results said of each URL the gates asked about.
    links: Vec<Seen>,
    report: BankReport,
    /// The questions' sketches for the notes across banks, when the run made them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sketch: Option<super::overlap::BankSketch>,
}

/// One link question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    url: String,
    live: Option<bool>,
    resolved: Option<String>,
    /// For `doi:<DOI>`: what the registry held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    citation: Option<crate::links::cite::Lookup>,
    /// For `release:<registry key>`: the tool's latest release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    release: Option<crate::links::cite::Lookup<crate::links::release::Release>>,
    /// Whether and when the URL answered (gate 17's evidence says it), as written by
    /// this build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checked: Option<String>,
}

impl ResultCache {
    /// A cache in `dir` for a run whose settings are `settings` (any bytes that change
    /// whenever the results could: the caller's flags, config text, rubric text, date).
    pub fn new(dir: impl Into<PathBuf>, settings: &[u8]) -> ResultCache {
        let mut h = blake3::Hasher::new();
        h.update(build_id().as_bytes());
        h.update(&[0]);
        h.update(settings);
        ResultCache {
            dir: dir.into(),
            key: h.finalize().to_hex().to_string(),
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// The warnings about entries that were ignored, once each.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn warn(&self, msg: String) {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(msg);
    }

    fn entry_path(&self, input: &Input) -> PathBuf {
        let name = blake3::hash(input_path(input).as_os_str().as_encoded_bytes()).to_hex();
        self.dir.join(format!("{}.json", &name[..32]))
    }

    /// The results of `input` when a valid entry holds them.
    pub fn lookup(&self, input: &Input, links: Option<&dyn LinkStatus>) -> Option<Hit> {
        let path = self.entry_path(input);
        let bytes = std::fs::read(&path).ok()?;
        let entry: Entry = match serde_json::from_slice(&bytes) {
            Ok(e) => e,
            Err(e) => {
                self.warn(format!(
                    "ignoring the cached result {}: it is not a qbank result entry ({e}); it will be rewritten",
                    path.display()
                ));
                return None;
            }
        };
        if entry.schema != SCHEMA || entry.input != input_path(input) {
            self.warn(format!(
                "ignoring the cached result {}: it belongs to another input or layout; it will be rewritten",
                path.display()
            ));
            return None;
        }
        if entry.key != self.key || entry.listing != listing(input) {
            return None;
        }
        let mut texts = Texts::new();
        for (file, hash) in &entry.files {
            let bytes = std::fs::read(file).ok();
            let text = bytes.and_then(|b| crate::load::decode(file, b).ok());
            if text.as_deref().map(content_hash) != *hash {
                return None;
            }
            if let Some(t) = text {
                texts.insert(file.clone(), t);
            }
        }
        for seen in &entry.links {
            let now = links.map(|l| answer(l, &seen.url));
            if now.as_ref() != Some(seen) {
                return None;
            }
        }
        Some(Hit {
            report: entry.report,
            sketch: entry.sketch,
            texts,
        })
    }

    /// Stores `report` for `input`, whose files read as `texts` (plus `extra`, files read
    /// elsewhere, e.g. the rubric), with the link answers its gates saw. A failure to
    /// write only costs the next run the time to check again.
    pub fn store(
        &self,
        input: &Input,
        texts: &Texts,
        extra: &[PathBuf],
        links: Vec<Seen>,
        report: &BankReport,
        sketch: Option<&super::overlap::BankSketch>,
    ) {
        let listing = listing(input);
        let mut files: Vec<(PathBuf, Option<String>)> = listing
            .iter()
            .map(|f| (f.clone(), texts.get(f).map(|t| content_hash(t))))
            .collect();
        for f in extra {
            let text = crate::load::read_text(f).ok();
            files.push((f.clone(), text.as_deref().map(content_hash)));
        }
        let entry = Entry {
            schema: SCHEMA,
            input: input_path(input).to_path_buf(),
            key: self.key.clone(),
            listing,
            files,
            links,
            report: report.clone(),
            sketch: sketch.cloned(),
        };
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        if let Err(e) = self.write(&self.entry_path(input), &json) {
            self.warn(format!(
                "could not write the result cache in {}: {e}",
                self.dir.display()
            ));
        }
    }

    /// Writes an entry to a temporary file in the cache folder and renames it into
    /// place, so a reader never sees half an entry. (No fsync: a lost entry is only a
    /// re-check, and a torn one is ignored.)
    fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if !self.dir.is_dir() {
            std::fs::create_dir_all(&self.dir)?;
            // Like ruff's and cargo's caches: never committed, skipped by backups.
            let _ = std::fs::write(self.dir.join(".gitignore"), "*\n");
            let _ = std::fs::write(
                self.dir.join("CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n# qbank's result cache: safe to delete.\n",
            );
        }
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(bytes)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

fn input_path(input: &Input) -> &Path {
    match input {
        Input::Bank(p) | Input::Document(p) => p,
    }
}

/// The files an input is read from, as loading lists them.
fn listing(input: &Input) -> Vec<PathBuf> {
    match input {
        Input::Bank(root) => crate::load::bank_files(root).all(),
        Input::Document(p) => vec![p.clone()],
    }
}

fn content_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

fn answer(links: &dyn LinkStatus, url: &str) -> Seen {
    if let Some(doi) = url.strip_prefix("doi:") {
        return Seen {
            url: url.to_owned(),
            live: None,
            resolved: None,
            citation: links.citation(doi),
            release: None,
            checked: None,
        };
    }
    if let Some(key) = url.strip_prefix("release:") {
        return Seen {
            url: url.to_owned(),
            live: None,
            resolved: None,
            citation: None,
            release: links.release(key),
            checked: None,
        };
    }
    Seen {
        url: url.to_owned(),
        live: links.is_live(url),
        resolved: links.resolved(url),
        citation: None,
        release: None,
        checked: links.checked(url).map(|c| format!("{c:?}")),
    }
}

/// Hands the gates the run's link results and notes every URL they ask about, so the
/// entry can be checked against the link results of a later run.
pub(crate) struct Recorder<'a> {
    inner: Option<&'a dyn LinkStatus>,
    seen: Mutex<BTreeMap<String, Seen>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: Option<&'a dyn LinkStatus>) -> Recorder<'a> {
        Recorder {
            inner,
            seen: Mutex::new(BTreeMap::new()),
        }
    }

    /// Whether the gates had link results at all (offline, they ask nothing).
    pub fn is_online(&self) -> bool {
        self.inner.is_some()
    }

    fn note(&self, url: &str) -> Option<Seen> {
        let inner = self.inner?;
        let seen = answer(inner, url);
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(url.to_owned(), seen.clone());
        Some(seen)
    }

    /// Every URL asked about, in order.
    pub fn into_seen(self) -> Vec<Seen> {
        self.seen
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_values()
            .collect()
    }
}

impl LinkStatus for Recorder<'_> {
    fn is_live(&self, url: &str) -> Option<bool> {
        self.note(url)?.live
    }

    fn resolved(&self, url: &str) -> Option<String> {
        self.note(url)?.resolved
    }

    fn checked(&self, url: &str) -> Option<crate::gates::LinkCheck> {
        self.note(url)?;
        self.inner?.checked(url)
    }

    fn citation(&self, doi: &str) -> Option<crate::links::cite::Lookup> {
        self.note(&format!("doi:{doi}"))?.citation
    }

    fn release(
        &self,
        key: &str,
    ) -> Option<crate::links::cite::Lookup<crate::links::release::Release>> {
        self.note(&format!("release:{key}"))?.release
    }
}
