//! The only place that reads files or YAML: discovery, reading, parsing, and the
//! cross-file checks (duplicate IDs, unknown clusters, values outside the rubric).

mod discover;
mod read;
mod validate;
mod yaml;

use crate::codes::Code;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

pub use discover::{Input, discover, discover_all};
pub(crate) use discover::{is_markdown, walk, yaml_files};
pub(crate) use read::{decode, read_text};
pub(crate) use yaml::{QuoteFix, fix_quoting};

use crate::diagnostic::{Diagnostic, Location};
use crate::model::{
    Bank, BankMeta, FileId, GlossaryEntry, Question, Rubric, Source, Sources, Tool,
};

/// What loading one bank produced: the bank when nothing was fatal, every diagnostic,
/// and the files read (so diagnostics can quote them).
pub struct Loaded {
    pub root: PathBuf,
    pub bank: Option<Bank>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
}

/// Texts that stand in for files on disk: an editor's unsaved buffers (`qbank lsp`).
/// Loading reads a path's text from here when it holds one, from the disk otherwise,
/// and a question file that exists only here takes part in its bank like any other.
/// Keys are the paths loading builds (the bank folder joined with the file's path in it).
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    texts: HashMap<PathBuf, Arc<str>>,
}

impl Overlay {
    /// `text` stands in for the file at `path` from now on.
    pub fn set(&mut self, path: PathBuf, text: Arc<str>) {
        self.texts.insert(path, text);
    }

    /// The file at `path` is read from the disk again.
    pub fn remove(&mut self, path: &Path) {
        self.texts.remove(path);
    }

    /// The text standing in for `path`, if any.
    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.texts.get(path)
    }

    /// The text of `path`: the overlay's, else the file's ([`read_text`]).
    pub(crate) fn read(&self, path: &Path) -> Result<Arc<str>, Diagnostic> {
        match self.texts.get(path) {
            Some(t) => Ok(t.clone()),
            None => read_text(path),
        }
    }

    /// The YAML files below `dir` that exist only here.
    fn yaml_below<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.texts.keys().filter(move |p| {
            p.starts_with(dir)
                && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                && std::fs::symlink_metadata(p).is_err()
        })
    }
}

/// Parses a YAML text of type `T` (used by tests, the importer and scaffolding).
pub fn parse_str<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, Diagnostic> {
    yaml::parse(path, text, what)
}

/// Loads a rubric: `default` (or none) for the built-in one, else a path relative to `base`.
pub(crate) fn load_rubric(spec: Option<&str>, base: &Path) -> Result<Arc<Rubric>, Diagnostic> {
    match spec.map(str::trim) {
        None | Some("default") => Ok(Rubric::default_shared()),
        Some(spec) if shipped_name(spec).is_some() && !base.join(spec).exists() => {
            let name = shipped_name(spec).unwrap_or_default();
            let text = shipped(name).unwrap_or_default();
            let path = PathBuf::from(format!("rubrics/{name}.yaml"));
            parse_rubric(&path, text)
        }
        Some(rel) => {
            let path: PathBuf = base.join(rel).components().collect();
            if !path.exists() {
                let names: Vec<&str> = crate::model::SHIPPED_RUBRICS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
                return Err(Diagnostic::error(Code::Io, format!("rubric file {} does not exist", path.display()))
                    .help(format!("write `default`, the name of a shipped rubric ({}), or a path relative to bank.yaml", names.join(", "))));
            }
            let text = read_text(&path)?;
            parse_rubric(&path, &text)
        }
    }
}

/// Parses and validates a rubric's text. A text already parsed in this process (the
/// rubric file that every bank of a repository names) is shared, not parsed again; only
/// rubrics that load are kept.
fn parse_rubric(path: &Path, text: &str) -> Result<Arc<Rubric>, Diagnostic> {
    type Parsed = std::collections::HashMap<blake3::Hash, Arc<Rubric>>;
    static PARSED: std::sync::LazyLock<std::sync::Mutex<Parsed>> =
        std::sync::LazyLock::new(Default::default);
    let key = blake3::hash(text.as_bytes());
    let parsed = |k: &blake3::Hash| {
        PARSED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(k)
            .cloned()
    };
    if let Some(r) = parsed(&key) {
        return Ok(r);
    }
    let rubric: Rubric = yaml::parse(path, text, "a rubric")?;
    validate::rubric(path, &rubric)?;
    let rubric = Arc::new(rubric);
    PARSED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(key, rubric.clone());
    Ok(rubric)
}

