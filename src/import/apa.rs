//! Splits an APA 7th reference string back into a source's fields, as well as the
//! text allows: authors, year (and date), title, container, volume, issue, pages,
//! publisher, DOI or URL, an archived copy and the language tag.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::SourceType;

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub authors: Vec<String>,
    /// The names before "(Ed.)" or "(Eds.)": an edited work.
    pub editors: Vec<String>,
    pub year: Option<i32>,
    /// `YYYY-MM` or `YYYY-MM-DD` when the parenthesis holds a month or day.
    pub date: Option<String>,
    pub title: Option<String>,
    pub container: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub edition: Option<String>,
    pub doi: Option<String>,
    pub url: Option<String>,
    pub archived: Option<String>,
    pub lang: Option<String>,
    pub kind: Option<SourceType>,
    /// Text after the reference: `Coverage: ...`, `Key sections: ...`.
    pub coverage: Option<String>,
    pub key_sections: Option<String>,
}

static RE_ARCHIVED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)Archived:\s*<?(https?://[^\s>]+)>?").expect("valid regex"));
static RE_URL_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\sURL:\s*<?(https?://[^\s>]+)>?").expect("valid regex"));
static RE_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<?(https?://[^\s>\]\)]+)>?").expect("valid regex"));
static RE_LANG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([A-Za-z]{2,3})\]").expect("valid regex"));
static RE_AUTHOR_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)\s*[\(（](\d{4}|n\.\s?d\.)(?:[a-z])?(?:,\s*([^)）]*))?[\)）]\.?\s*")
        .expect("valid regex")
});
static RE_DOI: LazyLock<Regex> = LazyLock::new(|| {
    // Whatever follows the resolver is the DOI as written, so a malformed one is measured
    // as malformed rather than repaired.
    Regex::new(r"(?i)https?://(?:dx\.)?doi\.org/([^\s>\]]+)|doi:\s*(10\.\d{4,9}/[^\s>\]]+)")
        .expect("valid regex")
});
/// `*59*(3), 536–549` or `59(3), 536-549`: a volume is italic or has an issue after it;
/// a bare `385–398` after a proceedings title is pages.
static RE_VOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\*(\d+)\*(?:\(([^)]+)\))?|(\d+)\(([^)]+)\))(?:,\s*(?:pp?\.\s*)?([0-9A-Za-z]+(?:[–-][0-9A-Za-z]+)?))?",
    )
    .expect("valid regex")
});
static RE_EDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(.*?)\s*[\(（](?:eds?\.?|編|编)[\)）]\.?$").expect("valid regex")
});
static RE_EDITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\((\d+)(?:st|nd|rd|th) ed\.\)").expect("valid regex"));

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_date(year: i32, extra: &str) -> Option<String> {
    let lower = extra.trim().to_lowercase();
    let mut words = lower.split_whitespace();
    let m = words.next()?;
    let month = MONTHS.iter().position(|x| *x == m)? + 1;
    match words
        .next()
        .and_then(|d| d.trim_end_matches(',').parse::<u8>().ok())
    {
        Some(day) => Some(format!("{year:04}-{month:02}-{day:02}")),
        None => Some(format!("{year:04}-{month:02}")),
    }
}

fn is_initials(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.split([' ', '-']).filter(|p| !p.is_empty()).all(|p| {
            let core = p.trim_end_matches('.');
            core.chars().count() == 1 && core.chars().all(char::is_uppercase)
        })
}

/// "Last, F. M., Other, G., & Org" as a list of authors.
pub(crate) fn split_authors(s: &str) -> Vec<String> {
    let s = s.trim();
    if s.is_empty() {
        return Vec::new();
    }
    let tokens: Vec<String> = s
        .split([',', '，', '、'])
        .map(|t| {
            let t = t.trim();
            let t = t
                .strip_prefix("& ")
                .or_else(|| t.strip_prefix("and "))
                .unwrap_or(t);
            t.trim_start_matches('&').trim().to_owned()
        })
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if i + 1 < tokens.len() && is_initials(&tokens[i + 1]) {
            let mut ini = tokens[i + 1].clone();
            if !ini.ends_with('.') {
                ini.push('.');
            }
            out.push(format!("{t}, {ini}"));
            i += 2;
        } else {
            out.push(t.trim_end_matches('.').to_owned());
            i += 1;
        }
    }
    out
}

