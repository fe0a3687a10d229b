use super::{Ctx, Level, Measurement, finding};
use crate::code::{self, Lang, Verdict};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{FileId, Sp};

declare_gate! {
    /// ## What it checks
    /// Every question has at least one practical block (code, configuration, script,
    /// command or query plan) that is not mermaid, has between the rubric's minimum and
    /// maximum non-empty lines (default 5-30), is not only comments and placeholder lines
    /// (`echo "TODO"`), and parses.
    ///
    /// A block is parsed in its fence language, never run: YAML (every `---` document;
    /// Helm-style `{{ ... }}` actions are masked first), JSON, TOML, INI, SQL in the
    /// PostgreSQL dialect (a psql script's `\gset`, `\timing`, `\x` ... lines and
    /// `:'var'`, `:"var"`, `:var` substitutions are understood), PromQL (one expression,
    /// or several separated by blank lines), and with tree-sitter grammars shell (`bash`,
    /// `sh`, `shell`), Python, JavaScript (`js`, `mjs`, `k6` ...), TypeScript, Go, Java and
    /// Rust. Any block that does not parse fails the gate, with the parser's message at its
    /// line and column in the YAML file (or in the markdown, for an imported document).
    /// Blocks in other languages (`text`, `nginx`, `dockerfile`, `hcl`, `zsh`, `console`
    /// ...) count as before and carry a "not verified" note. Blocks outside the line range
    /// are warnings. A YAML or JSON block whose whole document is one scalar (a sentence
    /// parses as a YAML plain scalar; `"text"` is JSON) is prose, not code: it does not
    /// count, with a warning at the block (TOML cannot be a lone scalar).
    ///
    /// ## Why it matters
    /// Candidates should be asked to produce or read something that runs: a k6 script, an
    /// `EXPLAIN ANALYZE`, a PromQL rule. A one-liner teaches nothing; a page is not an
    /// interview question; a block of comments or a snippet with a syntax error teaches the
    /// wrong thing.
    ///
    /// ## How to fix
    /// Add a `practical:` entry with `lang`, `caption` and `code`; trim long blocks to the
    /// lines that matter. For a block that does not parse, fix the syntax at the line the
    /// diagnostic names, or give the fence its real language (`text` for prose output).
    ///
    /// ## Example
    /// `28/28; 31 blocks (29 verified, 2 not verified), 6-27 lines`.
    pub(crate) static PRACTICAL_ELEMENTS = {
        number: 5,
        name: "practical-elements",
        title: "Practical Elements",
        requirement: |r| format!("100% have >=1 code/config block of {}-{} lines that parses", r.practical_lines.min, r.practical_lines.max),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let range = ctx.rubric.practical_lines;
    let in_range = range.min as usize..=range.max as usize;
    let qs = &ctx.bank.questions;
    let mut with_one = 0;
    let mut blocks = 0;
    let mut verified = 0;
    let mut broken = 0;
    let mut min_lines = usize::MAX;
    let mut max_lines = 0;
    let mut diags = Vec::new();
    let mut bad_blocks = 0;
    for q in qs {
        let mut good = 0;
        let mut why_not = Vec::new();
        let start = diags.len();
        for p in q
            .practical
            .iter()
            .filter(|p| !p.lang.value.eq_ignore_ascii_case("mermaid"))
        {
            let lang = p.lang.value.as_str();
            let code = p.code.value.as_str();
            let lines = code.lines().filter(|l| !l.trim().is_empty()).count();
            blocks += 1;
            min_lines = min_lines.min(lines);
            max_lines = max_lines.max(lines);
            let sized = in_range.contains(&lines);
            if !sized {
                bad_blocks += 1;
                why_not.push(format!("its `{lang}` block has {lines} non-empty lines"));
                diags.push(
                    finding(
                        Level::Preferred,
                        format!(
                            "{}: a `{lang}` block has {lines} non-empty lines; blocks need {}-{}",
                            ctx.q_name(q),
                            range.min,
                            range.max
                        ),
                    )
                    .at(ctx.loc(q.file, p.code.pos))
                    .help(if lines < range.min as usize {
                        "extend it to something that runs on its own (setup, thresholds, output)"
                    } else {
                        "cut it to the lines the question is about"
                    }),
                );
            }
            // Lines holding a placeholder (`echo "TODO: step 1"`) are not content either.
            let content: Vec<&str> = code
                .lines()
                .filter(|l| ctx.placeholders.find_word(l).is_none())
                .collect();
            let content = content.join("\n");
            if content.trim().is_empty() || code::only_comments(lang, &content) {
                if let Some(found) = ctx.placeholders.find_word(code) {
                    diags.push(ctx.placeholder_diag(
                        q.file,
                        &p.code,
                        &found,
                        &format!("{}: the `{lang}` block", ctx.q_name(q)),
                    ));
                    why_not.push(format!(
                        "its `{lang}` block holds only comments and placeholders"
                    ));
                } else {
                    why_not.push(format!("its `{lang}` block holds only comments"));
                }
                continue;
            }
            let parses = match code::verify(lang, code) {
                Verdict::Parsed => {
                    verified += 1;
                    true
                }
                Verdict::Failed { line, col, message } => {
                    verified += 1;
                    broken += 1;
                    let name: &str = match Lang::from_fence(lang) {
                        Some(l) => l.name(),
                        None => lang,
                    };
                    diags.push(
                        finding(
                            Level::Required,
                            format!(
                                "{}: a `{lang}` block does not parse as {name}: {message}",
                                ctx.q_name(q)
                            ),
                        )
                        .at(code_loc(ctx, q.file, &p.code, line, col))
                        .help(format!(
                            "fix the {name} syntax at this line; qbank parses the block, it never runs it"
                        )),
                    );
                    why_not.push(format!("its `{lang}` block does not parse"));
                    false
                }
                Verdict::Scalar => {
                    verified += 1;
                    diags.push(
                        finding(
                            Level::Preferred,
                            format!(
                                "{}: a `{lang}` block is one scalar: prose that parses, not code or configuration",
                                ctx.q_name(q)
                            ),
                        )
                        .at(ctx.loc(q.file, p.code.pos))
                        .help("write the configuration or code itself (keys and values, a list), or give prose the fence `text`"),
                    );
                    why_not.push(format!("its `{lang}` block is one scalar, not code"));
                    false
                }
                Verdict::NotVerified => {
                    diags.push(
                        Diagnostic::gate_finding(
                            Severity::Note,
                            format!(
                                "{}: a `{lang}` block is not verified: {}",
                                ctx.q_name(q),
                                crate::code::not_verified_reason(lang, &p.code.value)
                            ),
                        )
                        .at(ctx.loc(q.file, p.lang.pos)),
                    );
                    true
                }
            };
            if sized && parses {
                good += 1;
            }
        }
        if good > 0 {
            with_one += 1;
        } else {
            let what = if q.practical.is_empty() {
                "no practical element".to_owned()
            } else {
                let mut what = format!(
                    "no code or config block of {}-{} lines that parses (mermaid does not count)",
                    range.min, range.max
                );
                if !why_not.is_empty() {
                    why_not.dedup();
                    what = format!("{what}; {}", why_not.join(", "));
                }
                what
            };
            // One problem, one finding: errors at the blocks (a parse failure, a
            // placeholder) already say why; otherwise the size warnings of this question
            // fold into one error at its first block (or at `id:` when it has none).
            let own: Vec<Diagnostic> = diags.drain(start..).collect();
            if own.iter().any(Diagnostic::is_error) {
                diags.extend(own);
            } else {
                diags.extend(own.into_iter().filter(|d| d.severity == Severity::Note));
                let at = q
                    .practical
                    .iter()
                    .find(|p| !p.lang.value.eq_ignore_ascii_case("mermaid"))
                    .or(q.practical.first())
                    .map_or_else(|| ctx.q_loc(q), |p| ctx.loc(q.file, p.code.pos));
                diags.push(
                    finding(Level::Required, format!("{} has {what}", ctx.q_name(q)))
                        .at(at)
                        .help("add `practical:` with a code, config, script or command block"),
                );
            }
        }
    }
    let span = if blocks == 0 {
        String::new()
    } else {
        let not_verified = blocks - verified;
        let mut parts = vec![format!("{verified} verified")];
        if broken > 0 {
            parts.push(format!("{broken} not parsing"));
        }
        if not_verified > 0 {
            parts.push(format!("{not_verified} not verified"));
        }
        format!(" ({}), {min_lines}-{max_lines} lines", parts.join(", "))
    };
    let mut m = Measurement::new(format!("{with_one}/{}; {blocks} blocks{span}", qs.len()));
    m.require(with_one == qs.len() && !qs.is_empty());
    m.require(broken == 0);
    m.prefer(bad_blocks == 0);
    m.diagnostics = diags;
    m
}

/// Where line `line`, column `col` (1-based, within the block) of a code value stand in
/// its file. The block's lines are found in order from the value's position, so a YAML
/// block scalar's indentation and a markdown fence are followed; when the text cannot be
/// found (a quoted or folded scalar), the value's own position is used.
fn code_loc(
    ctx: &Ctx<'_>,
    file: FileId,
    value: &Sp<String>,
    line: usize,
    col: Option<usize>,
) -> Location {
    let base = ctx.loc(file, value.pos);
    let Some(src) = ctx.bank.sources.get(file) else {
        return base;
    };
    let text = &src.text;
    let mut cursor = (value.pos.offset as usize).min(text.len());
    let mut target = None;
    for (i, l) in value.value.lines().enumerate() {
        let l = l.trim_end();
        if l.trim().is_empty() {
            if i + 1 == line {
                break;
            }
            continue;
        }
        let Some(at) = text.get(cursor..).and_then(|t| t.find(l)) else {
            break;
        };
        if i + 1 == line {
            target = Some(cursor + at);
            break;
        }
        cursor += at + l.len();
    }
    match target {
        Some(at) => {
            let (l, c) = crate::text::line_col(text, at);
            let c = c + col.map_or(0, |c| u32::try_from(c - 1).unwrap_or(0));
            Location::at(base.file, l, if col.is_some() { c } else { 0 })
        }
        None => base,
    }
}