/// The text of the rubric shipped in the binary under `name` (`performance-minimal`).
pub(crate) fn shipped(name: &str) -> Option<&'static str> {
    crate::model::SHIPPED_RUBRICS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// The shipped rubric a rubric setting names: `performance-minimal`, also as the last
/// component of a path that does not exist (qbank.toml's setting, joined to its folder).
fn shipped_name(spec: &str) -> Option<&'static str> {
    let name = Path::new(spec).file_name()?.to_str()?;
    crate::model::SHIPPED_RUBRICS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, _)| *n)
}

/// The cross-file checks of a bank built elsewhere (the markdown importer).
pub(crate) fn validate(bank: &Bank) -> Vec<Diagnostic> {
    validate::bank(bank)
}

/// Loads every input in parallel, in the order given.
pub fn load_all(banks: &[PathBuf]) -> Vec<Loaded> {
    banks.par_iter().map(|b| load_bank(b)).collect()
}

/// The files a bank is loaded from: bank.yaml, references/*.yaml, questions/**.
pub(crate) struct BankFiles {
    meta: PathBuf,
    /// glossary, tools, literature, citations: each when present.
    refs: Vec<Option<PathBuf>>,
    questions: Vec<PathBuf>,
    /// A missing questions/ folder, unreadable folders.
    diagnostics: Vec<Diagnostic>,
}

impl BankFiles {
    /// Every file, in the order they are read and numbered.
    pub(crate) fn all(&self) -> Vec<PathBuf> {
        let mut all = vec![self.meta.clone()];
        all.extend(self.refs.iter().flatten().cloned());
        all.extend(self.questions.iter().cloned());
        all
    }
}

/// Lists the files of the bank in folder `root` (reads none of them).
pub(crate) fn bank_files(root: &Path) -> BankFiles {
    bank_files_in(root, None)
}

/// [`bank_files`], with the question files that exist only in `overlay`.
fn bank_files_in(root: &Path, overlay: Option<&Overlay>) -> BankFiles {
    let mut diags = Vec::new();
    let meta_path = root.join("bank.yaml");
    let questions_dir = root.join("questions");
    let mut question_paths = Vec::new();
    if questions_dir.is_dir() {
        let (files, d) = yaml_files(&questions_dir);
        question_paths = files;
        diags.extend(d);
        if let Some(o) = overlay {
            question_paths.extend(o.yaml_below(&questions_dir).cloned());
            question_paths.sort();
        }
    } else {
        diags.push(
            Diagnostic::error(Code::MissingQuestions, "bank has no questions/ folder")
                .at(Location::at(&meta_path, 1, 1))
                .help(format!(
                    "create {} with one YAML file per question",
                    questions_dir.display()
                )),
        );
    }
    let refs_dir = root.join("references");
    let ref_names = ["glossary", "tools", "literature", "citations"];
    let ref_paths: Vec<Option<PathBuf>> = ref_names
        .iter()
        .map(|n| {
            let p = refs_dir.join(format!("{n}.yaml"));
            let alt = refs_dir.join(format!("{n}.yml"));
            if p.exists() || std::fs::symlink_metadata(&p).is_ok() {
                Some(p)
            } else if alt.exists() {
                Some(alt)
            } else {
                None
            }
        })
        .collect();

    BankFiles {
        meta: meta_path,
        refs: ref_paths,
        questions: question_paths,
        diagnostics: diags,
    }
}

/// Loads the bank in folder `root`: bank.yaml, questions/**, references/*.yaml.
/// A problem in one file never hides problems in the others.
pub fn load_bank(root: &Path) -> Loaded {
    load_bank_in(root, None)
}

