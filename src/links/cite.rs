//! Checking a reference entry against what its DOI's registry holds (CSL JSON from the
//! DOI resolver, or Crossref's REST answer) and what Open Library holds for its ISBN:
//! reading the record and comparing title, first author, year and container with the
//! entry. No network here;
//! `registry` fetches. Rules: docs/verify.md.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Bank, Source, SourceType, VerifyRules};

/// What a registry holds for a DOI (or Open Library for an ISBN), as far as the
/// comparison needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Registered {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Family names (or an organisation's name) of the authors, in order; the first 20.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// The years the work was issued, printed and published online.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_short: Option<String>,
}

/// A registry's answer about one DOI (a [`Registered`] work) or one tool (its latest
/// [`crate::links::release::Release`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "lookup", rename_all = "kebab-case")]
pub enum Lookup<T = Registered> {
    /// The registry's record.
    Found { record: T },
    /// The registry has no such entry (for a DOI: the resolver itself answered 404).
    NotFound,
    /// Not verified: why (a network failure, rate limiting, no metadata served).
    Failed { reason: String },
}

/// A string, or the first string of an array (CSL and Crossref write both).
fn text(v: &serde_json::Value) -> Option<String> {
    let s = match v {
        serde_json::Value::String(s) => s.as_str(),
        serde_json::Value::Array(a) => a.first()?.as_str()?,
        _ => return None,
    };
    let s = strip_markup(s);
    (!s.is_empty()).then_some(s)
}

/// Drops tags (`<i>`, `<sub>`, JATS) and decodes the common entities; collapses spaces.
fn strip_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_year(v: &serde_json::Value) -> Option<i32> {
    let y = v.get("date-parts")?.get(0)?.get(0)?;
    y.as_i64()
        .or_else(|| y.as_str().and_then(|s| s.parse().ok()))
        .and_then(|y| i32::try_from(y).ok())
}

/// The first plausible year (1450 to 2999) written in a free-text date ("March 2017",
/// "2017-03-16", "c1998").
fn publish_year(d: &str) -> Option<i32> {
    let b = d.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = &b[i..i + 4];
        let bounded = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if !bounded || !w.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let y: i32 = std::str::from_utf8(w).ok()?.parse().ok()?;
        (1450..3000).contains(&y).then_some(y)
    })
}

impl Registered {
    /// Reads CSL JSON, or a Crossref REST answer (`{"message": {...}}`, the same field
    /// names). `None` when the value holds neither a title nor an author.
    pub fn from_json(v: &serde_json::Value) -> Option<Registered> {
        let v = v.get("message").filter(|m| m.is_object()).unwrap_or(v);
        if !v.is_object() {
            return None;
        }
        let authors: Vec<String> = v
            .get("author")
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|p| {
                        ["family", "literal", "name"]
                            .iter()
                            .find_map(|k| p.get(*k).and_then(text))
                    })
                    .take(20)
                    .collect()
            })
            .unwrap_or_default();
        let mut years: Vec<i32> = ["issued", "published-print", "published-online"]
            .iter()
            .filter_map(|k| v.get(*k).and_then(first_year))
            .collect();
        years.sort_unstable();
        years.dedup();
        let r = Registered {
            title: v.get("title").and_then(text),
            subtitle: v.get("subtitle").and_then(text),
            authors,
            years,
            container: v.get("container-title").and_then(text),
            container_short: v
                .get("container-title-short")
                .or_else(|| v.get("short-container-title"))
                .and_then(text),
        };
        (r.title.is_some() || !r.authors.is_empty()).then_some(r)
    }

    /// Reads Open Library's Books API answer (`api/books?bibkeys=ISBN:...&jscmd=data`):
    /// an object keyed by the bibkey asked, empty when the ISBN is unknown (not found);
    /// a record holding neither a title nor an author is not verified. Authors are full names (`Martin Kleppmann`); the year is the
    /// first four-digit year of the free-text `publish_date`.
    pub fn from_openlibrary(v: &serde_json::Value) -> Lookup {
        let Some(obj) = v.as_object() else {
            return Lookup::Failed {
                reason: "Open Library's answer is not a JSON object".to_owned(),
            };
        };
        let Some(rec) = obj.values().next() else {
            return Lookup::NotFound;
        };
        let authors: Vec<String> = rec
            .get("authors")
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.get("name").and_then(text))
                    .take(20)
                    .collect()
            })
            .unwrap_or_default();
        let years: Vec<i32> = rec
            .get("publish_date")
            .and_then(|d| d.as_str())
            .and_then(publish_year)
            .into_iter()
            .collect();
        let r = Registered {
            title: rec.get("title").and_then(text),
            subtitle: rec.get("subtitle").and_then(text),
            authors,
            years,
            container: None,
            container_short: None,
        };
        if r.title.is_some() || !r.authors.is_empty() {
            Lookup::Found { record: r }
        } else {
            Lookup::Failed {
                reason: "Open Library's answer holds no title or author".to_owned(),
            }
        }
    }

    /// What the registry holds, as the finding quotes it.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.title {
            match &self.subtitle {
                Some(s) => parts.push(format!("title \"{t}: {s}\"")),
                None => parts.push(format!("title \"{t}\"")),
            }
        }
        if let Some(a) = self.authors.first() {
            parts.push(format!("first author {a}"));
        }
        if let Some(y) = self.years.first() {
            parts.push(format!("year {y}"));
        }
        if let Some(c) = &self.container {
            parts.push(format!("in \"{c}\""));
        }
        parts.join(", ")
    }
}

