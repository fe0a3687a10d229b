//! `qbank pdf` (a bank, its rendered document or any markdown file as a PDF), and the
//! printing flags `build --pdf` and `packet --pdf` share. The printer is [`crate::pdf`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;

use super::check::{self};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, display_path};
use crate::model::Day;
use crate::pdf::{
    INSTALL_HINT, Paper, PdfError, PrintOptions, Printed, diagram_warnings, in_bank, in_markdown,
    markdown_title, print,
};
use crate::render;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PaperArg {
    /// 210 x 297 mm.
    A4,
    /// 8.5 x 11 in.
    Letter,
}

impl PaperArg {
    fn paper(self) -> Paper {
        match self {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }
    }
}

/// Printing options shared by `pdf`, `build --pdf` and `packet --pdf`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PrintArgs {
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    pub paper: PaperArg,
    /// Page margins: one to four lengths as in CSS (top, right, bottom, left), in mm,
    /// cm, in or pt, e.g. `18mm` or `0.75in 0.6in`.
    #[arg(long, default_value = "18mm 16mm", value_name = "LENGTHS", value_parser = parse_margin)]
    pub margin: String,
    /// The Chromium to drive (default: $QBANK_CHROMIUM, else `chromium` on PATH).
    #[arg(long, value_name = "PATH")]
    pub chromium: Option<PathBuf>,
    /// Seconds each Chromium run may take (drawing the diagrams, then printing).
    #[arg(long, default_value_t = 180, value_name = "SECONDS")]
    pub pdf_timeout: u64,
}

