//! Exports for the tools interviewers and learners already use: an Anki-importable TSV
//! (front, back, tags) and Moodle XML (essay questions, the answer as grader info).

use pulldown_cmark::{Event, Options, Parser};

use crate::model::{Bank, Question};
use crate::render::markdown::one_line;
use crate::text::escape_xml;

/// Markdown to an HTML fragment; raw HTML in the text is shown, not run.
pub(crate) fn html_fragment(markdown: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, opts).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// One line of HTML for a TSV field: line breaks inside `<pre>` become `<br>`, other
/// line breaks a space, tabs four spaces.
fn one_field(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_pre = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<pre") {
            in_pre = true;
        } else if rest.starts_with("</pre>") {
            in_pre = false;
        }
        match c {
            '\n' if in_pre => out.push_str("<br>"),
            '\n' | '\r' => out.push(' '),
            '\t' => out.push_str("    "),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out.trim().to_owned()
}

/// Tags for a question: bank, cluster, difficulty, dimensions, phases, roles.
pub(crate) fn tags(bank: &Bank, q: &Question) -> Vec<String> {
    let mut t = vec![
        format!("qbank::{}", bank.meta.slug.value),
        format!("cluster::{}", q.cluster.value),
        format!("difficulty::{}", q.difficulty.value.as_str()),
    ];
    t.extend(
        q.dimensions
            .iter()
            .map(|d| format!("dimension::{}", d.value)),
    );
    t.extend(q.phases.iter().map(|p| format!("phase::{}", p.value)));
    t.extend(q.roles.iter().map(|r| format!("role::{}", r.value)));
    t.iter()
        .map(|s| s.replace(char::is_whitespace, "-"))
        .collect()
}

/// The answer side: key insight, then the answer, as HTML.
fn back(q: &Question) -> String {
    let mut md = String::new();
    if let Some(k) = &q.key_insight {
        md.push_str(&format!("**Key insight**: {}\n\n", one_line(&k.value)));
    }
    md.push_str(q.answer.value.trim());
    md.push('\n');
    html_fragment(&md)
}

/// An Anki "Basic" note per question, with Anki's file headers (Anki 2.1.55+ reads
/// them; older versions skip `#` lines): separator, HTML fields, the GUID and tags
/// columns. The GUID is stable (bank slug + question id), so importing an edited bank
/// again updates its notes instead of duplicating them.
pub(crate) fn anki_tsv(bank: &Bank, questions: &[&Question]) -> String {
    let mut out = String::from(
        "#separator:tab\n#html:true\n#notetype:Basic\n#columns:GUID\tFront\tBack\tTags\n#guid column:1\n#tags column:4\n",
    );
    out.push_str(&format!("#deck:qbank::{}\n", bank.meta.slug.value));
    for q in questions {
        let guid = guid(bank, q);
        let front = one_field(&format!("<p>{}</p>", escape_xml(&one_line(&q.title.value))));
        let back = one_field(&back(q));
        out.push_str(&format!(
            "{guid}\t{front}\t{back}\t{}\n",
            tags(bank, q).join(" ")
        ));
    }
    out
}

/// A note's stable GUID: `qbank-<slug>-<id>` (kebab-case, so never a tab or quote).
pub(crate) fn guid(bank: &Bank, q: &Question) -> String {
    format!("qbank-{}-{}", bank.meta.slug.value, q.id.value)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `s` cut to at most `max` characters at a word boundary, with an ellipsis when cut.
pub(crate) fn cut_at_word(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let limit: String = s.chars().take(max.saturating_sub(1)).collect();
    let at_boundary = s
        .chars()
        .nth(max.saturating_sub(1))
        .is_some_and(char::is_whitespace);
    let kept = match limit.rfind(char::is_whitespace) {
        _ if at_boundary => limit.as_str(),
        Some(i) if i > 0 => &limit[..i],
        _ => limit.as_str(),
    };
    format!(
        "{}…",
        kept.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c))
    )
}

/// Moodle XML: a category per cluster below one named after the bank, each followed by
/// its essay questions with the answer as information for graders.
pub(crate) fn moodle_xml(bank: &Bank, questions: &[&Question]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    // `/` separates category levels in Moodle.
    let level = |s: &str| escape_xml(&one_line(s).replace('/', "-"));
    let top = level(&bank.meta.title.value);
    let mut category: Option<&str> = None;
    for q in questions {
        if category != Some(q.cluster.value.as_str()) {
            category = Some(q.cluster.value.as_str());
            let cluster = bank
                .meta
                .clusters
                .iter()
                .find(|c| c.id.value == q.cluster.value)
                .map_or(q.cluster.value.as_str(), |c| c.title.value.as_str());
            out.push_str(&format!(
                "  <question type=\"category\">\n    <category>\n      <text>$course$/top/{top}/{}</text>\n    </category>\n  </question>\n",
                level(cluster)
            ));
        }
        let number = bank
            .questions
            .iter()
            .position(|x| std::ptr::eq(x, *q))
            .map_or(0, |i| i + 1);
        let title = one_line(&q.title.value);
        let name = cut_at_word(&title, 80);
        let field = |tag: &str, html: &str| {
            format!(
                "    <{tag} format=\"html\">\n      <text>{}</text>\n    </{tag}>\n",
                escape_xml(html)
            )
        };
        out.push_str("  <question type=\"essay\">\n");
        out.push_str(&format!(
            "    <name>\n      <text>Q{number} {}</text>\n    </name>\n",
            escape_xml(&name)
        ));
        out.push_str(&field(
            "questiontext",
            &format!("<p>{}</p>", escape_xml(&title)),
        ));
        out.push_str(&field("generalfeedback", ""));
        out.push_str("    <defaultgrade>4</defaultgrade>\n    <penalty>0</penalty>\n    <hidden>0</hidden>\n");
        out.push_str(&format!(
            "    <idnumber>{}</idnumber>\n",
            escape_xml(&q.id.value)
        ));
        out.push_str("    <responseformat>editor</responseformat>\n    <responserequired>1</responserequired>\n    <responsefieldlines>20</responsefieldlines>\n    <attachments>0</attachments>\n    <attachmentsrequired>0</attachmentsrequired>\n");
        out.push_str(&field("graderinfo", &back(q)));
        out.push_str(&field("responsetemplate", ""));
        out.push_str("    <tags>\n");
        for t in tags(bank, q) {
            out.push_str(&format!(
                "      <tag>\n        <text>{}</text>\n      </tag>\n",
                escape_xml(&t)
            ));
        }
        out.push_str("    </tags>\n  </question>\n");
    }
    out.push_str("</quiz>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_at_a_word() {
        assert_eq!(cut_at_word("short", 80), "short");
        let long = "API p99 rose from 80 ms to 350 ms at 4K rps after a deploy; find the bottleneck and fix it";
        let cut = cut_at_word(long, 80);
        assert!(cut.chars().count() <= 80, "{cut}");
        assert!(cut.ends_with("the bottleneck…"), "{cut}");
    }

    #[test]
    fn fields_stay_on_one_line() {
        let html = "<p>a\tb\nc</p>\n<pre><code>x\ny\n</code></pre>\n";
        assert_eq!(
            one_field(html),
            "<p>a    b c</p> <pre><code>x<br>y<br></code></pre>"
        );
    }
}
