//! `check --filter-files`, as the pre-commit hook runs it on every changed YAML and
//! markdown file: files that are neither a bank's nor a question document are left out
//! without an error; a bank's file is checked on its own findings.

use crate::common::{fixtures, qbank};

#[test]
fn filter_files_keeps_bank_files_and_question_documents_only() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("bank/questions")).unwrap();
    let src = fixtures().join("valid/minimal");
    for f in ["bank.yaml", "questions/q.yaml"] {
        std::fs::copy(src.join(f), dir.join("bank").join(f)).unwrap();
    }
    std::fs::write(dir.join("README.md"), "# Notes\n\nSome text.\n").unwrap();
    std::fs::create_dir_all(dir.join(".github")).unwrap();
    std::fs::write(dir.join(".github/ci.yml"), "on: push\n").unwrap();
    let run = |files: &[&str], filter: bool| {
        let mut cmd = qbank();
        cmd.current_dir(dir).args([
            "check",
            "--no-cache",
            "--as-of",
            "2026-11-25",
            "--format",
            "concise",
        ]);
        if filter {
            cmd.arg("--filter-files");
        }
        let out = cmd.args(files).output().expect("runs");
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Without the flag, each is an input: the YAML is an error, the README a failing document.
    assert_eq!(run(&[".github/ci.yml"], false).0, 2);
    assert_eq!(run(&["README.md"], false).0, 1);
    // With it, neither is checked.
    let (code, out, err) = run(&["README.md", ".github/ci.yml"], true);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("none of the 2 files"), "{err}");
    // A bank's file among them is checked, on its own findings.
    let (code, out, _) = run(&["README.md", "bank/questions/q.yaml"], true);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("bank/questions/q.yaml:8:5: error[19:clarity]"),
        "{out}"
    );
    assert!(!out.contains("README.md"), "{out}");
}
