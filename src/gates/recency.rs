use jiff::ToSpan;
use jiff::civil::Date;

use super::{Ctx, Level, Measurement, finding, pct, share};
use crate::model::{PartialDate, Source};

declare_gate! {
    /// ## What it checks
    /// Measured from the bank's `as_of` date (or `--as-of`), printed in the evidence:
    /// - at least the rubric's share (default 50%) of literature and citations were
    ///   published within the last `years` (default 3);
    /// - at least `tools_min_share` (default 70%) of tools have a `last_update` in that
    ///   window (with `--online`, a tool whose registry was looked up is dated by its latest
    ///   release instead: docs/verify.md), and the same share of benchmark-type sources
    ///   (default type `report`);
    /// - a tool whose last update is more than `tool_warn_months` (default 18) old is a
    ///   warning.
    ///
    /// A source dated by year only counts as published on the last day of that year, a
    /// month on its last day: the latest date the value can mean. A work listed twice
    /// counts once (`duplicate-source`, gate 13). An `as_of` date after today is a
    /// `future-as-of` warning: recency measured from the future flatters every source.
    ///
    /// ## Why it matters
    /// Performance advice ages: kernel, runtime and database behaviour change, and
    /// benchmarks older than three years mislead.
    ///
    /// ## How to fix
    /// Replace stale sources with recent editions or studies; update tools' `last_update`
    /// after checking their latest release.
    ///
    /// ## Example
    /// `58% <=3yr (21/36) as of 2026-11-01; tools 90%; benchmarks 100%`.
    pub(crate) static RECENCY = {
        number: 15,
        name: "recency",
        title: "Recency",
        requirement: |r| format!(
            ">={:.0}% last {}yr (>={:.0}% tools/benchmarks)",
            r.recency.min_share * 100.0,
            r.recency.years,
            r.recency.tools_min_share * 100.0
        ),
        check: check,
    }
}

/// The last day a partial date can denote.
fn last_day(d: PartialDate) -> Date {
    match d.day {
        Some(_) => d.first_day(),
        None => d.first_day().last_of_month(),
    }
}

/// When a source was published, as the latest day its date or year can mean.
fn published(s: &Source) -> Option<Date> {
    if let Some(d) = &s.date {
        return Some(last_day(d.value));
    }
    let y = s.year.as_ref()?.value;
    Date::new(i16::try_from(y).ok()?, 12, 31).ok()
}

