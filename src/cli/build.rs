//! `qbank build` (check, then render every bank to dist/) and `qbank render` (render
//! without gating).

use crate::codes::Code;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::check::{self, Format};
use crate::diagnostic::{Diagnostic, Location};
use crate::fsutil;
use crate::model::{Bank, Day};
use crate::render;

#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    /// Folders holding banks (searched recursively for bank.yaml).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output folder; files are written as <slug>.md and <slug>.html.
    #[arg(short, long, default_value = "dist", value_name = "DIR")]
    pub out: PathBuf,
    /// A folder whose templates override the built-in ones, by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// How to print the check results.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The date recency is measured from (default: each bank's `as_of`).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = check::parse_day)]
    pub as_of: Option<Day>,
    /// Fail (exit 1) on WARN as well as FAIL.
    #[arg(long)]
    pub strict: bool,
    /// Check every link live first and give gate 17 the results (default: its offline rule).
    #[arg(long)]
    pub online: bool,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    #[command(flatten)]
    pub link: super::links::LinkArgs,
    /// Also print each bank to <slug>.pdf, diagrams drawn (needs Chromium; see `qbank pdf`).
    #[arg(long)]
    pub pdf: bool,
    #[command(flatten)]
    pub print: super::pdf::PrintArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RenderFormat {
    Md,
    Html,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RenderArgs {
    /// Folders holding banks.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = RenderFormat::Md)]
    pub format: RenderFormat,
    /// Output folder; without it a single bank is written to standard output.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A folder whose templates override the built-in ones, by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The date recency is measured from (default: each bank's `as_of`).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = check::parse_day)]
    pub as_of: Option<Day>,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
}

/// The document of one bank in `format`.
fn document(
    bank: &Bank,
    gates: &[crate::gates::GateResult],
    format: RenderFormat,
    templates: Option<&Path>,
) -> Result<String, render::markdown::TemplateError> {
    match format {
        RenderFormat::Md => render::markdown::render(bank, gates, templates),
        RenderFormat::Html => render::page::render(bank, gates, templates),
        RenderFormat::Json => {
            let doc = serde_json::json!({
                "meta": bank.meta,
                "questions": bank.questions,
                "glossary": bank.glossary,
                "tools": bank.tools,
                "literature": bank.literature,
                "citations": bank.citations,
                "gates": gates,
            });
            Ok(serde_json::to_string_pretty(&doc).expect("serializes") + "\n")
        }
    }
}

fn extension(format: RenderFormat) -> &'static str {
    match format {
        RenderFormat::Md => "md",
        RenderFormat::Html => "html",
        RenderFormat::Json => "json",
    }
}

fn template_failure(e: &render::markdown::TemplateError) -> Diagnostic {
    let file = e
        .dir
        .as_ref()
        .map_or_else(|| PathBuf::from(&e.name), |d| d.join(&e.name));
    Diagnostic::error(Code::Template, e.message.clone())
        .at(Location::at(
            file,
            u32::try_from(e.line).unwrap_or(0),
            u32::try_from(e.col).unwrap_or(0),
        ))
        .help(format!(
            "fix template `{}`, or remove it from --templates to use the built-in one",
            e.name
        ))
}

fn check_templates_dir(dir: Option<&Path>) -> Option<u8> {
    let d = dir?;
    (!d.is_dir()).then(|| {
        super::fail(
            &format!("--templates {} is not a folder", d.display()),
            Some("name a folder holding any of document.md.j2, question.md.j2, page.html.j2, page.css"),
        )
    })
}

