//! What a reference list says about its works, beyond counting them: one work listed
//! under two ids (`duplicate-source`), one DOI or ISBN given to two different titles
//! (`conflicting-identifier`), a work or tool release dated after the bank's as-of date
//! (`future-date`), an as-of date after today (`future-as-of`), and a language tag the
//! text does not bear out (`language-mismatch`). Gates 12-16 count distinct works
//! through [`Works`]; gate 14 counts the language the text shows ([`shown_lang`]).

use crate::codes::Code;
use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Bank, PartialDate, Source, Tool};

/// Which entries repeat an earlier one: literature and citations as one list
/// (literature first), and tools.
#[derive(Debug, Default)]
pub struct Works {
    /// For each source of `literature ++ citations`, the index of the earlier entry that
    /// is the same work.
    source_dup_of: Vec<Option<usize>>,
    tool_dup_of: Vec<Option<usize>>,
}

impl Works {
    pub fn new(bank: &Bank) -> Works {
        let sources: Vec<&Source> = bank.literature.iter().chain(&bank.citations).collect();
        let source_dup_of = source_matches(&sources)
            .into_iter()
            .map(|m| match m {
                Some((first, Match::Same(_))) => Some(first),
                _ => None,
            })
            .collect();
        let tool_dup_of = tool_matches(&bank.tools)
            .into_iter()
            .map(|m| m.map(|(first, _)| first))
            .collect();
        Works {
            source_dup_of,
            tool_dup_of,
        }
    }

    /// True when the `i`-th entry of `literature ++ citations` repeats an earlier one.
    pub fn source_is_repeat(&self, i: usize) -> bool {
        self.source_dup_of.get(i).copied().flatten().is_some()
    }

    /// True when tool `i` repeats an earlier one.
    pub fn tool_is_repeat(&self, i: usize) -> bool {
        self.tool_dup_of.get(i).copied().flatten().is_some()
    }
}

/// How a later entry relates to an earlier one with a shared identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Match {
    /// The same work: why (`same DOI 10.1145/...`).
    Same(String),
    /// The same DOI or ISBN on different titles: which (`DOI 10.1145/...`).
    Conflict(String),
}

/// A DOI as written in a `doi:` field or a doi.org URL, bare and lower-case.
pub(crate) fn normal_doi(s: &str) -> Option<String> {
    let t = s.trim().to_lowercase();
    let t = t
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("dx.")
        .trim_start_matches("doi.org/")
        .trim_start_matches("doi:")
        .trim();
    let t = t.trim_end_matches(['.', ',', ';', '/']);
    (t.starts_with("10.") && t.contains('/')).then(|| t.to_owned())
}

static ISBN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bISBN(?:-1[03])?:?\s*((?:97[89][\s-]?)?[0-9][0-9\s-]{7,14}[0-9Xx])\b")
        .expect("valid regex")
});

/// The ISBNs written in `text`, as ISBN-13 digits (an ISBN-10 is converted).
pub(crate) fn isbns(text: &str) -> Vec<String> {
    ISBN.captures_iter(text)
        .filter_map(|c| {
            let digits: String = c[1]
                .chars()
                .filter(|ch| ch.is_ascii_digit() || *ch == 'X' || *ch == 'x')
                .collect();
            match digits.len() {
                13 => Some(digits),
                10 => {
                    let body = format!("978{}", &digits[..9]);
                    let sum: u32 = body
                        .chars()
                        .enumerate()
                        .map(|(i, ch)| {
                            ch.to_digit(10).unwrap_or(0) * if i % 2 == 0 { 1 } else { 3 }
                        })
                        .sum();
                    Some(format!("{body}{}", (10 - sum % 10) % 10))
                }
                _ => None,
            }
        })
        .collect()
}

/// A URL without scheme, `www.`, fragment, trailing slash; host lower-cased.
pub(crate) fn normal_url(u: &str) -> Option<String> {
    let t = u.trim();
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))?;
    let rest = rest.split('#').next().unwrap_or_default();
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let path = path.trim_end_matches('/');
    if host.is_empty() {
        return None;
    }
    Some(if path.is_empty() {
        host.to_owned()
    } else {
        format!("{host}/{path}")
    })
}

