//! Syntax verification of practical blocks: `verify` parses a block in its fence
//! language with a real parser and says whether it parses. Nothing is ever executed.
//!
//! Parsers: YAML with the event parser under serde-saphyr (granit-parser), JSON with
//! serde_json, TOML with the `toml` crate, INI with a strict reader (`ini`), SQL with
//! `sqlparser` in its PostgreSQL dialect after psql's meta-commands and variables are
//! understood (`psql`), PromQL with `promql-parser`, and shell, Python, JavaScript,
//! TypeScript, Go, Java and Rust with tree-sitter grammars (`ts`).

mod ini;
mod psql;
#[cfg(feature = "grammars")]
mod ts;

use std::sync::atomic::{AtomicBool, Ordering};

static VERIFY: AtomicBool = AtomicBool::new(true);

/// Turns parsing on or off for the whole process (on by default). Off, every block is
/// "not verified"; `benches/load.rs` uses it to time a check without the parsers in the
/// same run.
#[doc(hidden)]
pub fn set_verification(on: bool) {
    VERIFY.store(on, Ordering::Relaxed);
}

/// A language qbank can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lang {
    Yaml,
    Json,
    Toml,
    Ini,
    Sql,
    Promql,
    Bash,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Java,
    Rust,
}

impl Lang {
    /// The language a fence name stands for (`yml`, `sh`, `golang`, `psql`, `k6` ...),
    /// or `None` when qbank has no parser for it (`text`, `nginx`, `dockerfile`, `hcl`,
    /// `zsh`, `console` ...).
    ///
    /// `zsh` is not bash (its globs and parameter flags are not bash syntax) and a
    /// `console` block is a transcript of prompts and output, not a script: neither is
    /// verified rather than failed for being what it is.
    pub(crate) fn from_fence(fence: &str) -> Option<Lang> {
        // `{.python}` and `python title="x"` forms: the first word, without braces or a dot.
        let name = fence
            .trim()
            .trim_start_matches('{')
            .trim_start_matches('.')
            .split(|c: char| c.is_whitespace() || c == ',' || c == '}')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Some(match name.as_str() {
            "yaml" | "yml" => Lang::Yaml,
            "json" => Lang::Json,
            "toml" => Lang::Toml,
            "ini" | "dosini" | "cfg" => Lang::Ini,
            "sql" | "psql" | "postgres" | "postgresql" | "pgsql" => Lang::Sql,
            "promql" => Lang::Promql,
            "bash" | "sh" | "shell" => Lang::Bash,
            "python" | "py" | "python3" => Lang::Python,
            "javascript" | "js" | "mjs" | "cjs" | "jsx" | "node" | "k6" => Lang::JavaScript,
            "typescript" | "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" | "golang" => Lang::Go,
            "java" => Lang::Java,
            "rust" | "rs" => Lang::Rust,
            _ => return None,
        })
    }

    /// The language's name in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Lang::Yaml => "YAML",
            Lang::Json => "JSON",
            Lang::Toml => "TOML",
            Lang::Ini => "INI",
            Lang::Sql => "SQL",
            Lang::Promql => "PromQL",
            Lang::Bash => "shell",
            Lang::Python => "Python",
            Lang::JavaScript => "JavaScript",
            Lang::TypeScript => "TypeScript",
            Lang::Tsx => "TSX",
            Lang::Go => "Go",
            Lang::Java => "Java",
            Lang::Rust => "Rust",
        }
    }

    /// Whether the language's parser (and colours) come from a tree-sitter grammar, which
    /// a build without the `grammars` feature does not have.
    pub(crate) fn needs_grammar(self) -> bool {
        matches!(
            self,
            Lang::Bash
                | Lang::Python
                | Lang::JavaScript
                | Lang::TypeScript
                | Lang::Tsx
                | Lang::Go
                | Lang::Java
                | Lang::Rust
        )
    }

    /// Line comment starts, and whether `/* */` block comments exist.
    fn comments(self) -> (&'static [&'static str], bool) {
        match self {
            Lang::Yaml | Lang::Toml | Lang::Bash | Lang::Python | Lang::Promql => (&["#"], false),
            Lang::Ini => (&["#", ";"], false),
            Lang::Sql => (&["--"], true),
            Lang::JavaScript
            | Lang::TypeScript
            | Lang::Tsx
            | Lang::Go
            | Lang::Java
            | Lang::Rust => (&["//"], true),
            Lang::Json => (&[], false),
        }
    }
}

