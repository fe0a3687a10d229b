//! Writes an imported bank as a folder: bank.yaml, questions/<NN-cluster>/<NN-id>.yaml
//! and references/*.yaml, each starting with the yaml-language-server schema line.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::Bank;

/// Where schemas are published when the output is not inside a qbank repository.
pub const SCHEMA_STORE: &str = "https://json.schemastore.org";

/// The `$schema=` target for `name` (e.g. `bank.schema.json`) seen from folder `dir`:
/// a relative path to the nearest `schemas/` folder above `dir`, else the schema store.
pub fn schema_ref(dir: &Path, name: &str) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut up = 0usize;
    let mut cur: Option<&Path> = Some(&abs);
    while let Some(d) = cur {
        if d.join("schemas").join(name).is_file() {
            let mut rel = "../".repeat(up);
            rel.push_str("schemas/");
            rel.push_str(name);
            return rel;
        }
        up += 1;
        cur = d.parent();
    }
    format!("{SCHEMA_STORE}/qbank-{name}")
}

fn yaml<T: Serialize>(value: &T) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}

/// The files of `bank` as (relative path, contents), in a fixed order.
pub fn files(bank: &Bank, out: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut files = Vec::new();
    let header = |dir: &Path, schema: &str| {
        format!(
            "# yaml-language-server: $schema={}\n",
            schema_ref(dir, schema)
        )
    };
    files.push((
        PathBuf::from("bank.yaml"),
        header(out, "bank.schema.json") + &yaml(&bank.meta)?,
    ));
    for (ci, (c, qs)) in bank.by_cluster().into_iter().enumerate() {
        let folder = PathBuf::from("questions").join(format!("{:02}-{}", ci + 1, c.id.value));
        for (qi, (_, q)) in qs.into_iter().enumerate() {
            let dir = out.join(&folder);
            files.push((
                folder.join(format!("{:02}-{}.yaml", qi + 1, q.id.value)),
                header(&dir, "question.schema.json") + &yaml(q)?,
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
            header(&refs, schema) + &body,
        ));
    }
    Ok(files)
}

/// True when `dir` exists and holds anything.
pub fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}
