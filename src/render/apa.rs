//! APA 7th references rendered by hayagriva (the CSL `apa` style) from the structured
//! source fields, as markdown (titles and containers in italics).

use std::collections::HashMap;
use std::sync::LazyLock;

use hayagriva::archive::{ArchivedStyle, locales};
use hayagriva::citationberg::{FontStyle, IndependentStyle, Locale, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, ElemChildren,
};
use serde_json::{Map, Value, json};

use crate::model::{Source, SourceType};

static APA: LazyLock<(IndependentStyle, Vec<Locale>)> = LazyLock::new(|| {
    let style = match ArchivedStyle::AmericanPsychologicalAssociation.get() {
        Style::Independent(s) => s,
        Style::Dependent(_) => unreachable!("the archived APA style is independent"),
    };
    (style, locales())
});

/// The hayagriva entry (as JSON, which its YAML reader accepts) for a source.
fn entry(s: &Source) -> Value {
    let mut e = Map::new();
    let parent_type = match s.kind.value {
        SourceType::Book => None,
        SourceType::Journal => Some("periodical"),
        SourceType::Conference => Some("proceedings"),
        SourceType::Blog => Some("blog"),
        SourceType::Docs
        | SourceType::Report
        | SourceType::Standard
        | SourceType::Thesis
        | SourceType::Video => None,
    };
    let kind = match s.kind.value {
        SourceType::Book => "book",
        SourceType::Journal | SourceType::Conference => "article",
        SourceType::Blog => "article",
        SourceType::Docs => "web",
        SourceType::Report | SourceType::Standard => "report",
        SourceType::Thesis => "thesis",
        SourceType::Video => "video",
    };
    e.insert("type".into(), json!(kind));
    // Titles are written in the case the author chose (APA: sentence case); keep them.
    if let Some(t) = &s.title {
        e.insert("title".into(), verbatim(t.value.trim()));
    }
    if !s.authors.is_empty() {
        e.insert(
            "author".into(),
            Value::Array(s.authors.iter().map(|a| person(a)).collect()),
        );
    }
    if !s.editors.is_empty() {
        e.insert(
            "editor".into(),
            Value::Array(s.editors.iter().map(|a| person(a)).collect()),
        );
    }
    if let Some(d) = &s.date {
        e.insert("date".into(), json!(d.value.to_string()));
    } else if let Some(y) = &s.year {
        e.insert("date".into(), json!(y.value.to_string()));
    }
    if let Some(ed) = &s.edition {
        if let Ok(n) = ed.0.parse::<i64>() {
            e.insert("edition".into(), json!(n));
        } else {
            e.insert("edition".into(), json!(ed.0));
        }
    }
    if let Some(p) = &s.pages {
        e.insert("page-range".into(), json!(p.0));
    }
    if let Some(d) = &s.doi {
        e.insert("serial-number".into(), json!({ "doi": d.value.trim() }));
    } else if let Some(u) = &s.url {
        e.insert("url".into(), json!(u.value.trim()));
    }
    if !s.translators.is_empty() {
        let names: Vec<Value> = s.translators.iter().map(|t| person(t)).collect();
        e.insert(
            "affiliated".into(),
            json!([{ "role": "translator", "names": names }]),
        );
    }
    let mut parent = Map::new();
    if let Some(c) = &s.container {
        parent.insert("title".into(), verbatim(c.trim()));
    }
    if let Some(v) = &s.volume {
        parent.insert("volume".into(), json!(v.0));
    }
    if let Some(i) = &s.issue {
        parent.insert("issue".into(), json!(i.0));
    }
    if let Some(p) = &s.publisher {
        match parent_type {
            Some(_) => parent.insert("publisher".into(), json!(p)),
            None => e.insert("publisher".into(), json!(p)),
        };
    }
    if !parent.is_empty() {
        parent.insert("type".into(), json!(parent_type.unwrap_or("web")));
        e.insert("parent".into(), Value::Object(parent));
    }
    Value::Object(e)
}

/// A title that the style must print as written (no title-casing of `PostgreSQL`).
fn verbatim(s: &str) -> Value {
    // A FormatString whose value is one verbatim chunk.
    json!({ "value": { "value": s, "verbatim": true } })
}

/// "Last, F. M." is a person; anything without a comma is one name (an organisation,
/// or a name written in CJK order) and is printed as written.
fn person(name: &str) -> Value {
    if name.contains(',') {
        json!(name.trim())
    } else {
        json!({ "name": name.trim() })
    }
}

/// Markdown of rendered CSL elements: italics as `*...*`, links as their text.
fn markdown(children: &ElemChildren, out: &mut String) {
    for child in &children.0 {
        match child {
            ElemChild::Text(f) => {
                push_formatted(&f.text, f.formatting.font_style == FontStyle::Italic, out)
            }
            ElemChild::Elem(e) => markdown(&e.children, out),
            ElemChild::Markup(m) => out.push_str(m),
            // Links become autolinks so markdown (and markdownlint) sees no bare URL.
            ElemChild::Link { text, url } => {
                let shown = if text.text.is_empty() {
                    url.as_str()
                } else {
                    text.text.as_str()
                };
                if shown.starts_with("http") {
                    out.push('<');
                    out.push_str(shown);
                    out.push('>');
                } else {
                    out.push_str(shown);
                }
            }
            ElemChild::Transparent { .. } => {}
        }
    }
}

