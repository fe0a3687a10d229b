//! Parsing YAML text into model types with serde-saphyr, and turning its errors into
//! diagnostics that name the allowed fields or values.

use crate::codes::Code;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{DuplicateKeyPolicy, Error, MessageFormatter, UserMessageFormatter};

use crate::diagnostic::{Diagnostic, Location, did_you_mean, one_of};
use crate::model::Pos;

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        duplicate_keys: DuplicateKeyPolicy::Error,
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        with_snippet: false,
    }
}

/// Parses one YAML document of type `T`. `what` names the file's role for messages
/// ("a question", "the glossary").
pub(crate) fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, Diagnostic> {
    if is_blank(text) {
        return Err(Diagnostic::error(
            Code::EmptyFile,
            format!("file holds no YAML document, expected {what}"),
        )
        .at(Location::at(path, 1, 1))
        .help("write the content, or delete the file"));
    }
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
        let d = convert(path, &e);
        // The parser's word for a tab in indentation is obscure; name it, at the tab.
        match tab_indentation(text) {
            Some(line)
                if d.code == "yaml-syntax"
                    || d.location.as_ref().is_some_and(|l| l.line >= line) =>
            {
                Diagnostic::error(Code::YamlSyntax, "tab character used for indentation")
                    .at(Location::at(path, line, 1).with_len(1))
                    .help("YAML indentation must use spaces; replace the tab with spaces")
            }
            _ => match quoting_trap(text, &d) {
                Some(fix) => {
                    let what = if fix.value.contains("[Ref:") {
                        "quote this value: it contains `[Ref: ...]`, whose `: ` is YAML syntax in a plain value"
                    } else {
                        "quote this value: it contains `: `, which is YAML syntax in a plain value"
                    };
                    Diagnostic::error(Code::YamlSyntax, what)
                        .at(Location::at(path, fix.line, fix.col).with_len(fix.value.len()))
                        .help(format!(
                            "write the line as `{}` (`qbank fix` rewrites such values)",
                            fix.fixed.trim()
                        ))
                }
                None => d,
            },
        }
    })
}

/// The codes of problems a parse can step past: a value or key that is wrong where the
/// document around it is sound.
fn recoverable(d: &Diagnostic) -> bool {
    matches!(
        d.registered(),
        Some(Code::UnknownField | Code::InvalidType | Code::InvalidValue | Code::InvalidDate)
    )
}

/// The lines (0-based, inclusive) of the YAML node that starts on line `i`: the line and
/// everything nested under it (more indented, or a block sequence at the key's indent).
fn node_lines(lines: &[String], i: usize) -> (usize, usize) {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(&lines[i]);
    let opens_block = lines[i].trim_end().ends_with(':');
    let mut end = i;
    for (k, l) in lines.iter().enumerate().skip(i + 1) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let n = indent(l);
        if n > base || (opens_block && n == base && t.starts_with("- ")) {
            end = k;
        } else {
            break;
        }
    }
    (i, end)
}

/// True when a blanked line lies inside the node starting on line `i` (0-based) or in
/// the empty lines that close it: a problem there was caused by the blanking.
fn holds_blanked(lines: &[String], blanked: &[bool], i: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(&lines[i]);
    blanked[i]
        || lines
            .iter()
            .enumerate()
            .skip(i + 1)
            .take_while(|(_, l)| {
                l.trim().is_empty() || indent(l) > base || l.trim_start().starts_with("- ")
            })
            .any(|(k, _)| blanked[k])
}

