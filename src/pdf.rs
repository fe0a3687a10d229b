//! The PDF printer that `qbank pdf`, `build --pdf` and `packet --pdf` share: headless
//! Chromium run as a subprocess, once to draw the diagrams and once to print the drawn
//! page. It takes plain [`PrintOptions`]; `cli/pdf.rs` parses the flags and prints.
//!
//! 1. The HTML page is opened with `--dump-dom`. Its script draws every mermaid diagram
//!    and then appends a JSON report (how many diagrams, which failed and why); the DOM is
//!    only used when that report is in it, so "mermaid finished" is what the page says,
//!    not a guess from a timer. A page without a diagram skips this run.
//! 2. The drawn DOM, with every script removed and a CSP that forbids scripts, gets the
//!    paper size, margins, running header (title) and footer (page numbers) as `@page`
//!    rules and is printed with `--print-to-pdf`. Nothing is loaded from the network in
//!    either run (the page's CSP, and Chromium's network features switched off).

use std::fmt::Write as _;
use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::render;

/// How to install the browser the printer drives.
pub(crate) const INSTALL_HINT: &str = "install Chromium (`sudo apt-get install chromium` on Debian and Ubuntu), or name one with --chromium PATH or QBANK_CHROMIUM";

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paper {
    /// 210 x 297 mm.
    A4,
    /// 8.5 x 11 in.
    Letter,
}

impl Paper {
    fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// How to print.
#[derive(Debug, Clone)]
pub(crate) struct PrintOptions {
    pub paper: Paper,
    /// A CSS `margin` value (`18mm 16mm`).
    pub margin: String,
    /// The Chromium to drive (else `$QBANK_CHROMIUM`, else `chromium` on `PATH`).
    pub chromium: Option<PathBuf>,
    /// How long each Chromium run may take.
    pub timeout: Duration,
}

/// A diagram the page could not draw, as its script reported it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct FailedDiagram {
    /// 1-based, in document order.
    pub diagram: usize,
    /// The heading the diagram sits under ("" when none).
    pub heading: String,
    /// Mermaid's parse error.
    pub message: String,
    /// The diagram's text, as the page held it.
    #[serde(default)]
    pub source: String,
}

/// What the page reported once every diagram was tried.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Printed {
    pub diagrams: usize,
    pub failed: Vec<FailedDiagram>,
}

/// Why no PDF was written.
#[derive(Debug)]
pub(crate) enum PdfError {
    /// No Chromium to run (the path looked for).
    NoChromium(String),
    /// Chromium ran but did not give what was asked for.
    Chromium(String),
    Io(String),
    /// The output path was refused, or writing it failed.
    Write(crate::fsutil::WriteError),
}

impl PdfError {
    /// The error as a diagnostic at `out`, for commands that collect their problems.
    pub(crate) fn diagnostic(&self, out: &Path) -> Diagnostic {
        let at = Location::file(out);
        match self {
            PdfError::NoChromium(what) => {
                Diagnostic::error(Code::Pdf, format!("no Chromium to print with: {what}"))
                    .at(at)
                    .help(INSTALL_HINT)
            }
            PdfError::Chromium(msg) => {
                Diagnostic::error(Code::Pdf, format!("could not print: {msg}"))
                    .at(at)
                    .help("run again with a larger --pdf-timeout, or check that Chromium starts")
            }
            PdfError::Io(msg) => {
                Diagnostic::error(Code::Io, format!("could not write: {msg}")).at(at)
            }
            PdfError::Write(e) => e.diagnostic(),
        }
    }
}

impl From<std::io::Error> for PdfError {
    fn from(e: std::io::Error) -> Self {
        PdfError::Io(e.to_string())
    }
}

