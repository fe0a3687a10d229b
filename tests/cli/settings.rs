//! One resolved Settings for every command: a repository with a qbank.toml, run through
//! every command that loads banks, must give the same banks, the same waived findings and
//! the same exit-code rule everywhere.

use std::path::{Path, PathBuf};

use crate::common::{check_json, copy_dir, qbank, root};

/// A content repository: `banks/perf` (the shipped bank with one question's trade-offs
/// replaced by a placeholder, so gate 8 FAILs with one finding) and `drafts/broken` (a
/// bank whose bank.yaml does not parse).
fn repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let base = tmp.path().to_path_buf();
    copy_dir(
        &root().join("content/performance-engineering"),
        &base.join("banks/perf"),
    );
    copy_dir(
        &root().join("content/performance-engineering"),
        &base.join("drafts/broken"),
    );
    let meta = base.join("drafts/broken/bank.yaml");
    let mut text = std::fs::read_to_string(&meta).expect("reads");
    text.push_str("slug: [\n");
    std::fs::write(&meta, text).expect("writes");
    let q = tradeoffs_question(&base);
    let text = std::fs::read_to_string(&q).expect("reads");
    let mut out = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with("tradeoffs:") {
            out.push("tradeoffs: \"TODO: the trade-offs\"".to_owned());
            skipping = true;
            continue;
        }
        if skipping && (line.starts_with("  ") || line.is_empty()) {
            continue;
        }
        skipping = false;
        out.push(line.to_owned());
    }
    std::fs::write(&q, out.join("\n") + "\n").expect("writes");
    (tmp, base)
}

fn tradeoffs_question(base: &Path) -> PathBuf {
    base.join("banks/perf/questions/01-latency/01-percentile-gap-measurement.yaml")
}

fn toml(base: &Path, text: &str) {
    std::fs::write(base.join("qbank.toml"), text).expect("writes qbank.toml");
}

/// Runs `qbank ARGS` in `base`, returning (exit code, stdout, stderr).
fn run(base: &Path, args: &[&str]) -> (i32, String, String) {
    let out = qbank()
        .current_dir(base)
        .args(args)
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "qbank panicked:\n{stderr}");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

/// The commands that load banks under a folder, each with the exit code it gives when
/// every bank loads and (for the gating ones) no gate fails. `build` writes to a folder
/// of its own.
fn commands(dist: &str) -> Vec<(Vec<String>, bool)> {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    vec![
        (s(&["check", "."]), true),
        (s(&["build", ".", "-o", dist]), true),
        (s(&["render", ".", "-o", dist]), false),
        (s(&["stats", "."]), false),
        (s(&["links", ".", "--offline"]), false),
    ]
}

