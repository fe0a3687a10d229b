//! Link collection: every web link of a bank (reference URLs, DOIs, archived copies,
//! links in question text) or of a markdown document, each with the place it was written.

use std::path::Path;

use crate::diagnostic::Location;
use crate::gates::{Ctx, question_texts};
use crate::model::{Bank, FileId, Sp};

/// Where DOIs are resolved: `https://doi.org/<doi>`.
pub(crate) const DOI_RESOLVER: &str = "https://doi.org/";

/// What kind of field a link came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// A reference's `url`.
    Url,
    /// A source's `doi`, checked through the DOI resolver.
    Doi,
    /// A reference's `archived` copy.
    Archived,
    /// A link written in question text.
    Text,
    /// A link in a markdown document.
    Markdown,
}

/// One link, where it was written, and what to request for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// The link as written (a bare DOI for [`Kind::Doi`]).
    pub written: String,
    /// The URL to request, or why there is none (not http(s), malformed).
    pub target: Result<String, String>,
    pub location: Location,
    pub kind: Kind,
    /// For a reference's `url`: the URL to request for its `archived` copy, if any.
    pub archived: Option<String>,
}

/// The URL to request for `s`: parsed and normalised; only http and https.
pub(crate) fn target(s: &str) -> Result<String, String> {
    let s = s.trim();
    let url = url::Url::parse(s).map_err(|e| format!("malformed URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "only http and https links are checked, not `{}:`",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("malformed URL: no host".to_owned());
    }
    let mut url = url;
    url.set_fragment(None);
    Ok(url.into())
}

/// The resolver URL of a DOI: `10.1145/x` → `https://doi.org/10.1145/x`. A DOI written
/// as a resolver URL is taken as is.
pub(crate) fn doi_target(doi: &str, resolver: &str) -> Result<String, String> {
    let doi = doi.trim();
    if doi.starts_with("http://") || doi.starts_with("https://") {
        return target(doi);
    }
    let bare = doi.strip_prefix("doi:").unwrap_or(doi);
    if !bare.starts_with("10.") || !bare.contains('/') {
        return Err(format!("malformed DOI `{doi}`"));
    }
    let mut path = String::with_capacity(bare.len());
    for c in bare.chars() {
        match c {
            '%' => path.push_str("%25"),
            '#' => path.push_str("%23"),
            '?' => path.push_str("%3F"),
            ' ' => path.push_str("%20"),
            c => path.push(c),
        }
    }
    let base = if resolver.ends_with('/') {
        resolver.to_owned()
    } else {
        format!("{resolver}/")
    };
    target(&format!("{base}{path}"))
}

fn at(bank: &Bank, file: FileId, v: &Sp<String>) -> Location {
    Location::of(&bank.sources, file, v.pos).with_len(v.value.len())
}

/// Every link of a bank, in file order. DOIs are requested through `doi_resolver`.
pub(crate) fn from_bank(bank: &Bank, doi_resolver: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut reference = |file: FileId,
                         doi: Option<&Sp<String>>,
                         url: Option<&Sp<String>>,
                         archived: Option<&Sp<String>>| {
        let archive_target = archived.and_then(|a| target(&a.value).ok());
        if let Some(d) = doi {
            out.push(Link {
                written: d.value.trim().to_owned(),
                target: doi_target(&d.value, doi_resolver),
                location: at(bank, file, d),
                kind: Kind::Doi,
                archived: None,
            });
        }
        if let Some(u) = url {
            out.push(Link {
                written: u.value.trim().to_owned(),
                target: target(&u.value),
                location: at(bank, file, u),
                kind: Kind::Url,
                archived: archive_target,
            });
        }
        if let Some(a) = archived {
            out.push(Link {
                written: a.value.trim().to_owned(),
                target: target(&a.value),
                location: at(bank, file, a),
                kind: Kind::Archived,
                archived: None,
            });
        }
    };
    for t in &bank.tools {
        reference(t.file, None, t.url.as_ref(), t.archived.as_ref());
    }
    for s in bank.literature.iter().chain(&bank.citations) {
        reference(s.file, s.doi.as_ref(), s.url.as_ref(), s.archived.as_ref());
    }
    let ctx = Ctx::new(bank, jiff::civil::Date::MIN, None);
    for q in &bank.questions {
        for (_, t) in question_texts(q) {
            for m in crate::text::urls(&t.value) {
                let u = m.as_str().trim_end_matches(['.', ',', ';']);
                out.push(Link {
                    written: u.to_owned(),
                    target: target(u),
                    location: ctx.loc_in(q.file, t, m.start()..m.start() + u.len()),
                    kind: Kind::Text,
                    archived: None,
                });
            }
        }
    }
    out
}

/// Every absolute http(s) link of a markdown document: link and image destinations,
/// autolinks and bare URLs in text; code is skipped. Relative links, anchors and other
/// schemes are not web links and are left out.
pub(crate) fn from_markdown(path: &Path, text: &str) -> Vec<Link> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    // A line index: a document of thousands of links is located in linear time.
    let lines = crate::position::Lines::new(text);
    let mut push = |url: &str, offset: usize| {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return;
        }
        let (line, col) = lines.line_col(offset);
        out.push(Link {
            written: url.to_owned(),
            target: target(url),
            location: Location::at(path, line, col).with_len(url.len()),
            kind: Kind::Markdown,
            archived: None,
        });
    };
    let mut in_link = 0usize;
    let mut in_code = 0usize;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                in_link += 1;
                // Point at the destination itself when it is written out in the source.
                let offset = text
                    .get(range.clone())
                    .and_then(|s| s.rfind(dest_url.as_ref()))
                    .map_or(range.start, |i| range.start + i);
                push(&dest_url, offset);
            }
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(_) if in_link == 0 && in_code == 0 => {
                let src = text.get(range.clone()).unwrap_or_default();
                for m in crate::text::urls(src) {
                    let u = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']);
                    push(u, range.start + m.start());
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_links_with_lines() {
        let md = "# Title\n\nSee [docs](https://a.example/x) and <https://b.example/>.\n\
                  \n```\nhttps://code.example/\n```\n\nBare https://c.example/p, then `https://d.example/`.\n\
                  [rel](./local.md) [mail](mailto:x@y.z) ![img](http://e.example/i.png)\n";
        let links = from_markdown(Path::new("doc.md"), md);
        let got: Vec<(String, u32, u32)> = links
            .iter()
            .map(|l| (l.written.clone(), l.location.line, l.location.col))
            .collect();
        assert_eq!(
            got,
            vec![
                ("https://a.example/x".to_owned(), 3, 12),
                ("https://b.example/".to_owned(), 3, 38),
                ("https://c.example/p".to_owned(), 9, 6),
                ("http://e.example/i.png".to_owned(), 10, 47),
            ]
        );
    }

    #[test]
    fn targets_and_dois() {
        assert_eq!(
            target("https://a.example/x#frag").unwrap(),
            "https://a.example/x"
        );
        assert!(target("ftp://a.example/").is_err());
        assert!(target("htps//x").is_err());
        assert_eq!(
            doi_target("10.1145/2408776.2408794", DOI_RESOLVER).unwrap(),
            "https://doi.org/10.1145/2408776.2408794"
        );
        assert_eq!(
            doi_target("10.1000/a#b?c", "http://127.0.0.1:9").unwrap(),
            "http://127.0.0.1:9/10.1000/a%23b%3Fc"
        );
        assert!(doi_target("11.1/x", DOI_RESOLVER).is_err());
    }
}
