//! The rendered markdown as one self-contained HTML page that works offline: inline CSS
//! with a print stylesheet, GitHub heading ids, and every mermaid diagram drawn in the
//! browser by a vendored mermaid build (`vendor/mermaid/`).
//!
//! Nothing on the page loads from the network: the script and styles are inline, fonts
//! are the reader's system fonts, remote images become links, and a Content Security
//! Policy forbids every fetch the page did not bring with it.
//!
//! A markdown file (`qbank pdf notes.md`, packet sheets) becomes a page here whole
//! ([`page`]); a bank's page is rendered from the model by `render::page`, which uses
//! `fragment` and `inline` for the markdown inside its fields and the same
//! stylesheet, scripts and sanitizer.

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::text;

/// The mermaid release embedded in every page (see `vendor/mermaid/README.md`).
pub(crate) const MERMAID_VERSION: &str = "11.17.2";

/// `dist/mermaid.min.js` from `npm pack mermaid@11.17.2`, unchanged.
pub(crate) const MERMAID_JS: &str = include_str!("../../vendor/mermaid/mermaid.min.js");

/// The id of the element the page adds once every diagram has been tried: a JSON list
/// of the diagrams that could not be drawn (`qbank pdf` waits for it and reports them).
pub(crate) const MERMAID_REPORT_ID: &str = "qbank-mermaid-report";

/// Runs once the library above has defined `mermaid`. Draws every `pre.mermaid` in
/// turn (`strict` keeps diagram text from running scripts or adding click handlers),
/// a left-to-right flowchart over 1.5 times the page's width top-down instead;
/// a diagram that does not parse keeps its source, gets the parser's message below it
/// and is listed, with the heading it sits under and its source, in the report element.
pub(crate) const MERMAID_INIT: &str = r#"mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
(async () => {
  const failed = [];
  const pres = Array.from(document.querySelectorAll('pre.mermaid'));
  const headingOf = (el) => {
    for (let n = el; n; n = n.previousElementSibling || n.parentElement) {
      if (/^H[1-6]$/.test(n.tagName)) return n.textContent.trim();
    }
    return '';
  };
  for (let i = 0; i < pres.length; i++) {
    const pre = pres[i];
    const source = pre.textContent;
    const id = 'qbank-mermaid-' + (i + 1);
    try {
      await mermaid.parse(source);
      const { svg } = await mermaid.render(id, source);
      pre.innerHTML = svg;
      // A left-to-right flowchart far wider than the page would shrink until its
      // labels cannot be read: lay it out top-down instead.
      const across = /^\s*(flowchart|graph)\s+(LR|RL)\b/m.exec(source);
      const drawn = pre.querySelector('svg');
      if (across && drawn && drawn.viewBox.baseVal.width > pre.clientWidth * 1.5) {
        const down = source.replace(across[0], across[0].replace(/(LR|RL)$/, 'TD'));
        pre.innerHTML = (await mermaid.render(id + '-td', down)).svg;
        pre.setAttribute('data-direction', 'TD');
      }
      pre.setAttribute('data-processed', 'true');
    } catch (e) {
      for (const stray of document.querySelectorAll('#' + id + ', #d' + id)) stray.remove();
      const message = String((e && e.message) || e).trim();
      pre.classList.add('mermaid-error');
      const note = document.createElement('div');
      note.className = 'mermaid-error-message';
      note.textContent = 'This diagram could not be drawn: ' + message;
      pre.after(note);
      failed.push({ diagram: i + 1, heading: headingOf(pre), message: message, source: source });
    }
  }
  const report = document.createElement('script');
  report.type = 'application/json';
  report.id = 'qbank-mermaid-report';
  report.textContent = JSON.stringify({ diagrams: pres.length, failed: failed }).replace(/</g, '\u003c');
  document.body.append(report);
})();"#;

/// Inline scripts and styles, `data:` images and fonts, nothing else: no request leaves
/// the page, even one a diagram or a stray tag would have made.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                   img-src data:; font-src data:; base-uri 'none'; form-action 'none'";

/// Headings that start a new printed page: every cluster (h3) and these h2s.
const PAGE_BREAK_H2: [&str; 2] = ["References", "Validation Results"];
const PAGE_BREAK_CLASS: &str = "page-break";

/// The page's stylesheet, shared with the page rendered from the model
/// (`templates/page.css`, which `--templates` can override there).
pub(crate) const CSS: &str = include_str!("../../templates/page.css");

/// A complete HTML5 document for `markdown` (GitHub-flavoured) titled `title`.
/// The same input always gives the same bytes.
pub fn page(title: &str, markdown: &str) -> String {
    page_with_css(title, markdown, "")
}

/// Like [`page`], with `extra_css` appended to the page's stylesheet (packets add their
/// own print rules this way).
pub(crate) fn page_with_css(title: &str, markdown: &str, extra_css: &str) -> String {
    let body = body(markdown);
    let mut out =
        String::with_capacity(MERMAID_JS.len() + CSS.len() + extra_css.len() + body.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    out.push_str(CSP);
    out.push_str("\">\n");
    out.push_str("<meta name=\"generator\" content=\"qbank (mermaid ");
    out.push_str(MERMAID_VERSION);
    out.push_str(")\">\n<title>");
    text::escape_html_into(&mut out, title);
    out.push_str("</title>\n<style>");
    out.push_str(CSS);
    out.push_str(extra_css);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    out.push_str(&body);
    out.push_str("</main>\n<script>\n");
    out.push_str(MERMAID_JS);
    if !MERMAID_JS.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("</script>\n<script>\n");
    out.push_str(MERMAID_INIT);
    out.push_str("\n</script>\n</body>\n</html>\n");
    out
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
}

/// The document body: markdown to HTML with the rewrites `rewrite` describes.
fn body(markdown: &str) -> String {
    convert(markdown, &Anchors::default())
}

fn convert(markdown: &str, known: &Anchors) -> String {
    let events: Vec<Event<'_>> =
        pulldown_cmark::TextMergeStream::new(Parser::new_ext(markdown, options())).collect();
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let events = reader_aids(rewrite(events), known);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize(&html)
}

/// Where `[Ref: G1]` and `[G: Term]` point on a page: each reference id and glossary
/// term (its `/` parts and aliases too, lower-cased) to the id of its entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Anchors {
    ids: std::collections::HashMap<String, String>,
    terms: std::collections::HashMap<String, String>,
}

