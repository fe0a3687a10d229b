//! Rendering: golden documents, byte stability, references resolved in the output,
//! template overrides and template errors, and `build` writing both files.

use std::collections::BTreeSet;
use std::fs;

use regex::Regex;

use crate::common::{fixtures, qbank, root};

fn render(path: &std::path::Path, extra: &[&str]) -> String {
    let out = qbank()
        .args(["render", "--as-of", "2026-11-25"])
        .arg(path)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn shipped() -> std::path::PathBuf {
    root().join("content/performance-engineering")
}

#[test]
fn shipped_bank_markdown_snapshot() {
    insta::assert_snapshot!("shipped_markdown", render(&shipped(), &[]));
}

/// The builder's bank (25 questions built in code, passing all twenty gates).
#[test]
fn small_bank_markdown_snapshot() {
    let bank = crate::bank::Bank::passing().write();
    insta::assert_snapshot!("small_markdown", render(&bank.root, &[]));
}

#[test]
fn the_same_input_renders_the_same_bytes() {
    assert_eq!(render(&shipped(), &[]), render(&shipped(), &[]));
    assert_eq!(
        render(&shipped(), &["--format", "html"]),
        render(&shipped(), &["--format", "html"])
    );
}

#[test]
fn every_reference_used_in_the_text_is_in_the_references_section() {
    let doc = render(&shipped(), &[]);
    let (body, refs) = doc
        .split_once("\n## References\n")
        .expect("a References section");
    let refs = refs.split("\n## Validation Results").next().unwrap();
    let used_ids: BTreeSet<String> =
        Regex::new(r"\[(?:Ref:\s*)?((?:[GTLA]\d+)(?:\s*,\s*[GTLA]\d+)*)\]")
            .unwrap()
            .captures_iter(body)
            .flat_map(|c| {
                c[1].split(',')
                    .map(|s| s.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
    assert!(used_ids.len() > 50, "found {} ids", used_ids.len());
    let defined: BTreeSet<String> = Regex::new(r"(?m)^\*\*([GTLA]\d+)\.")
        .unwrap()
        .captures_iter(refs)
        .map(|c| c[1].to_owned())
        .collect();
    let missing: Vec<&String> = used_ids.difference(&defined).collect();
    assert!(
        missing.is_empty(),
        "cited but not in References: {missing:?}"
    );
    // [G: Term] uses name a glossary term or alias that the References list.
    let glossary = refs.split("### Tools").next().unwrap().to_lowercase();
    for c in Regex::new(r"\[G:\s*([^\]]+)\]")
        .unwrap()
        .captures_iter(body)
    {
        let term = c[1].trim().to_lowercase();
        let yaml = fs::read_to_string(shipped().join("references/glossary.yaml"))
            .unwrap()
            .to_lowercase();
        assert!(
            glossary.contains(&term) || yaml.contains(&term),
            "[G: {term}] is not in the glossary"
        );
    }
}

#[test]
fn no_trailing_spaces_but_line_breaks_and_single_blank_lines() {
    let doc = render(&shipped(), &[]);
    let mut in_code = false;
    let mut blank = 0;
    for (i, line) in doc.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code {
            let trailing = line.len() - line.trim_end().len();
            assert!(
                trailing == 0 || trailing == 2,
                "line {}: {trailing} trailing spaces: {line:?}",
                i + 1
            );
            blank = if line.is_empty() { blank + 1 } else { 0 };
            assert!(blank < 2, "line {}: two blank lines in a row", i + 1);
        }
    }
    assert!(doc.ends_with('\n') && !doc.ends_with("\n\n"));
}

#[test]
fn templates_can_be_overridden_one_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let builtin = fs::read_to_string(root().join("templates/question.md.j2")).unwrap();
    fs::write(
        tmp.path().join("question.md.j2"),
        builtin.replace("**Key Insight**", "**Takeaway**"),
    )
    .unwrap();
    let doc = render(&shipped(), &["--templates", tmp.path().to_str().unwrap()]);
    assert!(doc.contains("**Takeaway**") && !doc.contains("**Key Insight**"));
    assert!(
        doc.contains("## Validation Results"),
        "document.md.j2 still comes from the binary"
    );
}

#[test]
fn a_template_error_names_the_template_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("question.md.j2"),
        "#### Q{{ q.number }}\n\n{{ q.no_such_field }}\n",
    )
    .unwrap();
    let out = qbank()
        .env("NO_COLOR", "1")
        .args(["render", "--templates"])
        .arg(tmp.path())
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("question.md.j2:3:"), "{err}");
    assert!(err.contains("error[template]"), "{err}");
}

#[test]
fn build_writes_markdown_and_html_into_the_named_folder_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("site");
    let out = qbank()
        .args(["build", "--as-of", "2026-11-25", "-o"])
        .arg(&out_dir)
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let mut names: Vec<String> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["performance-engineering.html", "performance-engineering.md"],
        "no temporary files left behind"
    );
    let md = fs::read_to_string(out_dir.join("performance-engineering.md")).unwrap();
    assert_eq!(
        md,
        render(&shipped(), &[]),
        "build and render give the same document"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("| 20 | Self-Review"),
        "build prints the table"
    );
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing written beside the output folder"
    );
}

#[test]
fn build_exits_like_check() {
    let tmp = tempfile::tempdir().unwrap();
    let code = |p: &std::path::Path| {
        qbank()
            .args(["build", "-o"])
            .arg(tmp.path())
            .arg(p)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&fixtures().join("valid/minimal")), Some(1));
    assert_eq!(code(&fixtures().join("invalid/unknown-field")), Some(2));
}