fn strip_stars(s: &str) -> String {
    s.replace("**", "").replace('*', "").trim().to_owned()
}

fn infer_kind(p: &Parsed, text: &str) -> SourceType {
    let lower = text.to_lowercase();
    let url = p.url.as_deref().unwrap_or_default().to_lowercase();
    let container = p.container.as_deref().unwrap_or_default().to_lowercase();
    if lower.contains("thesis") || lower.contains("dissertation") {
        SourceType::Thesis
    } else if url.contains("youtube.") || url.contains("vimeo.") || lower.contains("[video]") {
        SourceType::Video
    } else if lower.contains("rfc ") || lower.contains("iso/iec") || lower.contains("standard") {
        SourceType::Standard
    } else if container.contains("proceedings")
        || container.contains("conference")
        || container.contains("symposium")
        || lower.contains("usenix")
    {
        SourceType::Conference
    } else if p.volume.is_some() || p.issue.is_some() {
        SourceType::Journal
    } else if p.publisher.is_some() && p.container.is_none() && p.edition.is_some()
        || lower.contains("o'reilly")
        || lower.contains("addison")
        || lower.contains("press")
        || lower.contains("出版社")
    {
        SourceType::Book
    } else if url.contains("blog")
        || lower.contains("blog")
        || lower.contains("博客")
        || url.contains("medium.com")
    {
        SourceType::Blog
    } else if url.contains("docs.") || url.contains("/docs") || lower.contains("documentation") {
        SourceType::Docs
    } else if p.publisher.is_some() && p.url.is_none() {
        SourceType::Book
    } else {
        SourceType::Report
    }
}

/// Where a label naming another thing than the work (`Library:`, `Slides:`, `Author
/// reference page:`) starts, when `before` (the text before a URL) ends with one.
/// `URL:`, `Available at:`, `Retrieved from:` and the like name the work's own link.
fn other_link_label(before: &str) -> Option<usize> {
    let t = before.trim_end();
    let head = t.strip_suffix(':')?;
    let start = head.rfind(['.', ';', ')', '*']).map_or(0, |i| i + 1);
    let label = head[start..].trim();
    let words = label.split_whitespace().count();
    let own = [
        "url",
        "link",
        "online",
        "web",
        "website",
        "available",
        "available at",
        "available from",
        "retrieved from",
        "from",
        "at",
        "doi",
        "read",
        "read online",
    ];
    ((1..=4).contains(&words) && !own.contains(&label.to_lowercase().as_str()))
        .then(|| start + (head[start..].len() - head[start..].trim_start().len()))
}

