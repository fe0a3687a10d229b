//! One resolved `Settings` for every command that loads banks or documents.
//!
//! The shape of ripgrep's low-level/high-level arguments: the command line gives
//! [`Flags`] (plain values, no clap types), [`Settings::resolve`] merges them once with
//! `qbank.toml` (found upward from the first path) into the settings in force, and every
//! command builds its pipeline [`Options`](crate::pipeline::Options) from them with
//! [`Settings::options`], so `check`, `build`, `watch`, `render`, `stats`, `packet`,
//! `export`, `links`, `repair`, `compare` and `pdf` see the same banks, the same waived
//! findings and the same rubric. Precedence: flags > `qbank.toml` > the bank's own fields >
//! rubric defaults.

use std::path::{Path, PathBuf};

use crate::codes::Code;
use crate::config::Found;
use crate::diagnostic::{Diagnostic, Location};
use crate::pipeline::Options;
use crate::report::select::{Key, KnownGates, Selection};

/// The settings the command line gives (every field optional).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--rubric`: replaces every input's own rubric.
    pub rubric: Option<PathBuf>,
    /// `--select`: replaces `select` in qbank.toml.
    pub select: Vec<String>,
    /// `--ignore`: added to `ignore` in qbank.toml.
    pub ignore: Vec<String>,
    /// `--no-ignore`: discovery does not read `.gitignore` and `.ignore` files.
    pub no_ignore: bool,
    /// `--docs-url`: replaces `[output] docs-url` in qbank.toml.
    pub docs_url: Option<String>,
}

/// The settings in force, and where each came from.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Found,
    pub selection: Selection,
    /// `--rubric`, replacing every input's own.
    pub rubric: Option<PathBuf>,
    flags: Flags,
}

impl Settings {
    /// Merges `flags` with the `qbank.toml` found upward from the first of `paths` (or
    /// the working folder). A qbank.toml that does not parse, a rubric that does not
    /// load, or a name that is no gate or code is an error.
    pub fn resolve(flags: &Flags, paths: &[PathBuf]) -> Result<Settings, Diagnostic> {
        let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        let config = crate::config::find(&start)?;
        let rubric_spec = flags.rubric.clone().or_else(|| config.rubric());
        // A rubric that does not load is reported at its line by each input it applies
        // to; here it only adds the names a setting may use.
        let in_force = rubric_spec
            .as_ref()
            .and_then(|spec| crate::load::load_rubric(spec.to_str(), Path::new("")).ok());
        let known = KnownGates::new(in_force.as_deref());
        let keys = |list: &[String], from_file: bool| -> Result<Vec<Key>, Diagnostic> {
            list.iter()
                .map(|k| {
                    Key::parse(k, &known).map_err(|e| {
                        let d = Diagnostic::error(Code::Config, e).help(
                            "`qbank gates` lists the gates of the rubric in force; `qbank explain CODE` explains a code",
                        );
                        match (from_file, &config.path) {
                            (true, Some(p)) => d.at(Location::file(p)),
                            _ => d,
                        }
                    })
                })
                .collect()
        };
        let select = if !flags.select.is_empty() {
            Some(keys(&flags.select, false)?)
        } else if !config.config.select.is_empty() {
            Some(keys(&config.config.select, true)?)
        } else {
            None
        };
        let mut ignore = keys(&config.config.ignore, true)?;
        ignore.extend(keys(&flags.ignore, false)?);
        if let Some(u) = &flags.docs_url {
            crate::config::check_docs_url(u).map_err(|e| {
                Diagnostic::error(Code::Config, format!("invalid --docs-url: {e}"))
                    .help("give the URL where qbank's docs/ folder is published, e.g. https://example.org/qbank/docs")
            })?;
        }
        Ok(Settings {
            selection: Selection {
                select,
                ignore,
                known: Some(known),
            },
            rubric: flags.rubric.clone(),
            config,
            flags: flags.clone(),
        })
    }

