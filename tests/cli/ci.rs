//! What a CI job needs besides the baseline: `check --changed-since REF` (only what git
//! reports changed, whole banks) and discovery that honours `.gitignore` and `.ignore`
//! (`--no-ignore` turns them off).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{fixtures, qbank};

const AS_OF: &str = "2026-11-25";

/// The minimal fixture bank (18 gates FAIL, no load error) as `dir`, with its own slug.
fn bank(dir: &Path, slug: &str) {
    std::fs::create_dir_all(dir.join("questions")).unwrap();
    let src = fixtures().join("valid/minimal");
    let meta = std::fs::read_to_string(src.join("bank.yaml")).unwrap();
    let meta: String = meta
        .lines()
        .map(|l| {
            if l.starts_with("slug:") {
                format!("slug: {slug}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("bank.yaml"), meta).unwrap();
    std::fs::copy(src.join("questions/q.yaml"), dir.join("questions/q.yaml")).unwrap();
}

/// A bank whose bank.yaml does not parse (exit 2 when it is loaded).
fn broken_bank(dir: &Path) {
    bank(dir, "broken");
    std::fs::write(dir.join("bank.yaml"), "slug: [\n").unwrap();
}

/// `qbank check ARGS` in `dir` with JSON output: (exit code, the report's bank paths,
/// stderr).
fn check(dir: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = qbank()
        .current_dir(dir)
        .args(["check", "--no-cache", "--as-of", AS_OF, "--format", "json"])
        .args(args)
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {stderr}"));
    let banks = json["banks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap().replace('\\', "/"))
        .collect();
    (out.status.code().expect("exit code"), banks, stderr)
}

/// Whether `git` can be run; when not, the test says so and passes without running.
fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `git` is not installed");
    }
    ok
}

/// Runs git in `dir` (identity and signing set here, not taken from the machine).
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=qbank test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A throwaway repository with two committed banks, `content/a` and `content/b`.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().to_path_buf();
    bank(&root.join("content/a"), "a");
    bank(&root.join("content/b"), "b");
    git(&root, &["init", "-q"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "two banks"]);
    (tmp, root)
}

#[test]
fn changed_since_checks_only_what_git_reports_changed() {
    if !have_git() {
        return;
    }
    let (_tmp, root) = repo();

    // Nothing changed: a note, no bank, exit 0 (both banks fail when checked).
    let (code, banks, stderr) = check(&root, &["content", "--changed-since", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(banks.is_empty(), "{banks:?}");
    assert!(stderr.contains("nothing to check"), "{stderr}");
    let (code, banks, _) = check(&root, &["content"]);
    assert_eq!((code, banks.len()), (1, 2));

    // One question file of bank b changed: bank b is checked whole (all 20 gates).
    let q = root.join("content/b/questions/q.yaml");
    let mut text = std::fs::read_to_string(&q).unwrap();
    text.push_str("# edited\n");
    std::fs::write(&q, text).unwrap();
    let (code, banks, stderr) = check(&root, &["content", "--changed-since", "HEAD"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(banks, ["content/b"]);
    let out = qbank()
        .current_dir(&root)
        .args(["check", "content", "--changed-since", "HEAD", "--no-cache"])
        .args(["--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["banks"][0]["gates"].as_array().unwrap().len(), 20);

    // Committed, it is no change since HEAD, but is one since the first commit.
    git(&root, &["commit", "-q", "-am", "edit b"]);
    let (code, banks, _) = check(&root, &["content", "--changed-since", "HEAD"]);
    assert_eq!((code, banks.len()), (0, 0));
    let (_, banks, _) = check(&root, &["content", "--changed-since", "HEAD~1"]);
    assert_eq!(banks, ["content/b"]);

    // Untracked files count: a question document is checked, a README is not.
    std::fs::copy(
        fixtures().join("import/defects.md"),
        root.join("content/notes.md"),
    )
    .unwrap();
    std::fs::write(
        root.join("content/README.md"),
        "# Banks\n\nSee a/ and b/.\n",
    )
    .unwrap();
    let (_, banks, _) = check(&root, &["content", "--changed-since", "HEAD"]);
    assert_eq!(banks, ["content/notes.md"]);

    // A file git ignores is no change; a changed qbank.toml may change every result.
    std::fs::write(root.join(".gitignore"), "content/notes.md\n").unwrap();
    git(&root, &["add", ".gitignore"]);
    git(&root, &["commit", "-q", "-m", "ignore notes"]);
    let (code, banks, _) = check(&root, &["content", "--changed-since", "HEAD"]);
    assert_eq!((code, banks.len()), (0, 0), "{banks:?}");
    std::fs::write(root.join("qbank.toml"), "ignore = [\"clarity\"]\n").unwrap();
    let (_, banks, stderr) = check(&root, &["content", "--changed-since", "HEAD"]);
    assert_eq!(banks, ["content/a", "content/b"]);
    assert!(stderr.contains("qbank.toml changed since HEAD"), "{stderr}");
}

#[test]
fn changed_since_without_a_repository_or_the_revision_is_exit_2() {
    if !have_git() {
        return;
    }
    let (_tmp, root) = repo();
    let out = qbank()
        .current_dir(&root)
        .args(["check", "content", "--changed-since", "no-such-branch"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error[git]: unknown revision `no-such-branch`"),
        "{stderr}"
    );
    assert!(stderr.contains("help: "), "{stderr}");

    // Recording a baseline needs the whole run.
    let out = qbank()
        .current_dir(&root)
        .args(["check", "content", "--changed-since", "HEAD"])
        .args(["--baseline", "b.json", "--update-baseline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[bad-baseline]"), "{stderr}");

    let plain = tempfile::tempdir().unwrap();
    bank(&plain.path().join("content/a"), "a");
    // A temporary folder inside some repository would not be the case this tests.
    let inside = Command::new("git")
        .arg("-C")
        .arg(plain.path())
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .is_ok_and(|o| o.status.success());
    if inside {
        eprintln!("skipped the no-repository case: the temporary folder is inside one");
        return;
    }
    let out = qbank()
        .current_dir(plain.path())
        .args(["check", "content", "--changed-since", "HEAD"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error[git]: not inside a git repository"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content"),
        "the error names the path: {stderr}"
    );
}

#[test]
fn an_ignore_file_hides_a_bank_from_discovery_unless_no_ignore() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    bank(&root.join("content/good"), "good");
    broken_bank(&root.join("content/wip/broken"));
    let (code, banks, _) = check(root, &["content"]);
    assert_eq!(code, 2, "the broken bank is found: {banks:?}");

    // `.ignore` applies in any folder, git repository or not.
    std::fs::write(root.join("content/.ignore"), "wip/\n").unwrap();
    let (code, banks, stderr) = check(root, &["content"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(banks, ["content/good"]);
    let (code, banks, _) = check(root, &["content", "--no-ignore"]);
    assert_eq!(code, 2);
    assert_eq!(banks, ["content/good", "content/wip/broken"]);
    // A folder named on the command line is checked even when ignored.
    let (code, banks, _) = check(root, &["content/wip/broken"]);
    assert_eq!((code, banks.len()), (2, 1));

    // `exclude` in qbank.toml still applies, with or without ignore files.
    std::fs::write(
        root.join("qbank.toml"),
        "exclude = [\"content/good/**\", \"content/good\"]\n",
    )
    .unwrap();
    let (_, banks, _) = check(root, &["content", "--no-ignore"]);
    assert_eq!(banks, ["content/wip/broken"]);
}

#[test]
fn a_gitignore_hides_a_bank_inside_a_git_repository() {
    if !have_git() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    bank(&root.join("content/good"), "good");
    broken_bank(&root.join("content/scratch"));
    std::fs::write(root.join(".gitignore"), "/content/scratch/\n").unwrap();
    git(root, &["init", "-q"]);
    let (code, banks, stderr) = check(root, &["content"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(banks, ["content/good"]);
    let (code, banks, _) = check(root, &["content", "--no-ignore"]);
    assert_eq!(code, 2);
    assert_eq!(banks.len(), 2);
    let out = qbank()
        .current_dir(root)
        .args(["check", "content", "--no-ignore", "--show-settings"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("ignore files   = not read    # from --no-ignore"),
        "{shown}"
    );
}
