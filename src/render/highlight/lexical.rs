//! Colours for the data and query languages gate 5 parses without a tree-sitter grammar:
//! SQL from `sqlparser`'s own tokenizer (the one the check parses with), and YAML, JSON,
//! TOML, INI and PromQL from their lexical shape (keys, strings, numbers, literals,
//! comments), which is all a colour needs. A span list, never a verdict: whether the
//! block parses is gate 5's business.

use std::ops::Range;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::{Keyword, RESERVED_FOR_COLUMN_ALIAS, RESERVED_FOR_TABLE_ALIAS};
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

use crate::code::Lang;

/// One coloured run: a byte range of the code and its capture name (`string`, `number` ...).
pub(super) type Span = (Range<usize>, &'static str);

/// The coloured runs of `code` in `lang`, in order and not overlapping; `None` for a
/// language this module does not colour (or SQL its tokenizer refuses).
pub(super) fn spans(lang: Lang, code: &str) -> Option<Vec<Span>> {
    Some(match lang {
        Lang::Sql => sql(code)?,
        Lang::Json => json(code),
        Lang::Yaml => lines(code, yaml_line),
        Lang::Toml | Lang::Ini => lines(code, |line, at, out| keyed_line(line, at, lang, out)),
        Lang::Promql => promql(code),
        _ => return None,
    })
}

/// Keywords that are never column names in practice, whatever their case.
const COMMON: [Keyword; 30] = [
    Keyword::AND,
    Keyword::OR,
    Keyword::NOT,
    Keyword::IN,
    Keyword::IS,
    Keyword::NULL,
    Keyword::LIKE,
    Keyword::BETWEEN,
    Keyword::AS,
    Keyword::ON,
    Keyword::JOIN,
    Keyword::SELECT,
    Keyword::INSERT,
    Keyword::UPDATE,
    Keyword::DELETE,
    Keyword::CREATE,
    Keyword::INDEX,
    Keyword::TABLE,
    Keyword::VALUES,
    Keyword::SET,
    Keyword::INTO,
    Keyword::BY,
    Keyword::ORDER,
    Keyword::GROUP,
    Keyword::CASE,
    Keyword::WHEN,
    Keyword::THEN,
    Keyword::ELSE,
    Keyword::END,
    Keyword::EXISTS,
];

/// SQL: every token where the tokenizer puts it (keywords, strings, numbers, comments).
fn sql(code: &str) -> Option<Vec<Span>> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, code)
        .tokenize_with_location()
        .ok()?;
    // Line starts, to turn the tokenizer's (line, character column) into byte offsets.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(code.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |line: u64, col: u64| -> Option<usize> {
        let start = *starts.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let skip = usize::try_from(col).ok()?.checked_sub(1)?;
        Some(match code[start..].char_indices().nth(skip) {
            Some((i, _)) => start + i,
            None => code.len(),
        })
    };
    let mut out = Vec::new();
    for t in tokens {
        let class = match &t.token {
            // A keyword the dialect reserves, or one written in capitals as SQL's keywords
            // usually are: `id` and `name` are keywords to the tokenizer but columns here.
            Token::Word(w)
                if w.quote_style.is_none()
                    && w.keyword != Keyword::NoKeyword
                    && (RESERVED_FOR_TABLE_ALIAS.contains(&w.keyword)
                        || RESERVED_FOR_COLUMN_ALIAS.contains(&w.keyword)
                        || COMMON.contains(&w.keyword)
                        || w.value.bytes().all(|b| !b.is_ascii_lowercase())) =>
            {
                "keyword"
            }
            Token::Number(..) => "number",
            Token::SingleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::EscapedStringLiteral(_)
            | Token::NationalStringLiteral(_) => "string",
            Token::Whitespace(
                Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_),
            ) => "comment",
            Token::Placeholder(_) => "variable.builtin",
            _ => continue,
        };
        let (Some(a), Some(b)) = (
            offset(t.span.start.line, t.span.start.column),
            offset(t.span.end.line, t.span.end.column),
        ) else {
            continue;
        };
        // A line comment's span takes its newline; the colour stops before it.
        let b = if class == "comment" {
            a + code[a..b].trim_end().len()
        } else {
            b
        };
        if a < b {
            out.push((a..b, class));
        }
    }
    Some(out)
}

