use super::minimum::{Entry, List, measure};
use super::{Ctx, Measurement};
use crate::model::Source;

declare_gate! {
    /// ## What it checks
    /// The literature list holds at least the rubric's minimum of complete entries
    /// (default 10, scaled above 30 questions). Complete follows APA 7th by kind: an
    /// author (person, organisation or editors) and a title always, a year unless it is a
    /// web work (documentation, blog post, report, video: APA's n.d.); a book, thesis or standard its publisher; a journal
    /// article or conference paper its journal or proceedings and a DOI or URL; a web
    /// work (documentation, blog post, report, video) a URL to the work itself, not a
    /// site's home page, and the site's name unless the site is the organisation that
    /// wrote it. Incomplete entries are warnings.
    ///
    /// One work, one entry. Literature and citations are identified by their normalised
    /// DOI (a `doi:` field or a doi.org URL, lower-case, without prefix), ISBN (written
    /// in any field; ISBN-10 converted to ISBN-13), URL (without scheme, `www.`, fragment
    /// or trailing slash) and normalised title + first author's family name + year. Two
    /// entries sharing one of these, with titles that agree (equal, or one the other with
    /// a subtitle; a leading article ignored), are one work: gates 13-16 count it once,
    /// and the second is a `duplicate-source` error naming the first (a warning when one
    /// is literature and the other a citation). One DOI or ISBN on two different titles
    /// is a `conflicting-identifier` error at both. One URL on two different titles says
    /// nothing (a blog's home page given for two posts): no finding. A source dated
    /// (`date`, else `year`) after the bank's `as_of` date is a `future-date` error.
    ///
    /// ## Why it matters
    /// Further reading is only useful when a reader can find the exact work and edition.
    ///
    /// ## How to fix
    /// Fill the missing fields in `references/literature.yaml`.
    ///
    /// ## Example
    /// `12 sources, 12 complete`.
    pub(crate) static LITERATURE_MIN = {
        number: 13,
        name: "literature-min",
        title: "Literature Min",
        requirement: |r| format!(">={} sources [L#] with full citations", r.references.literature()),
        check: check,
    }
}

/// What an entry lacks for a complete APA 7th reference of its kind, as APA's own
/// categories ask (the rules, with examples, in docs/gates.md under gate 13):
///
/// - every kind: an author (a person, an organisation, or editors), a title, and a year
///   (or a full date), except a web work, which may be undated (APA's "n.d.");
/// - a book, thesis or standard: its publisher (or series); no link is required;
/// - a journal article or a conference paper: its journal or proceedings, and a DOI or
///   URL (the work's own, which APA asks for whenever there is one);
/// - a web work (documentation, blog post, report, video): a URL (for a page or a post,
///   one that leads to it, not a site's home page), and the site's name, which APA leaves
///   out when it is the author (an organisation's page on its own site).
pub(crate) fn missing_literature_fields(s: &Source) -> Vec<&'static str> {
    use crate::model::SourceType as K;
    let mut missing = Vec::new();
    if s.authors.is_empty() && s.editors.is_empty() {
        missing.push("authors or editors");
    }
    // A web page often states no date: APA writes it "n.d.", and qbank renders a web
    // work without a year that way. A book, article or paper has a year.
    let web = matches!(s.kind.value, K::Docs | K::Blog | K::Report | K::Video);
    if s.year().is_none() && !web {
        missing.push("year");
    }
    if s.title.as_ref().is_none_or(|t| t.value.trim().is_empty()) {
        missing.push("title");
    }
    let filled = |v: &Option<String>| v.as_ref().is_some_and(|v| !v.trim().is_empty());
    let container = filled(&s.container) || filled(&s.publisher);
    let link = s.doi.is_some() || s.url.is_some();
    match s.kind.value {
        K::Book | K::Thesis | K::Standard => {
            if !container {
                missing.push("publisher");
            }
        }
        K::Journal | K::Conference => {
            if !container {
                missing.push(if s.kind.value == K::Journal {
                    "journal"
                } else {
                    "proceedings"
                });
            }
            if !link {
                missing.push("doi or url");
            }
        }
        K::Docs | K::Blog | K::Report | K::Video => {
            // A report printed by its publisher needs no link; a web work does.
            let printed = s.kind.value == K::Report && filled(&s.publisher) && s.url.is_none();
            if !link && !printed {
                missing.push("url");
            }
            let page = matches!(s.kind.value, K::Docs | K::Blog | K::Video);
            if page && s.doi.is_none() && s.url.as_ref().is_some_and(|u| is_home_page(&u.value)) {
                missing.push("a url to the work itself (this one is a site's home page)");
            }
            if !container && !organisation_author(s) {
                missing.push("site name or publisher");
            }
        }
    }
    missing
}