/// Parses one reference string (the text after `A1.`).
pub(crate) fn parse(text: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut rest = text.replace("  \n", " ").replace('\n', " ");
    // Literature extras first: they follow the reference.
    for (label, slot) in [("Key sections:", 1), ("Coverage:", 0)] {
        if let Some(i) = rest.find(label) {
            let v = rest[i + label.len()..].trim().to_owned();
            rest.truncate(i);
            if slot == 0 {
                p.coverage = Some(v);
            } else {
                p.key_sections = Some(v);
            }
        }
    }
    // `Type: blog.` and `Published: 2016-06.`: values the APA string does not show.
    let mut kind = None;
    let mut published = None;
    for label in [" Type:", " Published:"] {
        if let Some(i) = rest.rfind(label) {
            let v = rest[i + label.len()..]
                .trim()
                .trim_end_matches('.')
                .trim()
                .to_owned();
            rest.truncate(i);
            if label == " Type:" {
                kind = serde_json::from_value::<SourceType>(serde_json::Value::String(
                    v.to_lowercase(),
                ))
                .ok();
            } else {
                published = Some(v);
            }
        }
    }
    if let Some(c) = RE_URL_LABEL.captures(&rest) {
        p.url = Some(c[1].trim_end_matches(['.', ',']).to_owned());
        let m = c.get(0).map_or(0..0, |m| m.range());
        rest.replace_range(m, "");
    }
    if let Some(c) = RE_ARCHIVED.captures(&rest) {
        p.archived = Some(c[1].to_owned());
        let m = c.get(0).map_or(0..0, |m| m.range());
        rest.replace_range(m, "");
    }
    if let Some(c) = RE_LANG.captures_iter(&rest).last() {
        p.lang = Some(c[1].to_uppercase());
        let m = c.get(0).map_or(0..0, |m| m.range());
        rest.replace_range(m, "");
    }
    if let Some(c) = RE_DOI.captures(&rest) {
        let doi = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        p.doi = Some(doi.trim_end_matches(['.', ',']).to_owned());
        let m = c.get(0).map_or(0..0, |m| m.range());
        rest.replace_range(m, "");
        rest = rest.replace("<>", "");
    } else if p.url.is_none()
        && let Some(c) = RE_URL.captures(&rest)
    {
        let m = c.get(0).map_or(0..0, |m| m.range());
        // `Library: https://...`, `Author reference page: https://...`: a link to
        // something else than the work, which does not stand for the work's URL.
        match other_link_label(&rest[..m.start]) {
            Some(label_start) => rest.replace_range(label_start..m.end, ""),
            None => {
                p.url = Some(c[1].trim_end_matches(['.', ',']).to_owned());
                rest.replace_range(m, "");
            }
        }
    }
    let rest = rest.replace("**", "");
    let mut rest = rest.trim().to_owned();
    if let Some(c) = RE_AUTHOR_YEAR.captures(&rest) {
        let names = c[1].trim();
        match RE_EDS.captures(names) {
            Some(e) => p.editors = split_authors(&e[1]),
            None => p.authors = split_authors(names),
        }
        p.year = c[2].parse().ok();
        if let (Some(y), Some(extra)) = (p.year, c.get(3)) {
            p.date = month_date(y, extra.as_str());
        }
        let end = c.get(0).map_or(0, |m| m.end());
        rest = rest[end..].to_owned();
    }
    let rest = rest.trim();
    // Title: italic (books, reports) or plain up to the first ". ".
    let (title, after, italic_title) = if let Some(r) = rest.strip_prefix('*') {
        match r.find('*') {
            Some(e) => (r[..e].to_owned(), r[e + 1..].to_owned(), true),
            None => (r.to_owned(), String::new(), true),
        }
    } else {
        match find_sentence_end(rest) {
            Some(e) => (rest[..e].to_owned(), rest[e + 1..].to_owned(), false),
            None => (rest.to_owned(), String::new(), false),
        }
    };
    let mut title = title.trim().trim_end_matches('.').to_owned();
    let mut after = after.trim().trim_start_matches('.').trim().to_owned();
    if let Some(c) = RE_EDITION.captures(&after.clone()) {
        p.edition = Some(c[1].to_owned());
        after = after
            .replace(&c[0], "")
            .trim()
            .trim_start_matches('.')
            .trim()
            .to_owned();
    }
    if let Some(c) = RE_EDITION.captures(&title.clone()) {
        p.edition = Some(c[1].to_owned());
        title = title.replace(&c[0], "").trim().to_owned();
    }
    if !title.is_empty() {
        p.title = Some(strip_stars(&title));
    }
    if italic_title {
        // After an italic title: the publisher, or for documentation the site.
        let publisher = strip_stars(after.trim_end_matches('.'));
        if !publisher.is_empty() {
            if kind == Some(SourceType::Docs) {
                p.container = Some(publisher);
            } else {
                p.publisher = Some(publisher);
            }
        }
    } else if let Some(r) = after.strip_prefix('*') {
        // *Container*, *59*(3), 536–549.
        let (container, tail) = match r.find('*') {
            Some(e) => (&r[..e], &r[e + 1..]),
            None => (r, ""),
        };
        let mut container = container.trim().trim_end_matches([',', '.']);
        // APA 7th sets the volume in italics with the journal: `*Journal, 56*(2), 74–80`.
        let mut tail = tail.to_owned();
        if let Some((name, v)) = container.rsplit_once(',')
            && !v.trim().is_empty()
            && v.trim().bytes().all(|b| b.is_ascii_digit())
            && !name.trim().is_empty()
        {
            tail = format!("*{}*{tail}", v.trim());
            container = name.trim();
        }
        p.container = Some(container.to_owned());
        let tail = tail.trim().trim_start_matches(',').trim();
        if let Some(c) = RE_VOL.captures(tail) {
            p.volume = c.get(1).or_else(|| c.get(3)).map(|m| m.as_str().to_owned());
            p.issue = c.get(2).or_else(|| c.get(4)).map(|m| m.as_str().to_owned());
            p.pages = c.get(5).map(|m| m.as_str().replace('–', "-"));
        } else if let Some(pg) = tail.trim_end_matches('.').strip_prefix(',') {
            p.pages = Some(pg.trim().replace('–', "-"));
        } else {
            let t = tail.trim().trim_end_matches('.');
            if !t.is_empty() {
                p.pages = Some(t.replace('–', "-"));
            }
        }
    } else {
        let c = strip_stars(after.trim_end_matches('.'));
        if !c.is_empty() {
            p.container = Some(c);
        }
    }
    if let Some(d) = published {
        p.date = Some(d);
    }
    p.kind = Some(kind.unwrap_or_else(|| infer_kind(&p, text)));
    p
}