pub(crate) fn build(args: &BuildArgs, cli: &super::Cli) -> u8 {
    if let Some(code) = check_templates_dir(args.templates.as_deref()) {
        return code;
    }
    let (paths, settings) = match super::resolve_settings(&args.paths, &args.settings, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let link_args = args.link.with_config(&settings.config.config.links);
    let live = args
        .online
        .then(|| super::links::live_results(&paths, &link_args, cli.quiet, &settings));
    let links = live.as_ref().map(|l| l as &dyn crate::gates::LinkStatus);
    let (mut report, mut banks) = crate::pipeline::collect(&crate::pipeline::Options {
        as_of: args.as_of,
        links,
        strict: args.strict,
        ..settings.options(paths.clone())
    });
    // Two banks with one slug would write the same files: neither is written.
    report
        .general
        .extend(crate::pipeline::duplicate_slugs(&banks));
    let clashing: Vec<String> = crate::pipeline::clashing_slugs(&banks);
    banks.retain(|(_, b)| !clashing.contains(&b.meta.slug.value));
    let mut written = Vec::new();
    let mut diagram_failed = false;
    for (i, bank) in &banks {
        // All of a bank's outputs are checked before the first is written.
        let slug = &bank.meta.slug.value;
        let names = [
            format!("{slug}.md"),
            format!("{slug}.html"),
            format!("{slug}.pdf"),
        ];
        let refused = names
            .iter()
            .take(if args.pdf { 3 } else { 2 })
            .find_map(|n| fsutil::inside(&args.out, Path::new(n)).err());
        if let Some(e) = refused {
            report.general.push(e.diagnostic());
            continue;
        }
        let gates = report.banks[*i].gates.clone();
        for format in [RenderFormat::Md, RenderFormat::Html] {
            let name = format!("{}.{}", bank.meta.slug.value, extension(format));
            match document(bank, &gates, format, args.templates.as_deref()) {
                Ok(text) => match fsutil::write_in(&args.out, Path::new(&name), text.as_bytes()) {
                    Ok(path) => {
                        written.push(path);
                        if args.pdf && format == RenderFormat::Html {
                            let name = format!("{}.pdf", bank.meta.slug.value);
                            let pdf = match fsutil::inside(&args.out, Path::new(&name)) {
                                Ok(p) => p,
                                Err(e) => {
                                    report.general.push(e.diagnostic());
                                    continue;
                                }
                            };
                            match crate::pdf::print(
                                &text,
                                &bank.meta.title.value,
                                &args.print.options(),
                                &pdf,
                            ) {
                                Ok(printed) => {
                                    let warnings = crate::pdf::diagram_warnings(
                                        &printed,
                                        &bank.root,
                                        &crate::pdf::in_bank(bank),
                                    );
                                    diagram_failed |= !warnings.is_empty();
                                    report.general.extend(warnings);
                                    written.push(pdf);
                                }
                                Err(e) => report.general.push(e.diagnostic(&pdf)),
                            }
                        }
                    }
                    Err(e) => report.general.push(e.diagnostic()),
                },
                Err(e) => {
                    report.general.push(template_failure(&e));
                    break;
                }
            }
        }
    }
    check::print(&report, args.format, cli.quiet);
    if args.format == Format::Human && !cli.quiet {
        for p in &written {
            eprintln!("wrote {}", crate::diagnostic::display_path(p));
        }
        let links_warn = report.banks.iter().any(|b| {
            b.gates
                .iter()
                .any(|g| g.number == 17 && g.status == crate::gates::Status::Warn)
        });
        if links_warn && !args.online {
            eprintln!(
                "note: gate 17 WARNs offline because links that are neither a DOI nor a pinned archive snapshot were not checked live; `qbank links` then `qbank links --pin-archives` settles them"
            );
        }
    }
    let code = report.exit_code();
    if diagram_failed { code.max(1) } else { code }
}

pub(crate) fn render(args: &RenderArgs) -> u8 {
    if let Some(code) = check_templates_dir(args.templates.as_deref()) {
        return code;
    }
    let (paths, settings) = match super::resolve_settings(&args.paths, &args.settings, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let (mut report, mut banks) = crate::pipeline::collect(&crate::pipeline::Options {
        as_of: args.as_of,
        ..settings.options(paths)
    });
    if args.out.is_some() {
        report
            .general
            .extend(crate::pipeline::duplicate_slugs(&banks));
        let clashing = crate::pipeline::clashing_slugs(&banks);
        banks.retain(|(_, b)| !clashing.contains(&b.meta.slug.value));
    }
    if args.out.is_none() && banks.len() > 1 {
        return super::fail(
            "several banks found; name one, or write them all with --out DIR",
            None,
        );
    }
    let mut failed = false;
    for (i, bank) in &banks {
        let gates = report.banks[*i].gates.clone();
        match document(bank, &gates, args.format, args.templates.as_deref()) {
            Ok(text) => match &args.out {
                Some(dir) => {
                    let name = format!("{}.{}", bank.meta.slug.value, extension(args.format));
                    if let Err(e) = fsutil::write_in(dir, Path::new(&name), text.as_bytes()) {
                        report.general.push(e.diagnostic());
                        failed = true;
                    }
                }
                None => super::print_out(&text),
            },
            Err(e) => {
                report.general.push(template_failure(&e));
                failed = true;
            }
        }
    }
    // Only problems are printed: rendering does not gate.
    let problems = report
        .general
        .iter()
        .chain(report.banks.iter().flat_map(|b| b.diagnostics.iter()))
        .filter(|d| d.is_error());
    for d in problems {
        anstream::eprintln!(
            "{}\n",
            crate::report::human::diagnostic(d, &report.texts, true)
        );
    }
    let load_failed =
        report.banks.iter().any(|b| !b.loaded) || report.general.iter().any(Diagnostic::is_error);
    if load_failed || failed { 2 } else { 0 }
}
