//! `qbank repair DOC.md`: print a repair prompt naming only what the gates found wrong.

use std::io::Write;
use std::path::PathBuf;

use crate::generate::repair::{self, Mode};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The markdown document to repair.
    #[arg(value_name = "DOC.md")]
    pub doc: PathBuf,
    /// Ask for the questions to replace (and items to add) only, not the whole document.
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
    if !args.doc.is_file() {
        return super::fail(
            &format!("{} is not a file", args.doc.display()),
            Some("pass a markdown document in the spec's format"),
        );
    }
    let text = match std::fs::read_to_string(&args.doc) {
        Ok(t) => t,
        Err(e) => return super::fail(&format!("could not read {}: {e}", args.doc.display()), None),
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
    } else {
        Mode::Whole
    };
    let r = repair::build(&text, b, bank, mode, args.strict);
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
            "repair prompt: {} findings in {} gates, {} questions; {} bytes for a {}-byte document",
            r.findings,
            r.gates.len(),
            r.questions.len(),
            r.prompt.len(),
            text.len()
        );
    }
    // A prompt generator succeeds when it wrote its prompt; `--exit-code` makes a failing
    // gate exit 1, for scripts that branch on it.
    u8::from(args.exit_code)
}