/// [`load_bank`], reading the texts `overlay` holds in place of the files on disk.
pub fn load_bank_in(root: &Path, overlay: Option<&Overlay>) -> Loaded {
    let files = bank_files_in(root, overlay);
    let all_paths = files.all();
    let BankFiles {
        meta: meta_path,
        refs: ref_paths,
        diagnostics: mut diags,
        ..
    } = files;
    // Read every file in parallel, then number them in a fixed order.
    let texts: Vec<Result<Arc<str>, Diagnostic>> = all_paths
        .par_iter()
        .map(|p| match overlay {
            Some(o) => o.read(p),
            None => read_text(p),
        })
        .collect();
    let mut sources = Sources::default();
    let mut ids: Vec<Option<(FileId, Arc<str>)>> = Vec::with_capacity(texts.len());
    for (path, text) in all_paths.iter().zip(texts) {
        match text {
            Ok(t) => ids.push(Some((sources.add(path.clone(), t.clone()), t))),
            Err(d) => {
                diags.push(d);
                ids.push(None);
            }
        }
    }
    let mut slots = ids.into_iter();

    // Every problem of every file in one run: each file is parsed past its problems
    // (`yaml::parse_all`), and what parses of a broken file still takes part in the
    // cross-file checks (a duplicate id in another file shows in the same run).
    let meta: Option<(FileId, BankMeta)> = slots.next().flatten().and_then(|(id, text)| {
        let (meta, problems) =
            yaml::parse_all::<BankMeta>(&meta_path, &text, "the bank's metadata");
        diags.extend(problems);
        meta.map(|m| (id, m))
    });

    let mut refs: [Option<(FileId, Arc<str>)>; 4] = Default::default();
    for (i, p) in ref_paths.iter().enumerate() {
        if p.is_some() {
            refs[i] = slots.next().flatten();
        }
    }
    let glossary: Vec<GlossaryEntry> = parse_refs(
        &refs[0],
        &sources,
        "the glossary",
        &mut diags,
        |e: &mut GlossaryEntry, f| e.file = f,
    );
    let tools: Vec<Tool> = parse_refs(
        &refs[1],
        &sources,
        "the tools list",
        &mut diags,
        |e: &mut Tool, f| e.file = f,
    );
    let literature: Vec<Source> = parse_refs(
        &refs[2],
        &sources,
        "the literature list",
        &mut diags,
        |e: &mut Source, f| e.file = f,
    );
    let citations: Vec<Source> = parse_refs(
        &refs[3],
        &sources,
        "the citations list",
        &mut diags,
        |e: &mut Source, f| e.file = f,
    );

    let question_slots: Vec<Option<(FileId, Arc<str>)>> = slots.collect();
    let parsed: Vec<(Option<Question>, Vec<Diagnostic>)> = question_slots
        .par_iter()
        .flatten()
        .map(|(id, text)| {
            let path = sources.path(*id);
            let (q, problems) = yaml::parse_all::<Question>(&path, text, "a question");
            (
                q.map(|mut q| {
                    q.file = *id;
                    q
                }),
                problems,
            )
        })
        .collect();
    let mut questions = Vec::with_capacity(parsed.len());
    // The ids of question files that do not parse, read leniently, so a duplicate id
    // between a broken file and another shows in this run too.
    let mut broken_ids: Vec<(FileId, crate::model::Sp<String>)> = Vec::new();
    for ((q, problems), (id, text)) in parsed.into_iter().zip(question_slots.iter().flatten()) {
        match q {
            Some(q) => questions.push(q),
            None if !problems.is_empty() => {
                #[derive(serde::Deserialize)]
                struct IdOnly {
                    id: crate::model::Sp<String>,
                }
                let path = sources.path(*id);
                if let Ok(only) = yaml::parse::<IdOnly>(&path, text, "a question") {
                    broken_ids.push((*id, only.id));
                }
            }
            None => {}
        }
        diags.extend(problems);
    }
    diags.extend(validate::broken_duplicates(
        &questions,
        &broken_ids,
        &sources,
    ));

    let rubric = match &meta {
        Some((file, m)) => match load_rubric(m.rubric.as_ref().map(|r| r.value.as_str()), root) {
            Ok(r) => Some(r),
            Err(mut d) => {
                if d.location.is_none() {
                    let pos = m
                        .rubric
                        .as_ref()
                        .map_or(crate::model::Pos::UNKNOWN, |r| r.pos);
                    d.location = Some(Location::of(&sources, *file, pos));
                }
                diags.push(d);
                None
            }
        },
        None => None,
    };

    let bank = match (meta, rubric) {
        (Some((meta_file, meta)), Some(rubric)) => {
            let mut bank = Bank {
                root: root.to_path_buf(),
                meta,
                meta_file,
                questions,
                glossary,
                tools,
                literature,
                citations,
                other_refs: Vec::new(),
                rubric,
                sources: sources.clone(),
            };
            diags.extend(validate::bank(&bank));
            order_questions(&mut bank);
            Some(bank)
        }
        _ => None,
    };
    let fatal = diags.iter().any(Diagnostic::is_error);
    crate::diagnostic::sort(&mut diags);
    Loaded {
        root: root.to_path_buf(),
        bank: if fatal { None } else { bank },
        diagnostics: diags,
        sources,
    }
}

