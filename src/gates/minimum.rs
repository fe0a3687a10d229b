//! The shared shape of gates 11-14: count the complete entries of a reference list, warn
//! about each incomplete one, and require the rubric's (scaled) minimum.

use super::{Ctx, Level, Measurement, finding};
use crate::model::{FileId, Sp};

/// One entry of a reference list and the fields it lacks (empty when complete).
pub(crate) struct Entry<'a> {
    pub id: &'a Sp<String>,
    pub file: FileId,
    /// How the entry is named in messages: "glossary entry `G3` (RPS/TPS/QPS)".
    pub label: String,
    pub missing: Vec<&'static str>,
    /// What else keeps the entry from counting (a circular definition), said in full.
    pub problem: Option<String>,
    /// The entry's prose, field by field: a placeholder in any field makes it incomplete.
    pub texts: Vec<(&'static str, &'a str)>,
}

/// What a list is called: "glossary entries", in `references/glossary.yaml`.
pub(crate) struct List {
    pub plural: &'static str,
    pub file: &'static str,
}

/// Measures `entries` against `min`; returns the measurement and the complete count.
pub(crate) fn measure(
    ctx: &Ctx<'_>,
    list: &List,
    min: usize,
    entries: &[Entry<'_>],
) -> (Measurement, usize) {
    let mut m = Measurement::default();
    let mut complete = 0;
    for e in entries {
        // URLs like https://example.com/TODO are placeholders too.
        let placeholder = ctx.entry_placeholder(&e.texts);
        if let Some((field, p)) = placeholder {
            m.push(
                crate::diagnostic::Diagnostic::new(
                    crate::diagnostic::Severity::Warning,
                    crate::codes::Code::Placeholder,
                    format!("{}: `{field}` is a placeholder: {}", e.label, p.what),
                )
                .at(ctx.loc(e.file, e.id.pos))
                .help("write the entry itself; placeholder text satisfies no gate"),
            );
        } else if e.missing.is_empty() && e.problem.is_none() {
            complete += 1;
        } else {
            let mut what = Vec::new();
            if !e.missing.is_empty() {
                what.push(format!("lacks {}", e.missing.join(", ")));
            }
            what.extend(e.problem.clone());
            m.push(
                finding(Level::Preferred, format!("{} {}", e.label, what.join("; ")))
                    .at(ctx.loc(e.file, e.id.pos))
                    .help("fill the missing fields"),
            );
        }
    }
    floor(
        ctx,
        &mut m,
        (complete, entries.len(), min),
        list.plural,
        format!("add entries to {}", list.file),
    );
    (m, complete)
}

/// The floor every reference list shares: `complete` of `total` entries against `min`
/// (required), all of them complete (preferred), and a finding at the bank when short.
/// `what` names the entries in the message ("glossary entries").
pub(crate) fn floor(
    ctx: &Ctx<'_>,
    m: &mut Measurement,
    (complete, total, min): (usize, usize, usize),
    what: &str,
    help: String,
) {
    m.require(complete >= min);
    m.prefer(complete == total);
    if complete < min {
        m.push(
            finding(
                Level::Required,
                format!("{complete} complete {what}; at least {min} required"),
            )
            .at(ctx.bank_loc())
            .help(help),
        );
    }
}

/// `missing` when the text is absent or blank.
pub(crate) fn blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}
