use super::{Ctx, Level, Measurement, finding};

declare_gate! {
    /// ## What it checks
    /// The tools list holds at least the rubric's minimum of complete entries (default 5,
    /// scaled above 30 questions). Complete: purpose, pricing, last_update and url.
    /// Incomplete entries are warnings.
    ///
    /// ## Why it matters
    /// A tool recommendation without its pricing tier, release date or URL cannot be
    /// evaluated or followed.
    ///
    /// ## How to fix
    /// Fill the missing fields in `references/tools.yaml`.
    ///
    /// ## Example
    /// `8 tools, 8 complete`.
    pub(crate) static TOOLS_MIN = {
        number: 12,
        name: "tools-min",
        title: "Tools Min",
        requirement: |r| format!(">={} tools [T#] with purpose/pricing/update", r.references.tools),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.tools) as usize;
    let tools = &ctx.bank.tools;
    let mut complete = 0;
    let mut diags = Vec::new();
    for t in tools {
        let mut missing = Vec::new();
        if t.purpose.as_deref().is_none_or(|s| s.trim().is_empty()) {
            missing.push("purpose");
        }
        if t.pricing.as_deref().is_none_or(|s| s.trim().is_empty()) {
            missing.push("pricing");
        }
        if t.last_update.is_none() {
            missing.push("last_update");
        }
        if t.url.as_ref().is_none_or(|s| s.value.trim().is_empty()) {
            missing.push("url");
        }
        if missing.is_empty() {
            complete += 1;
        } else {
            diags.push(
                finding(
                    Level::Preferred,
                    format!(
                        "tool `{}` ({}) lacks {}",
                        t.id.value,
                        t.name.value,
                        missing.join(", ")
                    ),
                )
                .at(ctx.loc(t.file, t.id.pos))
                .help("fill the missing fields"),
            );
        }
    }
    let mut m = Measurement::new(format!(
        "{} tools, {complete} complete (min {min})",
        tools.len()
    ));
    m.require(complete >= min);
    m.prefer(complete == tools.len());
    if complete < min {
        diags.push(
            finding(
                Level::Required,
                format!("{complete} complete tools; at least {min} required"),
            )
            .at(ctx.bank_loc())
            .help("add entries to references/tools.yaml"),
        );
    }
    m.diagnostics = diags;
    m
}