impl PrintArgs {
    /// The printer's options.
    pub(crate) fn options(&self) -> PrintOptions {
        PrintOptions {
            paper: self.paper.paper(),
            margin: self.margin.clone(),
            chromium: self.chromium.clone(),
            timeout: Duration::from_secs(self.pdf_timeout.max(1)),
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A bank folder, a document in the spec's format, or any markdown file.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// The PDF to write (default: dist/<slug>.pdf for a bank, the markdown file's name
    /// with .pdf beside it for a file).
    #[arg(short, long, value_name = "OUT.pdf")]
    pub out: Option<PathBuf>,
    /// A folder whose templates override the built-in ones, by file name (banks only).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The date recency is measured from (banks only; default: the bank's `as_of`).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = check::parse_day)]
    pub as_of: Option<Day>,
    #[command(flatten)]
    pub print: PrintArgs,
}

/// `18mm`, `0.75in 0.6in`, ... as a CSS `margin` value.
fn parse_margin(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let bad = || {
        format!(
            "`{s}` is not a margin: give one to four lengths with a unit (mm, cm, in, pt), e.g. 18mm or \"0.75in 0.6in\""
        )
    };
    if parts.is_empty() || parts.len() > 4 {
        return Err(bad());
    }
    for p in &parts {
        let unit = ["mm", "cm", "in", "pt"]
            .into_iter()
            .find(|u| p.ends_with(u))
            .ok_or_else(bad)?;
        let number = &p[..p.len() - unit.len()];
        match number.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 && !number.starts_with('+') => {}
            _ => return Err(bad()),
        }
    }
    Ok(parts.join(" "))
}

/// Prints why no PDF was written, with a hint, and returns exit code 2.
pub(crate) fn report_error(e: &PdfError, out: &Path) -> u8 {
    {
        match e {
            PdfError::NoChromium(what) => super::fail(
                &format!("no Chromium to print {} with: {what}", display_path(out)),
                Some(INSTALL_HINT),
            ),
            PdfError::Chromium(msg) => super::fail(
                &format!("could not print {}: {msg}", display_path(out)),
                Some(
                    "run again with a larger --pdf-timeout, or check that Chromium starts: chromium --headless --version",
                ),
            ),
            PdfError::Io(msg) => super::fail(
                &format!("could not write {}: {msg}", display_path(out)),
                None,
            ),
            PdfError::Write(e) => super::fail_write(e),
        }
    }
}

/// Prints `diags` and the "wrote" line; exit 1 when a diagram failed, else 0.
pub(crate) fn finish(diags: &[Diagnostic], out: &Path, printed: &Printed, quiet: bool) -> u8 {
    let texts = std::collections::HashMap::new();
    for d in diags {
        anstream::eprintln!("{}\n", crate::report::human::diagnostic(d, &texts, true));
    }
    if !quiet {
        eprintln!(
            "wrote {} ({} of {} diagrams drawn)",
            display_path(out),
            printed.diagrams - printed.failed.len(),
            printed.diagrams
        );
    }
    u8::from(!printed.failed.is_empty())
}

pub(crate) fn run_pdf(args: &Args, cli: &super::Cli) -> u8 {
    let input = &args.input;
    if !input.exists() {
        return super::fail(
            &format!("{} does not exist", input.display()),
            Some("pass a bank folder (with bank.yaml) or a markdown file"),
        );
    }
    let is_markdown = input.is_file()
        && input
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    if is_markdown {
        // The settings every command reads: an invalid qbank.toml, or a file `exclude`
        // leaves out, is refused here too.
        if let Err(code) = args.settings.resolve(std::slice::from_ref(input)) {
            return code;
        }
        let markdown = match std::fs::read_to_string(input) {
            Ok(m) => m,
            Err(e) => {
                return super::fail(&format!("could not read {}: {e}", input.display()), None);
            }
        };
        let title = markdown_title(&markdown, input);
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| input.with_extension("pdf"));
        let html = render::html::page(&title, &markdown);
        return match print(&html, &title, &args.print.options(), &out) {
            Ok(printed) => {
                let diags = diagram_warnings(&printed, input, &in_markdown(&markdown, input));
                finish(&diags, &out, &printed, cli.quiet)
            }
            Err(e) => report_error(&e, &out),
        };
    }
    let bank_dir = if input.is_file() {
        match input.file_name().and_then(|n| n.to_str()) {
            Some("bank.yaml" | "bank.yml") => {
                input.parent().unwrap_or(Path::new(".")).to_path_buf()
            }
            _ => {
                return super::fail(
                    &format!("{} is neither a bank nor a markdown file", input.display()),
                    Some("pass a bank folder (with bank.yaml), its bank.yaml, or a .md file"),
                );
            }
        }
    } else {
        input.clone()
    };
    if let Some(d) = &args.templates
        && !d.is_dir()
    {
        return super::fail(
            &format!("--templates {} is not a folder", d.display()),
            Some(
                "name a folder holding any of document.md.j2, question.md.j2, page.html.j2, page.css",
            ),
        );
    }
    let Some((paths, settings)) = (match super::resolve_settings(&[bank_dir], &args.settings, &[]) {
        Ok(s) => s,
        Err(code) => return code,
    }) else {
        return 0;
    };
    let (report, banks) = crate::pipeline::collect(&crate::pipeline::Options {
        as_of: args.as_of,
        ..settings.options(paths)
    });
    let problems: Vec<&Diagnostic> = report
        .general
        .iter()
        .chain(report.banks.iter().flat_map(|b| b.diagnostics.iter()))
        // A diagram that does not parse is drawn as its source and reported below.
        .filter(|d| d.is_error() && d.registered() != Some(Code::Diagram))
        .collect();
    let load_failed = report.banks.iter().any(|b| !b.loaded) || !problems.is_empty();
    if load_failed || banks.len() != 1 {
        for d in &problems {
            anstream::eprintln!(
                "{}\n",
                crate::report::human::diagnostic(d, &report.texts, true)
            );
        }
        if !load_failed && banks.len() > 1 {
            return super::fail(
                &format!(
                    "{} banks found under {}; name one",
                    banks.len(),
                    input.display()
                ),
                None,
            );
        }
        if !load_failed {
            return super::fail(
                &format!("no bank under {}", input.display()),
                Some("a bank is a folder with bank.yaml"),
            );
        }
        return 2;
    }
    let (i, bank) = &banks[0];
    let gates = &report.banks[*i].gates;
    let html = match render::page::render(bank, gates, args.templates.as_deref()) {
        Ok(h) => h,
        Err(e) => {
            return super::fail(
                &e.to_string(),
                Some("fix the template, or remove it from --templates to use the built-in one"),
            );
        }
    };
    let title = &bank.meta.title.value;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("dist").join(format!("{}.pdf", bank.meta.slug.value)));
    match print(&html, title, &args.print.options(), &out) {
        Ok(printed) => {
            let diags = diagram_warnings(&printed, &bank.root, &in_bank(bank));
            finish(&diags, &out, &printed, cli.quiet)
        }
        Err(e) => report_error(&e, &out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_parse_as_css_lengths() {
        assert_eq!(parse_margin("18mm").as_deref(), Ok("18mm"));
        assert_eq!(
            parse_margin(" 0.75in  0.6in ").as_deref(),
            Ok("0.75in 0.6in")
        );
        assert_eq!(
            parse_margin("1cm 2cm 3cm 4pt").as_deref(),
            Ok("1cm 2cm 3cm 4pt")
        );
        for bad in [
            "",
            "18",
            "18px",
            "-1mm",
            "1mm 1mm 1mm 1mm 1mm",
            "amm",
            "1mm;}",
        ] {
            assert!(parse_margin(bad).is_err(), "{bad:?}");
        }
    }
}
