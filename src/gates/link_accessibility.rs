use std::sync::LazyLock;

use regex::Regex;

use super::{Ctx, Level, Measurement, Repeats, finding, question_texts};
use crate::diagnostic::Location;
use crate::model::{FileId, Sp};
use crate::text::archive::{Snapshot, snapshot};

declare_gate! {
    /// ## What it checks
    /// Every URL and DOI in the references (tools' `url`/`archived`, sources' `doi`/`url`/
    /// `archived`) and in question text is well-formed (http or https with a host; a DOI
    /// `10.NNNN/...`), and each reference is either verified live (by `--online`) or
    /// persistent. Persistent means a syntactically valid DOI, or a Wayback-style snapshot
    /// URL (`/web/<timestamp>/<url>` on one of the rubric's `archive_hosts`) whose
    /// timestamp has all 14 digits (`20250314093000`), so it names one snapshot anyone can
    /// check. A partial or year-only archive URL (`/web/2025/...`) names no snapshot: it is
    /// "archived, unverified" (WARN) until a live check has followed it to the snapshot
    /// it resolves to; `qbank links --pin-archives` then writes that snapshot URL back.
    /// Offline, links that are neither live nor persistent are WARN, never PASS. With
    /// `--online`, a dead link with no DOI or pinned archive fails.
    ///
    /// ## Why it matters
    /// Links rot; a bank that cites dead pages cannot be checked by its readers.
    ///
    /// ## How to fix
    /// Add the DOI where the work has one, else an `archived:` Wayback snapshot URL with
    /// its full timestamp (`https://web.archive.org/web/20250314093000/<url>`, copied from
    /// the archive's own page, never made up); or write the partial form and run
    /// `qbank links --pin-archives`. Fix malformed URLs.
    ///
    /// ## Example
    /// `46 links: 9 DOI, 0 archived, 37 archived unverified, 0 unverified; live check not run`.
    pub(crate) static LINK_ACCESSIBILITY = {
        number: 17,
        name: "link-accessibility",
        title: "Link Accessibility",
        requirement: |_| "All links accessible or archived (DOI/Wayback)".to_owned(),
        check: check,
    }
}

static DOI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^10\.\d{4,9}/\S+$").expect("valid regex"));

/// A well-formed web address: http(s) with a host.
pub(crate) fn well_formed_url(s: &str) -> bool {
    url::Url::parse(s.trim()).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    })
}

pub(crate) fn well_formed_doi(s: &str) -> bool {
    DOI.is_match(s.trim())
}

