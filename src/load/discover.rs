//! Finding banks: every `bank.yaml` below the given paths, skipping `.git`, `target`
//! and hidden folders and what `.gitignore` and `.ignore` files leave out (the `ignore`
//! crate's standard rules, as ripgrep applies them), and surviving symlink loops.

use crate::codes::Code;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Location, Severity};

/// What a path on the command line turned out to hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// A folder holding `bank.yaml`.
    Bank(PathBuf),
    /// A markdown document in the spec's output format.
    Document(PathBuf),
}

fn skipped(name: &str) -> bool {
    name == "target" || name == "node_modules" || (name.starts_with('.') && name.len() > 1)
}

/// A bank's questions/ and references/ folder: read (and its problems reported) by the
/// bank's own load, so discovery does not walk it and a problem there is reported once.
fn owned_by_bank(e: &ignore::DirEntry) -> bool {
    e.depth() > 0
        && e.file_type().is_some_and(|t| t.is_dir())
        && matches!(e.file_name().to_str(), Some("questions" | "references"))
        && e.path()
            .parent()
            .is_some_and(|p| p.join("bank.yaml").is_file())
}

/// Walks everything below `root` as discovery does: following links (loops come back as
/// errors), sorted by name, skipping `.git`, `target`, `node_modules` and hidden folders,
/// and, when `ignore_files`, what `.gitignore` (inside a git repository, with the
/// repository's `info/exclude` and the global excludes file) and `.ignore` files leave
/// out (`--no-ignore` turns them off). The root itself is always yielded.
pub(crate) fn walk(root: &Path, ignore_files: bool) -> ignore::Walk {
    walker(root, ignore_files, false)
}

fn walker(root: &Path, ignore_files: bool, skip_bank_folders: bool) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .standard_filters(ignore_files)
        // Hidden folders are skipped below; hidden files are not (a `.draft.md` named in
        // a folder is still markdown the user keeps there).
        .hidden(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            e.depth() == 0
                || !e.file_type().is_some_and(|t| t.is_dir())
                || !(e.file_name().to_str().is_some_and(skipped)
                    || (skip_bank_folders && owned_by_bank(e)))
        })
        .build()
}

/// The path an error of the walk is about, if it names one.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// The folder a symlink loop leads back to, when the error is one.
fn loop_ancestor(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::Loop { ancestor, .. } => Some(ancestor),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => loop_ancestor(err),
        _ => None,
    }
}

/// Finds every bank (and markdown document named directly) under `paths`, sorted and
/// deduplicated, honouring `.gitignore` and `.ignore` files. Problems (missing paths,
/// symlink loops) come back as diagnostics.
pub fn discover(paths: &[PathBuf]) -> (Vec<Input>, Vec<Diagnostic>) {
    let (inputs, _, diags) = discover_all(paths, true);
    (inputs, diags)
}

