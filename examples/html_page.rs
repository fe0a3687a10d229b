//! Writes the HTML page for a markdown document, for the browser test
//! (`tests/browser/run.sh`).
//!
//! `cargo run --example html_page -- OUT.html [IN.md]`: IN.md defaults to
//! `tests/fixtures/render/diagrams.md` (three kinds of mermaid diagram). The title is the
//! document's first `# ` heading.

use std::process::ExitCode;

const FIXTURE: &str = include_str!("../tests/fixtures/render/diagrams.md");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, input) = match args.as_slice() {
        [out] => (out, None),
        [out, input] => (out, Some(input)),
        _ => {
            eprintln!("usage: html_page OUT.html [IN.md]");
            return ExitCode::from(2);
        }
    };
    let markdown = match input {
        None => FIXTURE.to_owned(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let title = markdown
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map_or("qbank", str::trim);
    let html = qbank::render::html::page(title, &markdown);
    if let Err(e) = std::fs::write(out, html) {
        eprintln!("error: cannot write {out}: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