/// JSON (and JSONC comments): a string followed by `:` is a key.
fn json(code: &str) -> Vec<Span> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = quoted_end(code, i);
                let mut j = end;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let class = if b.get(j) == Some(&b':') {
                    "property"
                } else {
                    "string"
                };
                out.push((i..end, class));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = code[i..].find('\n').map_or(code.len(), |n| i + n);
                out.push((i..end, "comment"));
                i = end;
            }
            c if c == b'-' || c.is_ascii_digit() => {
                let end = word_end(code, i);
                if number(&code[i..end]) {
                    out.push((i..end, "number"));
                }
                i = end.max(i + 1);
            }
            c if c.is_ascii_alphabetic() => {
                let end = word_end(code, i);
                if matches!(&code[i..end], "true" | "false" | "null") {
                    out.push((i..end, "constant.builtin"));
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// Runs `each` over every line with the line's byte offset.
fn lines(code: &str, mut each: impl FnMut(&str, usize, &mut Vec<Span>)) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in code.split_inclusive('\n') {
        each(line.trim_end_matches(['\n', '\r']), at, &mut out);
        at += line.len();
    }
    out
}

/// A YAML line: `- ` items, `key:`, a value scalar, a trailing `# comment`.
fn yaml_line(line: &str, at: usize, out: &mut Vec<Span>) {
    let (body, comment) = split_comment(line, &["#"]);
    let mut i = body.len() - body.trim_start().len();
    let t = body.trim_end();
    if t == "---" || t == "..." {
        out.push((at..at + t.len(), "punctuation"));
    }
    while body[i..].starts_with("- ") || &body[i..] == "-" {
        out.push((at + i..at + i + 1, "punctuation"));
        i += 1;
        i += body[i..].len() - body[i..].trim_start().len();
    }
    if let Some(colon) = key_end(&body[i..]) {
        out.push((at + i..at + i + colon, "property"));
        i += colon + 1;
    }
    value(&body[i..], at + i, out);
    if let Some(c) = comment {
        out.push((at + c..at + line.len(), "comment"));
    }
}

/// A TOML or INI line: `[table]`, `key = value`, comments.
fn keyed_line(line: &str, at: usize, lang: Lang, out: &mut Vec<Span>) {
    let marks: &[&str] = if lang == Lang::Ini {
        &["#", ";"]
    } else {
        &["#"]
    };
    let (body, comment) = split_comment(line, marks);
    let lead = body.len() - body.trim_start().len();
    let t = body.trim();
    if t.starts_with('[') && t.ends_with(']') {
        out.push((at + lead..at + lead + t.len(), "type"));
    } else if let Some(eq) = unquoted(body, b'=') {
        let key = body[..eq].trim_end();
        if key.len() > lead {
            out.push((at + lead..at + key.len(), "property"));
        }
        value(&body[eq + 1..], at + eq + 1, out);
    }
    if let Some(c) = comment {
        out.push((at + c..at + line.len(), "comment"));
    }
}

/// A value: a quoted string, a number, a literal, an anchor or alias, a block scalar
/// indicator, or (in a flow or an array) each of these in turn; other plain text is a string.
fn value(text: &str, at: usize, out: &mut Vec<Span>) {
    let t = text.trim();
    if t.is_empty() {
        return;
    }
    let lead = text.len() - text.trim_start().len();
    let whole = at + lead..at + lead + t.len();
    if matches!(t.as_bytes()[0], b'[' | b'{') {
        // A flow or an array: its strings, numbers and literals one by one.
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'"' | b'\'' => {
                    let end = quoted_end(t, i);
                    out.push((whole.start + i..whole.start + end, "string"));
                    i = end;
                }
                c if c.is_ascii_alphanumeric() || c == b'-' || c == b'+' => {
                    let end = word_end(t, i);
                    if let Some(class) = scalar(&t[i..end]) {
                        out.push((whole.start + i..whole.start + end, class));
                    }
                    i = end.max(i + 1);
                }
                _ => i += 1,
            }
        }
        return;
    }
    let class = match t.as_bytes()[0] {
        b'"' | b'\'' => "string",
        b'&' | b'*' => "label",
        b'|' | b'>' if t.len() <= 3 => "operator",
        _ => scalar(t).unwrap_or("string"),
    };
    out.push((whole, class));
}