impl Anchors {
    /// The entries of `bank`'s four reference lists, as the page renders them.
    pub(crate) fn of_bank(bank: &crate::model::Bank) -> Self {
        let mut a = Anchors::default();
        for g in &bank.glossary {
            let id = entry_id(&g.id.value);
            let term = g.term.value.as_str();
            for t in std::iter::once(term)
                .chain(term.split('/'))
                .chain(g.aliases.iter().map(String::as_str))
            {
                a.terms
                    .entry(t.trim().to_lowercase())
                    .or_insert_with(|| id.clone());
            }
            a.ids.insert(g.id.value.clone(), id);
        }
        let others = bank
            .tools
            .iter()
            .map(|t| &t.id.value)
            .chain(bank.literature.iter().map(|s| &s.id.value))
            .chain(bank.citations.iter().map(|s| &s.id.value));
        for code in others {
            a.ids.insert(code.clone(), entry_id(code));
        }
        a
    }
}

/// A markdown fragment of a page (an answer, a table cell) as safe HTML blocks, its
/// references linked through `anchors`.
pub(crate) fn fragment(markdown: &str, anchors: &Anchors) -> String {
    convert(markdown, anchors)
}

/// Like [`fragment`] for text that sits inside a line (a cell, a labelled part): a single
/// paragraph loses its `<p>`.
pub(crate) fn inline(markdown: &str, anchors: &Anchors) -> String {
    let html = convert(&as_inline(markdown), anchors);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|r| r.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

/// `text` with a backslash before a mark that would open a block at its start (`>`,
/// `# `, `- `, `1. `, a fence): in a line of the page it is text, as in a table cell
/// of the markdown.
fn as_inline(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim_start();
    let bytes = t.as_bytes();
    let after = |i: usize| bytes.get(i).is_none_or(u8::is_ascii_whitespace);
    let at = match bytes.first() {
        Some(b'>') => Some(0),
        Some(b'#') if after(bytes.iter().take_while(|b| **b == b'#').count()) => Some(0),
        Some(b'-' | b'+' | b'*') if after(1) || bytes.iter().all(|b| *b == bytes[0]) => Some(0),
        Some(b'`' | b'~') if t.starts_with("```") || t.starts_with("~~~") => Some(0),
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            (digits <= 9 && matches!(bytes.get(digits), Some(b'.' | b')')) && after(digits + 1))
                .then_some(digits)
        }
        _ => None,
    };
    match at {
        Some(i) => format!("{}\\{}", &t[..i], &t[i..]).into(),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// A code block with its language label above it (`data-lang`) and, where a grammar
/// knows the language, coloured spans; the same markup a fenced block gets.
pub(crate) fn code_block(lang: &str, code: &str) -> String {
    let lang = lang.trim();
    let mut out = String::new();
    if is_token(lang) {
        out.push_str("<pre data-lang=\"");
        crate::text::escape_html_into(&mut out, lang);
        out.push_str("\"><code class=\"language-");
        crate::text::escape_html_into(&mut out, lang);
        out.push_str("\">");
    } else {
        out.push_str("<pre><code>");
    }
    let mut code = code.to_owned();
    if !code.ends_with('\n') {
        code.push('\n');
    }
    match super::highlight::highlight(lang, &code) {
        Some(h) => out.push_str(&h),
        None => crate::text::escape_html_into(&mut out, &code),
    }
    out.push_str("</code></pre>\n");
    out
}

/// Plain text of each heading, in document order, as GitHub reads it for the slug.
fn heading_texts(events: &[Event<'_>]) -> Vec<String> {
    let mut texts = Vec::new();
    let mut current: Option<String> = None;
    for event in events {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => texts.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(s) = current.as_mut() {
                    s.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(s) = current.as_mut() {
                    s.push('\n');
                }
            }
            _ => {}
        }
    }
    texts
}

/// The changes to pulldown-cmark's plain output that this page needs:
/// - headings get GitHub's ids (so `#anchor` links from the markdown work) and the
///   print page-break class;
/// - ```` ```mermaid ```` blocks become `<pre class="mermaid">` with escaped text;
/// - raw HTML is left to [`sanitize`], which runs over the whole body afterwards;
/// - links with a `javascript:`, `vbscript:` or `data:` target lose the target;
/// - images that are not `data:` become links, so the page never fetches them.
fn rewrite(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let texts = heading_texts(&events);
    let ids = text::unique_slugs(texts.iter().map(String::as_str));
    let mut headings = texts.iter().zip(ids);
    let mut out = Vec::with_capacity(events.len());
    let mut mermaid: Option<String> = None;
    let mut code_block_open: Option<(String, String)> = None;
    let mut images_as_links: Vec<bool> = Vec::new();

    for event in events {
        if let Some(diagram) = mermaid.as_mut() {
            match event {
                Event::Text(t) => diagram.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let mut pre = String::from("<pre class=\"mermaid\">");
                    text::escape_html_into(&mut pre, diagram);
                    pre.push_str("</pre>\n");
                    out.push(Event::Html(pre.into()));
                    mermaid = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, attrs, .. }) => {
                let (text, id) = headings.next().expect("one id per heading");
                let mut classes = Vec::new();
                if breaks_page(level, text) {
                    // A heading right below a larger one (`## Q&A by Cluster` then
                    // `### Cluster 1`) moves the break up to that one, so no printed page
                    // ends with a heading alone.
                    let start = out.len().checked_sub(1).and_then(|end| {
                        matches!(out[end], Event::End(TagEnd::Heading(above)) if above < level)
                            .then(|| heading_start(&out, end))
                            .flatten()
                    });
                    match start.map(|i| &mut out[i]) {
                        Some(Event::Start(Tag::Heading { classes: above, .. })) => {
                            if !above.iter().any(|c| c.as_ref() == PAGE_BREAK_CLASS) {
                                above.push(CowStr::Borrowed(PAGE_BREAK_CLASS));
                            }
                        }
                        _ => classes.push(CowStr::Borrowed(PAGE_BREAK_CLASS)),
                    }
                }
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if info.split_whitespace().next() == Some("mermaid") =>
            {
                mermaid = Some(String::new());
            }
            // A code block with a language says which above it (`data-lang`, shown by
            // the stylesheet); pulldown-cmark still writes the text and the closing tags.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if info.split_whitespace().next().is_some_and(is_token) =>
            {
                let lang = info.split_whitespace().next().unwrap_or_default();
                let mut open = String::from("<pre data-lang=\"");
                text::escape_html_into(&mut open, lang);
                open.push_str("\"><code class=\"language-");
                text::escape_html_into(&mut open, lang);
                open.push_str("\">");
                out.push(Event::Html(open.into()));
                code_block_open = Some((lang.to_owned(), String::new()));
            }
            Event::Text(t) if code_block_open.is_some() => {
                if let Some((_, code)) = code_block_open.as_mut() {
                    code.push_str(&t);
                }
            }
            // The code, coloured at build time where a grammar knows the language.
            Event::End(TagEnd::CodeBlock) if code_block_open.is_some() => {
                let (lang, code) = code_block_open.take().unwrap_or_default();
                let mut html = super::highlight::highlight(&lang, &code).unwrap_or_else(|| {
                    let mut text = String::new();
                    crate::text::escape_html_into(&mut text, &code);
                    text
                });
                html.push_str("</code></pre>\n");
                out.push(Event::Html(html.into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = safe_href(dest_url);
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if is_data_image(&dest_url) {
                    images_as_links.push(false);
                    out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                } else {
                    images_as_links.push(true);
                    let dest_url = safe_href(dest_url);
                    out.push(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Image) => {
                if images_as_links.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                } else {
                    out.push(Event::End(TagEnd::Image));
                }
            }
            Event::Html(h) if h.starts_with("<!-- qbank: ") => {
                question_anchor(&mut out, &h);
                out.push(Event::Html(h));
            }
            other => out.push(other),
        }
    }
    out
}

/// A question heading (`#### Q3: ...`) directly followed by its `<!-- qbank: {"id": ...}
/// -->` comment takes `q-<id>` as its id, which stays the same when questions are added
/// or reordered (the Q number and the title's slug do not); the GitHub slug the markdown
/// uses stays as an anchor inside the heading, so links to it still work.
fn question_anchor(out: &mut Vec<Event<'_>>, comment: &str) {
    let Some(json) = comment
        .strip_prefix("<!-- qbank: ")
        .and_then(|c| c.trim_end().strip_suffix("-->"))
    else {
        return;
    };
    let Some(id) = serde_json::from_str::<serde_json::Value>(json.trim())
        .ok()
        .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
        .filter(|id| is_token(id))
    else {
        return;
    };
    let mut end = out.len();
    while end > 0 && matches!(out[end - 1], Event::Start(Tag::HtmlBlock)) {
        end -= 1;
    }
    if end == 0 || !matches!(out[end - 1], Event::End(TagEnd::Heading(_))) {
        return;
    }
    let Some(start) = heading_start(out, end - 1) else {
        return;
    };
    let is_question = matches!(out.get(start + 1), Some(Event::Text(t))
        if t.strip_prefix('Q').is_some_and(|r| r.split(':').next().is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))));
    if !is_question {
        return;
    }
    if let Event::Start(Tag::Heading { id: heading_id, .. }) = &mut out[start] {
        let slug = heading_id.replace(CowStr::from(format!("q-{id}")));
        if let Some(slug) = slug {
            let mut anchor = String::from("<a id=\"");
            text::escape_html_into(&mut anchor, &slug);
            anchor.push_str("\"></a>");
            out.insert(start + 1, Event::InlineHtml(anchor.into()));
        }
    }
}

/// Labels of a glossary entry's parts, each shown on a line of its own on the page.
const ENTRY_LABELS: [&str; 5] = [
    "Definition:",
    "Formula:",
    "Targets:",
    "Distinctions:",
    "When to use:",
];

/// `^G1. ` / `^L12.` at the start of a reference entry's bold label: its id.
fn entry_code(label: &str) -> Option<(&str, &str)> {
    let letters = label.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = label[letters..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let rest = label[letters + digits..].strip_prefix('.')?;
    (letters > 0 && digits > 0).then(|| (&label[..letters + digits], rest.trim()))
}

pub(crate) fn entry_id(code: &str) -> String {
    format!("ref-{}", code.to_ascii_lowercase())
}

/// What the page shows a reader better than the markdown text does (the markdown is
/// unchanged):
/// - each reference entry (a paragraph opening with **G1.**, **T3.**, **L2.**, **A1.**)
///   gets an anchor, and `[Ref: G1, T2]` and `[G: Term]` in the text link to it, the
///   text still as the spec writes it;
/// - a glossary entry shows its parts (definition, formula, ...) as labelled lines;
/// - table headers lose the template's slot marks (`Formula [G: ID]` shows `Formula`);
/// - PASS, FAIL and WARN cells are marked so the stylesheet tells them apart.
fn reader_aids<'a>(events: Vec<Event<'a>>, known: &Anchors) -> Vec<Event<'a>> {
    // Entries first, so a reference before its entry (all of them) resolves.
    let mut ids = known.ids.clone();
    let mut terms = known.terms.clone();
    let mut entry_at = std::collections::HashSet::new();
    for (i, w) in events.windows(3).enumerate() {
        if let [
            Event::Start(Tag::Paragraph),
            Event::Start(Tag::Strong),
            Event::Text(label),
        ] = w
            && let Some((code, term)) = entry_code(label)
        {
            ids.insert(code.to_owned(), entry_id(code));
            if code.starts_with('G') {
                for t in std::iter::once(term).chain(term.split('/')) {
                    terms
                        .entry(t.trim().to_lowercase())
                        .or_insert_with(|| entry_id(code));
                }
            }
            entry_at.insert(i);
        }
    }
    let mut out = Vec::with_capacity(events.len() + 16);
    let (mut in_head, mut in_cell, mut literal) = (false, false, 0usize);
    let mut in_glossary_entry = false;
    for (i, event) in events.into_iter().enumerate() {
        match &event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableCell) => in_cell = true,
            Event::End(TagEnd::TableCell) => in_cell = false,
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_) | Tag::Heading { .. }) => {
                literal += 1;
            }
            Event::End(TagEnd::Link | TagEnd::CodeBlock | TagEnd::Heading(_)) => {
                literal = literal.saturating_sub(1);
            }
            Event::End(TagEnd::Paragraph) => in_glossary_entry = false,
            _ => {}
        }
        if entry_at.contains(&i) {
            out.push(event);
            continue;
        }
        // A cell's long token (a URL, a metric name, a query) may break after its `/`,
        // `_`, `.` ...: one such cell no longer widens the table past the page, which
        // would make Chromium shrink every printed page to fit it.
        if in_cell
            && literal == 0
            && let Event::Code(code) = &event
            && has_long_token(code)
        {
            let mut html = String::from("<code>");
            breakable_into(&mut html, code);
            html.push_str("</code>");
            out.push(Event::InlineHtml(html.into()));
            continue;
        }
        let Event::Text(text) = event else {
            out.push(event);
            continue;
        };
        // The entry's bold label: anchor before the paragraph's first word.
        if i >= 2 && entry_at.contains(&(i - 2)) {
            if let Some((code, _)) = entry_code(&text) {
                in_glossary_entry = code.starts_with('G');
                let strong = out.pop();
                out.push(Event::InlineHtml(
                    format!("<a id=\"{}\"></a>", entry_id(code)).into(),
                ));
                out.extend(strong);
            }
            out.push(Event::Text(text));
            continue;
        }
        if literal > 0 {
            out.push(Event::Text(text));
            continue;
        }
        if in_cell
            && !in_head
            && matches!(out.last(), Some(Event::Start(Tag::TableCell)))
            && matches!(text.as_ref(), "PASS" | "FAIL" | "WARN")
        {
            let word = text.as_ref();
            out.push(Event::InlineHtml(
                format!(
                    "<span class=\"status status-{}\">{word}</span>",
                    word.to_ascii_lowercase()
                )
                .into(),
            ));
            continue;
        }
        let text: CowStr<'_> = if in_head {
            strip_slots(&text).into()
        } else {
            text
        };
        let mut html = String::new();
        let mut at = 0;
        let mut changed = false;
        let uses = text::refs(&text);
        let mut spans: Vec<std::ops::Range<usize>> = uses.iter().map(|r| r.span.clone()).collect();
        spans.dedup();
        for span in spans {
            let targets: Vec<&text::RefTarget> = uses
                .iter()
                .filter(|r| r.span == span)
                .map(|r| &r.target)
                .collect();
            let linked = link_refs(&text[span.clone()], &targets, &ids, &terms);
            if let Some(linked) = linked {
                glossary_lines_into(&mut html, &text[at..span.start], in_glossary_entry);
                html.push_str(&linked);
                at = span.end;
                changed = true;
            }
        }
        let labelled = in_glossary_entry && ENTRY_LABELS.iter().any(|l| text.contains(l));
        if !changed && !labelled {
            if in_cell && has_long_token(&text) {
                let mut html = String::new();
                breakable_into(&mut html, &text);
                out.push(Event::InlineHtml(html.into()));
            } else {
                out.push(Event::Text(text));
            }
            continue;
        }
        glossary_lines_into(&mut html, &text[at..], in_glossary_entry);
        out.push(Event::InlineHtml(html.into()));
    }
    out
}

