//! Import + check of a 30-question document (about 205 KB: references and source metadata do
//! not shrink with the questions) in the spec's format, reported as a
//! ratio to reading the same file.
//!
//! `cargo bench --bench import` (the document is rendered from the shipped bank: 30
//! questions, one practical element each, written to a temporary file).
//!
//! `cargo bench --bench import -- DOC.md ...` also measures each document named, and
//! prints how many questions its import recognised and how many question-like lines
//! it did not (the same figures `qbank import` prints).

mod common;

use common::median;

use std::path::Path;

fn main() {
    let docs: Vec<std::path::PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(Into::into)
        .collect();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/performance-engineering");
    let mut bank = qbank::load::load_bank(&shipped)
        .bank
        .expect("shipped bank loads");
    // 30 questions: the 28 shipped ones plus two copies under new ids; one code block
    // each of at most 12 lines, 3 metrics rows, 2 alternatives, 1 risk, answers cut to
    // about 1,200 bytes and 16 glossary entries, so the document
    // is about 150 KB like a typical LLM output.
    for i in 0..2 {
        let mut q = bank.questions[i].clone();
        q.id.value = format!("{}-copy", q.id.value);
        bank.questions.push(q);
    }
    for q in &mut bank.questions {
        q.practical.truncate(1);
        for p in &mut q.practical {
            p.code.value = p.code.value.lines().take(12).collect::<Vec<_>>().join("\n");
        }
        q.diagram = None;
        q.metrics.truncate(3);
        q.alternatives.truncate(2);
        q.risks.truncate(1);
        // Paragraphs of the answer up to about 1,200 bytes.
        let mut kept = String::new();
        for para in q.answer.value.split("\n\n") {
            if !kept.is_empty() && kept.len() + para.len() > 1200 {
                break;
            }
            if !kept.is_empty() {
                kept.push_str("\n\n");
            }
            kept.push_str(para);
        }
        q.answer.value = kept;
        if let Some(t) = &mut q.tradeoffs {
            t.value = t.value.chars().take(400).collect();
        }
    }
    bank.glossary.truncate(16);
    let (gates, _, _) = qbank::pipeline::gate_bank(&bank, None);
    let doc = qbank::render::markdown::render(&bank, &gates, None).expect("renders");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("doc.md");
    std::fs::write(&path, &doc).unwrap();
    let as_of = qbank::model::Day::parse("2026-11-25").unwrap();

    let runs = 50;
    let read = median(runs, || {
        std::hint::black_box(std::fs::read_to_string(&path).unwrap());
    });
    let import = median(runs, || {
        std::hint::black_box(qbank::import::import_file(&path, None));
    });
    let check = median(runs, || {
        let imported = qbank::import::import_file(&path, None);
        let bank = imported.bank.expect("imports");
        std::hint::black_box(qbank::pipeline::gate_bank(&bank, Some(as_of)));
    });
    let imported = qbank::import::import_file(&path, None).bank.unwrap();
    println!(
        "document: {} bytes, {} questions ({} imported)",
        doc.len(),
        bank.questions.len(),
        imported.questions.len()
    );
    println!("read file:       {:>9.3} ms", read.as_secs_f64() * 1e3);
    println!(
        "import:          {:>9.3} ms  ({:.0}x reading)",
        import.as_secs_f64() * 1e3,
        import.as_secs_f64() / read.as_secs_f64()
    );
    println!(
        "import + check:  {:>9.3} ms  ({:.0}x reading)",
        check.as_secs_f64() * 1e3,
        check.as_secs_f64() / read.as_secs_f64()
    );
    let as_of = Some(as_of);
    for path in &docs {
        measure(path, as_of, runs);
    }
}

/// Import, and import + check, of one document given on the command line.
fn measure(path: &Path, as_of: Option<qbank::model::Day>, runs: usize) {
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    let imported = qbank::import::import_file(path, None);
    let r = &imported.recognition;
    let read = median(runs, || {
        std::hint::black_box(std::fs::read_to_string(path).unwrap());
    });
    let import = median(runs, || {
        std::hint::black_box(qbank::import::import_file(path, None));
    });
    let check = median(runs, || {
        let imported = qbank::import::import_file(path, None);
        if let Some(bank) = imported.bank {
            std::hint::black_box(qbank::pipeline::gate_bank(&bank, as_of));
        }
    });
    println!(
        "\n{}: {bytes} bytes, {} questions recognised, {} question-like lines not",
        path.display(),
        r.questions,
        r.missed.len()
    );
    for m in &r.missed {
        let place = if m.in_code { " (in a code block)" } else { "" };
        println!("  line {}: {}{place}", m.line, m.text);
    }
    println!("read file:       {:>9.3} ms", read.as_secs_f64() * 1e3);
    println!(
        "import:          {:>9.3} ms  ({:.0}x reading)",
        import.as_secs_f64() * 1e3,
        import.as_secs_f64() / read.as_secs_f64()
    );
    println!(
        "import + check:  {:>9.3} ms  ({:.0}x reading)",
        check.as_secs_f64() * 1e3,
        check.as_secs_f64() / read.as_secs_f64()
    );
}