/// What parsing a block found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Parsed,
    /// `line` is 1-based within the block; `col` 1-based in characters, when the parser
    /// gives one.
    Failed {
        line: usize,
        col: Option<usize>,
        message: String,
    },
    /// qbank has no parser for the block's language.
    NotVerified,
    /// The block parses, but its whole document is one scalar (prose that happens to be
    /// valid YAML or JSON): no structure, so not code.
    Scalar,
}

impl Verdict {
    fn failed(line: usize, col: Option<usize>, message: impl Into<String>) -> Verdict {
        Verdict::Failed {
            line: line.max(1),
            col: col.map(|c| c.max(1)),
            message: message.into(),
        }
    }
}

/// Parses `code` as the fence language `fence`. Never executes anything.
pub(crate) fn verify(fence: &str, code: &str) -> Verdict {
    if !VERIFY.load(Ordering::Relaxed) {
        return Verdict::NotVerified;
    }
    match Lang::from_fence(fence) {
        Some(lang) => verify_lang(lang, code),
        None => Verdict::NotVerified,
    }
}

pub(crate) fn verify_lang(lang: Lang, code: &str) -> Verdict {
    match lang {
        Lang::Yaml => yaml(code),
        Lang::Json => json(code),
        Lang::Toml => toml_doc(code),
        Lang::Ini => ini::verify(code),
        Lang::Sql => sql(code),
        Lang::Promql => promql(code),
        #[cfg(feature = "grammars")]
        l if l.needs_grammar() => ts::verify(l, code),
        _ => Verdict::NotVerified,
    }
}

/// Why a block in fence language `fence` is not verified, for the note gate 5 writes:
/// qbank has no parser for the language, or this build was made without the grammar
/// that parses it (the `grammars` feature).
pub(crate) fn not_verified_reason(fence: &str, code: &str) -> String {
    match Lang::from_fence(fence) {
        Some(Lang::Sql) if is_cql(code) => {
            "it is CQL (Cassandra's query language), which qbank has no parser for".to_owned()
        }
        Some(lang) if lang.needs_grammar() && !cfg!(feature = "grammars") => format!(
            "this qbank was built without the `grammars` feature, which parses {}",
            lang.name()
        ),
        _ if !VERIFY.load(Ordering::Relaxed) => "parsing is turned off".to_owned(),
        _ => format!("qbank has no parser for `{fence}`"),
    }
}

/// True when every non-empty line of the block is a comment in `fence`'s language. For
/// languages qbank does not know, `#` and `//` lines count as comments; `text` has none.
pub(crate) fn only_comments(fence: &str, code: &str) -> bool {
    let (line, block): (&[&str], bool) = match Lang::from_fence(fence) {
        Some(lang) => lang.comments(),
        None if fence.trim().eq_ignore_ascii_case("text") || fence.trim().is_empty() => {
            (&[], false)
        }
        None => (&["#", "//"], false),
    };
    let mut in_block = false;
    let mut any = false;
    for l in code.lines() {
        let mut t = l.trim();
        if t.is_empty() {
            continue;
        }
        any = true;
        if in_block {
            match t.find("*/") {
                Some(end) => {
                    in_block = false;
                    t = t[end + 2..].trim();
                    if t.is_empty() {
                        continue;
                    }
                }
                None => continue,
            }
        }
        if let Some(inner) = t.strip_prefix("/*").filter(|_| block) {
            match inner.find("*/") {
                Some(end) if inner[end + 2..].trim().is_empty() => continue,
                Some(_) => return false,
                None => {
                    in_block = true;
                    continue;
                }
            }
        }
        if !line.iter().any(|p| t.starts_with(p)) {
            return false;
        }
    }
    any
}

/// The 1-based character column of byte `byte` in line `line` (0-based) of `text`.
#[cfg(feature = "grammars")]
fn char_col(text: &str, line: usize, byte: usize) -> usize {
    let l = text.lines().nth(line).unwrap_or_default();
    let byte = byte.min(l.len());
    let mut b = byte;
    while !l.is_char_boundary(b) {
        b -= 1;
    }
    l[..b].chars().count() + 1
}

/// The 1-based line and character column of byte offset `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let (l, c) = crate::text::line_col(text, offset);
    (l as usize, c as usize)
}

