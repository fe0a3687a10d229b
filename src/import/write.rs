//! Writes an imported bank as a folder: bank.yaml, `questions/<NN-cluster>/<NN-id>.yaml`
//! and references/*.yaml, each starting with the yaml-language-server schema line.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::Bank;

/// The `schemas/` folder nearest above `dir` that holds `name`, as a path relative to `dir`.
fn schemas_above(dir: &Path, name: &str) -> Option<String> {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    abs.ancestors()
        .position(|d| d.join("schemas").join(name).is_file())
        .map(|up| format!("{}schemas/{name}", "../".repeat(up)))
}

fn yaml<T: Serialize>(value: &T) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}

/// True when every name the files of `bank` are named after, and its slug, is a safe
/// name; a bank with any other is not written (loading it reports each one).
pub(crate) fn names_are_safe(bank: &Bank) -> bool {
    crate::text::is_safe_name(&bank.meta.slug.value)
        && bank
            .meta
            .clusters
            .iter()
            .all(|c| crate::text::is_safe_name(&c.id.value))
        && bank
            .questions
            .iter()
            .all(|q| crate::text::is_safe_name(&q.id.value))
}

/// The files of `bank` as (relative path, contents), in a fixed order.
pub fn files(bank: &Bank, out: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut files = Vec::new();
    // Without a schemas/ folder above the output, the bank carries its own copy.
    let local = schemas_above(out, "bank.schema.json").is_none();
    if local {
        for (name, text) in crate::schema::all() {
            files.push((PathBuf::from("schemas").join(name), text));
        }
    }
    let header = |depth: usize, dir: &Path, schema: &str| {
        let own = || format!("{}schemas/{schema}", "../".repeat(depth));
        let target = if local {
            own()
        } else {
            schemas_above(dir, schema).unwrap_or_else(own)
        };
        format!("# yaml-language-server: $schema={target}\n")
    };
    files.push((
        PathBuf::from("bank.yaml"),
        header(0, out, "bank.schema.json") + &yaml(&bank.meta)?,
    ));
    for (ci, (c, qs)) in bank.by_cluster().into_iter().enumerate() {
        let folder = PathBuf::from("questions").join(format!("{:02}-{}", ci + 1, c.id.value));
        for (qi, (_, q)) in qs.into_iter().enumerate() {
            let dir = out.join(&folder);
            files.push((
                folder.join(format!("{:02}-{}.yaml", qi + 1, q.id.value)),
                header(2, &dir, "question.schema.json") + &yaml(q)?,
            ));
        }
    }
    let refs = out.join("references");
    let lists: [(&str, &str, String); 4] = [
        (
            "glossary.yaml",
            "glossary.schema.json",
            yaml(&bank.glossary)?,
        ),
        ("tools.yaml", "tools.schema.json", yaml(&bank.tools)?),
        (
            "literature.yaml",
            "sources.schema.json",
            yaml(&bank.literature)?,
        ),
        (
            "citations.yaml",
            "sources.schema.json",
            yaml(&bank.citations)?,
        ),
    ];
    for (file, schema, body) in lists {
        let body = if body.trim() == "[]" || body.trim().is_empty() {
            "[]\n".to_owned()
        } else {
            body
        };
        files.push((
            PathBuf::from("references").join(file),
            header(1, &refs, schema) + &body,
        ));
    }
    Ok(files)
}

/// True when `dir` exists and holds anything.
pub(crate) fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}
