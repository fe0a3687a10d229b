//! From outcomes to verdicts: which links are ok, broken, unreachable, archived or
//! unverified, with a finding for each one that is not ok and the run's tally.

use serde::Serialize;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::links::extract::{self, Link};
use crate::links::status::Accept;
use crate::links::{Checked, Outcome};

/// Which links are left out and which statuses count as working.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    /// Links matching one of these (as written or as requested) are left out.
    pub exclude: Vec<regex::Regex>,
    /// Statuses that count as working (default: any 2xx).
    pub accept: Option<Accept>,
}

impl Filter {
    /// True when `exclude` leaves `link` out.
    pub fn excluded(&self, link: &Link) -> bool {
        self.exclude.iter().any(|re| {
            re.is_match(&link.written) || link.target.as_ref().is_ok_and(|t| re.is_match(t))
        })
    }

    /// The outcome for a link: what its URL got (under `accept`), or why it has none.
    pub fn outcome_of(&self, link: &Link, checked: &Checked) -> Outcome {
        match &link.target {
            Ok(t) => self.outcome_of_url(t, checked),
            Err(reason) => Outcome::Invalid {
                reason: reason.clone(),
            },
        }
    }

    pub fn outcome_of_url(&self, url: &str, checked: &Checked) -> Outcome {
        let o = checked
            .outcomes
            .get(url)
            .cloned()
            .unwrap_or(Outcome::Unchecked);
        match &self.accept {
            Some(a) => o.accepted(a),
            None => o,
        }
    }
}

/// The one message for a run in which no request got an HTTP answer.
pub(crate) fn network_message(checked: &Checked) -> String {
    format!(
        "network unavailable: none of the {} {} requested got an answer",
        checked.requested.len(),
        crate::report::human::plural(checked.requested.len(), "URL", "URLs")
    )
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Tally {
    pub links: usize,
    pub unique: usize,
    pub ok: usize,
    pub broken: usize,
    pub unreachable: usize,
    pub archived: usize,
    pub unverified: usize,
    pub excluded: usize,
    pub from_cache: usize,
    pub requests: usize,
    pub network_unavailable: bool,
    /// Links whose URL got no answer because the run was interrupted (Ctrl-C).
    #[serde(skip_serializing_if = "is_zero")]
    pub not_checked: usize,
    /// Entries' DOIs and ISBNs compared with their registry or Open Library: their
    /// number, and how many the registry contradicts, does not know, or could not be
    /// asked about.
    pub citations: usize,
    pub citation_mismatches: usize,
    pub dois_not_found: usize,
    /// ISBNs Open Library does not hold (a warning: its catalogue is not complete).
    #[serde(skip_serializing_if = "is_zero")]
    pub isbns_not_found: usize,
    pub citations_unverified: usize,
    /// Tools whose registry lists a later release, or whose latest release is old.
    pub stale_versions: usize,
    pub stale_tools: usize,
}

impl Tally {
    /// Counts the findings of [`crate::links::cite::diagnostics`] (one per entry that is
    /// not confirmed) and of [`crate::links::release::diagnostics`].
    pub fn count_citations(&mut self, found: &[Diagnostic]) {
        for d in found {
            match d.registered() {
                Some(Code::CitationMismatch) => self.citation_mismatches += 1,
                Some(Code::DoiNotFound) => self.dois_not_found += 1,
                Some(Code::IsbnNotFound) => self.isbns_not_found += 1,
                Some(Code::UnverifiedCitation) => self.citations_unverified += 1,
                Some(Code::StaleVersion) => self.stale_versions += 1,
                Some(Code::StaleTool) => self.stale_tools += 1,
                _ => {}
            }
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One link's verdict, as `--format json` and `markdown` list it.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    pub verdict: &'static str,
    #[serde(flatten)]
    pub location: Location,
    pub written: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub kind: extract::Kind,
    pub outcome: Outcome,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<String>,
}

/// The verdict on every link, a finding for each that is not ok, and the tally.
/// `excluded` is how many links the filter left out before the check.
pub(crate) fn verdicts(
    links: &[Link],
    checked: &Checked,
    filter: &Filter,
    excluded: usize,
) -> (Vec<Row>, Vec<Diagnostic>, Tally) {
    let mut tally = Tally {
        links: links.len(),
        unique: checked.outcomes.len() + checked.unfinished,
        excluded,
        from_cache: checked.from_cache,
        requests: checked.requests,
        network_unavailable: checked.network_unavailable(),
        ..Tally::default()
    };
    let interrupted = checked.unfinished > 0;
    let mut diags = Vec::new();
    let mut rows = Vec::new();
    for l in links {
        if interrupted
            && l.target
                .as_ref()
                .is_ok_and(|t| !checked.outcomes.contains_key(t))
        {
            // Interrupted before its answer: neither a verdict nor a finding.
            tally.not_checked += 1;
            continue;
        }
        let o = filter.outcome_of(l, checked);
        let at = l.location.clone();
        let mut archived_to = None;
        let verdict = match o.is_live() {
            Some(true) => {
                tally.ok += 1;
                "ok"
            }
            _ if tally.network_unavailable && o.is_unreachable() => {
                // Said once for the run instead of once per link.
                tally.unverified += 1;
                "unverified"
            }
            Some(false) => {
                let archive = l
                    .archived
                    .as_ref()
                    .map(|a| (a, filter.outcome_of_url(a, checked)));
                if let Some((a, ao)) = archive
                    && checked.outcomes.contains_key(a)
                    && ao.is_live() != Some(false)
                {
                    tally.archived += 1;
                    archived_to = Some(a.clone());
                    diags.push(
                        Diagnostic::new(
                            Severity::Note,
                            Code::ArchivedLink,
                            format!("{} ({}), archived at {a}", l.written, o.describe()),
                        )
                        .at(at.clone()),
                    );
                    "archived"
                } else {
                    let unreachable = o.is_unreachable();
                    if unreachable {
                        tally.unreachable += 1;
                    } else {
                        tally.broken += 1;
                    }
                    diags.push(
                        Diagnostic::error(
                            if unreachable {
                                Code::UnreachableLink
                            } else {
                                Code::DeadLink
                            },
                            format!("{}: {}", o.describe(), l.written),
                        )
                        .at(at.clone())
                        .help(match l.kind {
                            _ if unreachable => {
                                "no HTTP answer: check the host name, or try again later"
                            }
                            extract::Kind::Doi => "check the DOI at https://doi.org/",
                            extract::Kind::Archived => {
                                "point `archived:` at a working Wayback copy"
                            }
                            _ => "fix or replace the link, or add an `archived:` Wayback copy",
                        }),
                    );
                    if unreachable { "unreachable" } else { "broken" }
                }
            }
            None => {
                tally.unverified += 1;
                diags.push(
                    Diagnostic::warning(
                        Code::UnverifiedLink,
                        format!("{}: {}", o.describe(), l.written),
                    )
                    .at(at.clone()),
                );
                "unverified"
            }
        };
        rows.push(Row {
            verdict,
            location: at,
            written: l.written.clone(),
            url: l.target.clone().ok(),
            kind: l.kind,
            detail: o.describe(),
            outcome: o,
            archived: archived_to,
        });
    }
    rows.sort_by(|a, b| (&a.location, &a.written).cmp(&(&b.location, &b.written)));
    (rows, diags, tally)
}
