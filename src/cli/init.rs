//! `qbank init` (scaffold a bank) and `qbank new question` (scaffold a question file in
//! an existing bank). Every file starts with the yaml-language-server schema line, and
//! every value an author must write is a `TODO` that the gates then point at.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{did_you_mean, one_of};
use crate::model::{BankMeta, Difficulty, Rubric};

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// The folder to create the bank in (created if missing; default: the current folder).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The bank's slug (default: from the folder name).
    #[arg(long)]
    pub slug: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum NewWhat {
    /// A question file with every field, in the cluster's folder.
    Question(NewQuestionArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    #[command(subcommand)]
    pub what: NewWhat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct NewQuestionArgs {
    /// The cluster id (from bank.yaml).
    #[arg(long, value_name = "ID")]
    pub cluster: String,
    /// foundational, intermediate or advanced (default: the level the bank is furthest
    /// below its target share).
    #[arg(long, value_name = "LEVEL", value_parser = parse_difficulty)]
    pub difficulty: Option<Difficulty>,
    /// The question id (default: <cluster>-todo-<n>).
    #[arg(long, value_name = "SLUG")]
    pub id: Option<String>,
    /// The bank folder (default: the bank holding the current folder, else the one bank under content/).
    #[arg(long, value_name = "DIR")]
    pub bank: Option<PathBuf>,
}

fn parse_difficulty(s: &str) -> Result<Difficulty, String> {
    Difficulty::parse(s).ok_or_else(|| {
        format!("`{s}` is not a difficulty: use foundational, intermediate or advanced")
    })
}

/// `to` relative to the folder `from` (both absolute), with `/` separators.
fn relative(from: &Path, to: &Path) -> String {
    let f: Vec<Component<'_>> = from.components().collect();
    let t: Vec<Component<'_>> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); f.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    })
}

/// The schemas folder a bank at `root` should point at: the one its bank.yaml names,
/// else a `schemas/` with the bank schema in the bank or a folder above it.
fn find_schemas(root: &Path) -> Option<PathBuf> {
    let root = absolute(root);
    if let Ok(text) = std::fs::read_to_string(root.join("bank.yaml"))
        && let Some(rel) = text
            .lines()
            .next()
            .and_then(|l| l.split_once("$schema="))
            .map(|(_, r)| r.trim())
        && let Some(dir) = root.join(rel).parent()
        && dir.join("question.schema.json").is_file()
    {
        return Some(absolute(dir));
    }
    root.ancestors()
        .map(|a| a.join("schemas"))
        .find(|s| s.join("bank.schema.json").is_file() && s.join("question.schema.json").is_file())
}

fn schema_line(file_dir: &Path, schemas: &Path, name: &str) -> String {
    format!(
        "# yaml-language-server: $schema={}\n",
        relative(&absolute(file_dir), &schemas.join(name))
    )
}

/// Exit code 2 with a suggestion unless `name` (a `what` given on the command line) is
/// a safe name.
fn safe_name(what: &str, name: &str) -> Result<(), u8> {
    if crate::text::is_safe_name(name) {
        return Ok(());
    }
    Err(super::fail(
        &format!("{what} `{name}` is not a safe name"),
        Some(&crate::text::safe_name_help(what, name)),
    ))
}

/// Writes a new file at `rel` in the bank folder `root`; never overwrites one.
fn write_new(root: &Path, rel: &Path, text: &str) -> Result<(), u8> {
    let path = root.join(rel);
    if path.exists() {
        return Err(super::fail(
            &format!("{} already exists", path.display()),
            Some("qbank never overwrites a file: move it away or choose another folder"),
        ));
    }
    crate::fsutil::write_in(root, rel, text.as_bytes())
        .map(|_| ())
        .map_err(|e| super::fail_write(&e))
}

/// Block-scalar lines indented by `n` spaces.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A question file with every field; values to write are TODOs.
fn question_yaml(r: &Rubric, schema: &str, id: &str, cluster: &str, d: Difficulty) -> String {
    let dims = r.dimensions.ids();
    let phases = r.phases.ids();
    let dim = dims
        .iter()
        .find(|x| **x == cluster)
        .or(dims.first())
        .copied()
        .unwrap_or("TODO");
    let phase = phases.first().copied().unwrap_or("TODO");
    let roles: Vec<&str> = r.roles.iter().map(|x| x.id.as_str()).collect();
    let methods: Vec<&str> = r.methods.iter().map(|x| x.id.as_str()).collect();
    let answer: String = r
        .chain
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let cite = if i == 0 { " [Ref: G1]" } else { "" };
            format!(
                "**{}**: TODO: the {} step, with numbers{cite}.\n",
                s.label,
                s.label.to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let min_alt = r.tradeoffs.advanced_min_alternatives.max(2);
    let alternatives: String = (1..=min_alt)
        .map(|i| {
            format!(
                "  - name: \"TODO: alternative {i}\"\n    text: \"TODO: what it costs and gains, with numbers [Ref: L1].\"\n"
            )
        })
        .collect();
    format!(
        "{schema}# TODO: replace every TODO, then run `qbank check`: the gates point at what is left.
id: {id}
cluster: {cluster}
title: >-
  TODO: a production scenario with its scale and SLO (e.g. an API at 2K rps misses its
  p99 < 100 ms SLO at 350 ms), then the task: measure, find the bottleneck, fix it, prove it.
difficulty: {d}
# {dim_label} values: {dims}
dimensions: [{dim}]
# {phase_label} values: {phases}
phases: [{phase}]
# Who this question suits (packets choose by role): keep the ones that apply.
roles: [{roles}]
# Methods: {methods}
methods: [{method}]
key_insight: >-
  TODO: one sentence with the quantified result, e.g. X cut p99 from 350 ms to 65 ms
  (81% lower) at +15% cost [Ref: A1].
answer: |
{answer}
practical:
  - lang: bash
    caption: \"TODO: what this snippet does\"
    code: |
      # TODO: 5-30 lines of configuration, script or commands that you would run
      echo \"TODO: step 1\"
      echo \"TODO: step 2\"
      echo \"TODO: step 3\"
      echo \"TODO: step 4\"
diagram:
  kind: sequence
  mermaid: |
    sequenceDiagram
        participant C as Client
        participant S as Service
        C->>S: TODO request
        S-->>C: TODO response
metrics:
  - metric: \"TODO: p99 latency\"
    formula: \"TODO: how it is computed [Ref: G1]\"
    baseline: \"TODO\"
    optimized: \"TODO\"
    improvement: \"TODO\"
    rationale: \"TODO: why it matters [Ref: T1]\"
tradeoffs: >-
  TODO: X vs Y: what the change costs. When to use: TODO. When to avoid: TODO.
alternatives:
{alternatives}risks:
  - risk: \"TODO: what could go wrong\"
    mitigation: \"TODO: how it is contained\"
validation: >-
  TODO: the load test and canary that prove it, with success criteria [Ref: T1].
",
        d = d.as_str(),
        dim_label = r.dimensions.label,
        dims = dims.join(" | "),
        phase_label = r.phases.label,
        phases = phases.join(" | "),
        roles = roles.join(", "),
        methods = methods.join(" | "),
        method = methods.first().copied().unwrap_or("TODO"),
        answer = indent(&answer, 2),
    )
}

fn bank_yaml(r: &Rubric, schema: &str, slug: &str, today: &str) -> String {
    let clusters: String = r
        .clusters
        .suggested
        .iter()
        .map(|c| format!("  - id: {}\n    title: {}\n", c.id, c.title))
        .collect();
    let audience: Vec<&str> = r.roles.iter().map(|x| x.title.as_str()).collect();
    format!(
        "{schema}# TODO: a new qbank bank. Fill in every TODO, then run `qbank check` until every gate passes.
title: \"TODO: the bank's title\"
slug: {slug}
as_of: {today}
rubric: default
scope:
  domain: [\"TODO: e.g. Web services\"]
  audience: [{audience}]
  constraints: \"TODO: the scale and SLOs the questions assume\"
  assumptions: \"TODO: what the candidate is expected to know\"
  in_scope: \"TODO\"
  out_of_scope: \"TODO\"
# Cluster order here is the order in the document; Q numbers follow it.
clusters:
{clusters}",
        audience = audience.join(", ")
    )
}

const GLOSSARY: &str = "- id: G1
  term: \"TODO: a term the answers use\"
  aliases: []
  acronym: false
  definition: \"TODO: what it means\"
  formula: \"TODO: how it is computed\"
  targets: \"TODO: typical targets\"
  distinctions: \"TODO: how it differs from similar terms\"
  when_to_use: \"TODO\"
  lang: EN
";

const TOOLS: &str = "- id: T1
  name: \"TODO: a tool the answers use\"
  category: \"TODO\"
  purpose: \"TODO\"
  pricing: \"TODO\"
  last_update: \"2026-01\"
  integrations: [\"TODO\"]
  use_cases: \"TODO\"
  limitations: \"TODO\"
  url: https://example.com/TODO
";

const LITERATURE: &str = "- id: L1
  type: book
  authors: [\"TODO, A.\"]
  year: 2024
  title: \"TODO: a book or paper the answers rely on\"
  publisher: \"TODO\"
  lang: EN
  coverage: \"TODO\"
  key_sections: \"TODO\"
";

const CITATIONS: &str = "- id: A1
  type: docs
  authors: [\"TODO, A.\"]
  year: 2025
  title: \"TODO: a source a key insight cites\"
  container: \"TODO\"
  url: https://example.com/TODO
  lang: EN
";

pub(crate) fn init(args: &InitArgs, quiet: bool) -> u8 {
    let dir = &args.dir;
    if let Some(slug) = &args.slug
        && let Err(code) = safe_name("slug", slug)
    {
        return code;
    }
    if dir.join("bank.yaml").exists() {
        return super::fail(
            &format!("{} already holds a bank", dir.join("bank.yaml").display()),
            Some("choose a new folder: `qbank init path/to/new-bank`"),
        );
    }
    // The slug comes from --slug or the folder's name; a name that gives no slug
    // (`题库`) is refused rather than replaced by an invented one.
    let slug = match &args.slug {
        Some(s) => s.clone(),
        None => {
            let name = absolute(dir)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let s = crate::text::kebab(&name);
            if s.is_empty() {
                return super::fail(
                    &format!("the folder name `{name}` gives no slug (a-z, 0-9 and hyphens)"),
                    Some(&format!(
                        "name the slug: `qbank init {} --slug my-bank`",
                        dir.display()
                    )),
                );
            }
            s
        }
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return super::fail(&format!("could not create {}: {e}", dir.display()), None);
    }
    let r = Rubric::default_rubric();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let schemas = match find_schemas(dir) {
        Some(s) => s,
        None => {
            let s = absolute(dir).join("schemas");
            for (name, text) in crate::schema::all() {
                files.push((s.join(name), text));
            }
            s
        }
    };
    let today = jiff::Zoned::now().date().to_string();
    files.push((
        dir.join("bank.yaml"),
        bank_yaml(
            &r,
            &schema_line(dir, &schemas, "bank.schema.json"),
            &slug,
            &today,
        ),
    ));
    let refs = dir.join("references");
    for (name, schema, body) in [
        ("glossary.yaml", "glossary.schema.json", GLOSSARY),
        ("tools.yaml", "tools.schema.json", TOOLS),
        ("literature.yaml", "sources.schema.json", LITERATURE),
        ("citations.yaml", "sources.schema.json", CITATIONS),
    ] {
        let text = format!(
            "{}# TODO: replace the example entry; cite entries from questions as [Ref: ID].\n{body}",
            schema_line(&refs, &schemas, schema)
        );
        files.push((refs.join(name), text));
    }
    for (i, c) in r.clusters.suggested.iter().enumerate() {
        let folder = dir.join("questions").join(format!("{:02}-{}", i + 1, c.id));
        let id = format!("{}-todo-1", c.id);
        let d = Difficulty::ALL[i % 3];
        let schema = schema_line(&folder, &schemas, "question.schema.json");
        files.push((
            folder.join(format!("01-{id}.yaml")),
            question_yaml(&r, &schema, &id, &c.id, d),
        ));
    }
    // Every path is checked before the first file is written.
    let abs = absolute(dir);
    let mut checked = Vec::with_capacity(files.len());
    for (path, text) in &files {
        let rel = path
            .strip_prefix(dir)
            .or_else(|_| path.strip_prefix(&abs))
            .unwrap_or(path);
        match crate::fsutil::inside(dir, rel) {
            Ok(_) => checked.push((rel, text)),
            Err(e) => return super::fail_write(&e),
        }
    }
    for (path, _) in &files {
        if path.exists() && !path.starts_with(dir.join("schemas")) {
            return super::fail(
                &format!("{} already exists", path.display()),
                Some("qbank init never overwrites a file: choose a new folder"),
            );
        }
    }
    for (rel, text) in checked {
        if let Err(e) = crate::fsutil::write_in(dir, rel, text.as_bytes()) {
            return super::fail_write(&e);
        }
    }
    if quiet {
        return 0;
    }
    let _ = writeln!(
        std::io::stdout(),
        "created bank `{slug}` in {} ({} files)",
        crate::diagnostic::display_path(dir),
        files.len()
    );
    let _ = writeln!(
        std::io::stdout(),
        "next: replace the TODOs, then `qbank check {}`; add questions with `qbank new question --bank {} --cluster latency`",
        crate::diagnostic::display_path(dir),
        crate::diagnostic::display_path(dir)
    );
    0
}

/// The bank folder for `new question`.
fn find_bank(arg: Option<&Path>) -> Result<PathBuf, u8> {
    if let Some(b) = arg {
        let root = if b.file_name().is_some_and(|n| n == "bank.yaml") {
            b.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            b.to_path_buf()
        };
        if !root.join("bank.yaml").is_file() {
            return Err(super::fail(
                &format!("{} holds no bank.yaml", root.display()),
                Some("name a bank folder, or create one with `qbank init DIR`"),
            ));
        }
        return Ok(root);
    }
    if let Ok(cwd) = std::env::current_dir()
        && let Some(found) = cwd.ancestors().find(|a| a.join("bank.yaml").is_file())
    {
        return Ok(found.to_path_buf());
    }
    let (inputs, _) = crate::load::discover(&[PathBuf::from("content")]);
    let banks: Vec<PathBuf> = inputs
        .into_iter()
        .filter_map(|i| match i {
            crate::load::Input::Bank(p) => Some(p),
            crate::load::Input::Document(_) => None,
        })
        .collect();
    match banks.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(super::fail(
            "no bank here",
            Some("run inside a bank folder, pass --bank DIR, or create one with `qbank init DIR`"),
        )),
        many => Err(super::fail(
            &format!("{} banks under content/; name one", many.len()),
            Some("pass --bank DIR"),
        )),
    }
}

/// The value of a top-level `key:` line.
fn top_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
            .map(|v| {
                v.split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\''])
            })
    })
}

/// The leading number of a file name (`03-foo.yaml` → 3).
fn number_prefix(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

pub(crate) fn new(args: &NewArgs, quiet: bool) -> u8 {
    let NewWhat::Question(a) = &args.what;
    let root = match find_bank(a.bank.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let meta_path = root.join("bank.yaml");
    let meta: BankMeta = match crate::load::read_text(&meta_path)
        .and_then(|t| crate::load::parse_str(&meta_path, &t, "the bank's metadata"))
    {
        Ok(m) => m,
        Err(d) => {
            return super::fail(
                &format!("{}: {}", meta_path.display(), d.message),
                Some("fix bank.yaml first (`qbank check` shows where)"),
            );
        }
    };
    let rubric =
        match crate::load::load_rubric(meta.rubric.as_ref().map(|r| r.value.as_str()), &root) {
            Ok(r) => r,
            Err(d) => return super::fail(&d.message, d.help.as_deref()),
        };
    let ids: Vec<&str> = meta.clusters.iter().map(|c| c.id.value.as_str()).collect();
    let Some(pos) = ids.iter().position(|c| *c == a.cluster) else {
        let help = match did_you_mean(&a.cluster, ids.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? bank.yaml declares {}", one_of(&ids)),
            None => format!("bank.yaml declares {}", one_of(&ids)),
        };
        return super::fail(&format!("unknown cluster `{}`", a.cluster), Some(&help));
    };
    // What the bank holds now: ids, difficulties, and where this cluster's files live.
    let questions_dir = root.join("questions");
    let files = if questions_dir.is_dir() {
        crate::load::yaml_files(&questions_dir).0
    } else {
        Vec::new()
    };
    let mut existing_ids = Vec::new();
    let mut levels = [0u32; 3];
    let mut cluster_dirs: Vec<PathBuf> = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        if let Some(id) = top_value(&text, "id") {
            existing_ids.push(id.to_owned());
        }
        if let Some(d) = top_value(&text, "difficulty").and_then(Difficulty::parse) {
            levels[Difficulty::ALL.iter().position(|x| *x == d).unwrap_or(0)] += 1;
        }
        if top_value(&text, "cluster") == Some(a.cluster.as_str())
            && let Some(p) = f.parent()
        {
            cluster_dirs.push(p.to_path_buf());
        }
    }
    let folder = cluster_dirs
        .iter()
        .max_by_key(|d| cluster_dirs.iter().filter(|x| x == d).count())
        .cloned()
        .unwrap_or_else(|| questions_dir.join(format!("{:02}-{}", pos + 1, a.cluster)));
    let difficulty = a.difficulty.unwrap_or_else(|| {
        // The level furthest below its target share once this question is added.
        let n = f64::from(levels.iter().sum::<u32>() + 1);
        let mut best = (f64::MIN, Difficulty::Intermediate);
        for (k, d) in Difficulty::ALL.iter().enumerate() {
            let deficit = rubric.difficulty.share(*d) * n - f64::from(levels[k]);
            if deficit > best.0 + 1e-9 {
                best = (deficit, *d);
            }
        }
        best.1
    });
    let id = match &a.id {
        Some(id) => {
            if let Err(code) = safe_name("question id", id) {
                return code;
            }
            let s = id.clone();
            if existing_ids.contains(&s) {
                return super::fail(
                    &format!("question id `{s}` is already used in the bank"),
                    Some("choose another --id"),
                );
            }
            s
        }
        None => (1..)
            .map(|n| format!("{}-todo-{n}", a.cluster))
            .find(|c| !existing_ids.contains(c))
            .expect("an unused id"),
    };
    let next = std::fs::read_dir(&folder)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| number_prefix(&e.file_name().to_string_lossy()))
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
        + 1;
    let path = folder.join(format!("{next:02}-{id}.yaml"));
    let mut created_schemas = false;
    let schemas = match find_schemas(&root) {
        Some(s) => s,
        None => {
            let s = absolute(&root).join("schemas");
            for (name, text) in crate::schema::all() {
                let rel = Path::new("schemas").join(name);
                if !root.join(&rel).exists()
                    && crate::fsutil::write_in(&root, &rel, text.as_bytes()).is_ok()
                {
                    created_schemas = true;
                }
            }
            s
        }
    };
    let rel = path.strip_prefix(&root).unwrap_or(&path).to_path_buf();
    if let Err(e) = crate::fsutil::inside(&root, &rel) {
        return super::fail_write(&e);
    }
    if let Err(e) = std::fs::create_dir_all(&folder) {
        return super::fail(&format!("could not create {}: {e}", folder.display()), None);
    }
    let schema = schema_line(&folder, &schemas, "question.schema.json");
    let text = question_yaml(&rubric, &schema, &id, &a.cluster, difficulty);
    if let Err(code) = write_new(&root, &rel, &text) {
        return code;
    }
    if quiet {
        return 0;
    }
    let _ = writeln!(
        std::io::stdout(),
        "created {} ({} question `{id}` in cluster `{}`)",
        crate::diagnostic::display_path(&path),
        difficulty.as_str(),
        a.cluster
    );
    if created_schemas {
        let _ = writeln!(
            std::io::stdout(),
            "wrote the JSON Schemas to {}",
            crate::diagnostic::display_path(&schemas)
        );
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b/q/01"), Path::new("/a/b/schemas/x.json")),
            "../../schemas/x.json"
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a/s/x.json")),
            "s/x.json"
        );
    }

    #[test]
    fn number_prefixes() {
        assert_eq!(number_prefix("07-x.yaml"), Some(7));
    }

    #[test]
    fn the_question_template_parses_as_a_question() {
        let r = Rubric::default_rubric();
        let text = question_yaml(&r, "", "latency-todo-1", "latency", Difficulty::Advanced);
        let q: crate::model::Question =
            crate::load::parse_str(Path::new("q.yaml"), &text, "a question").expect("parses");
        assert_eq!(q.alternatives.len(), 2);
        assert!(q.answer.value.contains("**Impact**"));
    }
}