/// The end of the first sentence: a ". " not after a single capital (initials, "e.g").
fn find_sentence_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(j) = s[i..].find(['.', '?', '!']) {
        let at = i + j;
        let next_is_space = bytes.get(at + 1).is_none_or(|b| *b == b' ');
        let prev = s[..at].chars().last();
        let prev2 = s[..at].chars().rev().nth(1);
        let abbrev = prev.is_some_and(char::is_uppercase) && prev2.is_none_or(|c| c == ' ');
        if next_is_space && !abbrev {
            return Some(at);
        }
        i = at + 1;
        if i >= s.len() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn undated_and_links_to_other_things() {
        let p = parse(
            "OpenJDK. (n.d.). *JEP 439: Generational ZGC*. https://openjdk.org/jeps/439 [EN]",
        );
        assert!(p.year.is_none());
        assert_eq!(p.url.as_deref(), Some("https://openjdk.org/jeps/439"));
        // A URL under another label is not the work's own.
        let p = parse(
            "Gregg, B. (2016). The flame graph. *Communications of the ACM, 59*(6), 48–57. Author reference page: https://www.brendangregg.com/flamegraphs.html [EN]",
        );
        assert_eq!(p.url, None);
        let p = parse(
            "Landau, E. (2018). *Performance under load*. Netflix Technology Blog. URL: https://netflixtechblog.com/performance-under-load-3e6fa9a60581 [EN]",
        );
        assert!(p.url.is_some());
    }

    use super::*;

    #[test]
    fn journal_article() {
        let p = parse(
            "Little, J. D. C. (2011). Little's Law as viewed on its 50th anniversary. *Operations Research*, *59*(3), 536–549. <https://doi.org/10.1287/opre.1110.0940> [EN]",
        );
        assert_eq!(p.authors, vec!["Little, J. D. C."]);
        assert_eq!(p.year, Some(2011));
        assert_eq!(
            p.title.as_deref(),
            Some("Little's Law as viewed on its 50th anniversary")
        );
        assert_eq!(p.container.as_deref(), Some("Operations Research"));
        assert_eq!(p.volume.as_deref(), Some("59"));
        assert_eq!(p.issue.as_deref(), Some("3"));
        assert_eq!(p.pages.as_deref(), Some("536-549"));
        assert_eq!(p.doi.as_deref(), Some("10.1287/opre.1110.0940"));
        assert_eq!(p.lang.as_deref(), Some("EN"));
        assert_eq!(p.kind, Some(SourceType::Journal));
        // APA 7th's own form: the volume in italics with the journal's name.
        let p = parse(
            "Dean, J., & Barroso, L. A. (2013). The tail at scale. *Communications of the ACM, 56*(2), 74–80. https://doi.org/10.1145/2408776.2408794",
        );
        assert_eq!(p.container.as_deref(), Some("Communications of the ACM"));
        assert_eq!(
            (p.volume.as_deref(), p.issue.as_deref(), p.pages.as_deref()),
            (Some("56"), Some("2"), Some("74-80"))
        );
        assert_eq!(p.kind, Some(SourceType::Journal));
        // A comma and a word in a name is no volume.
        let p = parse("Author, A. (2020). Title. *Proceedings of the VLDB Endowment, Vol*, 1–2.");
        assert_eq!(
            p.container.as_deref(),
            Some("Proceedings of the VLDB Endowment, Vol")
        );
    }

    #[test]
    fn book_and_chinese() {
        let p = parse(
            "Gregg, B. (2020). *Systems performance: Enterprise and the cloud* (2nd ed.). Addison-Wesley. <https://example.com/b> [EN]",
        );
        assert_eq!(
            p.title.as_deref(),
            Some("Systems performance: Enterprise and the cloud")
        );
        assert_eq!(p.edition.as_deref(), Some("2"));
        assert_eq!(p.publisher.as_deref(), Some("Addison-Wesley"));
        assert_eq!(p.kind, Some(SourceType::Book));
        let z = parse(
            "李启雷, & 王晓明. (2022). *跨链技术与区块链互操作性研究*. 计算机研究与发展, 59(8), 1623-1640. [ZH]",
        );
        assert_eq!(z.authors, vec!["李启雷", "王晓明"]);
        assert_eq!(z.year, Some(2022));
        assert_eq!(z.lang.as_deref(), Some("ZH"));
        assert_eq!(z.title.as_deref(), Some("跨链技术与区块链互操作性研究"));
    }

    #[test]
    fn edited_book_names_editors_not_authors() {
        let p = parse(
            "Beyer, B., Jones, C., Petoff, J., & Murphy, N. R. (Eds.). (2016). *Site reliability engineering: How Google runs production systems*. O'Reilly Media. <https://sre.google/sre-book/table-of-contents/> [EN]",
        );
        assert!(p.authors.is_empty(), "{:?}", p.authors);
        assert_eq!(
            p.editors,
            vec!["Beyer, B.", "Jones, C.", "Petoff, J.", "Murphy, N. R."]
        );
        assert_eq!(p.year, Some(2016));
        assert_eq!(
            p.title.as_deref(),
            Some("Site reliability engineering: How Google runs production systems")
        );
        assert_eq!(p.publisher.as_deref(), Some("O'Reilly Media"));
        assert_eq!(p.kind, Some(SourceType::Book));
        let one = parse("Smith, A. (Ed.). (2020). *A handbook*. Springer. [EN]");
        assert_eq!(one.editors, vec!["Smith, A."]);
        assert!(one.authors.is_empty());
        // "Ed" inside a name is not an editor marker.
        let a = parse("Edwards, E. (2020). *A book*. Springer. [EN]");
        assert_eq!(a.authors, vec!["Edwards, E."]);
        assert!(a.editors.is_empty());
    }

    #[test]
    fn labelled_parts_after_the_reference_are_read() {
        let p = parse(
            "Gregg, B. (2016). The flame graph. *Communications of the ACM*, *59*(6), 48–57. <https://doi.org/10.1145/2909476> [EN] URL: <https://queue.acm.org/detail.cfm?id=2927301> Published: 2016-06. Type: journal.",
        );
        assert_eq!(p.doi.as_deref(), Some("10.1145/2909476"));
        assert_eq!(
            p.url.as_deref(),
            Some("https://queue.acm.org/detail.cfm?id=2927301")
        );
        assert_eq!(p.date.as_deref(), Some("2016-06"));
        assert_eq!(p.kind, Some(SourceType::Journal));
        assert_eq!(p.pages.as_deref(), Some("48-57"));
        // A visible type wins over what the text suggests; a bare number after a
        // proceedings title is pages, not a volume.
        let q = parse(
            "Nishtala, R. (2013). Scaling memcache at Facebook. *NSDI '13*, 385–398. [EN] Type: report.",
        );
        assert_eq!(q.kind, Some(SourceType::Report));
        assert_eq!((q.volume, q.pages.as_deref()), (None, Some("385-398")));
        // A malformed DOI is kept as written, so it is measured as malformed.
        let d = parse("X. (2020). T. <https://doi.org/https://doi.org/10.1/x> [EN]");
        assert_eq!(d.doi.as_deref(), Some("https://doi.org/10.1/x"));
        let e = parse("X. (2020). T. DOI: https://doi.org/10.1/x [EN]");
        assert_eq!(e.doi.as_deref(), Some("10.1/x"));
        let f = parse("X. (2020). T. doi:10.1145/y [EN]");
        assert_eq!(f.doi.as_deref(), Some("10.1145/y"));
    }

    #[test]
    fn authors_with_ampersand() {
        assert_eq!(
            split_authors("Yang, J., Zhang, Y., & Vinayak, R."),
            vec!["Yang, J.", "Zhang, Y.", "Vinayak, R."]
        );
        assert_eq!(split_authors("Google"), vec!["Google"]);
    }
}