/// Helm and other Go-template charts hold `{{ ... }}` actions that are not YAML until
/// rendered. A line that is only an action is blanked; an action inside a line becomes
/// a plain scalar of the same width, so positions still match the block.
fn mask_templates(code: &str) -> Option<String> {
    if !code.contains("{{") {
        return None;
    }
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let end = &line[body.len()..];
        let t = body.trim();
        if t.starts_with("{{") && t.ends_with("}}") && !t[2..t.len() - 2].contains("}}") {
            out.push_str(&" ".repeat(body.chars().count()));
        } else {
            let mut rest = body;
            while let Some(start) = rest.find("{{") {
                let Some(len) = rest[start..].find("}}") else {
                    break;
                };
                out.push_str(&rest[..start]);
                out.push_str(&"x".repeat(rest[start..start + len + 2].chars().count()));
                rest = &rest[start + len + 2..];
            }
            out.push_str(rest);
        }
        out.push_str(end);
    }
    Some(out)
}

/// YAML, every document of a `---` stream, with Go-template actions masked.
fn yaml(code: &str) -> Verdict {
    use serde_saphyr::granit_parser::Event;
    use serde_saphyr::granit_parser::Parser;
    let masked = mask_templates(code);
    let text = masked.as_deref().unwrap_or(code);
    let (mut scalars, mut collections) = (0usize, 0usize);
    for event in Parser::new_from_str(text) {
        match event {
            Err(e) => {
                let m = e.marker();
                let mut message = e.kind().to_string();
                if message.is_empty() {
                    message = "YAML syntax error".to_owned();
                }
                return Verdict::failed(m.line(), Some(m.col() + 1), message);
            }
            Ok((Event::MappingStart(..) | Event::SequenceStart(..), _)) => collections += 1,
            Ok((Event::Scalar(..), _)) => scalars += 1,
            Ok(_) => {}
        }
    }
    if collections == 0 && scalars > 0 {
        Verdict::Scalar
    } else {
        Verdict::Parsed
    }
}

fn json(code: &str) -> Verdict {
    match serde_json::from_str::<serde_json::Value>(code) {
        Ok(v) if !(v.is_object() || v.is_array()) => Verdict::Scalar,
        Ok(_) => Verdict::Parsed,
        Err(e) => {
            let message = e.to_string();
            // serde_json appends " at line L column C"; the location is reported apart.
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m)
                .to_owned();
            Verdict::failed(e.line(), Some(e.column()), message)
        }
    }
}

fn toml_doc(code: &str) -> Verdict {
    match code.parse::<toml::Table>() {
        Ok(_) => Verdict::Parsed,
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(code, s.start));
            Verdict::failed(line, Some(col), e.message().trim().to_owned())
        }
    }
}

/// SQL is read as PostgreSQL first; a script PostgreSQL's grammar refuses is read again
/// in the other dialects sqlparser knows (MySQL, SQL Server, SQLite, ...), since a `sql`
/// fence does not say which one the writer meant. It fails only when no dialect reads
/// it, with PostgreSQL's message. A script in CQL (Cassandra), which shares SQL's
/// shape but not its grammar, is not verified.
fn sql(code: &str) -> Verdict {
    use sqlparser::dialect::{
        BigQueryDialect, ClickHouseDialect, Dialect, DuckDbDialect, GenericDialect, HiveDialect,
        MsSqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect, SnowflakeDialect,
    };
    use sqlparser::parser::{Parser, ParserError};
    let script = postgres_gaps(psql::to_sql(code));
    let first = match Parser::parse_sql(&PostgreSqlDialect {}, &script) {
        Ok(_) => return Verdict::Parsed,
        Err(ParserError::ParserError(m) | ParserError::TokenizerError(m)) => {
            let (message, line, col) = sql_location(&m);
            Verdict::failed(line, col, message)
        }
        Err(e) => Verdict::failed(1, None, e.to_string()),
    };
    let others: [&dyn Dialect; 9] = [
        &MySqlDialect {},
        &MsSqlDialect {},
        &SQLiteDialect {},
        &GenericDialect {},
        &DuckDbDialect {},
        &SnowflakeDialect {},
        &BigQueryDialect {},
        &ClickHouseDialect {},
        &HiveDialect {},
    ];
    if others
        .iter()
        .any(|d| Parser::parse_sql(*d, &script).is_ok())
    {
        return Verdict::Parsed;
    }
    if is_cql(code) {
        return Verdict::NotVerified;
    }
    first
}

