use super::{Ctx, Level, Measurement, finding};

declare_gate! {
    /// ## What it checks
    /// Every question has at least one practical block (code, configuration, script,
    /// command or query plan) that is not mermaid and has between the rubric's minimum and
    /// maximum non-empty lines (default 5-30). Further blocks outside the range are warnings.
    ///
    /// ## Why it matters
    /// Candidates should be asked to produce or read something that runs: a k6 script, an
    /// `EXPLAIN ANALYZE`, a PromQL rule. A one-liner teaches nothing; a page is not an
    /// interview question.
    ///
    /// ## How to fix
    /// Add a `practical:` entry with `lang`, `caption` and `code`; trim long blocks to the
    /// lines that matter.
    ///
    /// ## Example
    /// `28/28; 31 blocks, 6-27 lines`.
    pub(crate) static PRACTICAL_ELEMENTS = {
        number: 5,
        name: "practical-elements",
        title: "Practical Elements",
        requirement: |r| format!("100% have >=1 code/config block of {}-{} lines", r.practical_lines.min, r.practical_lines.max),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let range = ctx.rubric.practical_lines;
    let qs = &ctx.bank.questions;
    let mut with_one = 0;
    let mut blocks = 0;
    let mut min_lines = usize::MAX;
    let mut max_lines = 0;
    let mut diags = Vec::new();
    let mut bad_blocks = 0;
    for q in qs {
        let mut good = 0;
        for p in q
            .practical
            .iter()
            .filter(|p| !p.lang.value.eq_ignore_ascii_case("mermaid"))
        {
            let lines = p
                .code
                .value
                .lines()
                .filter(|l| !l.trim().is_empty())
                .count();
            blocks += 1;
            min_lines = min_lines.min(lines);
            max_lines = max_lines.max(lines);
            if (range.min as usize..=range.max as usize).contains(&lines) {
                good += 1;
            } else {
                bad_blocks += 1;
                diags.push(
                    finding(
                        Level::Preferred,
                        format!(
                            "{}: a `{}` block has {lines} non-empty lines; blocks need {}-{}",
                            ctx.q_name(q),
                            p.lang.value,
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
        }
        if good > 0 {
            with_one += 1;
        } else {
            let what = if q.practical.is_empty() {
                "no practical element".to_owned()
            } else {
                format!(
                    "no code or config block of {}-{} lines (mermaid does not count)",
                    range.min, range.max
                )
            };
            diags.push(
                finding(Level::Required, format!("{} has {what}", ctx.q_name(q)))
                    .at(ctx.q_loc(q))
                    .help("add `practical:` with a code, config, script or command block"),
            );
        }
    }
    let span = if blocks == 0 {
        String::new()
    } else {
        format!(", {min_lines}-{max_lines} lines")
    };
    let mut m = Measurement::new(format!("{with_one}/{}; {blocks} blocks{span}", qs.len()));
    m.require(with_one == qs.len() && !qs.is_empty());
    m.prefer(bad_blocks == 0);
    m.diagnostics = diags;
    m
}
