//! The committed JSON Schemas match the Rust types, and the shipped YAML validates against them.

use std::fs;

use crate::common::{qbank, root};

#[test]
fn committed_schemas_match_the_generated_ones() {
    let tmp = tempfile::tempdir().unwrap();
    qbank()
        .args(["schema", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let mut stale = Vec::new();
    for entry in fs::read_dir(tmp.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let generated = fs::read_to_string(entry.path()).unwrap();
        let committed = fs::read_to_string(root().join("schemas").join(&name)).unwrap_or_default();
        if generated != committed {
            stale.push(name.to_string_lossy().into_owned());
        }
    }
    assert!(
        stale.is_empty(),
        "schemas/ is stale for {stale:?}; run `cargo run -- schema --out schemas` and commit the result"
    );
}

#[test]
fn every_shipped_yaml_file_names_its_schema_and_validates() {
    let mut checked = 0;
    let files = walk_yaml(&root().join("content"))
        .into_iter()
        .chain([root().join("src/model/default_rubric.yaml")]);
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let rel = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| {
                panic!(
                    "{} does not start with a yaml-language-server schema line",
                    path.display()
                )
            });
        let schema_path = path.parent().unwrap().join(rel);
        let schema: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(&schema_path)
                .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display())),
        )
        .unwrap();
        let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{} fails its schema:\n{}",
            path.display(),
            errors.join("\n")
        );
        checked += 1;
    }
    assert!(checked >= 5, "checked only {checked} files");
}

fn walk_yaml(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_yaml(&p));
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
    out.sort();
    out
}
