use std::sync::LazyLock;

use regex::Regex;

use super::{Ctx, Level, LinkCheck, LinkStatus, Measurement, Repeats, finding, question_texts};
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
    /// `--online`, a dead link with no DOI or pinned archive fails, a host that gives no
    /// answer leaves its link unverified (never dead), and the evidence says how many
    /// links got an answer, on which days (this run's, or the cached checks'), and why
    /// the others did not: `12 of 30 links checked live on 2026-12-08 (cache: 10 answers
    /// from 2026-12-06), 18 not checked: 18 no answer from the host`.
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
    let mut asked = Asked::default();
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
        if let (Some(u), Some(l)) = (e.url.filter(|u| well_formed_url(&u.value)), ctx.links) {
            asked.note(l, &u.value);
        }
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
                    if let Some(l) = ctx.links {
                        asked.note(l, u);
                    }
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
        None => "live check not run".to_owned(),
        Some(_) => asked.describe(),
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

/// What the live check answered about the links gate 17 asked it about: how many, on
/// which days, and why the others got no answer.
#[derive(Default)]
struct Asked {
    total: usize,
    /// Answered in this run, and the day.
    fresh: usize,
    fresh_on: Option<jiff::civil::Date>,
    /// Answered from the link cache, and the first and last days of those answers.
    cached: usize,
    cached_on: Option<(jiff::civil::Date, jiff::civil::Date)>,
    /// Answered, day unknown.
    undated: usize,
    /// Not answered, by reason, in the order first seen.
    not_checked: Vec<(&'static str, usize)>,
}

impl Asked {
    fn note(&mut self, l: &dyn LinkStatus, url: &str) {
        self.total += 1;
        match l.checked(url) {
            Some(LinkCheck::Answered {
                on: Some(d),
                cached: false,
            }) => {
                self.fresh += 1;
                self.fresh_on = Some(self.fresh_on.map_or(d, |f| f.max(d)));
            }
            Some(LinkCheck::Answered {
                on: Some(d),
                cached: true,
            }) => {
                self.cached += 1;
                self.cached_on = Some(self.cached_on.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
            }
            Some(LinkCheck::Answered { on: None, .. }) => self.undated += 1,
            Some(LinkCheck::NotChecked(why)) => self.not_answered(why),
            None => self.not_answered("not checked"),
        }
    }

    fn not_answered(&mut self, why: &'static str) {
        match self.not_checked.iter_mut().find(|(w, _)| *w == why) {
            Some((_, n)) => *n += 1,
            None => self.not_checked.push((why, 1)),
        }
    }

    /// `12 of 30 links checked live on 2026-12-08 (cache: 10 answers from 2026-12-06), 18
    /// not checked: 18 no answer from the host`; never "checked live" when nothing was.
    fn describe(&self) -> String {
        if self.total == 0 {
            return "live check run; no link needed it".to_owned();
        }
        let answered = self.fresh + self.cached + self.undated;
        let mut out = if answered == 0 {
            format!(
                "live check run, but no link was verified: none of the {} {} asked got an answer",
                self.total,
                crate::report::human::plural(self.total, "link", "links")
            )
        } else {
            let mut s = format!("{answered} of {} links checked live", self.total);
            if let Some(d) = self.fresh_on {
                s.push_str(&format!(" on {d}"));
            }
            if let Some((a, b)) = self.cached_on {
                let days = if a == b {
                    a.to_string()
                } else {
                    format!("{a} to {b}")
                };
                let what = crate::report::human::plural(self.cached, "answer", "answers");
                if self.fresh + self.undated == 0 {
                    s.push_str(&format!(
                        " (all from the cache: {} {what} from {days})",
                        self.cached
                    ));
                } else {
                    s.push_str(&format!(" (cache: {} {what} from {days})", self.cached));
                }
            }
            s
        };
        let missing: usize = self.not_checked.iter().map(|(_, n)| n).sum();
        if missing > 0 && answered > 0 {
            let why: Vec<String> = self
                .not_checked
                .iter()
                .map(|(w, n)| format!("{n} {w}"))
                .collect();
            out.push_str(&format!(", {missing} not checked: {}", why.join(", ")));
        } else if missing > 0 {
            let why: Vec<&str> = self.not_checked.iter().map(|(w, _)| *w).collect();
            out.push_str(&format!(" ({})", why.join(", ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Answers by the URL's last letter: `f` this run, `c`/`o` from the cache (on
    /// 2026-12-06/-01), `u` no answer from the host, `x` offline.
    struct Fake;

    impl LinkStatus for Fake {
        fn is_live(&self, _: &str) -> Option<bool> {
            None
        }

        fn checked(&self, url: &str) -> Option<LinkCheck> {
            Some(match url.chars().last()? {
                'f' => LinkCheck::Answered {
                    on: Some(date(2026, 12, 8)),
                    cached: false,
                },
                'c' => LinkCheck::Answered {
                    on: Some(date(2026, 12, 6)),
                    cached: true,
                },
                'o' => LinkCheck::Answered {
                    on: Some(date(2026, 12, 1)),
                    cached: true,
                },
                'u' => LinkCheck::NotChecked("no answer from the host"),
                'x' => LinkCheck::NotChecked("offline, not in the cache"),
                _ => return None,
            })
        }
    }

    fn describe(urls: &[&str]) -> String {
        let mut a = Asked::default();
        for u in urls {
            a.note(&Fake, u);
        }
        a.describe()
    }

    #[test]
    fn the_evidence_says_what_was_checked_when_and_what_was_not() {
        assert_eq!(
            describe(&["/f", "/f", "/c", "/u", "/u", "/x"]),
            "3 of 6 links checked live on 2026-12-08 (cache: 1 answer from 2026-12-06), 3 not checked: 2 no answer from the host, 1 offline, not in the cache"
        );
        assert_eq!(
            describe(&["/c", "/o"]),
            "2 of 2 links checked live (all from the cache: 2 answers from 2026-12-01 to 2026-12-06)"
        );
        assert_eq!(describe(&["/f"]), "1 of 1 links checked live on 2026-12-08");
        assert_eq!(describe(&[]), "live check run; no link needed it");
    }

    #[test]
    fn nothing_answered_is_never_called_checked_live() {
        let e = describe(&["/u", "/u", "/?"]);
        assert_eq!(
            e,
            "live check run, but no link was verified: none of the 3 links asked got an answer (no answer from the host, not checked)"
        );
        assert!(!e.contains("checked live"));
    }
}
