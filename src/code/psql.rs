//! A psql script as SQL: meta-commands and variable interpolation become what psql
//! sends to the server, keeping every line and column where it was.
//!
//! - A backslash command outside quotes and comments runs to the end of its line and is
//!   blanked. The query-sending ones (`\g`, `\gx`, `\gset`, `\gexec`, `\gdesc`,
//!   `\crosstabview`, `\watch`, `\bind`-then-`\g`) end the statement before them, as `;`
//!   does, so their backslash becomes `;`.
//! - `:'var'` becomes a string literal and `:"var"` a quoted identifier, `:var` an
//!   identifier, each as wide as the original. `::` casts are left alone.

/// Meta-commands that send the query buffer.
const SENDS: &[&str] = &["g", "gx", "gset", "gexec", "gdesc", "crosstabview", "watch"];

/// The SQL that psql would send for `script`, position for position (ASCII padding).
pub(super) fn to_sql(script: &str) -> String {
    if !script.contains('\\') && !script.contains(':') {
        return script.to_owned();
    }
    let mut out = String::with_capacity(script.len());
    // Lexical state carried across lines: inside '...', "...", /* */ or $tag$ ... $tag$.
    let mut state = State::Code;
    let mut dollar_tag = String::new();
    let mut statement_open = false;
    for line in script.split_inclusive('\n') {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match state {
                State::Single => {
                    if c == '\'' {
                        state = State::Code;
                    }
                    out.push(c);
                }
                State::Double => {
                    if c == '"' {
                        state = State::Code;
                    }
                    out.push(c);
                }
                State::Block => {
                    if c == '*' && next == Some('/') {
                        state = State::Code;
                        out.push_str("*/");
                        i += 2;
                        continue;
                    }
                    out.push(c);
                }
                State::Dollar => {
                    if c == '$' && starts_with(&chars[i..], &dollar_tag) {
                        out.push_str(&dollar_tag);
                        i += dollar_tag.chars().count();
                        state = State::Code;
                        continue;
                    }
                    out.push(c);
                }
                State::Code => {
                    if c == '-' && next == Some('-') {
                        // A line comment: the rest of the line as it is.
                        out.extend(&chars[i..]);
                        break;
                    }
                    if c == '\\'
                        && next.is_some_and(|n| n.is_ascii_alphabetic() || n == '!' || n == '?')
                    {
                        let word: String = chars[i + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_alphanumeric() || **c == '!' || **c == '?')
                            .collect();
                        let rest = chars[i..]
                            .iter()
                            .take_while(|c| **c != '\n' && **c != '\r')
                            .count();
                        if SENDS.contains(&word.as_str()) && statement_open {
                            out.push(';');
                            statement_open = false;
                        } else {
                            out.push(' ');
                        }
                        out.extend(std::iter::repeat_n(' ', rest - 1));
                        i += rest;
                        continue;
                    }
                    if c == ':'
                        && next != Some(':')
                        && (i == 0 || chars[i - 1] != ':')
                        && let Some(width) = variable(&chars[i..])
                    {
                        let quote = next.filter(|q| *q == '\'' || *q == '"');
                        match quote {
                            Some(q) => {
                                out.push(q);
                                out.extend(std::iter::repeat_n('v', width - 2));
                                out.push(q);
                            }
                            None => {
                                out.push('v');
                                out.extend(std::iter::repeat_n('v', width - 1));
                            }
                        }
                        statement_open = true;
                        i += width;
                        continue;
                    }
                    match c {
                        '\'' => state = State::Single,
                        '"' => state = State::Double,
                        '/' if next == Some('*') => {
                            state = State::Block;
                            out.push_str("/*");
                            i += 2;
                            continue;
                        }
                        '$' => {
                            if let Some(tag) = dollar_open(&chars[i..]) {
                                dollar_tag = tag;
                                out.push_str(&dollar_tag);
                                i += dollar_tag.chars().count();
                                state = State::Dollar;
                                statement_open = true;
                                continue;
                            }
                        }
                        ';' => statement_open = false,
                        _ => {}
                    }
                    if !c.is_whitespace() && c != ';' {
                        statement_open = true;
                    }
                    out.push(c);
                }
            }
            i += 1;
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Single,
    Double,
    Block,
    Dollar,
}

fn starts_with(chars: &[char], s: &str) -> bool {
    let mut it = chars.iter();
    s.chars().all(|c| it.next() == Some(&c))
}

/// `$$` or `$tag$` at the start of `chars`.
fn dollar_open(chars: &[char]) -> Option<String> {
    let body: String = chars[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
        .collect();
    if body.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None; // `$1` is a parameter
    }
    let n = body.chars().count();
    (chars.get(1 + n) == Some(&'$')).then(|| format!("${body}$"))
}

/// Width of a psql variable reference at the start of `chars` (`:name`, `:'name'`,
/// `:"name"`), if there is one.
fn variable(chars: &[char]) -> Option<usize> {
    let ident = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    match chars.get(1)? {
        q @ ('\'' | '"') => {
            let n = chars[2..].iter().take_while(|c| ident(c)).count();
            (n > 0 && chars.get(2 + n) == Some(q)).then_some(n + 3)
        }
        c if c.is_ascii_alphabetic() || *c == '_' => {
            Some(1 + chars[1..].iter().take_while(|c| ident(c)).count())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::to_sql;

    #[test]
    fn meta_commands_and_variables() {
        assert_eq!(to_sql("SELECT 1 AS a \\gset\n"), "SELECT 1 AS a ;    \n");
        assert_eq!(to_sql("\\timing on\n"), "          \n");
        assert_eq!(
            to_sql("SELECT :'v', :\"c\", :n;\n"),
            "SELECT 'vv', \"vv\", vv;\n"
        );
        assert_eq!(to_sql("SELECT x::int\n"), "SELECT x::int\n");
        // Inside strings, comments and dollar quotes nothing changes.
        let kept = "SELECT ':a \\x'; -- :b \\gset\nSELECT $$ :c $$;\n";
        assert_eq!(to_sql(kept), kept);
    }

    #[test]
    fn widths_are_kept() {
        let s = "SELECT pg_wal_lsn_diff(a, :'lsn_start') \\gset\n\\x\n";
        let out = to_sql(s);
        assert_eq!(out.chars().count(), s.chars().count());
        assert_eq!(out.lines().count(), s.lines().count());
    }
}