fn parse_refs<T: DeserializeOwned>(
    slot: &Option<(FileId, Arc<str>)>,
    sources: &Sources,
    what: &str,
    diags: &mut Vec<Diagnostic>,
    set_file: impl Fn(&mut T, FileId),
) -> Vec<T> {
    let Some((id, text)) = slot else {
        return Vec::new();
    };
    let path = sources.path(*id);
    let (list, problems) = yaml::parse_all::<Vec<T>>(&path, text, what);
    diags.extend(
        problems
            .into_iter()
            .filter(|d| d.registered() != Some(Code::EmptyFile)),
    );
    let mut list = list.unwrap_or_default();
    for item in &mut list {
        set_file(item, *id);
    }
    list
}

/// Puts questions in document order: cluster order from bank.yaml, then file path.
fn order_questions(bank: &mut Bank) {
    let order: Vec<String> = bank
        .meta
        .clusters
        .iter()
        .map(|c| c.id.value.clone())
        .collect();
    let sources = &bank.sources;
    bank.questions.sort_by_cached_key(|q| {
        (
            order
                .iter()
                .position(|c| *c == q.cluster.value)
                .unwrap_or(usize::MAX),
            sources.path(q.file),
        )
    });
}

static ID_LINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?m)^id:[ \t]*["']?([a-z0-9]+(?:-[a-z0-9]+)*)["']?[ \t]*(?:#.*)?$"#)
        .expect("valid regex")
});

/// The name a question file should have for its `id`: its number prefix kept.
pub(crate) fn name_for_id(file: &Path, text: &str) -> Option<PathBuf> {
    let id = ID_LINE.captures(text)?.get(1)?.as_str();
    let name = file.file_name()?.to_str()?;
    let (stem, ext) = name.rsplit_once('.')?;
    let prefix = stem
        .split_once('-')
        .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|(n, _)| n);
    let want = match prefix {
        Some(n) => format!("{n}-{id}.{ext}"),
        None => format!("{id}.{ext}"),
    };
    (want != name).then(|| file.with_file_name(want))
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn names_follow_ids_keeping_the_number() {
        let text = "# yaml-language-server: $schema=x\nid: p99-regression\ncluster: latency\n";
        assert_eq!(
            name_for_id(Path::new("q/06-latency-todo-1.yaml"), text),
            Some(PathBuf::from("q/06-p99-regression.yaml"))
        );
        assert_eq!(
            name_for_id(Path::new("q/06-p99-regression.yaml"), text),
            None
        );
        assert_eq!(
            name_for_id(Path::new("q/old.yml"), text),
            Some(PathBuf::from("q/p99-regression.yml"))
        );
        assert_eq!(name_for_id(Path::new("q/x.yaml"), "title: no id\n"), None);
    }
}

#[cfg(test)]
mod overlay_tests {
    use super::*;

    #[test]
    fn an_overlay_stands_in_for_files_and_adds_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("questions")).unwrap();
        std::fs::write(
            root.join("bank.yaml"),
            "title: T\nslug: t\nas_of: 2026-11-01\nscope: {}\nclusters:\n  - id: c\n    title: C\n",
        )
        .unwrap();
        let q = "id: QID\ncluster: c\ntitle: T?\ndifficulty: advanced\ndimensions: [latency]\nphases: [measure]\nanswer: x\n";
        std::fs::write(root.join("questions/a.yaml"), q.replace("QID", "a")).unwrap();
        let on_disk = load_bank(root);
        assert!(on_disk.bank.is_some(), "{:?}", on_disk.diagnostics);

        let mut overlay = Overlay::default();
        // An unsaved buffer of a.yaml that no longer parses, and a file not yet on disk
        // that repeats an id.
        overlay.set(root.join("questions/a.yaml"), Arc::from("id: [a\n"));
        overlay.set(
            root.join("questions/b.yaml"),
            Arc::from(q.replace("QID", "b")),
        );
        let loaded = load_bank_in(root, Some(&overlay));
        assert!(loaded.bank.is_none());
        assert!(
            loaded.diagnostics.iter().any(|d| d.is_error()
                && d.location
                    .as_ref()
                    .is_some_and(|l| l.file.ends_with("a.yaml"))),
            "{:?}",
            loaded.diagnostics
        );
        let paths: Vec<PathBuf> = loaded.sources.iter().map(|f| f.path.clone()).collect();
        assert!(paths.contains(&root.join("questions/b.yaml")), "{paths:?}");

        overlay.remove(&root.join("questions/a.yaml"));
        let back = load_bank_in(root, Some(&overlay));
        assert!(
            back.bank.is_some_and(|b| b.questions.len() == 2),
            "{:?}",
            back.diagnostics
        );
    }
}
