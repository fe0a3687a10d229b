//! `qbank gates` lists the gates; `qbank explain 7` / `qbank explain cross-refs` prints one.

use std::io::Write;

use crate::gates::{ALL, Gate, find};
use crate::model::Rubric;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print the list as JSON.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print every gate's documentation as one markdown page (docs/gates.md).
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A gate number (1-20) or name (`cross-refs`), or a diagnostic code (`unknown-field`).
    pub gate: String,
}

pub(crate) fn list(args: &ListArgs) -> u8 {
    let rubric = Rubric::default_rubric();
    let mut out = anstream::stdout();
    if args.markdown {
        let _ = out.write_all(docs_page().as_bytes());
        return 0;
    }
    if args.json {
        let list: Vec<serde_json::Value> = ALL
            .iter()
            .map(|g| {
                serde_json::json!({
                    "number": g.number,
                    "name": g.name,
                    "title": g.title,
                    "requirement": (g.requirement)(&rubric),
                })
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&list).expect("serializes")
        );
        return 0;
    }
    let width = ALL.iter().map(|g| g.name.len()).max().unwrap_or(0);
    for g in ALL {
        let _ = writeln!(
            out,
            "{:>2}  {:<width$}  {}",
            g.number,
            g.name,
            (g.requirement)(&rubric)
        );
    }
    0
}

pub(crate) fn explain(args: &ExplainArgs) -> u8 {
    match find(&args.gate) {
        Some(g) => {
            let _ = anstream::stdout().write_all(doc(g, &Rubric::default_rubric()).as_bytes());
            0
        }
        None if crate::report::select::CODES
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(args.gate.trim())) =>
        {
            let key = args.gate.trim().to_ascii_lowercase();
            let (code, what) = crate::report::select::CODES
                .iter()
                .find(|(c, _)| *c == key)
                .copied()
                .unwrap_or_default();
            super::print_out(&format!(
                "# `{code}` (diagnostic code)\n\n{}{}.\n\nNot a gate: a problem found while reading files or running a command. \
Silence it with `--ignore {code}` or a `qbank-ignore: {code} -- reason` comment (an error that stops a bank from loading cannot be silenced).\n",
                what.chars()
                    .next()
                    .map(|c| c.to_uppercase().to_string())
                    .unwrap_or_default(),
                what.chars().skip(1).collect::<String>()
            ));
            0
        }
        None => {
            let names: Vec<&str> = ALL
                .iter()
                .map(|g| g.name)
                .chain(crate::report::select::CODES.iter().map(|(c, _)| *c))
                .collect();
            let hint = crate::diagnostic::did_you_mean(&args.gate, names.iter().copied())
                .map_or_else(
                    || "run `qbank gates` for the list".to_owned(),
                    |s| format!("did you mean `{s}`?"),
                );
            super::fail(
                &format!("no gate or diagnostic code `{}`", args.gate),
                Some(&hint),
            )
        }
    }
}

/// One gate's documentation as markdown.
pub(crate) fn doc(g: &Gate, rubric: &Rubric) -> String {
    let body = g.doc_text();
    format!(
        "# {}. {} (`{}`)\n\nRequirement (default rubric): {}\n\n{}\n",
        g.number,
        g.title,
        g.name,
        (g.requirement)(rubric),
        body
    )
}

/// docs/gates.md: every gate's documentation, generated from the registry.
pub(crate) fn docs_page() -> String {
    let rubric = Rubric::default_rubric();
    let mut s = String::from(
        "# Quality gates\n\n<!-- Generated from the gate registry by `qbank gates --markdown`; a test fails when it is stale. -->\n\n",
    );
    s.push_str("| # | Name | Requirement (default rubric) |\n|---|---|---|\n");
    for g in ALL {
        s.push_str(&format!(
            "| {} | [`{}`](#{}) | {} |\n",
            g.number,
            g.name,
            crate::text::slug(&format!("{}. {} ({})", g.number, g.title, g.name)),
            (g.requirement)(&rubric)
        ));
    }
    for g in ALL {
        s.push('\n');
        s.push_str(
            &doc(g, &rubric)
                .replacen("# ", "## ", 1)
                .replace("\n## ", "\n### "),
        );
    }
    s
}
