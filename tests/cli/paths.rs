//! Safe paths: names that become file names are checked at load time, and every writer
//! refuses a path that would leave the folder it was given (`..`, or a symbolic link
//! out of it), with exit 2 and nothing written outside.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::copy_dir;
use crate::common::{fixtures, qbank, root};

/// Runs qbank in `dir` with `args` and returns (exit code, stdout then stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = qbank()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "qbank panicked:\n{stderr}");
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned() + &stderr,
    )
}

/// A temporary folder holding a copy of the minimal valid bank in `bank/`, and an
/// `elsewhere/` folder that no command may write into.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("valid/minimal"), &tmp.path().join("bank"));
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    (tmp, elsewhere)
}

/// Every file below `dir`, relative and sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Links `link` (created with its folders) to `target`.
#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn assert_refused(code: i32, out: &str, elsewhere: &Path) {
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("refusing to write"), "{out}");
    assert!(
        files(elsewhere).is_empty(),
        "written outside: {:?}",
        files(elsewhere)
    );
}

#[test]
fn an_unsafe_slug_stops_build_before_anything_is_written() {
    let (tmp, _) = workspace();
    let bank = tmp.path().join("bank/bank.yaml");
    let text = fs::read_to_string(&bank).unwrap();
    fs::write(&bank, text.replace("slug: fixture", "slug: ../../escaped")).unwrap();
    let before = files(tmp.path());
    let (code, out) = run(tmp.path(), &["build", "bank", "-o", "out/dist"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("bank.yaml:2:7"), "{out}");
    assert!(
        out.contains("slug `../../escaped` is not a safe name"),
        "{out}"
    );
    assert!(out.contains("use `escaped`"), "{out}");
    assert_eq!(files(tmp.path()), before, "build wrote something");

    let (code, out) = run(tmp.path(), &["render", "bank", "-o", "out/dist"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(files(tmp.path()), before, "render wrote something");
}

#[cfg(unix)]
#[test]
fn build_and_render_do_not_follow_a_link_out_of_the_output_folder() {
    let (tmp, elsewhere) = workspace();
    symlink(
        &elsewhere.join("fixture.md"),
        &tmp.path().join("out/fixture.md"),
    );
    let (code, out) = run(
        tmp.path(),
        &["build", "bank", "-o", "out", "--as-of", "2026-11-01"],
    );
    assert_refused(code, &out, &elsewhere);
    assert!(out.contains("symbolic link"), "{out}");
    // Neither of the bank's files is written when one is refused.
    assert!(!tmp.path().join("out/fixture.html").exists());

    let (code, out) = run(tmp.path(), &["render", "bank", "-o", "out"]);
    assert_refused(code, &out, &elsewhere);

    // A link to a folder inside the output folder is fine.
    fs::remove_file(tmp.path().join("out/fixture.md")).unwrap();
    fs::create_dir_all(tmp.path().join("out/real")).unwrap();
    symlink(Path::new("real"), &tmp.path().join("out/inner"));
    let (code, out) = run(tmp.path(), &["render", "bank", "-o", "out/inner"]);
    assert_eq!(code, 0, "{out}");
    assert!(tmp.path().join("out/real/fixture.md").is_file());
}

/// The shipped bank rendered to markdown, as `qbank import` reads it.
fn shipped_document() -> String {
    let o = qbank()
        .arg("render")
        .arg(root().join("content/performance-engineering"))
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn import_refuses_an_unsafe_slug_from_the_document() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = shipped_document().replace(
        r#""slug":"performance-engineering""#,
        r#""slug":"../../escaped""#,
    );
    fs::write(tmp.path().join("doc.md"), doc).unwrap();
    let (code, out) = run(tmp.path(), &["import", "doc.md", "-o", "out/bank"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("doc.md:3:1"), "{out}");
    assert!(
        out.contains("slug `../../escaped` is not a safe name"),
        "{out}"
    );
    assert!(out.contains("nothing written to out/bank"), "{out}");
    assert_eq!(files(tmp.path()), ["doc.md"], "import wrote something");
}

#[test]
fn ids_the_importer_derives_from_titles_are_safe_names() {
    let tmp = tempfile::tempdir().unwrap();
    // No qbank comments: every id comes from a title, some of them not ASCII.
    let doc: String = shipped_document()
        .lines()
        .filter(|l| !l.starts_with("<!-- qbank:"))
        .map(|l| {
            l.replace(
                "Cluster 1: Latency Optimization",
                "Cluster 1: Latenz-Optimierung für Ünïcode (§ 3/4)",
            )
            .replace(
                "# Performance Engineering",
                "# Ingénierie des performances ../..",
            )
            .replace("#### Q1:", "#### Q1: Café ../.. 測定 —")
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(tmp.path().join("doc.md"), doc).unwrap();
    let (code, out) = run(tmp.path(), &["import", "doc.md", "-o", "out"]);
    assert!(code == 0 || code == 1, "exit {code}: {out}");
    let written = files(&tmp.path().join("out"));
    assert!(
        written
            .iter()
            .any(|f| f.starts_with("questions/01-latenz-optimierung-fur-unicode-3-4/01-cafe-")),
        "{written:?}"
    );
    let slug = fs::read_to_string(tmp.path().join("out/bank.yaml")).unwrap();
    assert!(slug.contains("slug: ingenierie-des-performances"), "{slug}");
    // What the importer wrote loads: no load error (exit 2).
    let (code, out) = run(tmp.path(), &["check", "out", "--as-of", "2026-11-01"]);
    assert!(code == 0 || code == 1, "exit {code}: {out}");
}

#[cfg(unix)]
#[test]
fn packet_and_export_do_not_follow_a_link_out_of_their_folder() {
    let (tmp, elsewhere) = workspace();
    let bank = root().join("content/performance-engineering");
    let bank = bank.to_str().unwrap();
    symlink(&elsewhere, &tmp.path().join("pk/candidate.md"));
    let (code, out) = run(
        tmp.path(),
        &[
            "packet",
            bank,
            "--role",
            "sre",
            "--minutes",
            "60",
            "-o",
            "pk",
        ],
    );
    assert_refused(code, &out, &elsewhere);

    symlink(&elsewhere.join("anki.tsv"), &tmp.path().join("ex/anki.tsv"));
    let (code, out) = run(
        tmp.path(),
        &["export", bank, "--format", "anki", "-o", "ex/anki.tsv"],
    );
    assert_refused(code, &out, &elsewhere);
}

#[cfg(unix)]
#[test]
fn init_and_new_check_names_and_paths() {
    let (tmp, elsewhere) = workspace();
    let (code, out) = run(tmp.path(), &["init", "nb", "--slug", "../../up"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("slug `../../up` is not a safe name"), "{out}");
    assert!(out.contains("use `up`"), "{out}");
    assert!(!tmp.path().join("nb").exists());

    // A folder of the new bank that links elsewhere: refused before any file is written.
    symlink(&elsewhere, &tmp.path().join("nb/references"));
    let (code, out) = run(tmp.path(), &["init", "nb"]);
    assert_refused(code, &out, &elsewhere);
    assert!(!tmp.path().join("nb/bank.yaml").exists());

    let (code, out) = run(
        tmp.path(),
        &[
            "new",
            "question",
            "--bank",
            "bank",
            "--cluster",
            "latency",
            "--id",
            "../x",
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("question id `../x` is not a safe name"),
        "{out}"
    );
    assert!(out.contains("use `x`"), "{out}");
}

#[cfg(unix)]
#[test]
fn schema_man_and_pdf_outputs_stay_in_their_folder() {
    let (tmp, elsewhere) = workspace();
    symlink(
        &elsewhere.join("bank.schema.json"),
        &tmp.path().join("sc/bank.schema.json"),
    );
    let (code, out) = run(tmp.path(), &["schema", "--out", "sc"]);
    assert_refused(code, &out, &elsewhere);

    symlink(&elsewhere.join("qbank.1"), &tmp.path().join("man/qbank.1"));
    let (code, out) = run(tmp.path(), &["man", "--out", "man"]);
    assert_refused(code, &out, &elsewhere);

    // Refused before Chromium is looked for.
    symlink(&elsewhere.join("b.pdf"), &tmp.path().join("b.pdf"));
    let (code, out) = run(
        tmp.path(),
        &[
            "pdf",
            "bank",
            "-o",
            "b.pdf",
            "--chromium",
            "/nonexistent/chromium",
        ],
    );
    assert_refused(code, &out, &elsewhere);
}

#[cfg(unix)]
#[test]
fn fix_does_not_rewrite_a_file_linked_from_outside_the_bank() {
    let (tmp, elsewhere) = workspace();
    let outside = elsewhere.join("q.yaml");
    fs::rename(tmp.path().join("bank/questions/q.yaml"), &outside).unwrap();
    // A plain scalar with `: ` in it, which `qbank fix` quotes.
    let text = fs::read_to_string(&outside).unwrap().replace(
        "title: API p99 rose from 80 ms to 350 ms at 4K rps; find the bottleneck.",
        "title: API p99: rose from 80 ms to 350 ms at 4K rps; find the bottleneck.",
    );
    fs::write(&outside, &text).unwrap();
    symlink(&outside, &tmp.path().join("bank/questions/q.yaml"));
    let (code, out) = run(tmp.path(), &["fix", "bank"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("refusing to write"), "{out}");
    assert_eq!(fs::read_to_string(&outside).unwrap(), text);
    assert!(tmp.path().join("bank/questions/q.yaml").is_symlink());
}