/// The page's `<main>`: everything but the head (stylesheet) and the vendored scripts.
fn main_of(page: &str) -> &str {
    let start = page.find("<main>").expect("a <main>");
    let end = page.find("</main>").expect("a </main>") + "</main>".len();
    &page[start..end]
}

/// The page rendered from the builder's bank through `page.html.j2`.
#[test]
fn small_bank_page_snapshot() {
    let bank = crate::bank::Bank::passing().write();
    let page = render(&bank.root, &["--format", "html"]);
    insta::assert_snapshot!("small_page", main_of(&page));
}

#[test]
fn the_page_comes_from_the_model_with_question_ids_links_and_badges() {
    let page = render(&shipped(), &["--format", "html"]);
    let main = main_of(&page);
    // Question headings take their ids from the question ids; GitHub's slug stays inside.
    assert!(
        main.contains(r#"<h4 id="q-api-percentile-gap-measurement"><a id="q1-an-orders-api-"#),
        "question id"
    );
    // A title's inline markdown shows as the markdown shows it (code, not backticks).
    assert!(
        main.contains("you use <code>pg_stat_statements</code> and request traces"),
        "inline code in a question title"
    );
    // References link to their entries, which carry the ids.
    assert!(main.contains(r##"[Ref: <a href="#ref-g1">G1</a>"##));
    assert!(main.contains(r#"id="ref-g1""#) && main.contains(r#"<a id="ref-t1"></a>"#));
    // Glossary parts on lines of their own; metric headers without template slots.
    assert!(main.contains(r#"<br><strong class="entry-label">Formula:</strong>"#));
    assert!(main.contains("<th>Formula</th>") && !main.contains("[G: ID]"));
    // Status badges, a label and colours on code, diagrams as mermaid blocks.
    assert!(main.contains(r#"<span class="status status-pass">PASS</span>"#));
    assert!(main.contains(r#"<pre data-lang="bash"><code class="language-bash"><span class="hl-"#));
    assert_eq!(
        main.matches(r#"<pre class="mermaid">"#).count(),
        render(&shipped(), &[]).matches("```mermaid").count()
    );
    // A requirement opening with `>=` is text, not a quote.
    assert!(
        main.contains("<td>&gt;=1 risk per intermediate, advanced Q&amp;A"),
        "no blockquote"
    );
    assert!(!main.contains("<blockquote>"));
    // Offline: the CSP and the inline scripts only.
    assert!(page.contains("Content-Security-Policy"));
    assert!(!page.contains("<script src") && !page.contains("<link"));
}

#[test]
fn page_templates_can_be_overridden_and_the_markdown_stays_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let builtin = fs::read_to_string(root().join("templates/page.html.j2")).unwrap();
    fs::write(
        tmp.path().join("page.html.j2"),
        builtin.replace(
            "<h5 class=\"field-label\">Answer</h5>",
            "<h5 class=\"field-label\">Model answer</h5>",
        ),
    )
    .unwrap();
    fs::write(tmp.path().join("page.css"), "body { color: #123456; }\n").unwrap();
    let dir = tmp.path().to_str().unwrap();
    let page = render(&shipped(), &["--format", "html", "--templates", dir]);
    assert!(page.contains(">Model answer</h5>") && !page.contains(">Answer</h5>"));
    assert!(page.contains("body { color: #123456; }") && !page.contains(".hl-keyword"));
    // The markdown does not use the page's templates.
    assert_eq!(
        render(&shipped(), &["--templates", dir]),
        render(&shipped(), &[])
    );
}

#[test]
fn a_page_template_error_names_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("page.html.j2"), "<html>\n{{ doc.nope }}\n").unwrap();
    let out = qbank()
        .env("NO_COLOR", "1")
        .args(["render", "--format", "html", "--templates"])
        .arg(tmp.path())
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("page.html.j2:2:"), "{err}");
}

/// Markdown inside a bank's fields reaches the page through ammonia: no script, handler,
/// `javascript:` or `data:` link, SVG or MathML payload survives, in an answer or
/// a title.
#[test]
fn the_page_neutralises_markup_in_the_banks_fields() {
    let bank = crate::bank::Bank::passing()
        .question(0, |q| {
            let answer = q.str("answer").to_owned();
            q.answer(&format!(
                "{answer}\n\nLinks [j](javascript:alert(3)) [d](data:text/html;base64,PHNjcmlwdD4=) \
                 <img src=x onerror=alert(2)>\n\n<script>alert(1)</script>\n\n\
                 <svg onload=\"alert(4)\"></svg><math><mtext><style><img src=x onerror=alert(5)></style></mtext></math>\n"
            ));
            q.replace("title", "Dashboards", "<b onmouseover=\"alert(6)\">Dashboards</b>");
        })
        .write();
    let page = render(&bank.root, &["--format", "html"]);
    let main = main_of(&page).to_ascii_lowercase();
    for bad in [
        "<script",
        "onerror=",
        "onload=",
        "onmouseover=",
        "javascript:",
        "data:text",
        "<svg",
        "<math",
        "<style",
        "alert(",
    ] {
        let at = main
            .find(bad)
            .map(|i| &main[i.saturating_sub(200)..(i + 100).min(main.len())]);
        assert!(at.is_none(), "{bad} on the page: {at:?}");
    }
    assert!(main.contains("<b>dashboards</b>"), "safe markup stays");
}