#[test]
fn exclude_leaves_the_broken_bank_out_of_every_command() {
    let (_tmp, base) = repo();
    // Without the setting, every command loads the broken bank and exits 2.
    for (args, _) in commands("out") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if args[0] == "links" {
            continue; // links reads link lists; a bank that does not load is a problem there too
        }
        let (code, _, err) = run(&base, &args);
        assert_eq!(code, 2, "{args:?} without exclude: {err}");
    }
    toml(
        &base,
        "exclude = [\"drafts/**\"]\nignore = [\"tradeoffs\", \"17\"]\n",
    );
    for (args, _) in commands("out") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = run(&base, &args);
        assert_eq!(code, 0, "{args:?} with exclude and ignore:\n{out}\n{err}");
        assert!(
            !out.contains("drafts") && !err.contains("drafts"),
            "{args:?} read the excluded bank:\n{out}\n{err}"
        );
    }
    // packet and export read the one bank left.
    for args in [
        vec!["packet", "banks/perf", "--role", "sre", "-o", "packet"],
        vec!["export", "banks/perf", "--format", "anki"],
    ] {
        let (code, _, err) = run(&base, &args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    // A path named explicitly that `exclude` leaves out: an error, not a silent pass.
    for cmd in ["check", "build", "stats", "render", "links", "fix", "pdf"] {
        let (code, _, err) = run(&base, &[cmd, "drafts/broken"]);
        assert_eq!(code, 2, "{cmd} drafts/broken: {err}");
        assert!(err.contains("excluded") || err.contains("exclude"), "{err}");
    }
}

#[test]
fn ignore_select_and_suppressions_waive_the_same_gate_in_check_build_and_watch_runs() {
    let (_tmp, base) = repo();
    toml(&base, "exclude = [\"drafts/**\"]\n");
    // The placeholder fails gate 8 in check and build alike.
    for args in [vec!["check", "."], vec!["build", ".", "-o", "out"]] {
        let (code, _, _) = run(&base, &args);
        assert_eq!(code, 1, "{args:?}");
    }
    let waivers: Vec<(&str, Vec<&str>)> = vec![
        (
            "exclude = [\"drafts/**\"]\nignore = [\"tradeoffs\"]\n",
            vec![],
        ),
        ("exclude = [\"drafts/**\"]\nignore = [\"8\"]\n", vec![]),
        (
            "exclude = [\"drafts/**\"]\nselect = [\"1\", \"2\", \"3\"]\n",
            vec![],
        ),
        (
            "exclude = [\"drafts/**\"]\n",
            vec!["--ignore", "trade-offs"],
        ),
    ];
    for (file, flags) in waivers {
        toml(&base, file);
        for cmd in [vec!["check", "."], vec!["build", ".", "-o", "out"]] {
            let mut args = cmd.clone();
            args.extend(flags.iter().copied());
            let (code, out, err) = run(&base, &args);
            assert_eq!(code, 0, "{file} {args:?}:\n{out}\n{err}");
        }
        let mut args = vec!["check", ".", "--format", "json"];
        args.extend(flags.iter().copied());
        let (_, out, _) = run(&base, &args);
        let json: serde_json::Value = serde_json::from_str(&out).expect("json");
        let gate8 = &json["banks"][0]["gates"][7];
        assert_eq!(gate8["number"], 8);
        assert!(
            gate8["waived"].as_str().is_some_and(|w| !w.is_empty()),
            "gate 8 is marked waived in JSON: {gate8}"
        );
    }
    // An inline suppression waives it in check and build alike.
    toml(&base, "exclude = [\"drafts/**\"]\n");
    let q = tradeoffs_question(&base);
    let text = std::fs::read_to_string(&q).expect("reads").replace(
        "tradeoffs: \"TODO",
        "# qbank-ignore: tradeoffs -- rewritten in the next commit\ntradeoffs: \"TODO",
    );
    std::fs::write(&q, text).expect("writes");
    for args in [vec!["check", "."], vec!["build", ".", "-o", "out"]] {
        let (code, out, err) = run(&base, &args);
        assert_eq!(code, 0, "{args:?} with a suppression:\n{out}\n{err}");
    }
}

#[test]
fn an_invalid_qbank_toml_is_an_error_for_every_command() {
    let (_tmp, base) = repo();
    toml(&base, "ignore = [\"clarty\"]\n");
    for args in [
        vec!["check", "."],
        vec!["build", ".", "-o", "out"],
        vec!["render", ".", "-o", "out"],
        vec!["stats", "."],
        vec!["links", ".", "--offline"],
        vec!["packet", "banks/perf", "--role", "sre"],
        vec!["export", "banks/perf", "--format", "anki"],
        vec!["fix", "."],
        vec!["pdf", "banks/perf"],
        vec!["pdf", "note.md"],
        vec!["import", "note.md", "-o", "imported"],
        vec!["prompt"],
        vec!["prompt", "--bank", "banks/perf"],
        vec!["repair", "note.md"],
        vec!["compare", "note.md"],
        vec!["merge", "report.json"],
        vec!["watch", "banks/perf"],
        vec!["generate", "-o", "gen", "--model", "gpt-4o"],
    ] {
        std::fs::write(base.join("note.md"), "# A note\n\nText.\n").expect("writes");
        std::fs::write(base.join("report.json"), "{}").expect("writes");
        let (code, _, err) = run(&base, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("did you mean `clarity`"), "{args:?}: {err}");
        assert!(err.contains("qbank.toml"), "{args:?} names the file: {err}");
    }
    toml(&base, "ignore = [\n");
    for args in [vec!["build", ".", "-o", "out"], vec!["stats", "."]] {
        let (code, _, err) = run(&base, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("qbank.toml:"), "{args:?}: {err}");
    }
}

#[test]
fn show_settings_says_where_each_value_came_from_in_every_command() {
    let (_tmp, base) = repo();
    toml(&base, "exclude = [\"drafts/**\"]\nignore = [\"clarity\"]\n");
    std::fs::write(base.join("note.md"), "# A note\n\nText.\n").expect("writes");
    let commands: [&[&str]; 12] = [
        &["check", "."],
        &["build", "."],
        &["stats", "."],
        &["render", "."],
        &["links", "."],
        &["prompt"],
        &["prompt", "--bank", "banks/perf"],
        &["repair", "note.md"],
        &["compare", "note.md"],
        &["merge", "none.json"],
        &["generate", "-o", "gen", "--model", "gpt-4o"],
        &["fix", "."],
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        args.extend(["--show-settings", "--ignore", "17", "--select", "1,2"]);
        let (code, out, err) = run(&base, &args);
        assert_eq!(code, 0, "{cmd:?}: {err}");
        assert!(
            out.contains("ignore         = clarity, 17    # from qbank.toml and --ignore"),
            "{cmd:?}:\n{out}"
        );
        assert!(
            out.contains("select         = 1, 2    # from --select"),
            "{cmd:?}:\n{out}"
        );
        assert!(
            out.contains("exclude        = drafts/**    # from qbank.toml"),
            "{cmd:?}:\n{out}"
        );
    }
}

#[test]
fn gate_names_and_numbers_resolve_against_the_rubric_in_force() {
    let (_tmp, base) = repo();
    toml(&base, "exclude = [\"drafts/**\"]\n");
    let rubric = "performance-minimal";
    let (_, json, _) = check_json(&base.join("banks"), &["--rubric", rubric]);
    let gates = json["banks"][0]["gates"].as_array().expect("gates").clone();
    let clarity = gates
        .iter()
        .find(|g| g["name"] == "clarity")
        .expect("performance-minimal has a clarity gate");
    let n = clarity["number"].as_u64().expect("number");
    assert_ne!(n, 19);
    let (_, json, _) = check_json(
        &base.join("banks"),
        &["--rubric", rubric, "--ignore", "clarity"],
    );
    let g = &json["banks"][0]["gates"][n as usize - 1];
    assert_eq!(g["name"], "clarity");
    assert!(g["waived"].is_string(), "{g}");
    // A gate only the other rubric has is accepted under it.
    let (code, out, err) = run(
        &base,
        &["gates", "--rubric", "quality-engineering", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).expect("json");
    let own = list
        .as_array()
        .expect("list")
        .iter()
        .map(|g| g["name"].as_str().unwrap_or_default().to_owned())
        .find(|n| {
            !["quantity", "clarity", "citations"].contains(&n.as_str())
                && qbank()
                    .args(["explain", n])
                    .output()
                    .is_ok_and(|o| !o.status.success())
        })
        .expect("a gate the built-in rubric lacks");
    let (code, _, err) = run(
        &base,
        &[
            "check",
            "banks",
            "--rubric",
            "quality-engineering",
            "--ignore",
            &own,
        ],
    );
    assert_ne!(code, 2, "--ignore {own} under its rubric: {err}");
    // explain follows the rubric: gate n of performance-minimal is clarity.
    let (code, out, _) = run(&base, &["explain", &n.to_string(), "--rubric", rubric]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!("# {n}. Clarity")),
        "explain {n} --rubric {rubric}:\n{out}"
    );
}

#[test]
fn every_registered_code_can_be_selected_ignored_suppressed_and_explained() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let doc = tmp.path().join("doc.md");
    for code in qbank::codes::Code::ALL {
        let name = code.name();
        let o = qbank().args(["explain", name]).output().expect("runs");
        assert!(o.status.success(), "explain {name}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains(&format!("`{name}`")),
            "explain {name}"
        );
        for flag in ["--ignore", "--select"] {
            let o = qbank()
                .current_dir(tmp.path())
                .args(["check", ".", "--show-settings", flag, name])
                .output()
                .expect("runs");
            assert!(
                o.status.success(),
                "{flag} {name}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::fs::write(
            &doc,
            format!("# A document\n\n<!-- qbank-ignore: {name} -- a reason -->\nText.\n"),
        )
        .expect("writes");
        let (_, json, _) = check_json(&doc, &[]);
        let bad = crate::common::diagnostics(&json)
            .into_iter()
            .filter(|d| d["code"] == "bad-suppression")
            .count();
        assert_eq!(bad, 0, "a suppression naming {name} is refused: {json}");
    }
}

#[test]
fn a_clean_file_checked_alone_passes_while_its_bank_fails_elsewhere() {
    let (_tmp, base) = repo();
    toml(&base, "exclude = [\"drafts/**\"]\nignore = [\"17\"]\n");
    // The bank fails gate 8 because of question 1; question 2 is clean.
    let (code, _, _) = run(&base, &["check", "banks/perf"]);
    assert_eq!(code, 1);
    let clean = "banks/perf/questions/01-latency/02-event-loop-blocking.yaml";
    let (code, out, err) = run(&base, &["check", clean]);
    assert_eq!(code, 0, "{out}\n{err}");
    let dirty = "banks/perf/questions/01-latency/01-percentile-gap-measurement.yaml";
    let (code, _, _) = run(&base, &["check", dirty]);
    assert_eq!(code, 1);
}

#[test]
fn commands_run_from_inside_a_bank_find_it() {
    let (_tmp, base) = repo();
    toml(
        &base,
        "exclude = [\"drafts/**\"]\nignore = [\"tradeoffs\", \"17\"]\n",
    );
    let inside = base.join("banks/perf/questions");
    for args in [
        vec!["check"],
        vec!["stats"],
        vec!["packet", "--role", "sre", "-o", "../../../packet"],
    ] {
        let (code, out, err) = run(&inside, &args);
        assert_eq!(code, 0, "{args:?} inside a bank:\n{out}\n{err}");
    }
}

#[test]
fn two_banks_with_one_slug_are_an_error_and_nothing_is_overwritten() {
    let (_tmp, base) = repo();
    copy_dir(&base.join("banks/perf"), &base.join("banks/copy"));
    toml(
        &base,
        "exclude = [\"drafts/**\"]\nignore = [\"tradeoffs\", \"17\"]\n",
    );
    let (code, out, err) = run(&base, &["build", "banks", "-o", "out"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.contains("duplicate-slug"), "{out}");
    assert!(
        out.contains("banks/copy/bank.yaml") && out.contains("banks/perf/bank.yaml"),
        "{out}"
    );
    assert!(!base.join("out/performance-engineering.md").exists());
}

#[test]
fn init_refuses_a_folder_name_that_gives_no_slug() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (code, _, err) = run(tmp.path(), &["init", "题库"]);
    assert_eq!(code, 2);
    assert!(err.contains("--slug"), "{err}");
    assert!(!tmp.path().join("题库/bank.yaml").exists());
    let (code, _, err) = run(tmp.path(), &["init", "题库", "--slug", "interview-bank"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn every_problem_of_every_file_is_reported_in_one_run_once() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (code, _, err) = run(tmp.path(), &["init", "b"]);
    assert_eq!(code, 0, "{err}");
    let q = tmp
        .path()
        .join("b/questions/01-latency/01-latency-todo-1.yaml");
    let q2 = tmp
        .path()
        .join("b/questions/02-throughput/01-throughput-todo-1.yaml");
    let text = std::fs::read_to_string(&q)
        .expect("reads")
        .replace("difficulty: foundational", "difficulty: foundationl")
        .replace("methods: [profiling]", "methds: [profiling]")
        .replace("dimensions: [latency]", "dimensions: latency");
    std::fs::write(&q, text).expect("writes");
    let text = std::fs::read_to_string(&q2)
        .expect("reads")
        .replace("id: throughput-todo-1", "id: latency-todo-1");
    std::fs::write(&q2, text).expect("writes");
    // A symlink loop inside the bank: reported once, by the bank.
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", tmp.path().join("b/questions/loop")).expect("links");
    let (code, json, _) = check_json(tmp.path(), &[]);
    assert_eq!(code, 2);
    let codes: Vec<String> = crate::common::diagnostics(&json)
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    for wanted in [
        "invalid-value",
        "unknown-field",
        "invalid-type",
        "duplicate-id",
    ] {
        assert_eq!(
            codes.iter().filter(|c| *c == wanted).count(),
            1,
            "{wanted} once in {codes:?}"
        );
    }
    #[cfg(unix)]
    assert_eq!(
        codes.iter().filter(|c| *c == "symlink-loop").count(),
        1,
        "{codes:?}"
    );
}

#[test]
fn check_dir_reads_the_question_documents_beside_the_banks_and_not_a_readme() {
    let (_tmp, base) = repo();
    toml(&base, "exclude = [\"drafts/**\"]\n");
    std::fs::copy(
        root().join("tests/fixtures/import/defects.md"),
        base.join("banks/model-draft.md"),
    )
    .expect("copies");
    std::fs::write(
        base.join("banks/README.md"),
        "# Banks\n\n## 1. How to add one\n\nRun `qbank init`.\n\n## 2. How to check\n\nRun `qbank check`.\n",
    )
    .expect("writes");
    let (_, json, _) = check_json(&base.join("banks"), &[]);
    let paths: Vec<String> = json["banks"]
        .as_array()
        .expect("banks")
        .iter()
        .map(|b| b["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("model-draft.md")),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.ends_with("README.md")), "{paths:?}");
    // A bank's own render (what `build` writes) is that bank's output, not an input.
    std::fs::copy(
        root().join("tests/fixtures/generate/repaired.md"),
        base.join("banks/performance-engineering.md"),
    )
    .expect("copies");
    let (_, json, _) = check_json(&base.join("banks"), &[]);
    assert_eq!(json["banks"].as_array().map(Vec::len), Some(2));
    // A folder holding neither a bank nor a document is still an error.
    let empty = base.join("notes");
    std::fs::create_dir_all(&empty).expect("mkdir");
    std::fs::write(empty.join("README.md"), "# Notes\n").expect("writes");
    let (code, _, err) = run(&base, &["check", "notes"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn prompt_and_merge_apply_the_selection_in_force() {
    let (_tmp, base) = repo();
    toml(
        &base,
        "exclude = [\"drafts/**\"]\nignore = [\"link-accessibility\"]\n",
    );
    // The prompt asks for what the repository's check measures: gate 17 is listed as not
    // checked, not as a row that must PASS.
    let (code, out, err) = run(&base, &["prompt"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Not checked in this repository")
            && out.contains("17 Link Accessibility (ignored)"),
        "{out}"
    );
    assert!(!out.contains("| 17 | **Link Accessibility**"), "{out}");
    let (code, out, err) = run(&base, &["prompt", "--select", "1,2"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("| 2 | **") && !out.contains("| 3 | **"),
        "{out}"
    );
    assert!(out.contains("(not selected)"), "{out}");
    // merge: shards measured without a selection; the merged report waives gate 8 when
    // asked, and exits as the unsharded check would.
    std::fs::remove_file(base.join("qbank.toml")).expect("removes");
    toml(&base, "exclude = [\"drafts/**\"]\n");
    let (code, shard, err) = run(&base, &["check", ".", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    std::fs::write(base.join("shard.json"), shard).expect("writes");
    let (code, _, err) = run(&base, &["merge", "shard.json"]);
    assert_eq!(code, 1, "{err}");
    let (code, out, err) = run(
        &base,
        &[
            "merge",
            "shard.json",
            "--ignore",
            "tradeoffs",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(
        json["banks"][0]["gates"][7]["waived"]
            .as_str()
            .is_some_and(|w| w.contains("ignored")),
        "{out}"
    );
    let (code, _, err) = run(
        &base,
        &["merge", "shard.json", "--rubric", "performance-minimal"],
    );
    assert_eq!(code, 2, "{err}");
}