/// Tokens longer than this many characters get break opportunities in table cells.
const LONG_TOKEN: usize = 20;

fn has_long_token(text: &str) -> bool {
    text.split_whitespace()
        .any(|w| w.chars().count() > LONG_TOKEN)
}

/// `text` escaped into `html`, with a `<wbr>` after each `/ _ . , ( & = ? -` of a token
/// longer than [`LONG_TOKEN`] characters (never inside a short word or a number).
fn breakable_into(html: &mut String, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        if word.chars().count() > LONG_TOKEN {
            let mut chars = word.chars().peekable();
            while let Some(c) = chars.next() {
                let mut one = [0u8; 4];
                text::escape_html_into(html, c.encode_utf8(&mut one));
                if matches!(c, '/' | '_' | '.' | ',' | '(' | '&' | '=' | '?' | '-')
                    && chars
                        .peek()
                        .is_some_and(|n| !n.is_ascii_digit() || c != ',')
                {
                    html.push_str("<wbr>");
                }
            }
        } else {
            text::escape_html_into(html, word);
        }
        let space = after.len() - after.trim_start().len();
        text::escape_html_into(html, &after[..space]);
        rest = &after[space..];
    }
}

/// `text` escaped into `html`, with a line break and a bold label before each of
/// [`ENTRY_LABELS`] when `labelled`.
fn glossary_lines_into(html: &mut String, text: &str, labelled: bool) {
    if !labelled {
        text::escape_html_into(html, text);
        return;
    }
    let mut rest = text;
    loop {
        let next = ENTRY_LABELS
            .iter()
            .filter_map(|l| rest.find(l).map(|i| (i, *l)))
            .filter(|(i, _)| *i == 0 || rest[..*i].ends_with(' '))
            .min();
        match next {
            Some((i, label)) => {
                text::escape_html_into(html, rest[..i].trim_end());
                html.push_str("<br><strong class=\"entry-label\">");
                text::escape_html_into(html, label);
                html.push_str("</strong>");
                rest = &rest[i + label.len()..];
            }
            None => {
                text::escape_html_into(html, rest);
                return;
            }
        }
    }
}

