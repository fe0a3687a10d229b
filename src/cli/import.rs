//! `qbank import DOC.md -o DIR`: turn a markdown document in the spec's format into a
//! bank folder, printing every line that was not recognised.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::import::{self, write};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The markdown document (qbank's own rendering or an LLM's).
    #[arg(value_name = "DOC.md")]
    pub doc: PathBuf,
    /// The bank folder to write (bank.yaml, questions/, references/).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Write into a folder that is not empty (files of the same name are replaced).
    #[arg(long)]
    pub force: bool,
    /// The rubric (`--rubric NAME|FILE`, else qbank.toml's, else detection) whose axis
    /// labels and values the document uses; a rubric YAML is copied to DIR/rubric.yaml.
    #[command(flatten)]
    pub settings: super::SettingsArgs,
}

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    if write::is_non_empty(&args.out) && !args.force {
        return super::fail(
            &format!("{} is not empty", args.out.display()),
            Some("choose an empty or new folder, or pass --force to overwrite files in it"),
        );
    }
    if !args.doc.is_file() {
        return super::fail(
            &format!("{} is not a file", args.doc.display()),
            Some("pass a markdown document"),
        );
    }
    let (_, settings) =
        match super::resolve_settings(std::slice::from_ref(&args.doc), &args.settings, &[]) {
            Ok(Some(s)) => s,
            Ok(None) => return 0,
            Err(code) => return code,
        };
    let opts = settings.options(vec![args.doc.clone()]);
    let imported = import::import_file_with(&args.doc, &opts.choice());
    let mut texts = std::collections::HashMap::new();
    for f in imported.sources.iter() {
        texts.insert(f.path.clone(), f.text.clone());
    }
    let mut err = anstream::stderr();
    for d in &imported.diagnostics {
        let _ = writeln!(
            err,
            "{}\n",
            crate::report::human::diagnostic(d, &texts, true)
        );
    }
    let Some(bank) = &imported.bank else {
        return 2;
    };
    if !write::names_are_safe(bank) {
        return super::fail(
            &format!("nothing written to {}", args.out.display()),
            Some(
                "the document names the bank, a cluster or a question with a name that is not safe (see above); fix it there and import again",
            ),
        );
    }
    let files = match write::files(bank, &args.out) {
        Ok(f) => f,
        Err(e) => return super::fail(&format!("could not serialize the bank: {e}"), None),
    };
    for (rel, body) in &files {
        if let Err(e) = crate::fsutil::write_in(&args.out, rel, body.as_bytes()) {
            return super::fail_write(&e);
        }
    }
    // A rubric named by its file travels with the bank; a shipped one is known by name.
    if let Some(r) = opts
        .choice()
        .flag
        .or(opts.choice().config)
        .filter(|r| r.is_file())
    {
        match std::fs::read(r) {
            Ok(bytes) => {
                if let Err(e) = crate::fsutil::write_in(&args.out, Path::new("rubric.yaml"), &bytes)
                {
                    return super::fail_write(&e);
                }
            }
            Err(e) => return super::fail(&format!("could not read {}: {e}", r.display()), None),
        }
    }
    let unrecognised = imported.unrecognised().count();
    let errors = imported.diagnostics.iter().filter(|d| d.is_error()).count();
    if !cli.quiet {
        let mut out = anstream::stdout();
        let _ = writeln!(
            out,
            "imported {} questions in {} clusters, {} glossary, {} tools, {} literature, {} citations into {} ({} files); {} unrecognised {}, {} {}",
            bank.questions.len(),
            bank.meta.clusters.len(),
            bank.glossary.len(),
            bank.tools.len(),
            bank.literature.len(),
            bank.citations.len(),
            args.out.display(),
            files.len(),
            unrecognised,
            if unrecognised == 1 { "block" } else { "blocks" },
            errors,
            if errors == 1 { "error" } else { "errors" },
        );
    }
    if !cli.quiet {
        let _ = writeln!(
            anstream::stdout(),
            "{}",
            imported.recognition.human(&args.doc)
        );
    }
    if imported.diagnostics.iter().any(Diagnostic::is_error) {
        2
    } else {
        0
    }
}