fn months_between(from: Date, to: Date) -> i32 {
    (i32::from(to.year()) - i32::from(from.year())) * 12 + i32::from(to.month())
        - i32::from(from.month())
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let r = &ctx.rubric.recency;
    let years = i32::try_from(r.years).unwrap_or(3);
    let cutoff = ctx.as_of.checked_sub(years.years()).unwrap_or(Date::MIN);
    let sources: Vec<&Source> = ctx.real_sources();
    let is_recent = |s: &Source| published(s).is_some_and(|d| d >= cutoff);
    let recent = sources.iter().filter(|s| is_recent(s)).count();

    use crate::model::EntryTexts as _;
    let tools: Vec<&crate::model::Tool> = ctx
        .bank
        .tools
        .iter()
        .filter(|t| ctx.entry_placeholder(&t.texts()).is_none())
        .collect();
    // Entries left out: repeats of a work listed before (counted once), and placeholders.
    let repeats = (0..ctx.bank.literature.len() + ctx.bank.citations.len())
        .filter(|&i| ctx.works.source_is_repeat(i))
        .count();
    let hollow = (ctx.bank.literature.len() + ctx.bank.citations.len() + ctx.bank.tools.len())
        .saturating_sub(sources.len() + tools.len() + repeats);
    // A tool's date: its latest release as its registry lists it, when `--online`
    // looked it up (docs/verify.md), else the last update the entry states.
    let verified = |t: &crate::model::Tool| -> Option<Date> {
        let key = crate::links::release::registry_of(t)?;
        match ctx.links?.release(&key)? {
            crate::links::cite::Lookup::Found { record } => record.date?.parse().ok(),
            _ => None,
        }
    };
    let mut verified_tools = 0;
    let recent_tools = tools
        .iter()
        .filter(|t| match verified(t) {
            Some(d) => {
                verified_tools += 1;
                d >= cutoff
            }
            None => t
                .last_update
                .as_ref()
                .is_some_and(|u| last_day(u.value.0) >= cutoff),
        })
        .count();
    let benches: Vec<&&Source> = sources
        .iter()
        .filter(|s| r.benchmark_types.contains(&s.kind.value))
        .collect();
    let recent_benches = benches.iter().filter(|s| is_recent(s)).count();

    let mut evidence = format!(
        "{} <={}yr ({recent}/{}) as of {}",
        pct(recent, sources.len()),
        r.years,
        sources.len(),
        ctx.as_of
    );
    evidence.push_str(&format!("; tools {}", pct(recent_tools, tools.len())));
    if verified_tools > 0 {
        evidence.push_str(&format!(
            " ({verified_tools} dated by their registry's latest release)"
        ));
    }
    if hollow > 0 {
        evidence.push_str(&format!("; {hollow} placeholder entries not counted"));
    }
    if repeats > 0 {
        evidence.push_str(&format!("; {repeats} repeated, counted once"));
    }
    if !benches.is_empty() {
        evidence.push_str(&format!(
            "; benchmarks {}",
            pct(recent_benches, benches.len())
        ));
    }
    let mut m = Measurement::new(evidence);
    let ok_sources = share(recent, sources.len()) + 1e-9 >= r.min_share && !sources.is_empty();
    let ok_tools = tools.is_empty() || share(recent_tools, tools.len()) + 1e-9 >= r.tools_min_share;
    let ok_benches =
        benches.is_empty() || share(recent_benches, benches.len()) + 1e-9 >= r.benchmarks_min_share;
    m.require(ok_sources && ok_tools && ok_benches);
    if !ok_sources {
        m.push(
            finding(
                Level::Required,
                format!("{recent} of {} sources are from the last {} years ({}); {:.0}% required", sources.len(), r.years, pct(recent, sources.len()), r.min_share * 100.0),
            )
            .at(ctx.field_loc("as_of"))
            .help(format!("sources published on or after {cutoff} count as recent; replace older ones with recent work")),
        );
        for s in sources.iter().filter(|s| !is_recent(s)) {
            if published(s).is_none() {
                m.push(
                    finding(
                        Level::Required,
                        format!("`{}` has no year or date", s.id.value),
                    )
                    .at(ctx.loc(s.file, s.id.pos))
                    .help("give the year (`year:` or `date:`) only if the work itself states it; an undated page cannot count as recent: cite a dated source instead"),
                );
            }
        }
    }
    if !ok_tools {
        m.push(
            finding(
                Level::Required,
                format!(
                    "{recent_tools} of {} tools were updated since {cutoff}; {:.0}% required",
                    tools.len(),
                    r.tools_min_share * 100.0
                ),
            )
            .at(ctx.field_loc("as_of"))
            .help("check each tool's latest release and update `last_update`"),
        );
    }
    if !ok_benches {
        m.push(
            finding(
                Level::Required,
                format!(
                    "{recent_benches} of {} benchmark sources are recent; {:.0}% required",
                    benches.len(),
                    r.benchmarks_min_share * 100.0
                ),
            )
            .at(ctx.field_loc("as_of")),
        );
    }
    let mut stale = 0;
    for t in tools {
        if let Some(u) = &t.last_update {
            let age = months_between(u.value.0.first_day(), ctx.as_of);
            if age > i32::try_from(r.tool_warn_months).unwrap_or(18) {
                stale += 1;
                m.push(
                    finding(
                        Level::Preferred,
                        format!(
                            "tool `{}` ({}) was last updated {} ({age} months before {})",
                            t.id.value, t.name.value, u.value, ctx.as_of
                        ),
                    )
                    .at(ctx.loc(t.file, u.pos))
                    .help(format!(
                        "check for a newer release; tools should be updated within {} months",
                        r.tool_warn_months
                    )),
                );
            }
        }
    }
    m.prefer(stale == 0);
    m
}
