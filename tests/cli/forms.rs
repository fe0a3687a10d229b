//! Every question form the importer reads, each from a fixture document in
//! tests/fixtures/import/forms: how many questions and fields it recognises, the
//! questions a stray fence swallows, the import report, and no panic on any truncation.

use std::path::{Path, PathBuf};

use qbank::import::{self, Imported};
use qbank::model::Difficulty;

use super::common::{check_json, fixtures, qbank};

fn form_path(name: &str) -> PathBuf {
    fixtures().join("import/forms").join(name)
}

fn form(name: &str) -> Imported {
    import::import_file(&form_path(name), None)
}

/// One recognised question as the tests compare it.
#[derive(Debug, PartialEq)]
struct Seen {
    title: String,
    difficulty: Difficulty,
    dimensions: Vec<String>,
    phases: Vec<String>,
    key_insight: bool,
    answer_words: usize,
}

fn seen(i: &Imported) -> Vec<Seen> {
    let bank = i.bank.as_ref().expect("the document imports");
    bank.questions
        .iter()
        .map(|q| Seen {
            title: q.title.value.clone(),
            difficulty: q.difficulty.value,
            dimensions: q.dimensions.iter().map(|d| d.value.clone()).collect(),
            phases: q.phases.iter().map(|p| p.value.clone()).collect(),
            key_insight: q.key_insight.is_some(),
            answer_words: q.answer.value.split_whitespace().count(),
        })
        .collect()
}

/// Codes of the import's own findings (the bank checks of a complete question are none).
fn problems(i: &Imported) -> Vec<String> {
    i.diagnostics
        .iter()
        .filter(|d| d.is_error() || d.code == "unrecognised" || d.code == "question-number")
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

/// Every question complete: a difficulty that was written (no `missing-field`), at
/// least one dimension and phase, and an answer.
fn assert_complete(i: &Imported, questions: usize) {
    assert_eq!(i.recognition.questions, questions, "{:#?}", i.recognition);
    assert!(i.recognition.missed.is_empty(), "{:#?}", i.recognition);
    assert_eq!(problems(i), Vec::<String>::new());
    for q in seen(i) {
        assert!(!q.dimensions.is_empty() && !q.phases.is_empty(), "{q:?}");
        assert!(q.answer_words >= 8, "{q:?}");
        assert!(!q.title.is_empty() && !q.title.contains("**"), "{q:?}");
    }
}

#[test]
fn question_headings_at_every_level_and_each_marker() {
    let i = form("headings.md");
    assert_complete(&i, 5);
    let s = seen(&i);
    let titles: Vec<&str> = s.iter().map(|q| q.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "How do you choose a cache eviction policy for a read-heavy catalogue service?",
            "What does a p99 latency budget mean for a request that fans out to ten backends?",
            "Why is a connection pool sized from the database's capacity rather than the caller's threads?",
            "How do you tell CPU saturation from lock contention in a flame graph?",
            "When does batching writes hurt latency?",
        ]
    );
    // `**Difficulty:**` with the colon inside the bold, and a multi-valued field.
    assert_eq!(s[0].difficulty, Difficulty::Advanced);
    assert_eq!(s[0].dimensions, ["latency", "throughput"]);
    assert_eq!(s[0].phases, ["optimize"]);
}

#[test]
fn bold_paragraph_questions() {
    let i = form("bold-paragraphs.md");
    assert_complete(&i, 4);
    let s = seen(&i);
    // The bold runs over the whole question, dollar amounts and all.
    assert!(
        s[0].title
            .starts_with("A Layer 1 protocol charges $0.50 per transfer")
    );
    assert!(s[0].title.ends_with("pay for its integration cost?"));
    assert_eq!(
        s[1].title,
        "What makes an idempotency key safe to retry with?"
    );
    assert_eq!(
        s[2].title,
        "How would you roll out a schema change to a table that serves live traffic?"
    );
    // A bold question over two lines, its fields on the next line of the paragraph.
    assert!(
        s[3].title
            .contains("add consumers rather than\nfix a slow handler?")
    );
    assert_eq!(s[3].difficulty, Difficulty::Intermediate);
    assert_eq!(s[3].phases, ["measure"]);
}

#[test]
fn numbered_questions_without_headings() {
    let i = form("numbered.md");
    assert_complete(&i, 5);
    let s = seen(&i);
    assert_eq!(
        s[1].title,
        "Why does Little's law matter when sizing a thread pool?"
    );
    assert_eq!(
        s[2].title,
        "How do you find which query makes a database slow?"
    );
    assert_eq!(
        s[3].title,
        "What does a cold start cost a serverless function?"
    );
    assert_eq!(s[4].difficulty, Difficulty::Advanced);
}

#[test]
fn fields_written_as_headings() {
    let i = form("heading-fields.md");
    assert_complete(&i, 2);
    let s = seen(&i);
    assert_eq!(s[0].difficulty, Difficulty::Advanced);
    assert_eq!(s[0].dimensions, ["throughput", "latency"]);
    assert_eq!(s[0].phases, ["measure", "validate"]);
    assert!(s[0].key_insight);
    // Both paragraphs under `#### Answer` are the answer.
    let bank = i.bank.as_ref().unwrap();
    assert!(
        bank.questions[0]
            .answer
            .value
            .contains("A closed-loop generator")
    );
    assert_eq!(s[1].difficulty, Difficulty::Foundational);
    assert_eq!(s[1].phases, ["optimize"]);
}

