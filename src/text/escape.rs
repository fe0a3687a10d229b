//! HTML and XML escaping: the one place text becomes markup-safe, for the rendered
//! page, the packet sheets and the Anki and Moodle exports.

/// Appends `s` to `out` escaped for an HTML element's content or a quoted attribute
/// value: `&`, `<`, `>`, `"` and `'` become entities.
pub(crate) fn escape_html_into(out: &mut String, s: &str) {
    for c in s.chars() {
        push_escaped(out, c);
    }
}

/// `s` escaped for XML (and HTML): as [`escape_html_into`], and control characters other
/// than line breaks and tabs, which XML 1.0 does not allow, are dropped.
pub(crate) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !c.is_control() || matches!(c, '\n' | '\t') {
            push_escaped(&mut out, c);
        }
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        _ => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        let mut out = String::new();
        escape_html_into(&mut out, "a <b> & \"c\" 'd'\u{7}");
        assert_eq!(out, "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;\u{7}");
        assert_eq!(escape_xml("x\u{7}<\n\ty"), "x&lt;\n\ty");
    }
}
