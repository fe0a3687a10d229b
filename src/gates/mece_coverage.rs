use super::{Ctx, Level, Measurement, finding};

declare_gate! {
    /// ## What it checks
    /// Every cell of the rubric's matrix (default 4 Dimensions x 4 Phases = 16 cells) holds
    /// at least one question. A question with several dimensions or phases covers every
    /// pair of them.
    ///
    /// ## Why it matters
    /// The matrix is the bank's promise of mutually exclusive, collectively exhaustive
    /// coverage: an empty cell is a topic no interview can probe.
    ///
    /// ## How to fix
    /// Write a question for each empty cell, or tag an existing question that genuinely
    /// covers it with that dimension and phase.
    ///
    /// ## Example
    /// `16/16 cells; thinnest cell Resources×Measure (1)`.
    pub(crate) static MECE_COVERAGE = {
        number: 2,
        name: "mece-coverage",
        title: "MECE Coverage",
        requirement: |r| {
            let n = r.dimensions.values.len() * r.phases.values.len();
            format!(">=1 Q&A in each of {n} cells ({}x{} matrix)", r.dimensions.values.len(), r.phases.values.len())
        },
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let r = ctx.rubric;
    let dims = r.dimensions.ids();
    let phases = r.phases.ids();
    let mut counts = vec![vec![0usize; phases.len()]; dims.len()];
    for q in &ctx.bank.questions {
        for d in &q.dimensions {
            for p in &q.phases {
                if let (Some(i), Some(j)) = (
                    dims.iter().position(|x| *x == d.value),
                    phases.iter().position(|x| *x == p.value),
                ) {
                    counts[i][j] += 1;
                }
            }
        }
    }
    let total = dims.len() * phases.len();
    let mut covered = 0;
    let mut thinnest: Option<(usize, usize, usize)> = None;
    let mut empty = Vec::new();
    for (i, row) in counts.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            if c > 0 {
                covered += 1;
                if thinnest.is_none_or(|(_, _, t)| c < t) {
                    thinnest = Some((i, j, c));
                }
            } else {
                empty.push((i, j));
            }
        }
    }
    let cell = |i: usize, j: usize| {
        format!(
            "{}×{}",
            r.dimensions.values[i].title, r.phases.values[j].title
        )
    };
    let mut evidence = format!("{covered}/{total} cells");
    if let Some((i, j, c)) = thinnest {
        evidence.push_str(&format!("; thinnest cell {} ({c})", cell(i, j)));
    }
    if !empty.is_empty() {
        let names: Vec<String> = empty.iter().map(|&(i, j)| cell(i, j)).collect();
        evidence.push_str(&format!("; empty: {}", names.join(", ")));
    }
    let mut m = Measurement::new(evidence);
    m.require(empty.is_empty());
    for (i, j) in empty {
        m.push(
            finding(
                Level::Required,
                format!("no question covers {}", cell(i, j)),
            )
            .at(ctx.field_loc("clusters"))
            .help(format!(
                "write a question with `{}: [{}]` and `{}: [{}]`",
                "dimensions", dims[i], "phases", phases[j]
            )),
        );
    }
    m
}