/// Parses like [`parse`], and on failure goes on past each problem in the file to report
/// every one in one run (a typo in one field, a wrong type in another): the node a
/// problem points at is blanked out (lines kept, so positions stay true) and the rest
/// parsed again. A problem the blanking caused (a field now missing, the parent of a
/// blanked node) is stepped past without being reported. Returns the value parsed
/// without the broken nodes when the rest parses (for cross-file checks such as
/// duplicate ids), and every problem.
pub(crate) fn parse_all<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> (Option<T>, Vec<Diagnostic>) {
    const MAX_STEPS: usize = 64;
    let mut current = match parse::<T>(path, text, what) {
        Ok(v) => return (Some(v), Vec::new()),
        Err(d) => d,
    };
    let mut diags = vec![current.clone()];
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut blanked = vec![false; lines.len()];
    for _ in 0..MAX_STEPS {
        let line = current.location.as_ref().map_or(0, |l| l.line as usize);
        if !recoverable(&current) || line == 0 || line > lines.len() || blanked[line - 1] {
            break;
        }
        let (start, end) = node_lines(&lines, line - 1);
        for k in start..=end {
            lines[k].clear();
            blanked[k] = true;
        }
        let e = match parse::<T>(path, &lines.join("\n"), what) {
            Ok(v) => return (Some(v), diags),
            Err(e) => e,
        };
        let at = e.location.as_ref().map_or(0, |l| l.line as usize);
        let caused = e.registered() == Some(Code::MissingField)
            || at == 0
            || at > lines.len()
            || holds_blanked(&lines, &blanked, at - 1);
        if !caused {
            if diags
                .iter()
                .any(|x| x.location == e.location && x.code == e.code)
            {
                break;
            }
            diags.push(e.clone());
        }
        current = e;
    }
    (None, diags)
}

/// A plain `key: value` line whose value holds `: ` (as `[Ref: G1]` does), and the same
/// line with the value quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuoteFix {
    /// 1-based line, and the column where the value starts.
    pub line: u32,
    pub col: u32,
    pub value: String,
    pub fixed: String,
}

static PLAIN_PAIR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_-]*:[ \t]+)(.*?)(\s+#.*)?$")
        .expect("valid regex")
});

/// The fix for line `line` (1-based) of `text`, when it is such a line.
pub(crate) fn quote_fix(text: &str, line: u32) -> Option<QuoteFix> {
    let l = text.lines().nth(line.checked_sub(1)? as usize)?;
    let l = l.trim_end_matches('\r');
    let caps = PLAIN_PAIR.captures(l)?;
    let (head, value) = (caps.get(1)?.as_str(), caps.get(2)?.as_str());
    let comment = caps.get(3).map_or("", |c| c.as_str());
    let starts_special =
        value.starts_with(['\'', '"', '|', '>', '[', '{', '&', '*', '!', '%', '@', '`']);
    if value.is_empty() || starts_special || !(value.contains(": ") || value.ends_with(':')) {
        return None;
    }
    let quoted = if value.contains('\'') {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        format!("'{value}'")
    };
    Some(QuoteFix {
        line,
        col: u32::try_from(head.chars().count() + 1).unwrap_or(u32::MAX),
        value: value.to_owned(),
        fixed: format!("{head}{quoted}{comment}"),
    })
}

/// The quoting fix for a syntax error `d`, on its line or the line before it (the parser
/// may notice the problem at the start of the next line).
fn quoting_trap(text: &str, d: &Diagnostic) -> Option<QuoteFix> {
    if d.code != "yaml-syntax" {
        return None;
    }
    let line = d.location.as_ref()?.line;
    quote_fix(text, line).or_else(|| quote_fix(text, line.checked_sub(1)?))
}

/// Quotes, one at a time, every value that keeps `text` from parsing as YAML, and returns
/// the fixed text with the fixes made (none when nothing needed it). A line is only
/// changed when the parser stops on it, so valid YAML (block scalars included) is never
/// touched.
pub(crate) fn fix_quoting(path: &Path, text: &str) -> (String, Vec<QuoteFix>) {
    let mut text = text.to_owned();
    let mut fixes: Vec<QuoteFix> = Vec::new();
    for _ in 0..10_000 {
        let Err(e) = serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(&text, options())
        else {
            break;
        };
        let d = convert(path, &e);
        let Some(fix) = quoting_trap(&text, &d) else {
            break;
        };
        if fixes.iter().any(|f| f.line == fix.line) {
            break;
        }
        let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let trailing = text.ends_with('\n');
        let mut lines: Vec<&str> = text.lines().collect();
        lines[fix.line as usize - 1] = &fix.fixed;
        let mut joined = lines
            .iter()
            .map(|l| l.trim_end_matches('\r'))
            .collect::<Vec<_>>()
            .join(ending);
        if trailing {
            joined.push_str(ending);
        }
        text = joined;
        fixes.push(fix);
    }
    fixes.sort_by_key(|f| f.line);
    (text, fixes)
}