#[test]
fn fields_written_in_tables() {
    let i = form("table-fields.md");
    assert_complete(&i, 2);
    let s = seen(&i);
    assert_eq!(s[0].difficulty, Difficulty::Advanced);
    assert_eq!(s[0].dimensions, ["latency", "throughput"]);
    assert_eq!(s[0].phases, ["measure", "analyze"]);
    assert!(s[0].key_insight);
    assert_eq!(s[1].difficulty, Difficulty::Intermediate);
    assert_eq!(s[1].phases, ["validate"]);
}

#[test]
fn answers_in_block_quotes() {
    let i = form("quotes.md");
    assert_complete(&i, 2);
    let bank = i.bank.as_ref().unwrap();
    assert!(bank.questions[0].answer.value.starts_with("One slow item"));
    assert!(
        bank.questions[1]
            .answer
            .value
            .contains("request coalescing")
    );
}

#[test]
fn a_stray_fence_swallows_a_question_and_is_named_at_its_line() {
    let i = form("swallowed.md");
    assert_eq!(i.recognition.questions, 2);
    let missed: Vec<(u32, bool)> = i
        .recognition
        .missed
        .iter()
        .map(|m| (m.line, m.in_code))
        .collect();
    // The example heading in a code block (Q1 exists) and the swallowed Q2.
    assert_eq!(missed, [(12, true), (20, true)]);
    let swallowed: Vec<_> = i
        .diagnostics
        .iter()
        .filter(|d| d.code == "swallowed-question")
        .collect();
    assert_eq!(swallowed.len(), 1, "{swallowed:#?}");
    let d = swallowed[0];
    assert_eq!(d.location.as_ref().map(|l| l.line), Some(18));
    assert!(d.message.contains("Q2 (line 20)"), "{}", d.message);
    // The numbering continues past the swallowed number: Q3 is no numbering problem.
    assert!(
        !i.diagnostics.iter().any(|d| d.code == "question-number"),
        "{:#?}",
        i.diagnostics
    );
}

#[test]
fn a_question_like_line_outside_any_question_form_is_listed() {
    let doc = "# T\n\n### Q1: First?\n\n**Difficulty**: Advanced\n\n**Answer**: words here.\n\n- Q2: a list item that looks like a question\n";
    let i = import::import_str(Path::new("doc.md"), doc, None);
    assert_eq!(i.recognition.questions, 1);
    assert_eq!(
        i.recognition.missed.len(),
        0,
        "list items are not question-like lines"
    );
    let doc = "# T\n\n### Q1: First?\n\n**Answer**: words here.\n\n> Q2: a quoted question\n";
    let i = import::import_str(Path::new("doc.md"), doc, None);
    assert_eq!(i.recognition.questions, 1);
    let lines: Vec<u32> = i.recognition.missed.iter().map(|m| m.line).collect();
    assert_eq!(lines, [7]);
}

#[test]
fn check_and_import_report_the_recognition() {
    let path = form_path("swallowed.md");
    let (_, json, _) = check_json(&path, &[]);
    let import = &json["banks"][0]["import"];
    assert_eq!(import["questions"], 2, "{json:#}");
    assert_eq!(import["missed"][1]["line"], 20);
    assert_eq!(import["missed"][1]["in_code"], true);
    let out = qbank().arg("check").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2 questions recognised; 2 question-like lines not:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("swallowed.md:20: ### Q2: What does a stray fence"),
        "{stdout}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = qbank()
        .arg("import")
        .arg(&path)
        .arg("-o")
        .arg(dir.path().join("bank"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 questions recognised"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("swallowed-question"), "{stderr}");
}

/// Every form fixture, cut at every 97th byte (on a character boundary), imports
/// without a panic, its head and its tail (the property test of tests/cli/import.rs
/// mutates a larger document).
#[test]
fn truncated_fixtures_never_panic() {
    let dir = fixtures().join("import/forms");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap();
        let mut cut = 0;
        while cut <= text.len() {
            let mut end = cut;
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let part = &text[..end];
            let i = import::import_str(Path::new("doc.md"), part, None);
            assert!(i.bank.is_some(), "{} cut at {end}", doc.display());
            // And the tail, which starts inside whatever the cut split.
            let _ = import::import_str(Path::new("doc.md"), &text[end..], None);
            cut += 97;
        }
    }
}

#[test]
fn a_comparison_table_and_a_sub_heading_stay_in_the_answer() {
    let doc = "# T\n\n## Q1: Which store?\n\n**Difficulty**: Advanced\n**Dimension**: Latency\n**Phase**: Measure\n\n**Answer**: It depends on the load.\n\n| Metric | Value |\n|---|---|\n| p99 | 5 ms |\n\n### Step 1: measure\n\nMeasure the p99 first.\n";
    let i = import::import_str(Path::new("doc.md"), doc, None);
    assert_eq!(problems(&i), Vec::<String>::new());
    let bank = i.bank.as_ref().unwrap();
    assert_eq!(bank.meta.clusters.len(), 1);
    let answer = &bank.questions[0].answer.value;
    assert!(answer.contains("| p99 | 5 ms |"), "{answer}");
    assert!(answer.ends_with("Measure the p99 first."), "{answer}");
}

#[test]
fn the_specs_own_form() {
    let i = form("spec-form.md");
    assert_complete(&i, 3);
    let bank = i.bank.as_ref().unwrap();
    let clusters: Vec<&str> = bank
        .meta
        .clusters
        .iter()
        .map(|c| c.title.value.as_str())
        .collect();
    assert_eq!(clusters, ["Latency Optimization", "Caching Strategies"]);
    let s = seen(&i);
    assert_eq!(s[2].dimensions, ["resources", "latency"]);
    assert!(s.iter().all(|q| q.key_insight));
}
