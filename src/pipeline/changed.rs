//! `check --changed-since REF`: the files git reports changed since a revision (the
//! work tree against REF, and untracked files git does not ignore), and which inputs they
//! touch: a bank when any file inside its folder changed (so its bank-wide gates run on
//! all of its files), a document when it changed itself.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::load::Input;

/// The changed files, absolute, below the repository's top folder.
#[derive(Debug, Clone)]
pub struct Changed {
    /// The revision compared with.
    pub since: String,
    /// The repository's top folder (canonical).
    pub root: PathBuf,
    /// Every changed, added, deleted or untracked file (both sides of a rename).
    pub files: Vec<PathBuf>,
}

impl Changed {
    /// Asks git, in the repository holding `path`, which files changed since `rev`.
    pub fn from_git(path: &Path, rev: &str) -> Result<Changed, Diagnostic> {
        let dir = if path.is_dir() {
            path.to_path_buf()
        } else {
            match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        let top = git(&dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            e.unwrap_or_else(|| {
                Diagnostic::error(Code::Git, "not inside a git repository")
                    .at(Location::file(path))
                    .help("--changed-since asks git which files changed: run it in a clone, or check without it")
            })
        })?;
        let root = PathBuf::from(top.trim_end_matches(['\n', '\r']));
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        if rev.starts_with('-') {
            return Err(unknown_rev(rev));
        }
        git(
            &root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|e| e.unwrap_or_else(|| unknown_rev(rev)))?;
        // The work tree (staged or not) against the revision; renames as a deletion and
        // an addition, so the bank a file left is checked too. `-z`: names unquoted.
        let diff = git(
            &root,
            &["diff", "--name-only", "--no-renames", "-z", rev, "--"],
        )
        .map_err(|e| e.unwrap_or_else(|| unknown_rev(rev)))?;
        let untracked =
            git(&root, &["ls-files", "-z", "--others", "--exclude-standard"]).map_err(|e| {
                e.unwrap_or_else(|| {
                    Diagnostic::error(Code::Git, "git could not list the untracked files")
                        .at(Location::file(&root))
                })
            })?;
        let mut files: Vec<PathBuf> = diff
            .split('\0')
            .chain(untracked.split('\0'))
            .filter(|s| !s.is_empty())
            .map(|s| root.join(s))
            .collect();
        files.sort();
        files.dedup();
        Ok(Changed {
            since: rev.to_owned(),
            root,
            files,
        })
    }

    /// True when `input` changed: a file inside the bank's folder, or the document.
    pub fn touches(&self, input: &Input) -> bool {
        match input {
            Input::Bank(b) => {
                let Ok(bank) = std::fs::canonicalize(b) else {
                    return false;
                };
                // Paths sort component by component, so the files below the bank's
                // folder follow it in the sorted list: one binary search.
                let at = self.files.partition_point(|f| f.as_path() < bank.as_path());
                self.files.get(at).is_some_and(|f| f.starts_with(&bank))
            }
            Input::Document(d) => {
                std::fs::canonicalize(d).is_ok_and(|d| self.files.binary_search(&d).is_ok())
            }
        }
    }

    /// True when `file` (the settings file in force, say) is among the changed ones.
    pub fn contains(&self, file: &Path) -> bool {
        std::fs::canonicalize(file).is_ok_and(|f| self.files.binary_search(&f).is_ok())
    }
}

fn unknown_rev(rev: &str) -> Diagnostic {
    Diagnostic::error(Code::Git, format!("unknown revision `{rev}`"))
        .help("name a branch, tag or commit this clone has; a shallow CI checkout may need `git fetch origin <branch>` (or `fetch-depth: 0`) first")
}

/// Runs git in `dir`; its standard output, or `Err(None)` when git ran and failed, or
/// `Err(Some(_))` when git could not be run at all.
fn git(dir: &Path, args: &[&str]) -> Result<String, Option<Diagnostic>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| {
            Some(
                Diagnostic::error(Code::Git, format!("could not run git: {e}"))
                    .help("--changed-since asks git which files changed: install git, or check without it"),
            )
        })?;
    if !out.status.success() {
        return Err(None);
    }
    String::from_utf8(out.stdout).map_err(|_| {
        Some(Diagnostic::error(
            Code::Git,
            "git printed file names that are not UTF-8",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bank_is_touched_by_a_file_below_it_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        for d in ["a", "ab", "b/c/d"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let mut files = vec![
            root.join("ab/questions/q.yaml"),
            root.join("b/c/bank.yaml"),
            root.join("a.md"),
        ];
        files.sort();
        let changed = Changed {
            since: "HEAD".into(),
            root: root.clone(),
            files,
        };
        assert!(!changed.touches(&Input::Bank(root.join("a"))));
        assert!(changed.touches(&Input::Bank(root.join("ab"))));
        assert!(changed.touches(&Input::Bank(root.join("b/c"))));
        assert!(!changed.touches(&Input::Bank(root.join("b/c/d"))));
        std::fs::write(root.join("a.md"), "").unwrap();
        assert!(changed.touches(&Input::Document(root.join("a.md"))));
    }
}