/// Whether `url` is a site's home page: no path beyond `/` (and no query).
fn is_home_page(url: &str) -> bool {
    url::Url::parse(url.trim())
        .is_ok_and(|u| u.path().trim_matches('/').is_empty() && u.query().is_none())
}

/// One author that is not a person written "Last, F." (an organisation, a team): APA
/// leaves the site's name out when it is this author.
fn organisation_author(s: &Source) -> bool {
    matches!(s.authors.as_slice(), [one] if !one.contains(','))
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.literature()) as usize;
    let entries: Vec<Entry<'_>> = ctx
        .bank
        .literature
        .iter()
        .enumerate()
        .filter(|(i, _)| !ctx.works.source_is_repeat(*i))
        .map(|(_, s)| Entry {
            id: &s.id,
            file: s.file,
            label: format!("literature `{}`", s.id.value),
            missing: missing_literature_fields(s),
            problem: None,
            texts: crate::model::EntryTexts::texts(s),
        })
        .collect();
    let list = List {
        plural: "literature entries",
        file: "references/literature.yaml",
    };
    let (mut m, complete) = measure(ctx, &list, min, &entries);
    m.evidence = format!("{} sources, {complete} complete (min {min})", entries.len());
    let repeats = ctx.bank.literature.len() - entries.len();
    if repeats > 0 {
        m.evidence
            .push_str(&format!("; {repeats} repeated, counted once"));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(yaml: &str) -> Vec<&'static str> {
        let s: Source = serde_saphyr::from_str(&format!("id: A1\n{yaml}")).expect("a source");
        missing_literature_fields(&s)
    }

    #[test]
    fn apa_completeness_follows_the_kind() {
        // A book needs its publisher, not a link.
        let book = "type: book\nauthors: [\"Gregg, B.\"]\nyear: 2020\ntitle: Systems performance\npublisher: Addison-Wesley\n";
        assert!(missing(book).is_empty());
        assert_eq!(
            missing(&book.replace("publisher: Addison-Wesley\n", "")),
            ["publisher"]
        );
        // An article needs its journal and a DOI or URL.
        let article = "type: journal\nauthors: [\"Gregg, B.\"]\nyear: 2016\ntitle: The flame graph\ncontainer: Communications of the ACM\n";
        assert_eq!(missing(article), ["doi or url"]);
        assert!(missing(&format!("{article}doi: 10.1145/2909476\n")).is_empty());
        // An organisation's page on its own site needs no site name; n.d. is a date.
        let page = "type: docs\nauthors: [OpenJDK]\ntitle: \"JEP 439: Generational ZGC\"\nurl: https://openjdk.org/jeps/439\n";
        assert!(missing(page).is_empty());
        assert_eq!(missing(&book.replace("year: 2020\n", "")), ["year"]);
        // A person's post names its site, and its URL leads to the post.
        let post = "type: blog\nauthors: [\"Brooker, M.\"]\nyear: 2019\ntitle: Timeouts\nurl: https://aws.amazon.com/builders-library/timeouts/\n";
        assert_eq!(missing(post), ["site name or publisher"]);
        let home = format!("{post}container: Amazon Builders' Library\n")
            .replace("/builders-library/timeouts/", "/");
        assert_eq!(
            missing(&home),
            ["a url to the work itself (this one is a site's home page)"]
        );
    }
}