/// [`discover`], and the markdown files found in the folders outside every bank: the
/// caller decides which of them are question documents (the pipeline asks the importer).
/// `ignore_files`: honour `.gitignore` and `.ignore` files (false with `--no-ignore`).
/// A path named here is never left out by them, only what is found below it.
pub fn discover_all(
    paths: &[PathBuf],
    ignore_files: bool,
) -> (Vec<Input>, Vec<PathBuf>, Vec<Diagnostic>) {
    let mut candidates = Vec::new();
    let mut found = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        if !path.exists() {
            diags.push(
                Diagnostic::error(Code::Io, "no such file or folder")
                    .at(Location::file(path))
                    .help("pass a folder that holds banks (default `content/`), a bank folder, or a markdown document"),
            );
            continue;
        }
        if path.is_file() {
            match path.file_name().and_then(|n| n.to_str()) {
                Some("bank.yaml") => found.push(Input::Bank(parent(path))),
                _ if is_markdown(path) => found.push(Input::Document(path.clone())),
                _ => diags.push(
                    Diagnostic::error(Code::Io, "not a bank or a markdown document")
                        .at(Location::file(path))
                        .help("pass a folder holding bank.yaml, the bank.yaml itself, or a .md document"),
                ),
            }
            continue;
        }
        let before = found.len();
        // Markdown files below the folder: documents when outside every bank and shaped
        // like one (below).
        let mut docs: Vec<PathBuf> = Vec::new();
        for entry in walker(path, ignore_files, true) {
            match entry {
                Ok(e) => {
                    if let Some(err) = e.error() {
                        diags.push(
                            Diagnostic::new(
                                Severity::Warning,
                                Code::Config,
                                format!("an ignore file here could not be read in full: {err}"),
                            )
                            .at(Location::file(e.path()))
                            .help("the lines that parse still apply; fix the others, or pass --no-ignore"),
                        );
                    }
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    if is_file && e.file_name() == "bank.yaml" {
                        found.push(Input::Bank(parent(e.path())));
                    } else if is_file && is_markdown(e.path()) {
                        docs.push(e.into_path());
                    }
                }
                Err(e) => {
                    let at = error_path(&e)
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| path.clone());
                    if loop_ancestor(&e).is_none() && is_dangling(&at) {
                        if let Some(d) = dangling(&at, path) {
                            diags.push(d);
                        }
                        continue;
                    }
                    let d = if let Some(ancestor) = loop_ancestor(&e) {
                        Diagnostic::error(
                            Code::SymlinkLoop,
                            "symlink loop: this link points back to a folder above it",
                        )
                        .at(Location::file(&at))
                        .note(format!("it leads back to {}", ancestor.display()), None)
                        .help("remove the link or point it somewhere outside this tree")
                    } else {
                        Diagnostic::error(Code::Io, format!("could not read: {e}"))
                            .at(Location::file(&at))
                    };
                    diags.push(d);
                }
            }
        }
        let banks: Vec<PathBuf> = found[before..]
            .iter()
            .filter_map(|i| match i {
                Input::Bank(b) => Some(b.clone()),
                Input::Document(_) => None,
            })
            .collect();
        candidates.extend(
            docs.into_iter()
                .filter(|d| !banks.iter().any(|b| d.starts_with(b))),
        );
        if found.len() == before && candidates.is_empty() && !diags.iter().any(Diagnostic::is_error)
        {
            diags.push(
                Diagnostic::error(Code::NoBanks, "no bank.yaml found here")
                    .at(Location::file(path))
                    .help("a bank is a folder with a bank.yaml; `qbank init DIR` creates one"),
            );
        }
    }
    found.sort();
    found.dedup();
    candidates.sort();
    candidates.dedup();
    (found, candidates, diags)
}

/// True for a symbolic link whose target does not exist.
fn is_dangling(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()) && !p.exists()
}

/// What to say about the dangling link `at` found below `root`: inside a bank it is an
/// error at its path (unless loading the bank reports it, as a question or reference
/// file); outside every bank it is skipped with a note.
fn dangling(at: &Path, root: &Path) -> Option<Diagnostic> {
    let bank = at
        .ancestors()
        .skip(1)
        .take_while(|a| a.starts_with(root))
        .find(|a| a.join("bank.yaml").is_file());
    let target = std::fs::read_link(at)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    match bank {
        None => Some(
            Diagnostic::new(
                crate::diagnostic::Severity::Note,
                Code::SkippedLink,
                format!("skipped a broken symlink outside any bank (to `{target}`)"),
            )
            .at(Location::file(at)),
        ),
        Some(bank) => {
            let rel = at.strip_prefix(bank).unwrap_or(at);
            let yaml = at.extension().is_some_and(|x| x == "yaml" || x == "yml");
            let loaded = yaml
                && (rel.starts_with("questions")
                    || rel.parent() == Some(Path::new("references"))
                    || rel == Path::new("bank.yaml"));
            (!loaded).then(|| {
                Diagnostic::error(
                    Code::BrokenSymlink,
                    format!("broken symlink inside the bank: its target `{target}` does not exist"),
                )
                .at(Location::file(at))
                .help("remove the link or point it at a file that exists")
            })
        }
    }
}

fn parent(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

pub(crate) fn is_markdown(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Every `.yaml`/`.yml` file below `dir`, sorted by path; unreadable entries are diagnostics.
pub(crate) fn yaml_files(dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
        });
    for entry in walker {
        match entry {
            Ok(e) => {
                let p = e.path();
                let is_yaml = p
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| x == "yaml" || x == "yml");
                // Broken symlinks and folders named *.yaml are passed on so reading reports them.
                if is_yaml && !(e.file_type().is_dir() && e.depth() == 0) {
                    files.push(p.to_path_buf());
                }
            }
            Err(e) => {
                let at = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                if e.loop_ancestor().is_some() {
                    diags.push(
                        Diagnostic::error(
                            Code::SymlinkLoop,
                            "symlink loop: this link points back to a folder above it",
                        )
                        .at(Location::file(&at))
                        .help("remove the link or point it somewhere outside this tree"),
                    );
                } else if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
                    // A dangling link: report it when reading, like any unreadable file.
                    files.push(at);
                } else {
                    diags.push(
                        Diagnostic::error(Code::Io, format!("could not read: {e}"))
                            .at(Location::file(&at)),
                    );
                }
            }
        }
    }
    files.sort();
    (files, diags)
}