/// The Chromium binary: `--chromium`, `$QBANK_CHROMIUM`, or `chromium` (then
/// `chromium-browser`) on `PATH`.
fn chromium(opts: &PrintOptions) -> Result<PathBuf, PdfError> {
    let named = opts
        .chromium
        .clone()
        .or_else(|| std::env::var_os("QBANK_CHROMIUM").map(PathBuf::from));
    if let Some(p) = named {
        return if p.is_file() {
            Ok(p)
        } else {
            Err(PdfError::NoChromium(format!(
                "{} does not exist",
                p.display()
            )))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(PdfError::NoChromium("`chromium` is not on PATH".into()))
}

/// Flags for every run: headless, no sandbox (containers), a fresh profile, and every
/// feature that would reach the network switched off.
fn base_command(chromium: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-breakpad",
        "--disable-crash-reporter",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `cmd` with its output in `stdout`/`stderr` files, killing it after `timeout`.
fn run(
    mut cmd: Command,
    stdout: &Path,
    stderr: &Path,
    timeout: Duration,
    what: &str,
) -> Result<(), PdfError> {
    cmd.stdout(File::create(stdout)?)
        .stderr(File::create(stderr)?);
    // Chromium and every helper it starts (zygote, renderer, GPU, crash handler) share a
    // process group of their own, so all of them go when the run ends.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .spawn()
        .map_err(|e| PdfError::NoChromium(format!("could not start it: {e}")))?;
    let group = Reaper(child.id());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            drop(group);
            if status.success() {
                return Ok(());
            }
            return Err(PdfError::Chromium(format!(
                "Chromium exited with {status} while {what}{}",
                log_tail(stderr)
            )));
        }
        if started.elapsed() > timeout {
            drop(group);
            let _ = child.kill();
            let _ = child.wait();
            return Err(PdfError::Chromium(format!(
                "Chromium took longer than {} s while {what}",
                timeout.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Kills the process group led by the Chromium it was made for when dropped: after the
/// run, on a timeout, and when qbank unwinds or returns early, no helper survives it.
struct Reaper(u32);

impl Drop for Reaper {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = i32::try_from(self.0)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            // The group may be gone already (ESRCH): nothing left to reap.
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
}

/// The last lines of Chromium's log that are not its usual D-Bus noise.
fn log_tail(path: &Path) -> String {
    let mut text = String::new();
    if File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .is_err()
    {
        return String::new();
    }
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("dbus") && !l.trim().is_empty())
        .collect();
    let tail = &lines[lines.len().saturating_sub(5)..];
    if tail.is_empty() {
        String::new()
    } else {
        format!(":\n  {}", tail.join("\n  "))
    }
}

/// The report the page's script appended, from the dumped DOM.
fn mermaid_report(dom: &str) -> Option<Printed> {
    let open = format!(
        "<script type=\"application/json\" id=\"{}\">",
        render::html::MERMAID_REPORT_ID
    );
    let start = dom.find(&open)? + open.len();
    let end = start + dom[start..].find("</script>")?;
    serde_json::from_str(&dom[start..end]).ok()
}

/// `dom` without any `<script>` element, its CSP forbidding scripts outright, and the
/// print rules added at the end of its head.
fn static_page(dom: &str, print_css: &str) -> String {
    let mut out = String::with_capacity(dom.len());
    let mut rest = dom;
    while let Some(i) = find_ascii_ci(rest, "<script") {
        out.push_str(&rest[..i]);
        match find_ascii_ci(&rest[i..], "</script>") {
            Some(j) => rest = &rest[i + j + "</script>".len()..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    let out = out.replace("script-src 'unsafe-inline'", "script-src 'none'");
    let style = format!("<style>{print_css}</style>\n");
    match find_ascii_ci(&out, "</head>") {
        Some(i) => format!("{}{style}{}", &out[..i], &out[i..]),
        None => format!("{style}{out}"),
    }
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

/// `s` as a CSS string literal: quotes, backslashes, line breaks and `<` escaped (the
/// last so the value can never close the `<style>` element).
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' | '<' | '>' => {
                let _ = write!(out, "\\{:x} ", c as u32);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The page rules the print run adds: paper, margins, the title in the header and
/// "page N of M" in the footer.
fn print_css(title: &str, opts: &PrintOptions) -> String {
    let title = css_string(title);
    format!(
        "@page {{ size: {paper}; margin: {margin};
  @top-center {{ content: {title}; font: 8.5pt {FONTS}; color: #59636e; }}
  @bottom-right {{ content: \"page \" counter(page) \" of \" counter(pages); font: 8.5pt {FONTS}; color: #59636e; }}
}}
@media print {{ @page {{ margin: {margin}; }} }}
",
        paper = opts.paper.css(),
        margin = opts.margin,
    )
}

/// The header and footer font: the page's sans-serif stack, with CJK coverage.
const FONTS: &str =
    "\"Noto Sans\", \"DejaVu Sans\", \"Noto Sans CJK SC\", \"WenQuanYi Micro Hei\", sans-serif";

/// Prints the HTML page `html` (one of qbank's, with its mermaid script) titled `title`
/// to the PDF `out`, written whole or not at all. Returns what the page reported about
/// its diagrams.
pub(crate) fn print(
    html: &str,
    title: &str,
    opts: &PrintOptions,
    out: &Path,
) -> Result<Printed, PdfError> {
    // Refused before Chromium runs, not after.
    crate::fsutil::check_named(out).map_err(PdfError::Write)?;
    let browser = chromium(opts)?;
    let work = tempfile::tempdir()?;
    let timeout = opts.timeout.max(Duration::from_secs(1));
    let page = work.path().join("page.html");
    std::fs::write(&page, html)?;

    // 1. Draw the diagrams: the DOM once the page's script has reported. A page without
    //    a diagram skips this run (and the 3 MB script it would load): it prints as is.
    if !has_diagram(html) {
        let printed = Printed {
            diagrams: 0,
            failed: Vec::new(),
        };
        let bytes = print_static(&browser, &work, html, title, opts, timeout)?;
        crate::fsutil::write_named(out, &bytes).map_err(PdfError::Write)?;
        return Ok(printed);
    }
    let dom_path = work.path().join("drawn.html");
    let mut draw = base_command(&browser, &work.path().join("profile-draw"));
    draw.arg(format!("--virtual-time-budget={}", timeout.as_millis()))
        .arg("--dump-dom")
        .arg(file_url(&page)?);
    run(
        draw,
        &dom_path,
        &work.path().join("draw.log"),
        timeout,
        "drawing the diagrams",
    )?;
    let dom = std::fs::read_to_string(&dom_path)?;
    let printed = mermaid_report(&dom).ok_or_else(|| {
        PdfError::Chromium(
            "the page did not report that its diagrams were drawn (mermaid did not finish)".into(),
        )
    })?;

    // 2. Print the drawn page, with no script left in it.
    let bytes = print_static(&browser, &work, &dom, title, opts, timeout)?;
    crate::fsutil::write_named(out, &bytes).map_err(PdfError::Write)?;
    Ok(printed)
}

/// Whether the page holds a diagram for mermaid to draw (a `<pre class="mermaid">`).
fn has_diagram(html: &str) -> bool {
    find_ascii_ci(html, "<pre class=\"mermaid\"").is_some()
}

/// Prints `dom` (its scripts removed) and returns the PDF's bytes.
fn print_static(
    browser: &Path,
    work: &tempfile::TempDir,
    dom: &str,
    title: &str,
    opts: &PrintOptions,
    timeout: Duration,
) -> Result<Vec<u8>, PdfError> {
    let still = work.path().join("print.html");
    std::fs::write(&still, static_page(dom, &print_css(title, opts)))?;
    let pdf = work.path().join("out.pdf");
    let mut print = base_command(browser, &work.path().join("profile-print"));
    print
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(file_url(&still)?);
    run(
        print,
        &work.path().join("print.out"),
        &work.path().join("print.log"),
        timeout,
        "printing",
    )?;
    let bytes = std::fs::read(&pdf).map_err(|_| {
        PdfError::Chromium(format!(
            "Chromium wrote no PDF{}",
            log_tail(&work.path().join("print.log"))
        ))
    })?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(PdfError::Chromium("Chromium's output is not a PDF".into()));
    }
    Ok(bytes)
}

fn file_url(path: &Path) -> Result<String, PdfError> {
    let abs = std::path::absolute(path)?;
    url::Url::from_file_path(&abs)
        .map(String::from)
        .map_err(|()| PdfError::Io(format!("{} has no file URL", abs.display())))
}

/// Warnings for the diagrams that could not be drawn; `locate` gives, when it knows,
/// where a diagram is written (else the warning names `source`).
pub(crate) fn diagram_warnings(
    printed: &Printed,
    source: &Path,
    locate: &dyn Fn(&FailedDiagram) -> Option<Location>,
) -> Vec<Diagnostic> {
    printed
        .failed
        .iter()
        .map(|f| {
            let first = f.message.lines().next().unwrap_or("").trim();
            let under = if f.heading.is_empty() {
                String::new()
            } else {
                format!(" (under \"{}\")", f.heading)
            };
            let location = locate(f).unwrap_or_else(|| Location::file(source));
            let mut d = Diagnostic::warning(
                Code::Diagram,
                format!(
                    "diagram {} of {}{under} could not be drawn: {first}",
                    f.diagram, printed.diagrams
                ),
            )
            .at(location)
            .help("the PDF shows its source and mermaid's message instead; fix the mermaid text");
            let rest: Vec<&str> = f.message.lines().skip(1).collect();
            if !rest.is_empty() {
                d = d.note(rest.join("\n"), None);
            }
            d
        })
        .collect()
}

/// Where a bank's diagram is written: the question whose diagram has the page's text.
pub(crate) fn in_bank(
    bank: &crate::model::Bank,
) -> impl Fn(&FailedDiagram) -> Option<Location> + '_ {
    move |f| {
        bank.questions.iter().find_map(|q| {
            let d = q.diagram.as_ref()?;
            (d.mermaid.value.trim() == f.source.trim())
                .then(|| Location::of(&bank.sources, q.file, d.mermaid.pos))
        })
    }
}

/// Where each diagram of a markdown file is (by its number in document order).
pub(crate) fn in_markdown<'a>(
    markdown: &str,
    path: &'a Path,
) -> impl Fn(&FailedDiagram) -> Option<Location> + 'a {
    let lines = mermaid_positions(markdown);
    move |f| {
        lines
            .get(f.diagram.wrapping_sub(1))
            .map(|&(line, col)| Location::at(path, line, col))
    }
}

/// Line and column of each ```` ```mermaid ```` block in `markdown`, in order.
fn mermaid_positions(markdown: &str) -> Vec<(u32, u32)> {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
    let starts: Vec<usize> = Parser::new_ext(markdown, Options::all())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("mermaid") =>
            {
                Some(range.start)
            }
            _ => None,
        })
        .collect();
    starts
        .into_iter()
        .map(|at| {
            let before = &markdown[..at];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(col).unwrap_or(u32::MAX),
            )
        })
        .collect()
}

/// The document's title: its first level-1 heading, else the file name.
pub(crate) fn markdown_title(markdown: &str, path: &Path) -> String {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut title: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => title = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                if let Some(t) = title.take().filter(|t| !t.trim().is_empty()) {
                    return t.trim().to_owned();
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(s) = title.as_mut() {
                    s.push_str(&t);
                }
            }
            _ => {}
        }
    }
    path.file_stem()
        .map_or_else(|| "document".into(), |s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render;

    #[test]
    fn only_a_page_with_a_diagram_needs_the_drawing_run() {
        let page = |md: &str| render::html::page("t", md);
        assert!(has_diagram(&page(
            "# T\n\n```mermaid\nflowchart LR\nA-->B\n```\n"
        )));
        assert!(!has_diagram(&page(
            "# T\n\ntext about mermaid\n\n```text\nmermaid\n```\n"
        )));
    }

    #[test]
    fn css_strings_cannot_escape_their_rule() {
        assert_eq!(css_string("Plain 标题"), "\"Plain 标题\"");
        let s = css_string("a\"; } </style><script>x</script> \\ \n");
        assert!(!s[1..s.len() - 1].contains(['"', '<', '>', '\n']), "{s}");
        assert!(
            s.contains("\\22 ") && s.contains("\\3c ") && s.contains("\\5c "),
            "{s}"
        );
    }

    #[test]
    fn the_report_is_read_from_the_drawn_dom() {
        let dom = format!(
            "<html><body><pre class=\"mermaid\">x</pre><script>big()</script>\
             <script type=\"application/json\" id=\"{}\">{{\"diagrams\":2,\"failed\":[\
             {{\"diagram\":2,\"heading\":\"Q1: x\",\"message\":\"Parse error \\u003c\"}}]}}</script></body></html>",
            render::html::MERMAID_REPORT_ID
        );
        let r = mermaid_report(&dom).expect("report");
        assert_eq!(r.diagrams, 2);
        assert_eq!(r.failed[0].diagram, 2);
        assert_eq!(r.failed[0].message, "Parse error <");
        assert_eq!(mermaid_report("<html><body></body></html>"), None);
    }

    #[test]
    fn the_printed_page_keeps_no_script() {
        let dom = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'\">\
                   </head><body><p>a</p><SCRIPT>alert(1)</SCRIPT><script>x()</script>\
                   <svg><text>drawn</text></svg></body></html>";
        let page = static_page(dom, "@page { size: A4; }");
        assert!(!page.to_ascii_lowercase().contains("<script"), "{page}");
        assert!(page.contains("script-src 'none'"), "{page}");
        assert!(
            page.contains("<style>@page { size: A4; }</style>\n</head>"),
            "{page}"
        );
        assert!(page.contains("<svg><text>drawn</text></svg>"), "{page}");
    }

    #[test]
    fn a_banks_failed_diagram_is_found_by_its_text_in_its_question_file() {
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("questions")).expect("mkdir");
        std::fs::copy(fixture.join("bank.yaml"), dir.path().join("bank.yaml")).expect("copy");
        let q = std::fs::read_to_string(fixture.join("questions/q.yaml")).expect("fixture");
        let q = format!(
            "{q}diagram:\n  kind: sequence\n  mermaid: |\n    sequenceDiagram\n      A->>B hi\n"
        );
        std::fs::write(dir.path().join("questions/q.yaml"), &q).expect("write");
        let bank = crate::load::load_bank(dir.path()).bank.expect("loads");
        let failed = |source: &str| FailedDiagram {
            diagram: 1,
            heading: String::new(),
            message: "Parse error on line 2".into(),
            source: source.into(),
        };
        let locate = in_bank(&bank);
        let at = locate(&failed("sequenceDiagram\n  A->>B hi\n")).expect("found");
        assert!(at.file.ends_with("questions/q.yaml"), "{at:?}");
        let first = q
            .lines()
            .position(|l| l.trim() == "sequenceDiagram")
            .unwrap()
            + 1;
        assert_eq!(at.line as usize, first);
        assert_eq!(locate(&failed("flowchart LR\n  X-->Y\n")), None);
        let printed = Printed {
            diagrams: 1,
            failed: vec![failed("sequenceDiagram\n  A->>B hi\n")],
        };
        let warnings = diagram_warnings(&printed, &bank.root, &locate);
        assert_eq!(warnings[0].location.as_ref(), Some(&at));
    }

    #[test]
    fn mermaid_blocks_are_found_with_their_lines() {
        let md = "# T\n\ntext\n\n```mermaid\nflowchart LR\nA-->B\n```\n\n- item\n\n  ```mermaid\n  x\n  ```\n\n```rust\n```\n";
        assert_eq!(mermaid_positions(md), vec![(5, 1), (12, 3)]);
    }

    #[test]
    fn titles_come_from_the_first_h1_or_the_file_name() {
        assert_eq!(
            markdown_title("intro\n\n# A `b` c\n\n# D\n", Path::new("x.md")),
            "A b c"
        );
        assert_eq!(
            markdown_title("## Only h2\n", Path::new("dir/notes.md")),
            "notes"
        );
    }

    #[test]
    fn page_rules_carry_paper_margin_title_and_page_numbers() {
        let opts = PrintOptions {
            paper: Paper::Letter,
            margin: "1in".into(),
            chromium: None,
            timeout: Duration::from_secs(1),
        };
        let css = print_css("Bank \"X\"", &opts);
        assert!(css.contains("size: letter; margin: 1in;"), "{css}");
        assert!(css.contains("content: \"Bank \\22 X\\22 \""), "{css}");
        assert!(
            css.contains("counter(page)") && css.contains("counter(pages)"),
            "{css}"
        );
    }

    #[test]
    fn a_missing_chromium_is_named() {
        let opts = PrintOptions {
            paper: Paper::A4,
            margin: "18mm".into(),
            chromium: Some(PathBuf::from("/nonexistent/chromium")),
            timeout: Duration::from_secs(1),
        };
        match chromium(&opts) {
            Err(PdfError::NoChromium(m)) => assert!(m.contains("/nonexistent/chromium"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
