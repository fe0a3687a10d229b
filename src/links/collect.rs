//! Which links a run checks: every web link of the banks and markdown documents under
//! the paths given (qbank.toml's `exclude` applied), with the texts they were read from,
//! and the rewriting of partial archive URLs to the snapshots they resolved to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::links::extract::{self, Link};
use crate::load::{self, Input};
use crate::model::Bank;

/// The links found under the paths, the texts they were read from, and what could not be
/// read.
#[derive(Default)]
pub(crate) struct Found {
    pub links: Vec<Link>,
    pub texts: HashMap<PathBuf, Arc<str>>,
    pub problems: Vec<Diagnostic>,
    /// Archive hosts of every bank's rubric (gate 17's `archive_hosts`).
    pub archive_hosts: Vec<String>,
    /// The bank folders read; `--pin-archives` writes only inside them.
    pub roots: Vec<PathBuf>,
    /// The banks read, for the checks of their reference entries.
    pub banks: Vec<Bank>,
}

/// Markdown documents below a folder, sorted (`ignore_files`: as discovery, leaving out
/// what `.gitignore` and `.ignore` files do).
fn markdown_below(dir: &Path, ignore_files: bool) -> Vec<PathBuf> {
    load::walk(dir, ignore_files)
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()) && load::is_markdown(e.path()))
        .map(|e| e.into_path())
        .collect()
}

/// Every link under `paths`: banks always, markdown documents when `with_markdown`
/// (else a document is reported as unsupported). DOIs become `doi_resolver` URLs.
pub(crate) fn collect(
    paths: &[PathBuf],
    doi_resolver: &str,
    with_markdown: bool,
    settings: &crate::settings::Settings,
) -> Found {
    let mut found = Found::default();
    let mut docs = Vec::new();
    let mut banks = Vec::new();
    for p in paths {
        let md = if with_markdown && p.is_dir() {
            markdown_below(p, settings.ignore_files())
        } else {
            Vec::new()
        };
        let (inputs, _, diags) =
            load::discover_all(std::slice::from_ref(p), settings.ignore_files());
        // A folder of documents without banks is fine here.
        let only_docs = !md.is_empty();
        found.problems.extend(
            diags
                .into_iter()
                .filter(|d| !(only_docs && d.code == "no-banks")),
        );
        for i in inputs {
            match i {
                Input::Bank(b) => banks.push(b),
                Input::Document(d) if with_markdown => docs.push(d),
                Input::Document(d) => found.problems.push(
                    Diagnostic::error(
                        Code::Unsupported,
                        "reading markdown documents is not available yet",
                    )
                    .at(Location::file(d))
                    .help("pass a bank folder (with bank.yaml) instead"),
                ),
            }
        }
        docs.extend(md);
    }
    // qbank.toml's `exclude` applies here as in every command.
    banks.retain(|b| !settings.excludes(b) && !settings.excludes(&b.join("bank.yaml")));
    docs.retain(|d| !settings.excludes(d));
    found.problems.retain(|d| {
        d.location
            .as_ref()
            .is_none_or(|l| !settings.excludes(&l.file))
    });
    banks.sort();
    banks.dedup();
    docs.sort();
    docs.dedup();
    found.roots.clone_from(&banks);
    for root in &banks {
        let loaded = load::load_bank(root);
        for f in loaded.sources.iter() {
            found.texts.insert(f.path.clone(), f.text.clone());
        }
        match loaded.bank {
            Some(bank) => {
                found.links.extend(extract::from_bank(&bank, doi_resolver));
                for h in &bank.rubric.archive_hosts {
                    if !found.archive_hosts.contains(h) {
                        found.archive_hosts.push(h.clone());
                    }
                }
                found.banks.push(bank);
            }
            None => found.problems.extend(loaded.diagnostics.iter().cloned()),
        }
    }
    for d in &docs {
        match load::read_text(d) {
            Ok(text) => {
                found.links.extend(extract::from_markdown(d, &text));
                found.texts.insert(d.clone(), text);
            }
            Err(diag) => found.problems.push(diag),
        }
    }
    if found.archive_hosts.is_empty() {
        found.archive_hosts = crate::model::Rubric::default_shared().archive_hosts.clone();
    }
    found
}

/// Writes the snapshot URLs that partial archive URLs resolved to (`resolved(link)`, the
/// URL a live link's redirects ended at) back into their files. Returns (pinned, files
/// written) and a warning per URL no longer where it was read, or the first file that
/// could not be written.
pub(crate) fn pin_archives(
    found: &Found,
    resolved: impl Fn(&Link) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Result<(usize, usize), crate::fsutil::WriteError> {
    use crate::links::pin::{self, Pin};
    let mut pins: Vec<Pin> = Vec::new();
    for l in &found.links {
        if let Some(to) = pin::pin_for(&l.written, resolved(l).as_deref(), &found.archive_hosts) {
            pins.push(Pin {
                file: l.location.file.clone(),
                line: l.location.line,
                col: l.location.col,
                from: l.written.clone(),
                to,
            });
        }
    }
    let mut by_file: std::collections::BTreeMap<&Path, Vec<&Pin>> = Default::default();
    for p in &pins {
        by_file.entry(p.file.as_path()).or_default().push(p);
    }
    let (mut pinned, mut files) = (0, 0);
    for (file, pins) in by_file {
        let Some(text) = found.texts.get(file) else {
            continue;
        };
        let (out, missed) = pin::apply(text, &pins);
        for m in &missed {
            warnings.push(format!(
                "{}:{}: `{}` was not found where it was read; not pinned",
                crate::diagnostic::display_path(&m.file),
                m.line,
                m.from
            ));
        }
        if out != **text {
            // A bank file inside its bank's folder; a markdown document in its own.
            match found.roots.iter().find(|r| file.starts_with(r)) {
                Some(root) => {
                    let rel = file.strip_prefix(root).unwrap_or(file);
                    crate::fsutil::write_in(root, rel, out.as_bytes())?
                }
                None => crate::fsutil::write_named(file, out.as_bytes())?,
            };
            pinned += pins.len() - missed.len();
            files += 1;
        }
    }
    Ok((pinned, files))
}