struct Entry<'a> {
    id: &'a Sp<String>,
    file: FileId,
    doi: Option<&'a Sp<String>>,
    url: Option<&'a Sp<String>>,
    archived: Option<&'a Sp<String>>,
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let bank = ctx.bank;
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for t in &bank.tools {
        entries.push(Entry {
            id: &t.id,
            file: t.file,
            doi: None,
            url: t.url.as_ref(),
            archived: t.archived.as_ref(),
        });
    }
    for s in bank.literature.iter().chain(&bank.citations) {
        entries.push(Entry {
            id: &s.id,
            file: s.file,
            doi: s.doi.as_ref(),
            url: s.url.as_ref(),
            archived: s.archived.as_ref(),
        });
    }
    let (mut links, mut dois, mut archived, mut live, mut unverified, mut bad, mut dead) =
        (0, 0, 0, 0, 0, 0, 0);
    let mut partial = 0;
    let hosts = &ctx.rubric.archive_hosts;
    // Whether an archive URL names a snapshot, itself or through where a live check
    // followed it.
    let pinned = |url: &str| -> bool {
        match snapshot(url, hosts) {
            Some(Snapshot::Pinned(_)) => true,
            Some(Snapshot::Partial(_)) => ctx
                .links
                .and_then(|l| l.resolved(url))
                .is_some_and(|to| matches!(snapshot(&to, hosts), Some(Snapshot::Pinned(_)))),
            None => false,
        }
    };
    let mut diags = Vec::new();
    let mut malformed = |what: &str, v: &Sp<String>, file: FileId, diags: &mut Vec<_>| {
        bad += 1;
        diags.push(
            finding(Level::Required, format!("malformed {what} `{}`", v.value))
                .at(ctx.loc(file, v.pos).with_len(v.value.len()))
                .help(if what == "DOI" {
                    "write the bare DOI, e.g. 10.1145/2408776.2408794"
                } else {
                    "write a full http(s) URL"
                }),
        );
    };
    for e in &entries {
        if e.doi.is_none() && e.url.is_none() && e.archived.is_none() {
            continue;
        }
        links += 1;
        let mut entry_malformed = false;
        let doi_ok = e.doi.is_some_and(|d| {
            let ok = well_formed_doi(&d.value);
            if !ok {
                malformed("DOI", d, e.file, &mut diags);
                entry_malformed = true;
            }
            ok
        });
        for u in [e.url, e.archived].into_iter().flatten() {
            if !well_formed_url(&u.value) {
                malformed("URL", u, e.file, &mut diags);
                entry_malformed = true;
            }
        }
        let archive = e.archived.filter(|a| well_formed_url(&a.value));
        let status = e
            .url
            .and_then(|u| ctx.links.and_then(|l| l.is_live(&u.value)));
        if doi_ok {
            dois += 1;
        } else if status == Some(true) {
            live += 1;
        } else if archive.is_some_and(|a| pinned(&a.value)) {
            archived += 1;
        } else if let Some(a) = archive {
            partial += 1;
            let why = match snapshot(&a.value, hosts) {
                Some(Snapshot::Partial(stamp)) => format!(
                    "its archived URL names no snapshot (`/web/{stamp}/` is not a 14-digit timestamp)"
                ),
                _ => {
                    "its archived URL is not a Wayback snapshot on a known archive host".to_owned()
                }
            };
            let dead_too = if status == Some(false) {
                ", and its URL is dead"
            } else {
                ""
            };
            diags.push(
                finding(
                    Level::Preferred,
                    format!("`{}` is archived, unverified: {why}{dead_too}", e.id.value),
                )
                .at(ctx.loc(e.file, a.pos).with_len(a.value.len()))
                .help("run `qbank links` to follow it, then `qbank links --pin-archives` to write the snapshot URL it resolves to"),
            );
        } else if status == Some(false) {
            dead += 1;
            let u = e.url.expect("status implies a url");
            diags.push(
                finding(
                    Level::Required,
                    format!(
                        "`{}` is dead and has no DOI or archived copy: {}",
                        e.id.value, u.value
                    ),
                )
                .at(ctx.loc(e.file, u.pos))
                .help("replace the link, or add `archived:` with a Wayback snapshot URL"),
            );
        } else if entry_malformed {
            // Already reported as malformed; a second finding would say the same.
        } else {
            unverified += 1;
            let at = e
                .url
                .map_or_else(|| ctx.loc(e.file, e.id.pos), |u| ctx.loc(e.file, u.pos));
            diags.push(
                finding(
                    Level::Preferred,
                    format!(
                        "`{}` has neither a DOI nor an archived snapshot, and was not checked live",
                        e.id.value
                    ),
                )
                .at(at)
                .help("add `doi:` or `archived:`, or run `qbank check --online`"),
            );
        }
    }
    // Links written in question text. The same finding written many times (a link on
    // every line of an answer) is one finding with a count.
    let mut repeated: Repeats<String> = Repeats::new();
    let mut report = |level: Level, message: String, loc: &Location, help: Option<&'static str>| {
        repeated.add(message.clone(), || {
            let d = finding(level, message).at(loc.clone());
            match help {
                Some(h) => d.help(h),
                None => d,
            }
        });
    };
    for q in &bank.questions {
        for (_, t) in question_texts(q) {
            let found: Vec<regex::Match<'_>> = crate::text::urls(&t.value).collect();
            let ranges: Vec<std::ops::Range<usize>> =
                found.iter().map(regex::Match::range).collect();
            let locs = ctx.locs_in(q.file, t, &ranges);
            for (m, loc) in found.iter().zip(&locs) {
                links += 1;
                let u = m.as_str().trim_end_matches(['.', ',', ';']);
                if !well_formed_url(u) {
                    bad += 1;
                    report(Level::Required, format!("malformed URL `{u}`"), loc, None);
                } else if let Some(doi) = u
                    .strip_prefix("https://doi.org/")
                    .or_else(|| u.strip_prefix("http://doi.org/"))
                    .or_else(|| u.strip_prefix("https://dx.doi.org/"))
                    && well_formed_doi(doi)
                {
                    dois += 1;
                } else if snapshot(u, hosts).is_some() {
                    if pinned(u) {
                        archived += 1;
                    } else {
                        partial += 1;
                        report(
                            Level::Preferred,
                            format!(
                                "archive link {u} names no snapshot (its timestamp is not 14 digits)"
                            ),
                            loc,
                            Some("run `qbank links`, then copy the snapshot URL it resolves to"),
                        );
                    }
                } else {
                    match ctx.links.and_then(|l| l.is_live(u)) {
                        Some(true) => live += 1,
                        Some(false) => {
                            dead += 1;
                            report(Level::Required, format!("dead link {u}"), loc, None);
                        }
                        None => {
                            unverified += 1;
                            report(
                                Level::Preferred,
                                format!("link {u} was not checked live and has no archived copy"),
                                loc,
                                Some(
                                    "cite a reference with a DOI or archive instead, or run `qbank check --online`",
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    diags.extend(repeated.into_findings());
    let mode = match ctx.links {
        None => "live check not run",
        // Asked for, but no link got an answer: nothing was checked live.
        Some(_) if live + dead == 0 && links > 0 => {
            "live check run, but no link was verified (no answer from the network)"
        }
        Some(_) => "checked live",
    };
    let mut evidence = format!("{links} links: {dois} DOI, {archived} archived");
    if partial > 0 {
        evidence.push_str(&format!(", {partial} archived unverified"));
    }
    if ctx.links.is_some() {
        evidence.push_str(&format!(", {live} live, {dead} dead"));
    }
    evidence.push_str(&format!(", {unverified} unverified"));
    if bad > 0 {
        evidence.push_str(&format!(", {bad} malformed"));
    }
    evidence.push_str(&format!("; {mode}"));
    let mut m = Measurement::new(evidence);
    m.require(bad == 0 && dead == 0);
    m.prefer(unverified == 0 && partial == 0);
    m.diagnostics = diags;
    m
}