/// A title's words, lower-case, letters and digits only (CJK characters one word each).
fn title_words(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in t.chars() {
        if is_cjk(ch) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(ch.to_string());
        } else if ch.is_alphanumeric() {
            cur.extend(ch.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // A leading article does not make another title (`The Tail at Scale`).
    if out.len() > 1 && matches!(out[0].as_str(), "the" | "a" | "an") {
        out.remove(0);
    }
    out
}

/// Two titles name the same work: equal words, or one is the other with a subtitle
/// (`Systems Performance` and `Systems Performance: Enterprise and the Cloud`). A missing
/// title agrees with anything.
fn titles_agree(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return true;
    };
    let (a, b) = (title_words(a), title_words(b));
    if a.is_empty() || b.is_empty() {
        return true;
    }
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// The first author's family name, lower-case letters only.
fn first_author(s: &Source) -> String {
    let a = s.authors.first().or(s.editors.first());
    a.map(|a| {
        let family = a.split(',').next().unwrap_or(a);
        family
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    })
    .unwrap_or_default()
}

/// The identifiers of a source: DOI, ISBNs, URL, and title + first author + year.
fn keys(s: &Source) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let doi = s
        .doi
        .as_ref()
        .and_then(|d| normal_doi(&d.value))
        .or_else(|| s.url.as_ref().and_then(|u| normal_doi(&u.value)));
    if let Some(d) = doi {
        out.push(("DOI", d));
    }
    for (_, t) in crate::model::EntryTexts::texts(s) {
        for i in isbns(t) {
            if !out.iter().any(|(k, v)| *k == "ISBN" && *v == i) {
                out.push(("ISBN", i));
            }
        }
    }
    if let Some(u) = s.url.as_ref().and_then(|u| normal_url(&u.value))
        && !u.starts_with("doi.org/")
    {
        out.push(("URL", u));
    }
    if let Some(t) = &s.title {
        // The main title: a subtitle after `:` or a dash may be left out.
        let main = t
            .value
            .split([':', '：', '—', '–'])
            .next()
            .unwrap_or(&t.value);
        let words = title_words(main).join(" ");
        if !words.is_empty() {
            let year = s.year().map(|y| y.to_string()).unwrap_or_default();
            out.push(("title", format!("{words}|{}|{year}", first_author(s))));
        }
    }
    out
}

/// For each source, the earlier source it matches and how.
fn source_matches(sources: &[&Source]) -> Vec<Option<(usize, Match)>> {
    let mut first: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut out = Vec::with_capacity(sources.len());
    for (i, s) in sources.iter().enumerate() {
        let mut found: Option<(usize, Match)> = None;
        for key in keys(s) {
            match first.get(&key) {
                Some(&j) => {
                    let (kind, value) = &key;
                    let agree = titles_agree(
                        sources[j].title.as_ref().map(|t| t.value.as_str()),
                        s.title.as_ref().map(|t| t.value.as_str()),
                    );
                    let m = match (*kind, agree) {
                        (_, true) => Some(Match::Same(format!("same {kind} {value}"))),
                        ("DOI" | "ISBN", false) => Some(Match::Conflict(format!("{kind} {value}"))),
                        // One URL for two titles: a site's home page, not one work.
                        _ => None,
                    };
                    let m = m.map(|m| (j, m));
                    // A conflict outranks a sameness found through another key.
                    if found.is_none() || matches!(m, Some((_, Match::Conflict(_)))) {
                        found = m.or(found);
                    }
                }
                None => {
                    first.insert(key, i);
                }
            }
        }
        if let Some((_, Match::Same(why))) = &found
            && why.starts_with("same title")
        {
            found = found.map(|(j, _)| {
                (
                    j,
                    Match::Same("same title, first author and year".to_owned()),
                )
            });
        }
        out.push(found);
    }
    out
}

/// For each tool, the earlier tool with the same name or URL.
fn tool_matches(tools: &[Tool]) -> Vec<Option<(usize, String)>> {
    let mut first: HashMap<String, usize> = HashMap::new();
    tools
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = format!("name:{}", title_words(&t.name.value).join(" "));
            let url = t
                .url
                .as_ref()
                .and_then(|u| normal_url(&u.value))
                .map(|u| format!("url:{u}"));
            let mut found = None;
            for key in std::iter::once(name).chain(url) {
                match first.get(&key) {
                    Some(&j) if found.is_none() => {
                        let why = if key.starts_with("name:") {
                            "same name".to_owned()
                        } else {
                            format!("same URL {}", &key[4..])
                        };
                        found = Some((j, why));
                    }
                    Some(_) => {}
                    None => {
                        first.insert(key, i);
                    }
                }
            }
            found
        })
        .collect()
}