/// Lower case, accents dropped, every run of other characters than letters and digits
/// one space.
pub(crate) fn normalise(s: &str) -> String {
    let folded: String = strip_markup(s)
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words that say nothing about which work a title names.
const STOP: &[&str] = &[
    "a", "an", "the", "of", "and", "in", "on", "for", "to", "with", "at", "by", "from",
];

fn content_words(norm: &str) -> Vec<&str> {
    norm.split(' ')
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .collect()
}

/// Dice coefficient of the content words (as sets).
fn word_dice(a: &str, b: &str) -> f64 {
    let a: HashSet<&str> = content_words(a).into_iter().collect();
    let b: HashSet<&str> = content_words(b).into_iter().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(&b).count() as f64 / (a.len() + b.len()) as f64
}

/// How alike two titles are, from 0 to 1: the better of the character edit similarity
/// and the content-word overlap of the normalised titles; 1 when one is the other's
/// main title (before a colon) or a word prefix of at least three content words.
pub(crate) fn title_similarity(entry: &str, registered: &str) -> f64 {
    let (a, b) = (normalise(entry), normalise(registered));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let main = |s: &str| normalise(s.split([':', '—']).next().unwrap_or(s));
    if main(entry) == b || main(registered) == a {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if content_words(short).len() >= 3 && long.starts_with(&format!("{short} ")) {
        return 1.0;
    }
    strsim::normalized_levenshtein(&a, &b).max(word_dice(&a, &b))
}

/// The family name of an entry's person ("Dean, J." → "Dean"), or an organisation's
/// name as written.
fn family(person: &str) -> &str {
    person.split(',').next().unwrap_or(person).trim()
}

/// True when two family names are one: equal once normalised, or one is the last word
/// of the other ("van der Aalst" and "Aalst").
fn same_family(a: &str, b: &str) -> bool {
    let (a, b) = (normalise(a), normalise(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b
        || a.rsplit(' ').next() == Some(b.as_str())
        || b.rsplit(' ').next() == Some(a.as_str())
        || a.replace(' ', "") == b.replace(' ', "")
}

/// True when `short` reads as an abbreviation of `long`: each of its words starts a
/// word of `long`, in order ("J Syst Softw" of "Journal of Systems and Software").
fn abbreviates(short: &str, long: &str) -> bool {
    let mut words = long.split(' ');
    short
        .split(' ')
        .all(|s| words.by_ref().any(|l| l.starts_with(s)))
}

/// True when two container names can be one: similar titles, one containing the other,
/// or one abbreviating the other.
fn containers_agree(entry: &str, reg: &Registered, threshold: f64) -> bool {
    let e = normalise(entry);
    [reg.container.as_deref(), reg.container_short.as_deref()]
        .into_iter()
        .flatten()
        .any(|c| {
            let c = normalise(c);
            title_similarity(&e, &c) >= threshold
                || c.contains(&e)
                || e.contains(&c)
                || abbreviates(&e, &c)
                || abbreviates(&c, &e)
        })
}

/// One field in which the entry and the registry differ.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Difference {
    pub field: &'static str,
    pub entry: String,
    pub registered: String,
}

/// The field and what the entry has there: `title ("The flame graph")`.
impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (\"{}\")", self.field, self.entry)
    }
}

/// The entry's year: `year`, else the year of `date`.
fn entry_year(s: &Source) -> Option<i32> {
    s.year
        .as_ref()
        .map(|y| y.value)
        .or_else(|| s.date.as_ref().map(|d| i32::from(d.value.year)))
}

/// Where the entry and the registered record differ. A field either side leaves out is
/// not compared; a container only for journal articles (proceedings are named in too
/// many ways to tell).
pub(crate) fn compare(s: &Source, reg: &Registered, rules: &VerifyRules) -> Vec<Difference> {
    let mut out = Vec::new();
    if let (Some(t), Some(rt)) = (&s.title, &reg.title) {
        let full = match &reg.subtitle {
            Some(sub) => format!("{rt}: {sub}"),
            None => rt.clone(),
        };
        let sim = title_similarity(&t.value, rt).max(title_similarity(&t.value, &full));
        if sim < rules.title_similarity {
            out.push(Difference {
                field: "title",
                entry: t.value.clone(),
                registered: full,
            });
        }
    }
    if let (Some(first), false) = (s.authors.first(), reg.authors.is_empty()) {
        let fam = family(first);
        if !reg.authors.iter().any(|r| same_family(fam, r)) {
            out.push(Difference {
                field: "first author",
                entry: fam.to_owned(),
                registered: reg.authors[0].clone(),
            });
        }
    }
    if let (Some(y), false) = (entry_year(s), reg.years.is_empty()) {
        let tol = i32::try_from(rules.year_tolerance).unwrap_or(i32::MAX);
        if !reg.years.iter().any(|r| (r - y).abs() <= tol) {
            out.push(Difference {
                field: "year",
                entry: y.to_string(),
                registered: reg
                    .years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(" / "),
            });
        }
    }
    if s.kind.value == SourceType::Journal
        && let (Some(c), Some(rc)) = (&s.container, &reg.container)
        && !containers_agree(c, reg, rules.title_similarity)
    {
        out.push(Difference {
            field: "container",
            entry: c.clone(),
            registered: rc.clone(),
        });
    }
    out
}

/// The bare, lower-case DOI of an entry: its `doi`, else a DOI resolver `url`.
pub(crate) fn doi_of(s: &Source) -> Option<(String, crate::model::Pos)> {
    let from = |v: &crate::model::Sp<String>| {
        crate::gates::sources::normal_doi(&v.value).map(|d| (d, v.pos))
    };
    s.doi.as_ref().and_then(from).or_else(|| {
        s.url
            .as_ref()
            .filter(|u| u.value.contains("doi.org/"))
            .and_then(from)
    })
}

/// The key of an ISBN (ISBN-13 digits) in the answers and the cache: `isbn:978...`.
pub(crate) fn isbn_key(isbn: &str) -> String {
    format!("isbn:{isbn}")
}

/// The first ISBN written in an entry's fields, as ISBN-13 digits.
pub(crate) fn isbn_of(s: &Source) -> Option<String> {
    crate::model::EntryTexts::texts(s)
        .into_iter()
        .find_map(|(_, t)| crate::gates::sources::isbns(t).into_iter().next())
}

/// Every DOI of a bank's literature and citations, bare and lower-case, sorted.
pub(crate) fn dois(bank: &Bank) -> Vec<String> {
    let mut out: Vec<String> = bank
        .literature
        .iter()
        .chain(&bank.citations)
        .filter_map(|s| doi_of(s).map(|(d, _)| d))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The key ([`isbn_key`]) of every ISBN looked up for a bank's literature and
/// citations (each entry's first), sorted.
pub(crate) fn isbns(bank: &Bank) -> Vec<String> {
    let mut out: Vec<String> = bank
        .literature
        .iter()
        .chain(&bank.citations)
        .filter_map(|s| isbn_of(s).map(|i| isbn_key(&i)))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The identifiers of an entry that are looked up: its DOI and its first ISBN, each as
/// (kind, as written in findings, key of the answer, where).
fn identifiers(s: &Source) -> Vec<(&'static str, String, String, crate::model::Pos)> {
    let mut out = Vec::new();
    if let Some((doi, pos)) = doi_of(s) {
        out.push(("DOI", doi.clone(), doi, pos));
    }
    if let Some(isbn) = isbn_of(s) {
        out.push(("ISBN", isbn.clone(), isbn_key(&isbn), s.id.pos));
    }
    out
}

/// The number of identifiers (DOIs and ISBNs) of a bank's entries that are looked up.
pub(crate) fn identifier_count(bank: &Bank) -> usize {
    bank.literature
        .iter()
        .chain(&bank.citations)
        .map(|s| identifiers(s).len())
        .sum()
}

/// The findings about a bank's DOIs and ISBNs, given what `lookup` says about each (by
/// bare DOI or [`isbn_key`]; `None`: not looked up, nothing said).
pub(crate) fn diagnostics(bank: &Bank, lookup: &dyn Fn(&str) -> Option<Lookup>) -> Vec<Diagnostic> {
    let rules = &bank.rubric.verify;
    let mut out = Vec::new();
    for s in bank.literature.iter().chain(&bank.citations) {
        for (kind, ident, key, pos) in identifiers(s) {
            let Some(answer) = lookup(&key) else {
                continue;
            };
            let at = Location::of(&bank.sources, s.file, pos);
            let id = &s.id.value;
            let doi = kind == "DOI";
            match answer {
                Lookup::Found { record } => {
                    let diffs = compare(s, &record, rules);
                    if diffs.is_empty() {
                        continue;
                    }
                    let list: Vec<String> = diffs.iter().map(ToString::to_string).collect();
                    let holds = if doi {
                        format!("DOI {ident} is registered to")
                    } else {
                        format!("ISBN {ident} is, at Open Library,")
                    };
                    out.push(
                        Diagnostic::error(
                            Code::CitationMismatch,
                            format!(
                                "{id}: {holds} {}; the entry differs in {}",
                                record.describe(),
                                list.join(", ")
                            ),
                        )
                        .at(at)
                        .help(if doi {
                            "correct the entry to the registered work, or drop the DOI or the entry; never put in a DOI that was not looked up"
                        } else {
                            "correct the entry to the book of that ISBN, or drop the ISBN or the entry; never put in an ISBN that was not looked up"
                        }),
                    );
                }
                Lookup::NotFound if doi => out.push(
                    Diagnostic::error(
                        Code::DoiNotFound,
                        format!("{id}: DOI {ident} is not registered (the DOI resolver answered 404)"),
                    )
                    .at(at)
                    .help(
                        "find the work's real DOI at its publisher, or drop the DOI; never invent one",
                    ),
                ),
                Lookup::NotFound => out.push(
                    Diagnostic::warning(
                        Code::IsbnNotFound,
                        format!("{id}: ISBN {ident} is not in Open Library's catalogue"),
                    )
                    .at(at)
                    .help(
                        "check the ISBN on the book's copyright page or at its publisher, or drop it; never invent one",
                    ),
                ),
                Lookup::Failed { reason } => out.push(
                    Diagnostic::warning(
                        Code::UnverifiedCitation,
                        format!("{id}: {kind} {ident} not verified: {reason}"),
                    )
                    .at(at),
                ),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> VerifyRules {
        VerifyRules::default()
    }

    fn reg() -> Registered {
        Registered {
            title: Some("The tail at scale".into()),
            subtitle: None,
            authors: vec!["Dean".into(), "Barroso".into()],
            years: vec![2013],
            container: Some("Communications of the ACM".into()),
            container_short: Some("Commun. ACM".into()),
        }
    }

    fn source(title: &str, author: &str, year: i32, container: &str) -> Source {
        let yaml = format!(
            "id: A1\ntype: journal\nauthors: [\"{author}\"]\nyear: {year}\ntitle: \"{title}\"\ncontainer: \"{container}\"\ndoi: 10.1145/2408776.2408794\n"
        );
        crate::load::parse_str::<Source>(std::path::Path::new("t.yaml"), &yaml, "source")
            .expect("a valid source")
    }

    #[test]
    fn reads_csl_and_crossref_shapes() {
        let csl = json!({
            "type": "article-journal",
            "title": "The tail at scale",
            "author": [{"family": "Dean", "given": "Jeffrey"}, {"family": "Barroso", "given": "Luiz André"}],
            "issued": {"date-parts": [[2013, 2]]},
            "container-title": "Communications of the ACM",
            "container-title-short": "Commun. ACM"
        });
        assert_eq!(Registered::from_json(&csl), Some(reg()));
        let crossref = json!({"status": "ok", "message": {
            "title": ["The tail at scale"],
            "author": [{"family": "Dean"}, {"family": "Barroso"}],
            "published-print": {"date-parts": [[2013, 2]]},
            "container-title": ["Communications of the ACM"],
            "short-container-title": ["Commun. ACM"]
        }});
        assert_eq!(Registered::from_json(&crossref), Some(reg()));
        assert_eq!(Registered::from_json(&json!({"status": "ok"})), None);
        assert_eq!(Registered::from_json(&json!("<html>")), None);
    }

    #[test]
    fn the_same_work_in_other_words_matches() {
        for s in [
            source(
                "The Tail at Scale",
                "Dean, J.",
                2013,
                "Communications of the ACM",
            ),
            source("Tail at scale", "Dean, J.", 2014, "Commun. ACM"),
            source(
                "The tail at scale.",
                "Barroso, L. A.",
                2012,
                "Communications of the ACM",
            ),
        ] {
            assert_eq!(compare(&s, &reg(), &rules()), vec![], "{s:?}");
        }
        // A main title without its registered subtitle, and markup in the registry's.
        let r = Registered {
            title: Some("Site Reliability <i>Engineering</i>".into()),
            subtitle: Some("How Google Runs Production Systems".into()),
            ..reg()
        };
        let s = source(
            "Site reliability engineering: How Google runs production systems",
            "Dean, J.",
            2013,
            "Communications of the ACM",
        );
        assert_eq!(compare(&s, &r, &rules()), vec![]);
        assert!(
            title_similarity(
                "Site Reliability Engineering",
                "Site Reliability Engineering: How Google Runs Production Systems"
            ) >= 1.0
        );
    }

    #[test]
    fn another_work_is_a_mismatch_per_field() {
        let s = source(
            "Amdahl's law in the multicore era",
            "Hill, M. D.",
            2008,
            "Computer",
        );
        let d = compare(&s, &reg(), &rules());
        let fields: Vec<&str> = d.iter().map(|d| d.field).collect();
        assert_eq!(fields, ["title", "first author", "year", "container"]);
        assert_eq!(d[2].registered, "2013");
        // Year: one year off is an online-first date, two is another work.
        let s = source(
            "The tail at scale",
            "Dean, J.",
            2015,
            "Communications of the ACM",
        );
        assert_eq!(compare(&s, &reg(), &rules())[0].field, "year");
    }

    #[test]
    fn names_and_abbreviations() {
        assert!(same_family("van der Aalst", "Aalst"));
        assert!(same_family("Gödel", "Godel"));
        assert!(!same_family("Dean", "Barroso"));
        assert!(abbreviates(
            "j syst softw",
            "journal of systems and software"
        ));
        assert!(!abbreviates(
            "ieee software",
            "journal of systems and software"
        ));
        assert!(title_similarity("The tail at scale", "Amdahl's law in the multicore era") < 0.3);
    }

    #[test]
    fn fields_left_out_are_not_compared() {
        let r = Registered {
            title: Some("The tail at scale".into()),
            ..Registered::default()
        };
        let s = source("The tail at scale", "Nobody, N.", 1990, "Nowhere");
        assert_eq!(compare(&s, &r, &rules()), vec![]);
    }

    #[test]
    fn reads_open_library_books_answers() {
        let v = json!({"ISBN:9781449373320": {
            "title": "Designing Data-Intensive Applications",
            "subtitle": "The Big Ideas Behind Reliable, Scalable, and Maintainable Systems",
            "authors": [{"name": "Martin Kleppmann"}],
            "publishers": [{"name": "O'Reilly Media"}],
            "publish_date": "March 2017"
        }});
        let Lookup::Found { record: r } = Registered::from_openlibrary(&v) else {
            panic!("a record")
        };
        assert_eq!(r.authors, ["Martin Kleppmann"]);
        assert_eq!(r.years, [2017]);
        assert!(r.container.is_none());
        // A full name is one person with the entry's family name.
        assert!(same_family("Kleppmann", "Martin Kleppmann"));
        // An empty answer: Open Library does not hold the ISBN.
        assert_eq!(Registered::from_openlibrary(&json!({})), Lookup::NotFound);
        assert!(matches!(
            Registered::from_openlibrary(&json!({"ISBN:1": {"publish_date": "2017"}})),
            Lookup::Failed { .. }
        ));
        assert_eq!(publish_year("Mar 16, 2017"), Some(2017));
        assert_eq!(publish_year("c1998."), Some(1998));
        assert_eq!(publish_year("20170316"), None);
        assert_eq!(publish_year("n.d."), None);
    }

    #[test]
    fn an_entrys_isbn_is_its_first_written_as_isbn_13() {
        let yaml = "id: B1\ntype: book\nauthors: [\"Kleppmann, M.\"]\nyear: 2017\ntitle: \"Designing data-intensive applications\"\npublisher: \"O'Reilly Media, ISBN-10 1449373321\"\n";
        let s = crate::load::parse_str::<Source>(std::path::Path::new("t.yaml"), yaml, "source")
            .expect("a valid source");
        assert_eq!(isbn_of(&s).as_deref(), Some("9781449373320"));
        assert!(isbn_of(&source("t", "A, B.", 2000, "c")).is_none());
    }
}
