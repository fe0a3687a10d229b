//! The conventions of a linter (issue 17): closed pipes, per-file checks, symlinks,
//! `--format concise`, `--select`/`--ignore`, suppressions, qbank.toml, `qbank fix`,
//! the table fitted to a width, and the smaller commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{check_json, diagnostics, fixtures, qbank, root};

/// A temporary folder holding a copy of the minimal fixture bank as `bank/`.
fn minimal() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bank = dir.path().join("bank");
    std::fs::create_dir_all(bank.join("questions")).unwrap();
    let src = fixtures().join("valid/minimal");
    std::fs::copy(src.join("bank.yaml"), bank.join("bank.yaml")).unwrap();
    std::fs::copy(src.join("questions/q.yaml"), bank.join("questions/q.yaml")).unwrap();
    (dir, bank)
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = qbank().current_dir(dir).args(args).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err,
    )
}

/// Runs qbank with its standard output closed before it writes anything.
fn with_closed_stdout(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("qbank"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_code_earned() {
    let content = root().join("content");
    let content = content.to_str().unwrap();
    let bank = fixtures().join("valid/minimal");
    let bank = bank.to_str().unwrap();
    for (args, want) in [
        (vec!["render", "--format", "md", content], 0),
        (vec!["export", "--format", "anki", content], 0),
        (vec!["check", bank], 1),
        (vec!["check", "--format", "json", bank], 1),
        (vec!["gates"], 0),
        (vec!["man"], 0),
    ] {
        let (code, err) = with_closed_stdout(&args);
        assert_eq!(code, want, "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_outside_a_bank_is_skipped() {
    let (dir, bank) = minimal();
    std::fs::create_dir_all(dir.path().join("tools")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("tools/x")).unwrap();
    let (code, out, _) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("error[io]"), "{out}");
    assert!(!out.contains("skipped-link"), "{out}");
    let (_, out, _) = run(dir.path(), &["-v", "check", "."]);
    assert!(out.contains("note[skipped-link]"), "{out}");
    // Inside a bank it is an error at its path.
    std::os::unix::fs::symlink("/nonexistent/y", bank.join("notes.txt")).unwrap();
    let (code, out, _) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("error[broken-symlink]"), "{out}");
    assert!(out.contains("bank/notes.txt"), "{out}");
}

#[test]
fn checking_one_file_reports_only_its_findings() {
    let (dir, bank) = minimal();
    std::fs::copy(bank.join("questions/q.yaml"), bank.join("questions/r.yaml")).unwrap();
    let r = bank.join("questions/r.yaml");
    let text = std::fs::read_to_string(&r)
        .unwrap()
        .replace("q-one", "r-two");
    std::fs::write(&r, text).unwrap();
    let (code, json, _) = check_json(&bank.join("questions/q.yaml"), &[]);
    assert_eq!(code, 1);
    let mut files: Vec<String> = json["banks"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["diagnostics"].as_array().unwrap().clone())
        .map(|d| {
            d["location"]["file"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    files.dedup();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| f.ends_with("q.yaml")), "{files:?}");
    let (code, out, _) = run(dir.path(), &["check", "bank/questions/q.yaml"]);
    assert_eq!(code, 1);
    assert!(out.contains("bank gates: "), "{out}");
    assert!(!out.contains("| # "), "no table for one file:\n{out}");
    assert!(!out.contains("r.yaml"), "{out}");
}

#[test]
fn concise_is_one_line_per_finding() {
    let bank = fixtures().join("valid/minimal");
    let out = qbank()
        .args(["check", "--format", "concise"])
        .arg(&bank)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let re = regex::Regex::new(r"^[^:\s]+(:\d+(:\d+)?)?: (error|warning|note)\[[a-z0-9:-]+\]: \S")
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 3, "{text}");
    for l in &lines[..lines.len() - 1] {
        assert!(re.is_match(l), "not concise: {l}");
    }
    assert!(lines.last().unwrap().contains("checked"), "{text}");
}

#[test]
fn select_and_ignore_by_number_name_or_code() {
    let bank = fixtures().join("valid/minimal");
    // Gate 7 passes on this bank: selecting only it passes the run.
    let (code, json, _) = check_json(&bank, &["--select", "7"]);
    assert_eq!(code, 0);
    assert!(!json["banks"][0]["waived"].as_array().unwrap().is_empty());
    let all_failing: Vec<String> = json["banks"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["status"] == "FAIL")
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect();
    let (code, _, _) = check_json(&bank, &["--ignore", &all_failing.join(",")]);
    assert_eq!(code, 0);
    let (code, _, _) = check_json(&bank, &["--ignore", "quantity"]);
    assert_eq!(code, 1, "other gates still fail");
    let out = qbank()
        .args(["check", "--ignore", "clarty"])
        .arg(&bank)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `clarity`"));
}

#[test]
fn inline_suppressions_count_and_unused_ones_are_reported() {
    let (dir, bank) = minimal();
    let q = bank.join("questions/q.yaml");
    let text = std::fs::read_to_string(&q).unwrap().replace(
        "answer: |",
        "# qbank-ignore: performance-chain -- a fixture answer\nanswer: |",
    );
    std::fs::write(&q, format!("{text}# qbank-ignore: 7 -- nothing here\n")).unwrap();
    let (_, before, _) = check_json(&fixtures().join("valid/minimal"), &[]);
    let (_, json, _) = check_json(&bank, &[]);
    let gate4 = |j: &serde_json::Value| {
        j["banks"][0]["gates"][3]["diagnostics"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(gate4(&before) > 0);
    assert_eq!(gate4(&json), 0);
    assert!(
        json["summary"]["suppressed"].as_u64().unwrap_or(0) >= 1,
        "{}",
        json["summary"]
    );
    let d = diagnostics(&json);
    assert!(d.iter().any(|d| d["code"] == "unused-suppression"), "{d:?}");
    let (_, out, _) = run(dir.path(), &["check", "bank"]);
    assert!(out.contains("suppressed"), "{out}");
}

#[test]
fn qbank_toml_is_found_upward_and_shown() {
    let (dir, _) = minimal();
    std::fs::write(
        dir.path().join("qbank.toml"),
        "ignore = [\"quantity\"]\n[links]\naccept = \"200..=299,429\"\n",
    )
    .unwrap();
    let (code, out, _) = run(&dir.path().join("bank"), &["check", ".", "--show-settings"]);
    assert_eq!(code, 0);
    assert!(out.contains("qbank.toml"), "{out}");
    assert!(
        out.contains("ignore         = quantity    # from qbank.toml"),
        "{out}"
    );
    assert!(out.contains("200..=299,429"), "{out}");
    let (_, json, _) = check_json(&dir.path().join("bank"), &[]);
    let waived = json["banks"][0]["waived"].as_array().unwrap();
    assert!(waived.iter().any(|w| w["gate"] == 1), "{waived:?}");
    std::fs::write(dir.path().join("qbank.toml"), "ignore = []\nselct = [1]\n").unwrap();
    let (code, _, err) = run(dir.path(), &["check", "bank"]);
    assert_eq!(code, 2);
    assert!(err.contains("qbank.toml:2:1"), "{err}");
}

#[test]
fn quoting_trap_is_explained_and_fixed() {
    let (dir, bank) = minimal();
    let q = bank.join("questions/q.yaml");
    let text = std::fs::read_to_string(&q).unwrap();
    let broken =
        format!("{text}metrics:\n  - metric: p99\n    formula: 99th percentile [Ref: G1]\n");
    std::fs::write(&q, &broken).unwrap();
    let (code, out, _) = run(dir.path(), &["check", "bank"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("quote this value: it contains `[Ref: ...]`"),
        "{out}"
    );
    assert!(
        out.contains("formula: '99th percentile [Ref: G1]'"),
        "{out}"
    );
    let (code, diff, _) = run(dir.path(), &["fix", "bank", "--diff"]);
    assert_eq!(code, 1, "{diff}");
    assert!(
        diff.contains("-    formula: 99th percentile [Ref: G1]"),
        "{diff}"
    );
    assert!(
        diff.contains("+    formula: '99th percentile [Ref: G1]'"),
        "{diff}"
    );
    assert!(
        diff.contains("rename to bank/questions/q-one.yaml"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(&q).unwrap(),
        broken,
        "--diff writes nothing"
    );
    let (code, out, _) = run(dir.path(), &["fix", "bank"]);
    assert_eq!(code, 0, "{out}");
    let fixed = std::fs::read_to_string(bank.join("questions/q-one.yaml")).unwrap();
    assert_eq!(
        fixed,
        broken.replace(
            "formula: 99th percentile [Ref: G1]",
            "formula: '99th percentile [Ref: G1]'"
        )
    );
    assert!(!q.exists());
    let (code, _, _) = run(dir.path(), &["check", "bank"]);
    assert_eq!(code, 1, "loads now");
}

#[test]
fn the_table_fits_a_width_and_stays_whole_on_a_pipe() {
    let content = root().join("content");
    let out = qbank()
        .arg("check")
        .arg(&content)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let table: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() > 22, "{text}");
    for l in &table {
        assert!(
            l.chars().count() <= 100,
            "{} columns: {l}",
            l.chars().count()
        );
    }
    let out = qbank()
        .arg("check")
        .arg(&content)
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let rows = text.lines().filter(|l| l.starts_with('|')).count();
    assert_eq!(rows, 22, "one line per gate on a pipe:\n{text}");
}

#[test]
fn bank_level_findings_point_at_their_field() {
    let (_dir, bank) = minimal();
    let meta = bank.join("bank.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, format!("# yaml-language-server: $schema=x\n{text}")).unwrap();
    let (_, json, _) = check_json(&bank, &[]);
    let gates = json["banks"][0]["gates"].as_array().unwrap();
    let line_of = |key: &str| -> u64 {
        let t = std::fs::read_to_string(&meta).unwrap();
        t.lines().position(|l| l.starts_with(key)).unwrap() as u64 + 1
    };
    let first = |n: usize| gates[n - 1]["diagnostics"][0]["location"].clone();
    assert_eq!(first(15)["line"], line_of("as_of:"), "{}", first(15));
    assert_eq!(first(2)["line"], line_of("clusters:"), "{}", first(2));
    assert_ne!(first(1)["line"], 1, "not the comment");
}

#[test]
fn two_unresolved_ids_on_a_line_get_their_own_columns() {
    let (_dir, bank) = minimal();
    let q = bank.join("questions/q.yaml");
    let text = std::fs::read_to_string(&q).unwrap();
    std::fs::write(
        &q,
        format!("{text}  See [Ref: G99] and again [Ref: G99].\n"),
    )
    .unwrap();
    let (_, json, _) = check_json(&bank, &[]);
    let cols: Vec<u64> = json["banks"][0]["gates"][6]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap_or_default().contains("G99"))
        .map(|d| d["location"]["col"].as_u64().unwrap())
        .collect();
    assert_eq!(cols.len(), 2, "{}", json["banks"][0]["gates"][6]);
    assert_ne!(cols[0], cols[1]);
}

#[test]
fn files_without_a_source_line_have_rustc_shape() {
    let (dir, bank) = minimal();
    std::fs::write(bank.join("questions/z.yaml"), b"\x89PNG\0\0").unwrap();
    let (code, out, _) = run(dir.path(), &["check", "bank"]);
    assert_eq!(code, 2);
    assert!(out.contains("error[binary-file]"), "{out}");
    assert!(out.contains("--> bank/questions/z.yaml:1:5"), "{out}");
    assert!(!out.contains("= -->"), "{out}");
}

#[test]
fn smaller_commands() {
    let (dir, bank) = minimal();
    let (code, out, _) = run(&bank, &["rubric"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("# rubric in force: the built-in one"),
        "{out}"
    );
    let (code, _, _) = run(dir.path(), &["schema", "-o", "s"]);
    assert_eq!(code, 0);
    assert!(dir.path().join("s").read_dir().unwrap().count() > 0);
    let (code, out, _) = run(dir.path(), &["explain", "unknown-field"]);
    assert_eq!(code, 0);
    assert!(out.contains("diagnostic code"), "{out}");
    let (code, out, err) = run(dir.path(), &["-q", "init", "new-bank"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
}

#[test]
fn gate_8_points_at_the_empty_field() {
    let (_dir, bank) = minimal();
    let q = bank.join("questions/q.yaml");
    let text = std::fs::read_to_string(&q).unwrap();
    let text = text.replace("answer: |", "tradeoffs: \"\"\nanswer: |");
    std::fs::write(&q, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("tradeoffs:"))
        .unwrap() as u64
        + 1;
    let (_, json, _) = check_json(&bank, &[]);
    let d = json["banks"][0]["gates"][7]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap_or_default()
                .contains("the trade-offs text is a placeholder")
        })
        .cloned()
        .expect("a trade-offs finding");
    assert_eq!(d["location"]["line"], line, "{d}");
    assert_eq!(d["location"]["col"], 12, "{d}");
}

#[test]
fn qbank_toml_exclude_leaves_folders_out() {
    let (dir, _) = minimal();
    let drafts = dir.path().join("drafts/wip");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(drafts.join("bank.yaml"), "title: [unclosed\n").unwrap();
    let (code, _, _) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 2, "the broken draft is read");
    std::fs::write(dir.path().join("qbank.toml"), "exclude = [\"drafts/**\"]\n").unwrap();
    let (code, out, _) = run(dir.path(), &["check", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("drafts"), "{out}");
}

#[test]
fn markdown_suppressions_count_and_unused_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let doc = std::fs::read_to_string(fixtures().join("generate/defects.md")).unwrap();
    // The unresolved `L55` sits in Q12's key insight; the suppression goes on the line above.
    let line = doc
        .lines()
        .position(|l| l.contains("[Ref: L55, G12]"))
        .expect("the L55 line");
    let mut lines: Vec<String> = doc.lines().map(str::to_owned).collect();
    let before = lines.clone().join("\n") + "\n";
    lines.insert(
        line,
        "<!-- qbank-ignore: cross-refs -- L55 is renumbered in the next edition -->".to_owned(),
    );
    lines.push(String::new());
    lines.push("<!-- qbank-ignore: clarity -- nothing here to suppress -->".to_owned());
    let path = dir.path().join("doc.md");
    std::fs::write(dir.path().join("before.md"), before).unwrap();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let unresolved = |j: &serde_json::Value| {
        j["banks"][0]["gates"][6]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["message"].as_str().unwrap_or_default().contains("L55"))
            .count()
    };
    let (_, before, _) = check_json(&dir.path().join("before.md"), &["--as-of", "2026-11-25"]);
    assert_eq!(unresolved(&before), 1);
    let (_, json, _) = check_json(&path, &["--as-of", "2026-11-25"]);
    assert_eq!(unresolved(&json), 0, "{:#}", json["banks"][0]["gates"][6]);
    assert!(
        json["summary"]["suppressed"].as_u64().unwrap_or(0) >= 1,
        "{}",
        json["summary"]
    );
    let d = diagnostics(&json);
    assert!(
        d.iter().any(|d| d["code"] == "unused-suppression"),
        "{d:#?}"
    );
}
