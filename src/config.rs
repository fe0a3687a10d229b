//! `qbank.toml`: project settings, found in the folder checked or the nearest one above.

use crate::codes::Code;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Location};

/// The file name searched for.
pub(crate) const FILE: &str = "qbank.toml";

/// What a `qbank.toml` may say (every key optional; see the README).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The rubric for markdown documents (and `qbank rubric`), relative to this file.
    pub rubric: Option<String>,
    /// Only these gates or diagnostic codes count (numbers or names); default all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub select: Vec<String>,
    /// These gates or diagnostic codes do not count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Globs of paths (relative to this file) that discovery leaves out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub links: LinkSettings,
    #[serde(default)]
    pub output: OutputSettings,
}

/// The `[output]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OutputSettings {
    /// Where qbank's docs/ folder is published (an absolute http(s) URL): SARIF rules
    /// link to `{docs-url}/codes.md#code` and `{docs-url}/gates.md#gate` (`--docs-url`
    /// overrides it).
    pub docs_url: Option<String>,
}

/// The `[links]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinkSettings {
    /// Regular expressions of links to leave out (added to `--exclude`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Statuses that count as working, `200..=299,429` (`--accept` overrides it).
    pub accept: Option<String>,
}

/// The settings in force and the file they came from (none: built-in defaults).
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub path: Option<PathBuf>,
    pub config: Config,
    /// Compiled `exclude` globs.
    exclude: Option<globset::GlobSet>,
}

impl Found {
    /// The folder relative paths in the file are resolved against.
    pub fn base(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    /// True when `path` matches one of the `exclude` globs (relative to the file's folder).
    pub fn excludes(&self, path: &Path) -> bool {
        let Some(set) = &self.exclude else {
            return false;
        };
        let base = absolute(&self.base());
        let abs = absolute(path);
        let rel = abs.strip_prefix(&base).unwrap_or(&abs);
        set.is_match(rel)
    }

    /// The rubric path in force, resolved against the file's folder.
    pub fn rubric(&self) -> Option<PathBuf> {
        self.config.rubric.as_ref().map(|r| self.base().join(r))
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Finds `qbank.toml` in `start` (a folder, or a file's folder) or the nearest folder
/// above it, and reads it. A file that does not parse is an error at its line.
pub(crate) fn find(start: &Path) -> Result<Found, Diagnostic> {
    let abs = absolute(start);
    let first = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    let Some(path) = first
        .into_iter()
        .flat_map(Path::ancestors)
        .map(|d| d.join(FILE))
        .find(|p| p.is_file())
    else {
        return Ok(Found::default());
    };
    let text = crate::load::read_text(&path)?;
    let config = parse(&path, &text)?;
    let exclude = globs(&path, &text, &config.exclude)?;
    // Link patterns must compile now, not half-way through a run.
    for re in &config.links.exclude {
        if let Err(e) = regex::Regex::new(re) {
            return Err(error_at(
                &path,
                &text,
                re,
                format!("invalid regular expression: {e}"),
            ));
        }
    }
    if let Some(u) = &config.output.docs_url
        && let Err(e) = check_docs_url(u)
    {
        return Err(error_at(
            &path,
            &text,
            u,
            format!("invalid `docs-url`: {e}"),
        ));
    }
    if let Some(a) = &config.links.accept
        && let Err(e) = crate::links::status::Accept::parse(a)
    {
        return Err(error_at(&path, &text, a, format!("invalid `accept`: {e}")));
    }
    let path = crate::diagnostic::display_path(&path).into();
    Ok(Found {
        path: Some(path),
        config,
        exclude,
    })
}

/// Checks a docs base URL (`docs-url`, `--docs-url`): an absolute http or https URL.
pub(crate) fn check_docs_url(u: &str) -> Result<(), String> {
    match url::Url::parse(u) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(()),
        Ok(_) => Err(format!("`{u}` is not an http or https URL")),
        Err(e) => Err(format!("`{u}` is not an absolute URL ({e})")),
    }
}

/// Parses the text of a `qbank.toml`.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Config, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((1, 1), |s| line_col(text, s.start));
        Diagnostic::error(Code::Config, format!("invalid {FILE}: {}", e.message()))
            .at(Location::at(path, line, col))
            .help(
                "keys: rubric, select, ignore, exclude, [links] exclude, accept, and [output] docs-url (see the README)",
            )
    })
}

fn globs(
    path: &Path,
    text: &str,
    patterns: &[String],
) -> Result<Option<globset::GlobSet>, Diagnostic> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        let glob = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| error_at(path, text, p, format!("invalid glob: {e}")))?;
        b.add(glob);
    }
    b.build()
        .map(Some)
        .map_err(|e| error_at(path, text, "", format!("invalid globs: {e}")))
}

/// An error pointing at the first place `needle` is written in the file.
fn error_at(path: &Path, text: &str, needle: &str, message: String) -> Diagnostic {
    let (line, col) = text
        .find(needle)
        .filter(|_| !needle.is_empty())
        .map_or((1, 1), |at| line_col(text, at));
    Diagnostic::error(Code::Config, message).at(Location::at(path, line, col))
}

/// 1-based line and column (characters) of byte `at`.
fn line_col(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let c = parse(
            Path::new("qbank.toml"),
            "rubric = \"r.yaml\"\nselect = [\"1\", \"cross-refs\"]\nignore = [\"clarity\"]\nexclude = [\"drafts/**\"]\n[links]\nexclude = [\"example\\\\.com\"]\naccept = \"200..=299,429\"\n",
        )
        .unwrap();
        assert_eq!(c.rubric.as_deref(), Some("r.yaml"));
        assert_eq!(c.select, ["1", "cross-refs"]);
        assert_eq!(c.links.accept.as_deref(), Some("200..=299,429"));
    }

    #[test]
    fn unknown_keys_point_at_their_line() {
        let d = parse(Path::new("qbank.toml"), "ignore = []\nselct = [\"1\"]\n").unwrap_err();
        assert_eq!(d.code, "config");
        assert_eq!(d.location.unwrap().line, 2);
        assert!(d.message.contains("selct"), "{}", d.message);
    }

    #[test]
    fn found_upward_and_globs_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "exclude = [\"drafts/**\"]\n").unwrap();
        let sub = dir.path().join("banks/a");
        std::fs::create_dir_all(&sub).unwrap();
        let f = find(&sub).unwrap();
        assert!(f.path.is_some());
        assert!(f.excludes(&dir.path().join("drafts/x/bank.yaml")));
        assert!(!f.excludes(&dir.path().join("banks/a")));
    }
}