fn push_formatted(text: &str, italic: bool, out: &mut String) {
    if !italic || text.trim().is_empty() {
        out.push_str(text);
        return;
    }
    // Keep the spaces outside the emphasis markers, or markdown will not see them.
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    out.push_str(lead);
    out.push('*');
    out.push_str(text.trim());
    out.push('*');
    out.push_str(trail);
}

/// "(2006,)" -> "(2006)": the style leaves a comma when a conference or report date has
/// a year but no month.
fn tidy_dates(s: &str) -> String {
    static YEAR_COMMA: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\((\d{4}[a-z]?),\)").expect("valid regex"));
    YEAR_COMMA.replace_all(s, "($1)").into_owned()
}

/// APA 7th strings (markdown) for `sources`, by id.
pub(crate) fn references(sources: &[&Source]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    // Entries are rendered in groups of one author list: the year suffixes APA wants for
    // the same authors in the same year (2026a, 2026b) are given within a group, while
    // the citation-level name disambiguation of CSL never reaches the reference list (it
    // would print "Beyer, Jones, et al." for two works whose first author and year match).
    let mut groups: Vec<(Value, Vec<&Source>)> = Vec::new();
    for s in sources {
        let e = entry(s);
        let names = e
            .get("author")
            .or_else(|| e.get("editor"))
            .cloned()
            .unwrap_or(Value::Null);
        match groups.iter_mut().find(|(n, _)| *n == names) {
            Some((_, g)) => g.push(s),
            None => groups.push((names, vec![s])),
        }
    }
    for (_, group) in groups {
        out.extend(render_group(&group));
    }
    out
}

