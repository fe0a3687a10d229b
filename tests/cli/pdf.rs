//! `qbank pdf`, `build --pdf` and `packet --pdf` without a browser: a missing Chromium is
//! exit 2 with the install command and nothing written; bad options are usage errors.
//! (Printing itself runs in tests/pdf/run.sh, which installs Chromium.)

use std::path::PathBuf;

use crate::common::{qbank, root};

fn shipped() -> PathBuf {
    root().join("content/performance-engineering")
}

fn no_chromium(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env("QBANK_CHROMIUM", "/nonexistent/chromium")
}

#[test]
fn a_missing_chromium_is_exit_2_with_the_install_command() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("notes.md");
    std::fs::write(&md, "# Notes\n\n```mermaid\nflowchart TD\n  A --> B\n```\n").unwrap();
    let out = dir.path().join("notes.pdf");
    let o = no_chromium(&mut qbank())
        .arg("pdf")
        .arg(&md)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("/nonexistent/chromium does not exist"),
        "{err}"
    );
    assert!(err.contains("apt-get install chromium"), "{err}");
    assert!(!out.exists());

    let dist = dir.path().join("dist");
    let o = no_chromium(&mut qbank())
        .args(["build", "--pdf", "-q", "-o"])
        .arg(&dist)
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // `build` prints its problems with the validation report, on standard output.
    let all = String::from_utf8(o.stdout).unwrap() + &String::from_utf8(o.stderr).unwrap();
    assert!(all.contains("error[pdf]: no Chromium"), "{all}");
    assert!(all.contains("apt-get install chromium"), "{all}");
    assert!(!dist.join("performance-engineering.pdf").exists());
    // The markdown and HTML are still written: only the PDF needs the browser.
    assert!(dist.join("performance-engineering.md").exists());

    let packet = dir.path().join("packet");
    let o = no_chromium(&mut qbank())
        .args(["packet", "--role", "sre", "--minutes", "60", "--pdf", "-o"])
        .arg(&packet)
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!packet.join("candidate.pdf").exists());
}

#[test]
fn bad_print_options_are_usage_errors() {
    let o = qbank()
        .args(["pdf", "x.md", "--margin", "18px"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("is not a margin"), "{err}");
    let o = qbank()
        .args(["pdf", "x.md", "--paper", "a5"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = qbank().args(["pdf", "missing.md"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn stats_shows_roles_by_difficulty_and_warns_on_short_roles() {
    let o = qbank().arg("stats").arg(shipped()).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("role \\ difficulty     foundational  intermediate      advanced         total  60-minute packet"),
        "{text}"
    );
    let err = String::from_utf8(o.stderr).unwrap();
    // Every "no" row has its warning with a budget or mix that works, and no other.
    for line in text.lines().filter(|l| l.ends_with("  no")) {
        let role = line.split_whitespace().next().unwrap();
        assert!(
            err.contains(&format!("role `{role}` cannot fill a 60-minute packet")),
            "{role}: {err}"
        );
    }
    let noes = text.lines().filter(|l| l.ends_with("  no")).count();
    assert_eq!(err.matches("cannot fill").count(), noes, "{err}");
    assert_eq!(err.matches("nearest that works").count(), noes, "{err}");
    let o = qbank()
        .arg("stats")
        .arg("--json")
        .arg(shipped())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = json["banks"][0]["role_difficulty"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        let counts: u64 = r["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(counts, r["total"].as_u64().unwrap());
        assert_eq!(
            r["fills_packet"].as_bool().unwrap(),
            r.get("shortfall").is_none()
        );
    }
}