/// CJK ideographs, kana and hangul.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x20000..=0x2FA1F)
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

/// The language a CJK text shows: kana is Japanese, hangul Korean, else Chinese.
fn cjk_lang(s: &str) -> &'static str {
    if s.chars().any(|c| matches!(c as u32, 0x3040..=0x30FF)) {
        "JA"
    } else if s.chars().any(|c| matches!(c as u32, 0xAC00..=0xD7AF)) {
        "KO"
    } else {
        "ZH"
    }
}

/// What a source's tag says against what its text shows, when they disagree: a `ZH`
/// entry whose title and container hold no CJK character shows a Latin-script text
/// (`EN`); an `EN` entry whose title is CJK shows that language.
pub(crate) fn lang_mismatch(s: &Source) -> Option<(String, &'static str)> {
    let tag = s.lang.as_ref()?.value.trim().to_uppercase();
    let title = s.title.as_ref().map_or("", |t| t.value.as_str());
    let container = s.container.as_deref().unwrap_or_default();
    match tag.as_str() {
        "ZH" if !title.trim().is_empty() && !has_cjk(title) && !has_cjk(container) => {
            Some((tag, "EN"))
        }
        "EN" if has_cjk(title) => Some((tag, cjk_lang(title))),
        _ => None,
    }
}

/// The language gate 14 counts for a source: what its text shows when the tag disagrees.
pub(crate) fn shown_lang(s: &Source) -> Option<String> {
    match lang_mismatch(s) {
        Some((_, shown)) => Some(shown.to_owned()),
        None => s.lang.as_ref().map(|l| l.value.trim().to_uppercase()),
    }
}

/// The first day after `d` ends: whether `d` (year, month or day precision) lies wholly
/// after `as_of`.
fn after(d: PartialDate, as_of: Date) -> bool {
    let (y, m) = (as_of.year(), as_of.month());
    if d.year != y {
        return d.year > y;
    }
    if d.month == 0 || d.month != m {
        return d.month > m;
    }
    d.day.is_some_and(|day| day > as_of.day())
}