/// PostgreSQL forms sqlparser's grammar lacks, made into ones it reads, position for
/// position: `DROP INDEX CONCURRENTLY` (PostgreSQL 9.2+) is `DROP INDEX` to the parser.
fn postgres_gaps(script: String) -> String {
    use std::borrow::Cow;
    use std::sync::LazyLock;
    static DROP_CONCURRENTLY: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(DROP\s+INDEX\s+)(CONCURRENTLY)\b").expect("a valid pattern")
    });
    // Most scripts have no such form: they are returned as they are, not copied.
    let rewritten = match DROP_CONCURRENTLY.replace_all(&script, |c: &regex::Captures<'_>| {
        format!("{}{}", &c[1], " ".repeat(c[2].len()))
    }) {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    };
    rewritten.unwrap_or(script)
}

/// CQL's own statements and clauses, which no SQL dialect has: a keyspace, clustering
/// order, `ALLOW FILTERING`, `USING TTL`/`TIMESTAMP` on writes.
fn is_cql(code: &str) -> bool {
    use std::sync::LazyLock;
    static CQL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:CREATE\s+KEYSPACE|WITH\s+CLUSTERING\s+ORDER\s+BY|ALLOW\s+FILTERING|USING\s+(?:TTL|TIMESTAMP)\s+\d)\b",
        )
        .expect("a valid pattern")
    });
    CQL.is_match(code)
}

/// sqlparser ends its messages with ` at Line: L, Column: C`.
fn sql_location(m: &str) -> (String, usize, Option<usize>) {
    if let Some((message, at)) = m.rsplit_once(" at Line: ")
        && let Some((l, c)) = at.split_once(", Column: ")
        && let (Ok(l), Ok(c)) = (l.trim().parse(), c.trim().parse())
    {
        return (message.to_owned(), l, Some(c));
    }
    (m.to_owned(), 1, None)
}

/// PromQL is one expression per query. A block is parsed whole; when that fails and
/// the block holds several blank-line-separated expressions, each is parsed alone.
fn promql(code: &str) -> Verdict {
    let whole = promql_one(code, 0);
    if whole == Verdict::Parsed {
        return whole;
    }
    let mut paragraphs = Vec::new();
    let mut start: Option<usize> = None;
    let lines: Vec<&str> = code.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let blank = l.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                paragraphs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        paragraphs.push((s, lines.len()));
    }
    if paragraphs.len() < 2 {
        return whole;
    }
    for (s, e) in paragraphs {
        let text = lines[s..e].join("\n");
        if only_comments("promql", &text) {
            continue;
        }
        let v = promql_one(&text, s);
        if v != Verdict::Parsed {
            return v;
        }
    }
    Verdict::Parsed
}