/// A number, date or literal's capture name.
fn scalar(t: &str) -> Option<&'static str> {
    if matches!(
        t.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off" | "inf" | "nan"
    ) {
        Some("constant.builtin")
    } else if number(t)
        || t.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && t.bytes()
                .all(|c| c.is_ascii_digit() || b"-:.TZ+".contains(&c))
    {
        Some("number")
    } else {
        None
    }
}

fn number(t: &str) -> bool {
    let t = t.strip_prefix(['-', '+']).unwrap_or(t).replace('_', "");
    !t.is_empty()
        && (t.parse::<f64>().is_ok()
            || t.strip_prefix("0x")
                .is_some_and(|h| u64::from_str_radix(h, 16).is_ok()))
}

/// The byte after the quoted string that opens at `i` (its quote char), escapes skipped.
fn quoted_end(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == b'\\' && q == b'"' {
            j += 2;
            continue;
        }
        if b[j] == q {
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// The end of the word (letters, digits, `.`, `-`, `+`, `_`, `:`) that starts at `i`.
fn word_end(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    let mut j = i + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b"._-+:".contains(&b[j])) {
        j += 1;
    }
    j.min(s.len())
}

/// The length of a YAML key at the start of `s` (`name`, `"quoted name"`), when a `:`
/// followed by a space or the end of the line closes it.
fn key_end(s: &str) -> Option<usize> {
    let end = if s.starts_with(['"', '\'']) {
        quoted_end(s, 0)
    } else {
        s.find(": ")
            .or_else(|| s.ends_with(':').then(|| s.len() - 1))?
    };
    let ok = (s[end..].starts_with(": ") || &s[end..] == ":")
        && !s[..end].trim().is_empty()
        && !s[..end].contains(['{', '[', '#']);
    ok.then_some(end)
}

/// The first `c` outside quotes.
fn unquoted(s: &str, c: u8) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => i = quoted_end(s, i),
            x if x == c => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The line without a trailing comment, and where the comment starts: a mark at the
/// line's start or after a space, outside quotes.
fn split_comment<'a>(line: &'a str, marks: &[&str]) -> (&'a str, Option<usize>) {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if marks.iter().any(|m| line[i..].starts_with(m))
                && (i == 0 || line[..i].ends_with([' ', '\t'])) =>
            {
                return (&line[..i], Some(i));
            }
            None => {}
        }
    }
    (line, None)
}