/// The APA references of sources that share one author list.
fn render_group(sources: &[&Source]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if sources.is_empty() {
        return out;
    }
    let mut db = Map::new();
    for s in sources {
        db.insert(s.id.value.clone(), entry(s));
    }
    let text = Value::Object(db).to_string();
    let Ok(lib) = hayagriva::io::from_yaml_str(&text) else {
        return out;
    };
    let (style, locale_files) = &*APA;
    let mut driver = BibliographyDriver::new();
    for e in lib.iter() {
        driver.citation(CitationRequest::from_items(
            vec![CitationItem::with_entry(e)],
            style,
            locale_files,
        ));
    }
    let rendered = driver.finish(BibliographyRequest {
        style,
        locale: None,
        locale_files,
    });
    if let Some(bib) = rendered.bibliography {
        for item in bib.items {
            let mut s = String::new();
            markdown(&item.content, &mut s);
            out.insert(item.key, tidy_dates(s.trim()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Sp, Text};

    fn source(id: &str, kind: SourceType) -> Source {
        Source {
            id: Sp::bare(id.into()),
            kind: Sp::bare(kind),
            authors: vec!["Dean, J.".into(), "Barroso, L. A.".into()],
            editors: vec![],
            year: Some(Sp::bare(2013)),
            date: None,
            title: Some(Sp::bare("The tail at scale".into())),
            container: Some("Communications of the ACM".into()),
            volume: Some(Text("56".into())),
            issue: Some(Text("2".into())),
            pages: Some(Text("74-80".into())),
            publisher: None,
            edition: None,
            translators: vec![],
            doi: Some(Sp::bare("10.1145/2408776.2408794".into())),
            url: None,
            archived: None,
            lang: Some(Sp::bare("EN".into())),
            coverage: None,
            key_sections: None,
            file: Default::default(),
        }
    }

    #[test]
    fn works_sharing_a_first_author_and_year_keep_their_full_author_lists() {
        let mut a = source("L3", SourceType::Book);
        a.authors = vec!["Beyer, B.".into(), "Jones, C.".into(), "Petoff, J.".into()];
        a.year = Some(Sp::bare(2019));
        let mut b = source("L4", SourceType::Book);
        b.authors = vec![
            "Beyer, B.".into(),
            "Murphy, N. R.".into(),
            "Rensin, D. K.".into(),
        ];
        b.year = Some(Sp::bare(2019));
        let r = references(&[&a, &b]);
        assert!(
            r["L3"].starts_with("Beyer, B., Jones, C., & Petoff, J. (2019)."),
            "{}",
            r["L3"]
        );
        assert!(
            r["L4"].starts_with("Beyer, B., Murphy, N. R., & Rensin, D. K. (2019)."),
            "{}",
            r["L4"]
        );
        // The same authors in the same year still get APA's year suffixes.
        let mut c = source("A1", SourceType::Docs);
        c.authors = vec!["PingCAP".into()];
        c.year = Some(Sp::bare(2026));
        let mut d = c.clone();
        d.id = Sp::bare("A2".to_owned());
        d.title = Some(Sp::bare("Another page".to_owned()));
        let r = references(&[&c, &d]);
        assert!(
            r["A1"].contains("(2026a)") || r["A1"].contains("(2026b)"),
            "{}",
            r["A1"]
        );
    }

    #[test]
    fn journal_article_in_apa() {
        let s = source("A1", SourceType::Journal);
        let refs = references(&[&s]);
        assert_eq!(
            refs["A1"],
            "Dean, J., & Barroso, L. A. (2013). The tail at scale. *Communications of the ACM*, *56*(2), 74–80. <https://doi.org/10.1145/2408776.2408794>"
        );
    }

    #[test]
    fn book_with_edition_in_apa() {
        let mut s = source("L1", SourceType::Book);
        s.authors = vec!["Gregg, B.".into()];
        s.year = Some(Sp::bare(2020));
        s.title = Some(Sp::bare(
            "Systems performance: Enterprise and the cloud".into(),
        ));
        s.container = None;
        s.volume = None;
        s.issue = None;
        s.pages = None;
        s.doi = None;
        s.edition = Some(Text("2".into()));
        s.publisher = Some("Addison-Wesley".into());
        let refs = references(&[&s]);
        assert_eq!(
            refs["L1"],
            "Gregg, B. (2020). *Systems performance: Enterprise and the cloud* (2nd ed.). Addison-Wesley."
        );
    }

    #[test]
    fn edited_book_lists_editors_with_eds() {
        let mut s = source("L3", SourceType::Book);
        s.authors = vec![];
        s.editors = vec![
            "Beyer, B.".into(),
            "Jones, C.".into(),
            "Petoff, J.".into(),
            "Murphy, N. R.".into(),
        ];
        s.year = Some(Sp::bare(2016));
        s.title = Some(Sp::bare(
            "Site reliability engineering: How Google runs production systems".into(),
        ));
        s.container = None;
        s.volume = None;
        s.issue = None;
        s.pages = None;
        s.doi = None;
        s.publisher = Some("O'Reilly Media".into());
        let refs = references(&[&s]);
        assert_eq!(
            refs["L3"],
            "Beyer, B., Jones, C., Petoff, J., & Murphy, N. R. (Eds.). (2016). *Site reliability engineering: How Google runs production systems*. O'Reilly Media."
        );
        let mut one = s.clone();
        one.id = Sp::bare("L9".into());
        one.editors = vec!["Smith, A.".into()];
        assert!(references(&[&one])["L9"].starts_with("Smith, A. (Ed.). (2016)."));
    }

    #[test]
    fn authored_book_with_editors_keeps_the_authors_first() {
        let mut s = source("L4", SourceType::Book);
        s.authors = vec!["Gregg, B.".into()];
        s.editors = vec!["Smith, A.".into()];
        s.year = Some(Sp::bare(2020));
        s.title = Some(Sp::bare("A book".into()));
        s.container = None;
        s.volume = None;
        s.issue = None;
        s.pages = None;
        s.doi = None;
        s.publisher = Some("Springer".into());
        let r = &references(&[&s])["L4"];
        assert!(r.starts_with("Gregg, B. (2020). *A book*"), "{r}");
        assert!(r.contains("Smith"), "{r}");
    }

    #[test]
    fn organisations_blogs_and_product_names_print_as_written() {
        let mut s = source("A9", SourceType::Docs);
        s.authors = vec!["International Organization for Standardization".into()];
        s.title = Some(Sp::bare("Using EXPLAIN".into()));
        s.container = Some("PostgreSQL 18 Documentation".into());
        s.volume = None;
        s.issue = None;
        s.pages = None;
        s.doi = None;
        s.url = Some(Sp::bare(
            "https://www.postgresql.org/docs/18/using-explain.html".into(),
        ));
        let r = &references(&[&s])["A9"];
        assert!(
            r.starts_with("International Organization for Standardization. (2013)."),
            "{r}"
        );
        assert!(r.contains("PostgreSQL 18 Documentation"), "{r}");
        let mut b = source("A12", SourceType::Blog);
        b.authors = vec!["Thomas, D.".into()];
        b.year = Some(Sp::bare(2024));
        b.title = Some(Sp::bare(
            "Bending pause times to your will with Generational ZGC".into(),
        ));
        b.container = Some("Netflix TechBlog".into());
        b.volume = None;
        b.issue = None;
        b.pages = None;
        b.doi = None;
        b.url = Some(Sp::bare("https://netflixtechblog.com/x".into()));
        let r = &references(&[&b])["A12"];
        assert!(
            !r.contains("[Online post]")
                && r.contains("Generational ZGC")
                && r.contains("*Netflix TechBlog*"),
            "{r}"
        );
        assert!(!r.contains(",)"), "{r}");
    }
}