fn promql_one(code: &str, first_line: usize) -> Verdict {
    match promql_parser::parser::parse(code) {
        Ok(_) => Verdict::Parsed,
        Err(m) => Verdict::failed(first_line + 1, None, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(fence: &str, code: &str) -> (usize, Option<usize>, String) {
        match verify(fence, code) {
            Verdict::Failed { line, col, message } => (line, col, message),
            v => panic!("{fence} block should fail, got {v:?}:\n{code}"),
        }
    }

    fn parses(fence: &str, code: &str) {
        assert_eq!(verify(fence, code), Verdict::Parsed, "{fence}:\n{code}");
    }

    #[test]
    fn fence_aliases() {
        for (fence, lang) in [
            ("yml", Lang::Yaml),
            ("YAML", Lang::Yaml),
            ("sh", Lang::Bash),
            ("shell", Lang::Bash),
            ("ts", Lang::TypeScript),
            ("js", Lang::JavaScript),
            ("mjs", Lang::JavaScript),
            ("k6", Lang::JavaScript),
            ("golang", Lang::Go),
            ("py", Lang::Python),
            ("psql", Lang::Sql),
            ("postgres", Lang::Sql),
            ("postgresql", Lang::Sql),
            ("rs", Lang::Rust),
            ("{.python}", Lang::Python),
            ("python title=\"a.py\"", Lang::Python),
        ] {
            assert_eq!(Lang::from_fence(fence), Some(lang), "{fence}");
        }
        for fence in ["text", "nginx", "dockerfile", "hcl", "zsh", "console", ""] {
            assert_eq!(Lang::from_fence(fence), None, "{fence}");
            assert_eq!(verify(fence, "anything ((("), Verdict::NotVerified);
        }
    }

    #[test]
    fn yaml() {
        parses("yaml", "a: 1\nb:\n  - x\n  - y\n");
        parses("yaml", "kind: A\n---\nkind: B\n");
        let (line, col, msg) = fails("yaml", "a: 1\nb: [1, 2\nc: 3\n");
        assert!(line >= 2, "{line} {msg}");
        assert!(col.is_some());
        let (line, _, _) = fails("yaml", "a: 1\n  b: 2\n");
        assert_eq!(line, 2);
        // A later document of a stream is parsed too.
        let (line, _, _) = fails("yaml", "a: 1\n---\nb: \"x\n");
        assert!(line >= 3);
    }

    #[test]
    fn one_scalar_is_prose_not_code() {
        // A sentence parses as a YAML plain scalar, over several lines too.
        assert_eq!(
            verify(
                "yaml",
                "Raise the pool size until p99 drops\nthen watch the queue\n"
            ),
            Verdict::Scalar
        );
        assert_eq!(
            verify("yaml", "---\nplain words\n---\nmore words\n"),
            Verdict::Scalar
        );
        assert_eq!(verify("json", "\"just a string\""), Verdict::Scalar);
        assert_eq!(verify("json", "42"), Verdict::Scalar);
        // Structure is code, however small.
        parses("yaml", "- one\n");
        parses("yaml", "---\nplain words\n---\nkey: value\n");
        parses("json", "[1]");
        parses("json", "{}");
    }

    #[test]
    fn yaml_templates() {
        parses(
            "yaml",
            "spec:\n{{- if .Values.hpa }}\n  replicas: {{ .Values.replicas }}\n  image: \"{{ .Values.image }}:1\"\n{{- end }}\n",
        );
        assert_eq!(
            mask_templates("a: {{ x }}\n").as_deref(),
            Some("a: xxxxxxx\n")
        );
    }

    #[test]
    fn json() {
        parses("json", "{\"a\": [1, 2, {\"b\": null}]}");
        let (line, col, msg) = fails("json", "{\n  \"a\": 1,\n  \"b\": \n}\n");
        assert_eq!((line, col), (4, Some(1)), "{msg}");
        assert!(!msg.contains("at line"), "{msg}");
    }

    #[test]
    fn toml() {
        parses("toml", "[server]\nport = 8080\nhosts = [\"a\", \"b\"]\n");
        let (line, col, _) = fails("toml", "[server]\nport = 8080\nhosts = [\"a\"\n");
        assert!(line >= 3);
        assert!(col.is_some());
        let (line, _, _) = fails("toml", "a = 1\nb = = 2\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn ini() {
        parses(
            "ini",
            "; pool\n[pgbouncer]\nlisten_port = 6432\npool_mode = transaction\n",
        );
        let (line, col, _) = fails("ini", "[pgbouncer\nlisten_port = 6432\n");
        assert_eq!((line, col), (1, Some(11)));
        let (line, _, _) = fails("ini", "[a]\nkey = 1\njust some words\n");
        assert_eq!(line, 3);
    }

    #[test]
    fn sql() {
        parses(
            "sql",
            "-- plan\nEXPLAIN (ANALYZE, BUFFERS)\nSELECT id FROM t WHERE a = 1 ORDER BY b DESC LIMIT 5;\n",
        );
        let (line, col, msg) = fails("sql", "SELECT id\nFROM t\nWHERE a = = 1;\n");
        assert_eq!(line, 3, "{msg}");
        assert!(col.is_some());
        assert!(!msg.contains("Line:"), "{msg}");
        // PostgreSQL's own form sqlparser lacks, and another dialect's syntax, parse.
        parses(
            "sql",
            "DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer_id;\n",
        );
        parses(
            "sql",
            "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;\n",
        );
        // Broken in every dialect: still a failure, at PostgreSQL's position.
        let (line, _, _) = fails("sql", "DROP INDEX CONCURRENTLY idx;\nSELECT FROM WHERE;\n");
        assert_eq!(line, 2);
        // CQL in a `sql` fence is not verified, and says why; a broken CQL-like script
        // without CQL's own clauses is still a failure.
        let cql = "CREATE TABLE m (c bigint, t bigint, PRIMARY KEY ((c), t))\n  WITH CLUSTERING ORDER BY (t DESC);\n";
        assert_eq!(verify("sql", cql), Verdict::NotVerified);
        assert!(not_verified_reason("sql", cql).contains("CQL"));
        fails(
            "sql",
            "CREATE TABLE m (c bigint, PRIMARY KEY ((c), t)) WITH ORDER BY (t DESC);\n",
        );
    }

    #[test]
    fn psql_scripts() {
        parses(
            "psql",
            "\\timing on\n\\x\nSELECT pg_current_wal_lsn() AS lsn_start \\gset\nSELECT pg_wal_lsn_diff(pg_current_wal_lsn(), :'lsn_start') / 60;\nSELECT * FROM :tbl LIMIT :n;\nSELECT 1::int, :\"col\" FROM t;\n",
        );
        // A psql line does not hide a broken statement after it.
        let (line, _, _) = fails("sql", "\\x\nSELECT 1 \\gset\nSELEC 2;\n");
        assert_eq!(line, 3);
    }

    #[test]
    fn promql() {
        parses(
            "promql",
            "# p99 over 5 minutes\nhistogram_quantile(0.99,\n  sum by (le) (rate(http_request_duration_seconds_bucket[5m])))\n",
        );
        parses("promql", "rate(a_total[5m])\n\n# second query\nsum(b)\n");
        let (_, _, msg) = fails("promql", "sum(rate(a_total[5m])\n");
        assert!(!msg.is_empty());
        let (line, _, _) = fails("promql", "rate(a_total[5m])\n\nsum by (x (b)\n");
        assert_eq!(line, 3);
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn shell() {
        parses(
            "bash",
            "#!/usr/bin/env bash\nset -euo pipefail\nfor i in 1 2 3; do\n  curl -s \"http://x/$i\" | jq .\ndone\n",
        );
        let (line, _, _) = fails("sh", "if [ -f x ]; then\n  echo yes\n");
        assert!(line >= 1);
        // A here-document body is data: a psql script inside one is not shell.
        parses(
            "bash",
            "cat > q.sql <<'SQL'\n\\set tenant random(1, 20000)\nSELECT 1;\nSQL\npgbench -f q.sql \\\n  -c 64 -T 300\ncat <<EOF\nx (\nEOF\n",
        );
        let (line, _, _) = fails("bash", "cat <<'SQL'\n(\nSQL\necho )\n");
        assert_eq!(line, 4);
        let (line, col, _) = fails("bash", "echo ok\nfor i in 1 2; do echo $i; done )\n");
        assert_eq!(line, 2);
        assert!(col.is_some());
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn python() {
        parses(
            "python",
            "import time\n\ndef f(x):\n    return x * 2\n\nprint(f(3))\n",
        );
        let (line, col, _) = fails("py", "def f(x):\n    return (x * 2\nprint(1)\n");
        assert!(line >= 2);
        assert!(col.is_some());
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn javascript() {
        parses(
            "javascript",
            "import http from 'k6/http';\nexport const options = { vus: 10 };\nexport default function () {\n  http.get('http://x');\n}\n",
        );
        let (line, _, _) = fails("k6", "export default function () {\n  http.get('x';\n}\n");
        assert_eq!(line, 2);
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn typescript() {
        parses(
            "ts",
            "interface P { id: number }\nconst f = (p: P): string => `${p.id}`;\n",
        );
        parses("tsx", "const A = () => <div>{1}</div>;\n");
        let (line, _, _) = fails("typescript", "const x: number = ;\n");
        assert_eq!(line, 1);
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn go() {
        parses(
            "go",
            "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n",
        );
        let (line, _, _) = fails("golang", "package main\n\nfunc main() {\n\tx := \n}\n");
        assert!(line >= 4);
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn java() {
        parses("java", "class A {\n  int f(int x) { return x + 1; }\n}\n");
        let (line, _, _) = fails("java", "class A {\n  int f(int x) { return x + ; }\n}\n");
        assert_eq!(line, 2);
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn rust() {
        parses(
            "rust",
            "fn main() {\n    let v: Vec<u8> = vec![1, 2];\n    println!(\"{v:?}\");\n}\n",
        );
        let (line, _, _) = fails("rs", "fn main() {\n    let x = ;\n}\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn comments_only() {
        assert!(only_comments("bash", "# a\n\n# b\n"));
        assert!(!only_comments("bash", "# a\necho hi\n"));
        assert!(only_comments("sql", "-- a\n/* b\n c */\n"));
        assert!(!only_comments("sql", "-- a\nSELECT 1;\n"));
        assert!(only_comments("go", "// a\n/* b */\n"));
        assert!(only_comments("ini", "; a\n# b\n"));
        assert!(only_comments("nginx", "# a\n"));
        assert!(!only_comments("text", "# a heading-like line\n"));
        assert!(!only_comments("json", "{}\n"));
        assert!(!only_comments("bash", "\n\n"));
    }
}