/// True when the text holds nothing but whitespace and comments.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

/// The first line that starts with a tab: never valid YAML indentation. (A tab after a
/// block scalar's indenting spaces is content, and allowed.)
fn tab_indentation(text: &str) -> Option<u32> {
    text.lines()
        .position(|l| {
            l.starts_with('\t') && !l.trim().is_empty() && !l.trim_start().starts_with('#')
        })
        .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

fn convert(path: &Path, err: &Error) -> Diagnostic {
    let err = err.without_snippet();
    let loc = err
        .location()
        .map(|l| Pos::from_location(&l))
        .filter(|p| p.is_known())
        .map_or_else(
            || Location::file(path),
            |p| Location::at(path, p.line, p.col),
        );
    let diag = match err {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let mut d = Diagnostic::error(Code::UnknownField, format!("unknown field `{field}`"))
                .at(loc.with_len(field.len()));
            let suggestion = did_you_mean(field, expected.iter().copied());
            d = match suggestion {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? allowed fields: {}",
                    expected.join(", ")
                )),
                None => d.help(format!("allowed fields: {}", expected.join(", "))),
            };
            return d;
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let mut d = Diagnostic::error(Code::InvalidValue, format!("unknown value `{variant}`"))
                .at(loc.with_len(variant.len()));
            d = match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`? expected {}", one_of(expected))),
                None => d.help(format!("expected {}", one_of(expected))),
            };
            return d;
        }
        Error::SerdeMissingField { field, .. } => Diagnostic::error(
            Code::MissingField,
            format!("missing required field `{field}`"),
        )
        .help(format!("add `{field}:` to this mapping")),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => Diagnostic::error(
            Code::InvalidType,
            format!("expected {expected}, found {unexpected}"),
        )
        .help(type_help(expected)),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Diagnostic::error(
            Code::InvalidValue,
            format!("invalid value {unexpected}, expected {expected}"),
        ),
        Error::Unexpected { expected, .. } => {
            let want = friendly(expected);
            Diagnostic::error(Code::InvalidType, format!("expected {want} here"))
                .help(type_help(want))
        }
        Error::InvalidScalar { ty, .. } => {
            let want = friendly(ty);
            Diagnostic::error(Code::InvalidType, format!("expected {want} here"))
                .help(type_help(want))
        }
        Error::DuplicateMappingKey { key, .. } => Diagnostic::error(
            Code::DuplicateKey,
            match key {
                Some(k) => format!("duplicate key `{k}`"),
                None => "duplicate key".to_owned(),
            },
        )
        .help("a mapping may name each key once; remove or merge the repeated one"),
        Error::Message { msg, .. } if msg.contains("date") || msg.contains("month") => {
            Diagnostic::error(Code::InvalidDate, msg.clone())
                .help("write dates as YYYY-MM-DD (or YYYY-MM where a month is asked for)")
        }
        Error::Budget { .. } | Error::AliasReplayLimitExceeded { .. } => Diagnostic::error(
            Code::ResourceLimit,
            UserMessageFormatter.format_message(err).into_owned(),
        )
        .help("the document nests too deeply or expands too many aliases; write it out plainly"),
        other => {
            let msg = UserMessageFormatter.format_message(other).into_owned();
            let code = if matches!(other, Error::Message { .. } | Error::InvalidScalar { .. }) {
                Code::InvalidValue
            } else {
                Code::YamlSyntax
            };
            let d = Diagnostic::error(code, msg);
            if code == Code::YamlSyntax {
                d.help("fix the YAML syntax at this position (indentation, quotes, colons)")
            } else {
                d
            }
        }
    };
    diag.at(loc)
}

/// Words for people in place of serde's and the parser's type names.
fn friendly(name: &str) -> &str {
    match name {
        "sequence start" | "sequence" => "a list",
        "mapping start" | "mapping" | "struct" | "map" => "a mapping of `key: value` lines",
        "string scalar" | "string" | "scalar" => "text",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number",
        "f32" | "f64" => "a number",
        "bool" => "`true` or `false`",
        other => other,
    }
}

fn type_help(expected: &str) -> String {
    if expected.contains("sequence") || expected == "a list" {
        "write a list: `[a, b]` or one `- item` per line".to_owned()
    } else if expected.contains("string") || expected == "text" {
        "write text here; quote it if it starts with a special character".to_owned()
    } else if expected.contains("struct") || expected.contains("map") {
        "write a mapping of `key: value` lines here".to_owned()
    } else {
        format!("write {expected} here")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        size: u32,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        note: Option<String>,
    }

    #[test]
    fn parse_all_reports_every_problem_of_a_file_and_no_consequence() {
        let text = "id: a\nsize: big\ntagz: [x]\nnote: fine\n";
        let (v, d) = parse_all::<Item>(Path::new("i.yaml"), text, "an item");
        let got: Vec<(&str, u32)> = d
            .iter()
            .map(|d| (d.code.as_str(), d.location.as_ref().map_or(0, |l| l.line)))
            .collect();
        // `size` is required: blanking it leaves no value to return, and the missing
        // field it causes is not reported.
        assert_eq!(got, [("invalid-type", 2), ("unknown-field", 3)], "{d:?}");
        assert!(v.is_none());
        // An optional field's problem: the rest parses and comes back.
        let text = "id: a\nsize: 3\ntags: 7\nnote: fine\n";
        let (v, d) = parse_all::<Item>(Path::new("i.yaml"), text, "an item");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(v.map(|i| i.id), Some("a".to_owned()));
        // A sound file: no problems, the value.
        let (v, d) = parse_all::<Item>(Path::new("i.yaml"), "id: a\nsize: 1\n", "an item");
        assert!(d.is_empty() && v.is_some());
        // A syntax error stops recovery at the first problem.
        let (_, d) = parse_all::<Item>(Path::new("i.yaml"), "id: 'a\nsize: x\n", "an item");
        assert_eq!(d.len(), 1, "{d:?}");
    }
    use crate::model::Question;

    fn err(text: &str) -> Diagnostic {
        parse::<Question>(Path::new("q.yaml"), text, "a question").unwrap_err()
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let d = err("id: a\ncluster: c\ntitel: x\n");
        assert_eq!(d.code, "unknown-field");
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.col), (3, 1));
        assert!(d.help.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn tabs_are_reported_where_they_are() {
        let d = err("id: a\nrisks:\n\t- risk: x\n");
        assert_eq!(d.code, "yaml-syntax");
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.col), (3, 1));
    }

    #[test]
    fn a_ref_in_a_plain_value_says_quote_it() {
        let d = err("id: a\nmetrics:\n  - metric: p99\n    formula: 99th percentile [Ref: G1]\n");
        assert_eq!(d.code, "yaml-syntax", "{d:?}");
        assert!(d.message.contains("quote this value"), "{}", d.message);
        let loc = d.location.clone().unwrap();
        assert_eq!((loc.line, loc.col), (4, 14));
        assert!(
            d.help
                .unwrap()
                .contains("formula: '99th percentile [Ref: G1]'"),
            "help"
        );
    }

    #[test]
    fn fix_quoting_changes_only_the_broken_lines() {
        let text = "id: a # keep\nanswer: |\n  text: with a colon [Ref: G1]\nformula: p99 [Ref: G1] # why\nb: it's x: y\n";
        let (fixed, fixes) = fix_quoting(Path::new("q.yaml"), text);
        assert_eq!(
            fixed,
            "id: a # keep\nanswer: |\n  text: with a colon [Ref: G1]\nformula: 'p99 [Ref: G1]' # why\nb: \"it's x: y\"\n"
        );
        assert_eq!(fixes.len(), 2);
        let (again, none) = fix_quoting(Path::new("q.yaml"), &fixed);
        assert_eq!(again, fixed);
        assert!(none.is_empty());
    }

    #[test]
    fn comments_only_is_empty() {
        assert_eq!(err("# nothing here\n\n").code, "empty-file");
    }
}
