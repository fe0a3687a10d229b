//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn qbank() -> Command {
    let mut cmd = Command::cargo_bin("qbank").expect("binary builds");
    cmd.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    // No test reaches a real registry: one a test does not point at its own server is a
    // closed local port (refused without --allow-private), and no token is sent.
    cmd.env("QBANK_CROSSREF_API", "http://127.0.0.1:9/")
        .env("QBANK_GITHUB_API", "http://127.0.0.1:9/")
        .env("QBANK_PYPI_API", "http://127.0.0.1:9/")
        .env("QBANK_NPM_REGISTRY", "http://127.0.0.1:9/")
        .env("QBANK_CRATES_API", "http://127.0.0.1:9/")
        .env("QBANK_OPENLIBRARY_API", "http://127.0.0.1:9/")
        .env_remove("QBANK_DOI_RESOLVER")
        .env_remove("QBANK_CONTACT")
        .env_remove("GITHUB_TOKEN");
    cmd
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies a folder tree (files and folders) from `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("reads the folder") {
        let entry = entry.expect("reads an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copies");
        }
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `qbank check PATH --format json` and returns (exit code, parsed JSON, stderr).
pub fn check_json(path: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = qbank()
        .arg("check")
        .arg(path)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "qbank panicked:\n{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().expect("exit code"), json, stderr)
}

/// Every diagnostic in a JSON report, bank ones and general ones.
pub fn diagnostics(json: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut all: Vec<serde_json::Value> = json["general"].as_array().cloned().unwrap_or_default();
    for b in json["banks"].as_array().into_iter().flatten() {
        all.extend(b["diagnostics"].as_array().cloned().unwrap_or_default());
    }
    all
}

/// True when `d` has `code` (or `*`) and points at `place` = `rel/path[:line[:col]]`
/// relative to `base`, and its message, help or notes contain `text`.
pub fn matches(d: &serde_json::Value, base: &Path, code: &str, place: &str, text: &str) -> bool {
    if code != "*" && d["code"] != code {
        return false;
    }
    let mut parts = place.split(':');
    let rel = parts.next().unwrap_or_default();
    let line: Option<u64> = parts.next().and_then(|s| s.parse().ok());
    let col: Option<u64> = parts.next().and_then(|s| s.parse().ok());
    let loc = &d["location"];
    let file = loc["file"].as_str().unwrap_or_default();
    let want = base.join(rel);
    let same_file = Path::new(file) == want || Path::new(file).ends_with(rel);
    let line_ok = line.is_none_or(|l| loc["line"] == l);
    let col_ok = col.is_none_or(|c| loc["col"] == c);
    let all_text = format!("{} {} {}", d["message"], d["help"], d["notes"]);
    same_file && line_ok && col_ok && all_text.contains(text)
}