    /// The built-in settings: no qbank.toml, no flags (for callers that have none).
    pub fn plain() -> Settings {
        Settings {
            config: Found::default(),
            selection: Selection::default(),
            rubric: None,
            flags: Flags::default(),
        }
    }

    /// The pipeline options of a run over `paths` under these settings: the rubric
    /// choice, `exclude`, the selection and suppressions.
    pub fn options(&self, paths: Vec<PathBuf>) -> Options<'_> {
        Options {
            rubric: self.rubric.clone(),
            config_rubric: self.config.rubric(),
            detect: true,
            exclude: Some(&self.config),
            selection: Some(&self.selection),
            ignore_files: !self.flags.no_ignore,
            ..Options::new(paths)
        }
    }

    /// Discovery honours `.gitignore` and `.ignore` files (not with `--no-ignore`).
    pub fn ignore_files(&self) -> bool {
        !self.flags.no_ignore
    }

    /// Where qbank's docs are published, for links from reports (SARIF `helpUri`), and
    /// where that came from: `--docs-url`, then `[output] docs-url` in qbank.toml, then
    /// the package's repository (the docs folder of this version's release tag) when the
    /// package names a GitHub repository; else none, and reports carry no such links.
    pub fn docs_url(&self) -> (Option<String>, &'static str) {
        if let Some(u) = &self.flags.docs_url {
            return (Some(u.clone()), "--docs-url");
        }
        if let Some(u) = &self.config.config.output.docs_url {
            return (Some(u.clone()), "qbank.toml");
        }
        match crate::report::package_docs_url() {
            Some(u) => (Some(u), "package repository"),
            None => (None, "default"),
        }
    }

    /// True when qbank.toml's `exclude` leaves `path` out.
    pub fn excludes(&self, path: &Path) -> bool {
        self.config.excludes(path)
    }

    /// An `excluded` error for each path named on the command line that `exclude` leaves
    /// out: naming a path explicitly and getting no result would look like a pass.
    pub fn named_but_excluded(&self, paths: &[PathBuf]) -> Vec<Diagnostic> {
        paths
            .iter()
            .filter(|p| self.excludes(p))
            .map(|p| {
                let mut d = Diagnostic::error(
                    Code::Excluded,
                    "this path is named on the command line but `exclude` in qbank.toml leaves it out",
                )
                .at(Location::file(p))
                .help("remove the pattern from `exclude`, or do not name the path");
                if let Some(cfg) = &self.config.path {
                    d = d.note("the pattern is in this file", Some(Location::file(cfg)));
                }
                d
            })
            .collect()
    }

    /// The settings in force, one per line, with where each came from
    /// (`--show-settings`). `extra` rows are a command's own (format, strict, links).
    pub fn show(&self, extra: &[(&str, String, &str)]) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "(none)".to_owned()
            } else {
                v.join(", ")
            }
        };
        let c = &self.config.config;
        let file = self.config.path.as_ref().map_or_else(
            || "(none found; built-in defaults)".to_owned(),
            |p| p.display().to_string(),
        );
        let (rubric, rubric_from) = match (&self.flags.rubric, self.config.rubric()) {
            (Some(r), _) => (r.display().to_string(), "--rubric"),
            (None, Some(r)) => (r.display().to_string(), "qbank.toml"),
            (None, None) => (
                "default (banks use their own `rubric:`, documents the shipped rubric their Validation Results name, else the built-in one)".to_owned(),
                "default",
            ),
        };
        let (select, select_from) = if !self.flags.select.is_empty() {
            (list(&self.flags.select), "--select")
        } else if !c.select.is_empty() {
            (list(&c.select), "qbank.toml")
        } else {
            ("all gates and codes".to_owned(), "default")
        };
        let mut ignore = c.ignore.clone();
        ignore.extend(self.flags.ignore.iter().cloned());
        let ignore_from = match (c.ignore.is_empty(), self.flags.ignore.is_empty()) {
            (true, true) => "default",
            (false, true) => "qbank.toml",
            (true, false) => "--ignore",
            (false, false) => "qbank.toml and --ignore",
        };
        let exclude_from = if c.exclude.is_empty() {
            "default"
        } else {
            "qbank.toml"
        };
        let mut rows: Vec<(&str, String, &str)> = vec![
            ("config file", file, ""),
            ("rubric", rubric, rubric_from),
            ("select", select, select_from),
            ("ignore", list(&ignore), ignore_from),
            ("exclude", list(&c.exclude), exclude_from),
            (
                "suppressions",
                "`qbank-ignore:` comments in bank files and documents".to_owned(),
                "default",
            ),
        ];
        rows.push(if self.flags.no_ignore {
            ("ignore files", "not read".to_owned(), "--no-ignore")
        } else {
            (
                "ignore files",
                ".gitignore (in a git repository), .ignore".to_owned(),
                "default",
            )
        });
        rows.extend(extra.iter().cloned());
        let mut out = String::new();
        for (k, v, from) in rows {
            if from.is_empty() {
                out.push_str(&format!("{k:<14} = {v}\n"));
            } else {
                out.push_str(&format!("{k:<14} = {v}    # from {from}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(toml: &str) -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("temp dir");
        std::fs::write(d.path().join("qbank.toml"), toml).expect("writes");
        d
    }

    #[test]
    fn flags_win_over_the_file_and_ignores_add_up() {
        let d = repo("select = [\"7\"]\nignore = [\"clarity\"]\n");
        let flags = Flags {
            select: vec!["8".into()],
            ignore: vec!["placeholder".into()],
            ..Flags::default()
        };
        let s = Settings::resolve(&flags, &[d.path().to_path_buf()]).expect("resolves");
        assert_eq!(s.selection.select, Some(vec![Key::Gate(8)]));
        assert_eq!(
            s.selection.ignore,
            vec![
                Key::GateName("clarity".into()),
                Key::Code(Code::Placeholder)
            ]
        );
        let shown = s.show(&[]);
        assert!(
            shown.contains("select         = 8    # from --select"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "ignore         = clarity, placeholder    # from qbank.toml and --ignore"
            ),
            "{shown}"
        );
    }

    #[test]
    fn an_unknown_name_in_the_file_is_an_error_at_the_file() {
        let d = repo("ignore = [\"clarty\"]\n");
        let e = Settings::resolve(&Flags::default(), &[d.path().to_path_buf()]).unwrap_err();
        assert_eq!(e.code, "config");
        assert!(
            e.message.contains("did you mean `clarity`"),
            "{}",
            e.message
        );
        assert!(e.location.is_some());
    }

    #[test]
    fn a_gate_name_of_the_rubric_in_force_is_accepted() {
        // `words` is a gate of quality-engineering only.
        let rubric = crate::load::load_rubric(Some("quality-engineering"), Path::new(""))
            .expect("shipped rubric");
        let name = rubric
            .gates
            .iter()
            .map(|g| g.name.clone())
            .find(|n| crate::gates::find(n).is_none())
            .expect("a gate the built-in rubric lacks");
        let flags = Flags {
            rubric: Some("quality-engineering".into()),
            ignore: vec![name.clone()],
            ..Flags::default()
        };
        let d = tempfile::tempdir().expect("temp dir");
        let s = Settings::resolve(&flags, &[d.path().to_path_buf()]).expect("resolves");
        assert_eq!(s.selection.ignore.len(), 1, "{name}");
    }

    #[test]
    fn excluded_paths_named_explicitly_are_errors() {
        let d = repo("exclude = [\"drafts/**\"]\n");
        std::fs::create_dir_all(d.path().join("drafts/b")).expect("mkdir");
        let s = Settings::resolve(&Flags::default(), &[d.path().to_path_buf()]).expect("ok");
        let named = [d.path().join("drafts/b"), d.path().join("other")];
        let errs = s.named_but_excluded(&named);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "excluded");
    }
}