/// The findings about the bank's sources and tools (not a gate's: they stand on their
/// own, and gates 12-16 count distinct works whatever they say). `today` is the date a
/// future as-of date is measured against.
pub fn diagnostics(bank: &Bank, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let loc = |file, pos| Location::of(&bank.sources, file, pos);
    let name = |s: &Source, lit: bool| {
        format!(
            "{} `{}`",
            if lit { "literature" } else { "citation" },
            s.id.value
        )
    };
    let nl = bank.literature.len();
    let sources: Vec<&Source> = bank.literature.iter().chain(&bank.citations).collect();
    // One work, one entry.
    for (i, m) in source_matches(&sources).into_iter().enumerate() {
        let Some((j, m)) = m else { continue };
        let (a, b) = (sources[j], sources[i]);
        let (an, bn) = (name(a, j < nl), name(b, i < nl));
        match m {
            Match::Same(why) => {
                // The same work in the literature list and cited: counted once by gates
                // 15-16, a warning; twice in one list, an error.
                let same_list = (j < nl) == (i < nl);
                let severity = if same_list {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                out.push(
                    Diagnostic::new(
                        severity,
                        Code::DuplicateSource,
                        format!("{bn} is the same work as {an} ({why}); it is counted once"),
                    )
                    .at(loc(b.file, b.id.pos))
                    .note(format!("{an} is here"), Some(loc(a.file, a.id.pos)))
                    .help(if same_list {
                        "delete the second entry and cite the first id, or replace it with another work"
                    } else {
                        "a work listed as literature need not be repeated among the citations: cite the literature id, or list another work"
                    }),
                );
            }
            Match::Conflict(what) => {
                for (x, xn, y, yn) in [(a, &an, b, &bn), (b, &bn, a, &an)] {
                    let title =
                        |s: &Source| s.title.as_ref().map_or(String::new(), |t| t.value.clone());
                    out.push(
                        Diagnostic::error(
                            Code::ConflictingIdentifier,
                            format!(
                                "{xn} (\"{}\") has the {what} that {yn} gives to another title (\"{}\")",
                                title(x),
                                title(y)
                            ),
                        )
                        .at(loc(x.file, x.id.pos))
                        .note(format!("{yn} is here"), Some(loc(y.file, y.id.pos)))
                        .help("one identifier names one work: look the identifier up and correct the title or the identifier"),
                    );
                }
            }
        }
    }
    for (i, m) in tool_matches(&bank.tools).into_iter().enumerate() {
        let Some((j, why)) = m else { continue };
        let (a, b) = (&bank.tools[j], &bank.tools[i]);
        out.push(
            Diagnostic::error(
                Code::DuplicateSource,
                format!(
                    "tool `{}` is the same tool as `{}` ({why}); it is counted once",
                    b.id.value, a.id.value
                ),
            )
            .at(loc(b.file, b.id.pos))
            .note(
                format!("`{}` is here", a.id.value),
                Some(loc(a.file, a.id.pos)),
            )
            .help("delete the second entry and cite the first id"),
        );
    }
    // Dates after the as-of date, and an as-of date after today.
    let as_of = bank.meta.as_of.value.0;
    let as_of_loc = loc(bank.meta_file, bank.meta.as_of.pos);
    if as_of > today {
        out.push(
            Diagnostic::warning(
                Code::FutureAsOf,
                format!("the bank's as_of date {as_of} is after today ({today})"),
            )
            .at(as_of_loc.clone())
            .help("set `as_of` to the date the references were last reviewed"),
        );
    }
    for (i, s) in sources.iter().enumerate() {
        let (date, pos) = match (&s.date, &s.year) {
            (Some(d), _) => (d.value, d.pos),
            (None, Some(y)) => match i16::try_from(y.value) {
                Ok(year) => (
                    PartialDate {
                        year,
                        month: 0,
                        day: None,
                    },
                    y.pos,
                ),
                Err(_) => continue,
            },
            (None, None) => continue,
        };
        if after(date, as_of) {
            out.push(
                Diagnostic::error(
                    Code::FutureDate,
                    format!(
                        "{} is dated {}, after the bank's as_of date {as_of}",
                        name(s, i < nl),
                        show_date(date)
                    ),
                )
                .at(loc(s.file, pos))
                .note("the as_of date", Some(as_of_loc.clone()))
                .help("correct the date, or move `as_of` forward if the bank was reviewed since"),
            );
        }
    }
    for t in &bank.tools {
        if let Some(u) = &t.last_update
            && after(u.value.0, as_of)
        {
            out.push(
                Diagnostic::error(
                    Code::FutureDate,
                    format!(
                        "tool `{}` was last updated {}, after the bank's as_of date {as_of}",
                        t.id.value,
                        show_date(u.value.0)
                    ),
                )
                .at(loc(t.file, u.pos))
                .note("the as_of date", Some(as_of_loc.clone()))
                .help(
                    "correct `last_update`, or move `as_of` forward if the bank was reviewed since",
                ),
            );
        }
    }
    // Language tags the text does not bear out.
    for (i, s) in sources.iter().enumerate() {
        if let Some((tag, shown)) = lang_mismatch(s) {
            let what = if shown == "EN" {
                "its title and container hold no CJK text".to_owned()
            } else {
                format!("its title is written in CJK ({shown})")
            };
            let pos = s.lang.as_ref().map_or(s.id.pos, |l| l.pos);
            out.push(
                Diagnostic::warning(
                    Code::LanguageMismatch,
                    format!(
                        "{} is tagged [{tag}] but {what}; gate 14 counts it as {shown}",
                        name(s, i < nl)
                    ),
                )
                .at(loc(s.file, pos))
                .help("tag the language the work is written in; cite the original-language edition to count it"),
            );
        }
    }
    out
}

fn show_date(d: PartialDate) -> String {
    match (d.month, d.day) {
        (0, _) => d.year.to_string(),
        (m, None) => format!("{}-{m:02}", d.year),
        (m, Some(day)) => format!("{}-{m:02}-{day:02}", d.year),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SourceType, Sp};

    fn src(id: &str, title: &str) -> Source {
        Source {
            id: Sp::bare(id.to_owned()),
            kind: Sp::bare(SourceType::Book),
            authors: vec!["Gregg, B.".to_owned()],
            editors: Vec::new(),
            year: Some(Sp::bare(2020)),
            date: None,
            title: Some(Sp::bare(title.to_owned())),
            container: None,
            volume: None,
            issue: None,
            pages: None,
            publisher: Some("Addison-Wesley".to_owned()),
            edition: None,
            translators: Vec::new(),
            doi: None,
            url: None,
            archived: None,
            lang: Some(Sp::bare("EN".to_owned())),
            coverage: None,
            key_sections: None,
            file: crate::model::FileId::default(),
        }
    }

    fn matches(list: &[Source]) -> Vec<Option<(usize, Match)>> {
        source_matches(&list.iter().collect::<Vec<_>>())
    }

    #[test]
    fn one_work_under_two_ids_is_found() {
        let a = src("L1", "Systems Performance: Enterprise and the Cloud");
        // Same title, author and year; the subtitle left out.
        let b = src("L2", "Systems performance");
        let mut c = src("L3", "BPF Performance Tools");
        c.year = Some(Sp::bare(2019));
        let m = matches(&[a.clone(), b, c]);
        assert!(m[0].is_none());
        assert!(matches!(&m[1], Some((0, Match::Same(_)))), "{m:?}");
        assert!(m[2].is_none());
        // The same DOI, written two ways.
        let mut x = src("A1", "Tail at scale");
        x.doi = Some(Sp::bare("10.1145/2408776.2408794".to_owned()));
        let mut y = src("A2", "The tail at scale");
        y.authors = vec!["Dean, J.".to_owned()];
        y.url = Some(Sp::bare(
            "https://doi.org/10.1145/2408776.2408794".to_owned(),
        ));
        let m = matches(&[x, y]);
        assert!(matches!(&m[1], Some((0, Match::Same(_)))), "{m:?}");
    }

    #[test]
    fn shared_doi_on_different_titles_is_a_conflict_and_a_shared_home_page_is_not() {
        let mut a = src("A1", "The tail at scale");
        a.doi = Some(Sp::bare("doi:10.1145/2408776.2408794".to_owned()));
        let mut b = src(
            "A2",
            "Dapper, a large-scale distributed systems tracing infrastructure",
        );
        b.doi = Some(Sp::bare("10.1145/2408776.2408794".to_owned()));
        assert!(matches!(
            &matches(&[a, b])[1],
            Some((0, Match::Conflict(_)))
        ));
        // Two posts of one blog, both pointing at the blog's home page: not one work.
        let mut p = src("A3", "Post one");
        p.url = Some(Sp::bare("https://netflixtechblog.com/".to_owned()));
        let mut q = src("A4", "Post two");
        q.url = Some(Sp::bare("https://netflixtechblog.com".to_owned()));
        assert!(matches(&[p, q])[1].is_none());
    }

    #[test]
    fn isbn_forms() {
        assert_eq!(isbns("ISBN 978-0-13-682015-4"), vec!["9780136820154"]);
        // ISBN-10 0-13-682015-? converts to the same ISBN-13.
        assert_eq!(isbns("ISBN-10: 0136820158"), vec!["9780136820154"]);
        assert!(isbns("no number here").is_empty());
    }

    #[test]
    fn language_tags_against_the_text() {
        let mut zh = src("A1", "Systems Performance");
        zh.lang = Some(Sp::bare("ZH".to_owned()));
        assert_eq!(lang_mismatch(&zh), Some(("ZH".to_owned(), "EN")));
        assert_eq!(shown_lang(&zh).as_deref(), Some("EN"));
        zh.title = Some(Sp::bare("性能之巅".to_owned()));
        assert_eq!(lang_mismatch(&zh), None);
        // A Chinese container (a journal, a site) is enough.
        zh.title = Some(Sp::bare("Tail latency".to_owned()));
        zh.container = Some("美团技术团队".to_owned());
        assert_eq!(lang_mismatch(&zh), None);
        let mut en = src("A2", "性能之巅");
        en.lang = Some(Sp::bare("EN".to_owned()));
        assert_eq!(shown_lang(&en).as_deref(), Some("ZH"));
        assert_eq!(lang_mismatch(&src("A3", "Latency")), None);
    }

    #[test]
    fn dates_after_as_of() {
        let as_of = Date::constant(2026, 11, 25);
        let d = |year, month, day| PartialDate { year, month, day };
        assert!(after(d(2027, 0, None), as_of));
        assert!(!after(d(2026, 0, None), as_of));
        assert!(after(d(2026, 12, None), as_of));
        assert!(!after(d(2026, 11, None), as_of));
        assert!(after(d(2026, 11, Some(26)), as_of));
        assert!(!after(d(2026, 11, Some(25)), as_of));
    }
}