/// PromQL: functions (a name before `(`), keywords, label names, strings, numbers and
/// durations, comments.
fn promql(code: &str) -> Vec<Span> {
    const KEYWORDS: [&str; 13] = [
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "offset",
        "bool",
        "and",
        "or",
        "unless",
        "atan2",
        "start",
    ];
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'#' {
            let end = code[i..].find('\n').map_or(code.len(), |n| i + n);
            out.push((i..end, "comment"));
            i = end;
        } else if c == b'"' || c == b'\'' || c == b'`' {
            let end = quoted_end(code, i);
            out.push((i..end, "string"));
            i = end;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'.') {
                j += 1;
            }
            out.push((i..j, "number"));
            i = j;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b"_:".contains(&b[j])) {
                j += 1;
            }
            let word = &code[i..j];
            let next = code[j..].trim_start();
            let class = if KEYWORDS.contains(&word.to_ascii_lowercase().as_str()) {
                Some("keyword")
            } else if next.starts_with('(') {
                Some("function")
            } else if next.starts_with(['=', '!']) && !next.starts_with("==") {
                Some("property")
            } else {
                None
            };
            if let Some(class) = class {
                out.push((i..j, class));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(lang: Lang, code: &str) -> Vec<(String, &'static str)> {
        spans(lang, code)
            .unwrap()
            .into_iter()
            .map(|(r, c)| (code[r].to_owned(), c))
            .collect()
    }

    #[test]
    fn sql_keywords_strings_numbers_comments() {
        let c = classes(
            Lang::Sql,
            "-- top\nSELECT id FROM t WHERE name = 'x' and n > 42;\n",
        );
        assert!(c.contains(&("and".into(), "keyword")), "{c:?}");
        assert!(!c.iter().any(|(t, _)| t == "name"), "{c:?}");
        assert!(c.contains(&("-- top".into(), "comment")), "{c:?}");
        assert!(c.contains(&("SELECT".into(), "keyword")), "{c:?}");
        assert!(c.contains(&("'x'".into(), "string")), "{c:?}");
        assert!(c.contains(&("42".into(), "number")), "{c:?}");
        assert!(!c.iter().any(|(t, _)| t == "id"), "{c:?}");
    }

    #[test]
    fn yaml_keys_values_comments() {
        let c = classes(
            Lang::Yaml,
            "# conf\nreplicas: 3\nname: \"api\" # the name\n- enabled: true\n",
        );
        assert!(c.contains(&("# conf".into(), "comment")), "{c:?}");
        assert!(c.contains(&("replicas".into(), "property")), "{c:?}");
        assert!(c.contains(&("3".into(), "number")), "{c:?}");
        assert!(c.contains(&("\"api\"".into(), "string")), "{c:?}");
        assert!(c.contains(&("# the name".into(), "comment")), "{c:?}");
        assert!(c.contains(&("enabled".into(), "property")), "{c:?}");
        assert!(c.contains(&("true".into(), "constant.builtin")), "{c:?}");
        // A URL's colon is not a key's; a `#` inside a word is not a comment.
        let c = classes(Lang::Yaml, "url: http://x/a#b\n");
        assert_eq!(
            c,
            [
                ("url".into(), "property"),
                ("http://x/a#b".into(), "string")
            ]
        );
    }

    #[test]
    fn json_keys_are_not_strings() {
        let c = classes(Lang::Json, "{\"a\": \"b\", \"n\": -1.5e3, \"ok\": null}");
        assert_eq!(
            c,
            [
                ("\"a\"".into(), "property"),
                ("\"b\"".into(), "string"),
                ("\"n\"".into(), "property"),
                ("-1.5e3".into(), "number"),
                ("\"ok\"".into(), "property"),
                ("null".into(), "constant.builtin"),
            ]
        );
    }

    #[test]
    fn toml_and_ini_tables_keys_values() {
        let c = classes(
            Lang::Toml,
            "[server]\nport = 8080 # http\nhosts = [\"a\", \"b\"]\n",
        );
        assert!(c.contains(&("[server]".into(), "type")), "{c:?}");
        assert!(c.contains(&("port".into(), "property")), "{c:?}");
        assert!(c.contains(&("8080".into(), "number")), "{c:?}");
        assert!(c.contains(&("# http".into(), "comment")), "{c:?}");
        assert!(c.contains(&("\"b\"".into(), "string")), "{c:?}");
        let c = classes(Lang::Ini, "; pool\n[pgbouncer]\npool_mode = transaction\n");
        assert!(c.contains(&("; pool".into(), "comment")), "{c:?}");
        assert!(c.contains(&("pool_mode".into(), "property")), "{c:?}");
    }

    #[test]
    fn promql_functions_keywords_labels() {
        let c = classes(
            Lang::Promql,
            "histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket{job=\"api\"}[5m])))",
        );
        assert!(
            c.contains(&("histogram_quantile".into(), "function")),
            "{c:?}"
        );
        assert!(c.contains(&("by".into(), "keyword")), "{c:?}");
        assert!(c.contains(&("job".into(), "property")), "{c:?}");
        assert!(c.contains(&("\"api\"".into(), "string")), "{c:?}");
        assert!(c.contains(&("5m".into(), "number")), "{c:?}");
        assert!(c.contains(&("0.99".into(), "number")), "{c:?}");
    }

    #[test]
    fn spans_are_ordered_and_inside_the_code() {
        for (lang, code) in [
            (Lang::Yaml, "a: 'b # c'\n- [1, x, \"y\"]\nk: |\n  text\n"),
            (Lang::Toml, "a.b = \"=\"\n'q' = 1\n"),
            (Lang::Json, "[\"é\", 1, {\"k\": true}]"),
            (Lang::Promql, "up == 0 # down\n"),
            (Lang::Sql, "SELECT 'é', $1;"),
        ] {
            let s = spans(lang, code).unwrap();
            let mut last = 0;
            for (r, _) in &s {
                assert!(
                    r.start >= last && r.end <= code.len() && r.start < r.end,
                    "{lang:?} {s:?}"
                );
                assert!(code.is_char_boundary(r.start) && code.is_char_boundary(r.end));
                last = r.end;
            }
        }
    }
}