/// The bracket `whole` (`[Ref: G1, T2]`, `[G: Hot Path]`) with each target that names an
/// entry as a link to it; `None` when none does.
fn link_refs(
    whole: &str,
    targets: &[&text::RefTarget],
    ids: &std::collections::HashMap<String, String>,
    terms: &std::collections::HashMap<String, String>,
) -> Option<String> {
    let mut html = String::new();
    let mut rest = whole;
    let mut any = false;
    for target in targets {
        let (name, id) = match target {
            text::RefTarget::Id(code) => (code.as_str(), ids.get(code)),
            text::RefTarget::Term(term) => (term.as_str(), terms.get(&term.trim().to_lowercase())),
        };
        let (Some(id), Some(i)) = (id, rest.find(name)) else {
            continue;
        };
        text::escape_html_into(&mut html, &rest[..i]);
        let _ = std::fmt::Write::write_fmt(&mut html, format_args!("<a href=\"#{id}\">"));
        text::escape_html_into(&mut html, name);
        html.push_str("</a>");
        rest = &rest[i + name.len()..];
        any = true;
    }
    text::escape_html_into(&mut html, rest);
    any.then_some(html)
}

/// A table header without the template's slot marks: `Formula [G: ID]` is `Formula`.
fn strip_slots(text: &str) -> String {
    let mut out = text.to_owned();
    for slot in ["[G: ID]", "[Ref: ID]", "[G: Term]"] {
        out = out.replace(slot, "");
    }
    out.trim_end().to_owned()
}

