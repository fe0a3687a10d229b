use super::{Ctx, Level, Measurement, finding};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Question, Rubric};

declare_gate! {
    /// ## What it checks
    /// Every cell of the rubric's matrix (default 4 Dimensions x 4 Phases = 16 cells) holds
    /// at least one question. A question with several dimensions or phases covers their
    /// pairs, taken dimension-major in the order written ((d1,p1), (d1,p2), (d2,p1) ...),
    /// up to `matrix.max_cells_per_question` cells (default 2: the spec's example spans
    /// Analyze and Optimize); further pairs are a note in the evidence, not coverage.
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

/// Questions per cell of the rubric's matrix as gate 2 counts them (each question in
/// at most `matrix.max_cells_per_question` cells), and the questions that name more
/// cells, with the cells not counted. `qbank stats` shows the same counts.
pub(crate) struct CellCounts<'b> {
    /// `counts[dimension][phase]`.
    pub counts: Vec<Vec<usize>>,
    pub beyond: Vec<(&'b Question, Vec<(usize, usize)>)>,
}

pub(crate) fn cell_counts<'b>(questions: &'b [Question], r: &Rubric) -> CellCounts<'b> {
    let mut counts = vec![vec![0usize; r.phases.values.len()]; r.dimensions.values.len()];
    let mut beyond = Vec::new();
    for q in questions {
        let d: Vec<&str> = q.dimensions.iter().map(|v| v.value.as_str()).collect();
        let p: Vec<&str> = q.phases.iter().map(|v| v.value.as_str()).collect();
        let (counted, extra) = r.cells(&d, &p);
        for (i, j) in counted {
            counts[i][j] += 1;
        }
        if !extra.is_empty() {
            beyond.push((q, extra));
        }
    }
    CellCounts { counts, beyond }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let r = ctx.rubric;
    let dims = r.dimensions.ids();
    let phases = r.phases.ids();
    let CellCounts { counts, beyond } = cell_counts(&ctx.bank.questions, r);
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
    if !beyond.is_empty() {
        evidence.push_str(&format!(
            "; {} {} more than {} cells (the rest not counted)",
            beyond.len(),
            if beyond.len() == 1 {
                "question names"
            } else {
                "questions name"
            },
            r.matrix.max_cells_per_question
        ));
    }
    let mut m = Measurement::new(evidence);
    m.require(empty.is_empty());
    for (q, extra) in &beyond {
        let cells: Vec<String> = extra.iter().map(|&(i, j)| cell(i, j)).collect();
        m.push(
            Diagnostic::gate_finding(
                Severity::Note,
                format!(
                    "{} names {} more cell(s) than the {} a question counts in: {}",
                    ctx.q_name(q),
                    extra.len(),
                    r.matrix.max_cells_per_question,
                    cells.join(", ")
                ),
            )
            .at(ctx.loc(q.file, q.dimensions.first().map_or(q.id.pos, |d| d.pos)))
            .help("a question covers the first pairs written (dimension-major); give the others a question of their own"),
        );
    }
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
