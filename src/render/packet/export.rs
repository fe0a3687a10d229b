//! Exports for the tools interviewers and learners already use: an Anki-importable TSV
//! (front, back, tags) and Moodle XML (essay questions, the answer as grader info).

use pulldown_cmark::{Event, Options, Parser};

use crate::model::{Bank, Question};
use crate::render::markdown::one_line;

/// Markdown to an HTML fragment; raw HTML in the text is shown, not run.
pub fn html_fragment(markdown: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, opts).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// Escapes text for XML and HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
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
pub fn tags(bank: &Bank, q: &Question) -> Vec<String> {
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
/// them; older versions skip `#` lines): separator, HTML fields, the tags column.
pub fn anki_tsv(bank: &Bank, questions: &[&Question]) -> String {
    let mut out = String::from(
        "#separator:tab\n#html:true\n#notetype:Basic\n#columns:Front\tBack\tTags\n#tags column:3\n",
    );
    out.push_str(&format!("#deck:qbank::{}\n", bank.meta.slug.value));
    for q in questions {
        let front = one_field(&format!("<p>{}</p>", escape(&one_line(&q.title.value))));
        let back = one_field(&back(q));
        out.push_str(&format!("{front}\t{back}\t{}\n", tags(bank, q).join(" ")));
    }
    out
}

/// Moodle XML: a category named after the bank, then one essay question per question
/// with the answer as information for graders.
pub fn moodle_xml(bank: &Bank, questions: &[&Question]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    out.push_str(&format!(
        "  <question type=\"category\">\n    <category>\n      <text>$course$/top/{}</text>\n    </category>\n  </question>\n",
        // `/` separates category levels in Moodle.
        escape(&one_line(&bank.meta.title.value).replace('/', "-"))
    ));
    for q in questions {
        let number = bank
            .questions
            .iter()
            .position(|x| std::ptr::eq(x, *q))
            .map_or(0, |i| i + 1);
        let title = one_line(&q.title.value);
        let name: String = title.chars().take(80).collect();
        let field = |tag: &str, html: &str| {
            format!(
                "    <{tag} format=\"html\">\n      <text>{}</text>\n    </{tag}>\n",
                escape(html)
            )
        };
        out.push_str("  <question type=\"essay\">\n");
        out.push_str(&format!(
            "    <name>\n      <text>Q{number} {}</text>\n    </name>\n",
            escape(&name)
        ));
        out.push_str(&field(
            "questiontext",
            &format!("<p>{}</p>", escape(&title)),
        ));
        out.push_str(&field("generalfeedback", ""));
        out.push_str("    <defaultgrade>4</defaultgrade>\n    <penalty>0</penalty>\n    <hidden>0</hidden>\n");
        out.push_str(&format!(
            "    <idnumber>{}</idnumber>\n",
            escape(&q.id.value)
        ));
        out.push_str("    <responseformat>editor</responseformat>\n    <responserequired>1</responserequired>\n    <responsefieldlines>20</responsefieldlines>\n    <attachments>0</attachments>\n    <attachmentsrequired>0</attachmentsrequired>\n");
        out.push_str(&field("graderinfo", &back(q)));
        out.push_str(&field("responsetemplate", ""));
        out.push_str("    <tags>\n");
        for t in tags(bank, q) {
            out.push_str(&format!(
                "      <tag>\n        <text>{}</text>\n      </tag>\n",
                escape(&t)
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
    fn fields_stay_on_one_line() {
        let html = "<p>a\tb\nc</p>\n<pre><code>x\ny\n</code></pre>\n";
        assert_eq!(
            one_field(html),
            "<p>a    b c</p> <pre><code>x<br>y<br></code></pre>"
        );
    }
}