/// The index of the `Start` of the heading whose `End` is at `end`.
fn heading_start(events: &[Event<'_>], end: usize) -> Option<usize> {
    (0..end)
        .rev()
        .find(|&i| matches!(events[i], Event::Start(Tag::Heading { .. })))
}

fn breaks_page(level: HeadingLevel, text: &str) -> bool {
    let text = text.trim();
    match level {
        HeadingLevel::H2 => PAGE_BREAK_H2.contains(&text),
        HeadingLevel::H3 => text.starts_with("Cluster "),
        _ => false,
    }
}

/// The URL scheme, lower-cased, as a browser reads it (it skips whitespace and control
/// characters inside the scheme), or `None` for a relative URL.
fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let before = &url[..colon];
    if before.contains(['/', '?', '#']) {
        return None;
    }
    Some(
        before
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

fn safe_href(url: CowStr<'_>) -> CowStr<'_> {
    match scheme(&url).as_deref() {
        Some("javascript" | "vbscript" | "data") => CowStr::Borrowed("#"),
        _ => url,
    }
}

fn is_data_image(url: &str) -> bool {
    scheme(url).as_deref() == Some("data")
        && url.split_once(':').is_some_and(|(_, media)| {
            let media = media.trim_start().as_bytes();
            media.len() >= 6 && media[..6].eq_ignore_ascii_case(b"image/")
        })
}

/// Tags the page may hold: what pulldown-cmark writes for GitHub-flavoured markdown,
/// plus the harmless ones raw HTML in answers uses (`details`, `kbd`, `mark`, ...).
/// Everything else (`script`, `style`, `iframe`, `svg`, `math`, `form`, ...) goes; the
/// text inside a dropped tag stays, except in `script` and `style`.
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "wbr",
];

/// Classes the page's stylesheet and script use; `language-*` on code is also kept.
const ALLOWED_CLASSES: &[&str] = &[
    PAGE_BREAK_CLASS,
    "mermaid",
    "footnote-definition",
    "footnote-definition-label",
    "footnote-reference",
    "markdown-alert-caution",
    "markdown-alert-important",
    "markdown-alert-note",
    "markdown-alert-tip",
    "markdown-alert-warning",
    "status",
    "status-pass",
    "status-fail",
    "status-warn",
    "entry-label",
    "answer-space",
    "answer-line",
];

/// The body HTML made safe by ammonia (html5ever's parser, so what is kept is what a
/// browser would build): only [`ALLOWED_TAGS`], ids and known classes, `href` with a
/// web, mail or in-page target, `src` only for `data:image/` images, table alignment,
/// and task-list checkboxes. No event handler, `style` (but `text-align`), `javascript:`
/// or `data:` link, or comment survives.
fn sanitize(html: &str) -> String {
    use std::borrow::Cow;
    use std::collections::{HashMap, HashSet};
    let tag_attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href", "title", "name"].as_slice()),
        ("img", &["src", "alt", "title"]),
        ("th", &["style"]),
        ("td", &["style"]),
        ("input", &["type", "checked", "disabled"]),
        ("ol", &["start"]),
        ("pre", &["data-lang"]),
    ]
    .into_iter()
    .map(|(tag, attrs)| (tag, attrs.iter().copied().collect()))
    .collect();
    ammonia::Builder::default()
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .generic_attributes(["id", "class"].into_iter().collect())
        .tag_attributes(tag_attributes)
        .url_schemes(["http", "https", "mailto", "data"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(|tag, attr, value| -> Option<Cow<'_, str>> {
            match (tag, attr) {
                (_, "id") | ("a", "name") | ("pre", "data-lang") => {
                    is_token(value).then_some(Cow::Borrowed(value))
                }
                (_, "class") => {
                    let kept: Vec<&str> = value
                        .split_whitespace()
                        .filter(|c| {
                            ALLOWED_CLASSES.contains(c)
                                || (tag == "code"
                                    && c.strip_prefix("language-").is_some_and(is_token))
                                || (tag == "span" && super::highlight::is_class(c))
                        })
                        .collect();
                    (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
                }
                ("a", "href") => {
                    (scheme(value).as_deref() != Some("data")).then_some(Cow::Borrowed(value))
                }
                ("img", "src") => is_data_image(value).then_some(Cow::Borrowed(value)),
                ("th" | "td", "style") => matches!(
                    value.trim().trim_end_matches(';'),
                    "text-align: left" | "text-align: center" | "text-align: right"
                )
                .then_some(Cow::Borrowed(value)),
                ("input", "type") => (value == "checkbox").then_some(Cow::Borrowed(value)),
                _ => Some(Cow::Borrowed(value)),
            }
        })
        .clean(html)
        .to_string()
}

/// A value made of letters, digits and `-_.:`, as ids and class suffixes are.
fn is_token(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(md: &str) -> String {
        body(md)
    }

    /// Every `src="..."` and `href="..."` value in `html`.
    fn urls(html: &str) -> Vec<&str> {
        let mut found = Vec::new();
        for attr in ["src=\"", "href=\""] {
            let mut rest = html;
            while let Some(i) = rest.find(attr) {
                let after = &rest[i + attr.len()..];
                let end = after.find('"').unwrap_or(after.len());
                found.push(&after[..end]);
                rest = &after[end..];
            }
        }
        found
    }

    #[test]
    fn headings_get_github_ids() {
        let html = body_of(
            "# Q&A by Cluster\n\n## Context & Coverage\n\ntext\n\n### Cluster 1: Caching (Q1-Q3)\n\n\
             #### Q1: Why is `p99` high?\n\n## Notes\n\n## Notes\n\n[go](#context--coverage)\n",
        );
        assert!(html.contains(r#"<h1 id="qa-by-cluster">"#), "{html}");
        assert!(html.contains(r#"<h2 id="context--coverage">"#), "{html}");
        assert!(
            html.contains(r#"<h3 id="cluster-1-caching-q1-q3" class="page-break">"#),
            "{html}"
        );
        assert!(html.contains(r#"<h4 id="q1-why-is-p99-high">"#), "{html}");
        assert!(html.contains(r#"<h2 id="notes">"#), "{html}");
        assert!(html.contains(r#"<h2 id="notes-1">"#), "{html}");
        assert!(
            html.contains(r##"<a href="#context--coverage">go</a>"##),
            "{html}"
        );
    }

    #[test]
    fn ids_match_the_shared_slug_rules() {
        let md = "## Contents\n\n## 4×4 MECE Coverage Matrix\n\n## Contents\n";
        let html = body_of(md);
        for id in text::unique_slugs(["Contents", "4×4 MECE Coverage Matrix", "Contents"]) {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id} in {html}");
        }
    }

    #[test]
    fn print_breaks_before_clusters_references_and_validation() {
        let html = body_of(
            "## Q&A by Cluster\n\nintro\n\n### Cluster 2: Databases\n\n### Clusters overview\n\n\
             ## References\n\n### Glossary\n\n## Validation Results\n",
        );
        assert!(
            html.contains(r#"<h3 id="cluster-2-databases" class="page-break">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<h2 id="references" class="page-break">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<h2 id="validation-results" class="page-break">"#),
            "{html}"
        );
        assert!(html.contains(r#"<h2 id="qa-by-cluster">"#), "{html}");
        assert!(html.contains(r#"<h3 id="clusters-overview">"#), "{html}");
        assert!(html.contains(r#"<h3 id="glossary">"#), "{html}");
        // Directly below its h2, the first cluster moves the break up to the h2.
        let html = body_of(
            "# T\n\n## Q&A by Cluster\n\n### Cluster 1: Caching\n\ntext\n\n### Cluster 2: Queues\n",
        );
        assert!(
            html.contains(r#"<h2 id="qa-by-cluster" class="page-break">"#),
            "{html}"
        );
        assert!(html.contains(r#"<h3 id="cluster-1-caching">"#), "{html}");
        assert!(
            html.contains(r#"<h3 id="cluster-2-queues" class="page-break">"#),
            "{html}"
        );
        let css_rule = "h2.page-break, h3.page-break { break-before: page;";
        assert!(page("t", "").contains(css_rule));
    }

    #[test]
    fn mermaid_blocks_become_pre_mermaid_with_escaped_text() {
        let md = "```mermaid\nflowchart LR\n  A[\"a & b\"] -->|<x>| B\n```\n\n```rust\nfn main() {}\n```\n";
        let html = body_of(md);
        assert!(
            html.contains("<pre class=\"mermaid\">flowchart LR\n  A[\"a &amp; b\"] --&gt;|&lt;x&gt;| B\n</pre>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<pre data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-keyword\">fn</span> "
            ),
            "{html}"
        );
        assert_eq!(html.matches("class=\"mermaid\"").count(), 1);
        assert!(!html.contains("language-mermaid"), "{html}");
    }

    #[test]
    fn mermaid_block_with_extra_info_words_and_in_a_list() {
        let html = body_of("- item\n\n  ```mermaid title\n  sequenceDiagram\n  A->>B: hi\n  ```\n");
        assert!(
            html.contains("<pre class=\"mermaid\">sequenceDiagram\nA-&gt;&gt;B: hi\n</pre>"),
            "{html}"
        );
    }

    #[test]
    fn tables_and_strikethrough_render() {
        let html = body_of("| Gate | Result |\n|---|:---:|\n| Cross-refs | ~~FAIL~~ PASS |\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th>Gate</th>"), "{html}");
        assert!(
            html.contains("<th style=\"text-align: center\">Result</th>"),
            "{html}"
        );
        assert!(html.contains("<td>Cross-refs</td>"), "{html}");
        assert!(html.contains("<del>FAIL</del> PASS"), "{html}");
    }

    #[test]
    fn page_is_a_complete_document() {
        let html = page("Bank", "# Bank\n");
        assert!(html.starts_with(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        ));
        assert!(html.contains("<title>Bank</title>"));
        assert!(html.contains("<style>"));
        assert!(html.contains("@media print"));
        assert!(html.contains("Content-Security-Policy"));
        assert!(html.contains(MERMAID_JS));
        let init = format!("</script>\n<script>\n{MERMAID_INIT}\n</script>\n</body>\n</html>\n");
        assert!(html.ends_with(&init));
        assert!(
            MERMAID_INIT.contains("startOnLoad: false")
                && MERMAID_INIT.contains("securityLevel: 'strict'")
                && MERMAID_INIT.contains(MERMAID_REPORT_ID)
        );
    }

    #[test]
    fn nothing_is_loaded_from_a_url() {
        let md = "# T\n\n[site](https://example.com/a) ![logo](https://example.com/logo.png)\n\n\
                  ![rel](img/x.png) <img src=\"http://evil.example/x.png\"> <script src=\"//cdn.example/x.js\"></script>\n\n\
                  <link rel=\"stylesheet\" href=\"https://fonts.example/css\">\n";
        let html = page("T", md).replace(MERMAID_JS, "");
        for url in urls(&html) {
            assert!(
                url.starts_with('#')
                    || !url.contains(':')
                    || url.starts_with("https://example.com/"),
                "{url}"
            );
        }
        // The only tags that could fetch anything: none left but the two inline scripts.
        assert_eq!(html.matches("<script").count(), 2);
        assert!(!html.contains("<script src"));
        assert!(!html.contains("<link"));
        // The raw remote <img> lost its source: nothing to fetch.
        assert!(
            !html.contains("<img src") && !html.contains("evil.example"),
            "{html}"
        );
        assert!(!html.contains("@import") && !html.contains("url("));
        // The remote image is now a plain link with its alt text.
        assert!(
            html.contains(r#"<a href="https://example.com/logo.png">logo</a>"#),
            "{html}"
        );
    }

    #[test]
    fn vendored_mermaid_cannot_end_its_script_element() {
        let lower = MERMAID_JS.to_ascii_lowercase();
        assert!(!lower.contains("</script"));
        assert!(!lower.contains("<script"));
        assert!(MERMAID_JS.len() > 1_000_000, "the full build, not a stub");
        assert!(MERMAID_JS.contains("globalThis[\"mermaid\"]"));
    }

    #[test]
    fn html_special_characters_are_escaped() {
        let html = page(
            "A <b>&</b> \"q\" 'x'",
            "# 1 < 2 & 3 > 2\n\nText with <script>alert(1)</script> and <img src=x onerror=alert(1)> \
             and `<code>` and \"quotes\".\n\n<div onclick=\"x()\">raw block</div>\n\n\
             [bad](javascript:alert(1)) [bad2](JaVaScRiPt:alert(1)) [bad3](java&#115;cript:x) [ok](#a)\n",
        );
        assert!(
            html.contains("<title>A &lt;b&gt;&amp;&lt;/b&gt; &quot;q&quot; &#39;x&#39;</title>"),
            "{html}"
        );
        let body = &html[html.find("<main>").unwrap()..html.find("</main>").unwrap()];
        assert!(body.contains("1 &lt; 2 &amp; 3 &gt; 2</h1>"), "{body}");
        // Scripts go with their text; handlers and unsafe sources go, the tags stay.
        assert!(
            !body.contains("<script") && !body.contains("alert(1)"),
            "{body}"
        );
        assert!(body.contains("Text with  and <img> and"), "{body}");
        assert!(body.contains("<code>&lt;code&gt;</code>"), "{body}");
        assert!(body.contains("<div>raw block</div>"), "{body}");
        assert!(
            !body.contains("onclick") && !body.contains("onerror"),
            "{body}"
        );
        assert!(!body.to_ascii_lowercase().contains("javascript:"), "{body}");
        assert!(body.contains(r##"<a href="#">bad</a>"##), "{body}");
        assert!(body.contains(r##"<a href="#">bad2</a>"##), "{body}");
        assert!(body.contains(r##"<a href="#">bad3</a>"##), "{body}");
        assert!(body.contains(r##"<a href="#a">ok</a>"##), "{body}");
    }

    #[test]
    fn safe_raw_html_is_kept_and_comments_are_dropped() {
        let html = body_of(
            "<!-- generated\nby qbank -->\n<details>\n<summary>Answer</summary>\n\n\
             Body with a<br/>break\n\n</details>\n\n<p>&copy; &#169; & more</p>\n\n\
             <a id=\"q1\"></a> <a href=\"https://x.example\">x</a> <SUP>2</SUP>\n",
        );
        assert!(
            !html.contains("generated") && !html.contains("by qbank"),
            "{html}"
        );
        assert!(
            html.contains("<details>\n<summary>Answer</summary>"),
            "{html}"
        );
        assert!(html.contains("Body with a<br>break"), "{html}");
        assert!(html.contains("<p>© © &amp; more</p>"), "{html}");
        assert!(html.contains("<a id=\"q1\"></a>"), "{html}");
        assert!(
            html.contains("<a href=\"https://x.example\">x</a>"),
            "{html}"
        );
        assert!(html.contains("<sup>2</sup>"), "{html}");
    }

    #[test]
    fn only_data_images_stay_images() {
        let html =
            body_of("![a](data:image/png;base64,AAAA) ![b](DATA:text/html,x) ![c](pic.png)\n");
        assert!(
            html.contains(r#"<img src="data:image/png;base64,AAAA" alt="a">"#),
            "{html}"
        );
        assert!(html.contains(r##"<a href="#">b</a>"##), "{html}");
        assert!(html.contains(r#"<a href="pic.png">c</a>"#), "{html}");
    }

    #[test]
    fn xss_payloads_in_raw_html_are_removed() {
        let md = "<a href=\"javascript:alert(1)\">j</a> <a href=\" JAVA\tSCRIPT:alert(1)\">j2</a> \
                  <a href=\"data:text/html;base64,PHNjcmlwdD4=\">d</a> <a href=\"vbscript:x\">v</a>\n\n\
                  <p onmouseover=\"alert(1)\" style=\"background:url(https://x.example/t)\">p</p>\n\n\
                  <svg onload=\"alert(1)\"><script>alert(2)</script><a xlink:href=\"javascript:alert(3)\">s</a></svg>\n\n\
                  <math><mtext><table><mglyph><style><img src=x onerror=alert(4)></style></mglyph></table></mtext></math>\n\n\
                  <iframe src=\"https://x.example\"></iframe><object data=\"x.swf\"></object>\
                  <form action=\"https://x.example\"><input type=\"text\" onfocus=\"alert(5)\" autofocus></form>\n\n\
                  <details open ontoggle=\"alert(6)\"><summary>s</summary></details>\n\n\
                  <div id=\"x\" class=\"evil mermaid\">c</div>\n\n- [x] done\n\n| a |\n|:-:|\n| b |\n";
        let html = body_of(md);
        let lower = html.to_ascii_lowercase();
        for bad in [
            "javascript",
            "vbscript",
            "data:text",
            "alert(",
            "<svg",
            "<math",
            "<script",
            "<style",
            "<iframe",
            "<object",
            "<form",
            "onload",
            "onmouseover",
            "onerror",
            "onfocus",
            "ontoggle",
            "url(",
            "xlink",
        ] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        // What is safe stays: the link texts, a known class, the checkbox, the alignment.
        assert!(
            html.contains("<a>j</a>") && html.contains("<a>d</a>"),
            "{html}"
        );
        assert!(
            html.contains(r#"<div id="x" class="mermaid">c</div>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<input disabled="" type="checkbox" checked="">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<td style="text-align: center">b</td>"#),
            "{html}"
        );
    }

    #[test]
    fn references_link_to_their_entries_and_glossary_parts_get_lines() {
        let md = "## Q&A by Cluster\n\n| Metric | Formula [G: ID] | Rationale [Ref: ID] |\n|---|---|---|\n\
                  | p99 | x [G: p99] | why [Ref: G1] |\n\n\
                  Text [Ref: G1, T2, Z9] and [G: Hot Path] and [G: unknown].\n\n\
                  ## References\n\n**G1. p50/p95/p99** [EN]: Definition: Percentiles. Formula: `pq`. \
                  Targets: p99 < 100 ms. Distinctions: not averages. When to use: SLOs.\n\n\
                  **G11. Hot Path** [EN]: Definition: The busiest path.\n\n\
                  **T2. k6** (load-testing): Purpose: load tests. Definition: not split here.\n\n\
                  | # | Gate | Result |\n|---|---|---|\n| 1 | Quantity | PASS |\n| 2 | Links | WARN |\n| 3 | Refs | FAIL |\n";
        let html = body_of(md);
        assert!(
            html.contains("<th>Formula</th><th>Rationale</th>"),
            "{html}"
        );
        assert!(
            html.contains(
                r##"Text [Ref: <a href="#ref-g1">G1</a>, <a href="#ref-t2">T2</a>, Z9]"##
            ),
            "{html}"
        );
        assert!(
            html.contains(r##"[G: <a href="#ref-g11">Hot Path</a>]"##),
            "{html}"
        );
        assert!(
            html.contains(r##"x [G: <a href="#ref-g1">p99</a>]"##),
            "{html}"
        );
        assert!(html.contains("[G: unknown]"), "{html}");
        assert!(
            html.contains(r#"<p><a id="ref-g1"></a><strong>G1. p50/p95/p99</strong>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a id="ref-t2"></a><strong>T2. k6</strong>"#),
            "{html}"
        );
        for label in [
            "Definition:",
            "Formula:",
            "Targets:",
            "Distinctions:",
            "When to use:",
        ] {
            assert!(
                html.contains(&format!(
                    "<br><strong class=\"entry-label\">{label}</strong>"
                )),
                "{label} in {html}"
            );
        }
        assert!(
            html.contains("Purpose: load tests. Definition: not split here."),
            "{html}"
        );
        for (word, class) in [("PASS", "pass"), ("WARN", "warn"), ("FAIL", "fail")] {
            assert!(
                html.contains(&format!(
                    "<td><span class=\"status status-{class}\">{word}</span></td>"
                )),
                "{word} in {html}"
            );
        }
    }

    #[test]
    fn question_headings_take_ids_from_the_question_id() {
        let md = "#### Q3: Why is p99 high?\n\n<!-- qbank: {\"id\":\"p99-gap\",\"roles\":[\"sre\"]} -->\n\ntext\n\n\
                  #### Not a question\n\n<!-- qbank: {\"id\":\"x\"} -->\n\n\
                  #### Q4: Bad id\n\n<!-- qbank: {\"id\":\"a b\\\"\"} -->\n";
        let html = body_of(md);
        assert!(
            html.contains(
                r#"<h4 id="q-p99-gap"><a id="q3-why-is-p99-high"></a>Q3: Why is p99 high?</h4>"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"<h4 id="not-a-question">"#), "{html}");
        assert!(html.contains(r#"<h4 id="q4-bad-id">"#), "{html}");
    }

    #[test]
    fn code_blocks_are_labelled_and_coloured_where_a_grammar_knows_the_language() {
        let rust = code_block("rust", "let x = 1;");
        assert!(
            rust.starts_with("<pre data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-keyword\">let</span>"),
            "{rust}"
        );
        let bash = body_of("```bash\necho \"hi\" # note\n```\n");
        assert!(
            bash.contains("<span class=\"hl-comment\"># note</span>"),
            "{bash}"
        );
        let nginx = code_block("nginx", "server { listen 80; }\n");
        assert_eq!(
            nginx,
            "<pre data-lang=\"nginx\"><code class=\"language-nginx\">server { listen 80; }\n</code></pre>\n"
        );
        let fenced = body_of("```nginx\nserver <x>\n```\n");
        assert!(
            fenced.contains("data-lang=\"nginx\"") && !fenced.contains("hl-"),
            "{fenced}"
        );
        assert!(fenced.contains("server &lt;x&gt;"), "{fenced}");
        assert_eq!(code_block("", "x"), "<pre><code>x\n</code></pre>\n");
    }

    #[test]
    fn inline_text_never_opens_a_block() {
        let a = Anchors::default();
        assert_eq!(inline(">=1 risk", &a), "&gt;=1 risk");
        assert_eq!(inline("# not a heading", &a), "# not a heading");
        assert_eq!(inline("- not a list", &a), "- not a list");
        assert_eq!(inline("1. not a list", &a), "1. not a list");
        assert_eq!(inline("**Domain**: x", &a), "<strong>Domain</strong>: x");
    }

    #[test]
    fn output_is_deterministic() {
        let md = "# T\n\n## A\n\n## A\n\n```mermaid\nflowchart LR\nA-->B\n```\n";
        assert_eq!(page("T", md), page("T", md));
    }
}
