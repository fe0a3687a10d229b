//! `qbank repair DOC.md|BANK`: print a repair prompt naming only what the gates found wrong.

use std::io::Write;
use std::path::PathBuf;

use crate::generate::repair::{self, Mode};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The markdown document, or the bank folder, to repair.
    #[arg(value_name = "DOC.md|BANK")]
    pub doc: PathBuf,
    /// Carry the whole document in the prompt, for a model that does not have it (by
    /// default the prompt names the findings only, each with a brief quote).
    #[arg(long, conflicts_with = "questions_only")]
    pub full: bool,
    /// Carry the questions to replace and ask for them (and items to add) only, to be
    /// spliced into the document.
    #[arg(long)]
    pub questions_only: bool,
    /// Ask to repair every WARN as well.
    #[arg(long)]
    pub strict: bool,
    /// Exit 1 when a prompt was written (a gate failed), as `check` does; without it, 0.
    #[arg(long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// The date recency is measured from (default: the document's).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_day)]
    pub as_of: Option<crate::model::Day>,
}

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    let is_doc = args.doc.is_file() && crate::load::is_markdown(&args.doc);
    if !is_doc && !args.doc.join("bank.yaml").is_file() {
        return super::fail(
            &format!(
                "{} is neither a markdown document nor a bank folder",
                args.doc.display()
            ),
            Some("pass a document in the spec's format (DOC.md) or a folder holding bank.yaml"),
        );
    }
    if !is_doc && (args.full || args.questions_only) {
        return super::fail(
            &format!(
                "--{} needs a markdown document; {} is a bank",
                if args.full { "full" } else { "questions-only" },
                args.doc.display()
            ),
            Some("a bank's repair prompt names each finding at its YAML file and line"),
        );
    }
    let text = if is_doc {
        match std::fs::read_to_string(&args.doc) {
            Ok(t) => t,
            Err(e) => {
                return super::fail(&format!("could not read {}: {e}", args.doc.display()), None);
            }
        }
    } else {
        String::new()
    };
    let Some((paths, settings)) =
        (match super::resolve_settings(std::slice::from_ref(&args.doc), &args.settings, &[]) {
            Ok(s) => s,
            Err(code) => return code,
        })
    else {
        return 0;
    };
    let (report, banks) = crate::pipeline::collect(&crate::pipeline::Options {
        as_of: args.as_of,
        ..settings.options(paths)
    });
    let Some(b) = report.banks.first().filter(|b| b.loaded) else {
        super::check::print(&report, super::check::Format::Human, true);
        return 2;
    };
    let bank = banks.first().map(|(_, b)| b);
    let mode = if args.questions_only {
        Mode::QuestionsOnly
    } else if args.full {
        Mode::Full
    } else {
        Mode::Compact
    };
    let root = bank.map_or(args.doc.as_path(), |b| b.root.as_path());
    let input = if is_doc {
        repair::Input::Document(&text)
    } else {
        repair::Input::Bank(root)
    };
    let r = repair::build(input, b, bank, mode, args.strict);
    if r.is_empty() {
        if !cli.quiet {
            let _ = writeln!(
                anstream::stderr(),
                "nothing to repair: no gate fails{}",
                if args.strict { " or warns" } else { "" }
            );
        }
        return 0;
    }
    let _ = anstream::stdout().write_all(r.prompt.as_bytes());
    if !cli.quiet {
        let _ = writeln!(
            anstream::stderr(),
            "repair prompt: {} findings in {} gates{}; {} bytes{}",
            r.findings,
            r.gates.len(),
            if is_doc {
                format!(", {} questions", r.questions.len())
            } else {
                String::new()
            },
            r.prompt.len(),
            if is_doc {
                format!(" for a {}-byte document", text.len())
            } else {
                String::new()
            }
        );
    }
    // A prompt generator succeeds when it wrote its prompt; `--exit-code` makes a failing
    // gate exit 1, for scripts that branch on it.
    u8::from(args.exit_code)
}
