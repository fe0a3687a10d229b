//! Mermaid diagrams parsed by mermaid's own parser: the vendored build that draws the
//! page and the PDF (`vendor/mermaid/mermaid.min.js`), run in an embedded JavaScript
//! engine (QuickJS, through `rquickjs`; cargo feature `mermaid`, on by default).
//!
//! The bundle expects a browser. A few lines of JavaScript ([`SHIM`]) give it what its
//! parsers touch and nothing more: a `window`, a `document` that DOMPurify accepts and
//! then reports as unsupported (so `DOMPurify.sanitize` hands label text back unchanged;
//! sanitising labels does not decide whether a diagram parses), and `TextEncoder` and
//! `structuredClone`, which QuickJS lacks. No grammar is written here: `mermaid.parse`
//! decides.
//!
//! The engine is loaded once per process, on a thread of its own, the first time a
//! diagram is not in the caches (about 0.3 s in a release build; see
//! `docs/decisions.md`). Verdicts are kept in memory and, when [`set_cache_dir`] names
//! a folder (`check` uses `.qbank/diagrams/`), on disk, one file per diagram named by
//! the content hash of mermaid's version, the shim and the diagram's text.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use serde::{Deserialize, Serialize};

use crate::render::html::MERMAID_VERSION;

/// Where `check` keeps diagram verdicts (beside the result cache).
pub(crate) const DIR: &str = ".qbank/diagrams";

/// The environment the bundle runs in (see the module's documentation).
#[cfg_attr(not(feature = "mermaid"), allow(dead_code))]
const SHIM: &str = r#"globalThis.window = globalThis;
globalThis.console = { log() {}, warn() {}, error() {}, info() {}, debug() {}, trace() {} };
globalThis.addEventListener = function () {};
globalThis.Element = function Element() {};
globalThis.document = { nodeType: 9, implementation: {}, createElement() { return {}; } };
globalThis.TextEncoder = class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(s = '') {
    const out = [];
    for (const ch of String(s)) {
      const c = ch.codePointAt(0);
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }
};
globalThis.structuredClone = function structuredClone(v) {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [structuredClone(k), structuredClone(x)]));
  if (v instanceof Set) return new Set([...v].map(structuredClone));
  if (Array.isArray(v)) return v.map(structuredClone);
  const o = {};
  for (const k of Object.keys(v)) o[k] = structuredClone(v[k]);
  return o;
};
"#;

/// Parses `globalThis.__qbankSource` and leaves the outcome in `globalThis.__qbankVerdict`
/// once the job queue is drained: `{ok: true}`, `{ok: false, message, line}` (mermaid's
/// line, 1-based, in the text after its own preprocessing), or `{unknown: message}` for
/// a failure of the environment rather than of the diagram (a `TypeError` or
/// `ReferenceError` from code the shim does not serve).
#[cfg_attr(not(feature = "mermaid"), allow(dead_code))]
const PARSE: &str = r#"globalThis.__qbankVerdict = null;
mermaid.parse(globalThis.__qbankSource).then(
  () => { globalThis.__qbankVerdict = JSON.stringify({ ok: true }); },
  (e) => {
    const message = String((e && e.message) || e);
    if (e instanceof TypeError || e instanceof ReferenceError) {
      globalThis.__qbankVerdict = JSON.stringify({ unknown: message });
      return;
    }
    // The line the message names is where the parser stood on the unexpected token; a
    // jison error's `hash.loc` is the token before it, which can start lines earlier.
    let line = null;
    const m = /\bline (\d+)/.exec(message);
    const loc = e && e.hash && e.hash.loc;
    if (m) line = Number(m[1]);
    else if (loc && typeof loc.first_line === 'number') line = loc.first_line;
    globalThis.__qbankVerdict = JSON.stringify({ ok: false, message, line });
  });"#;

/// What mermaid said of one diagram's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Parsed,
    /// Mermaid's message (its context and caret lines left out) and the 0-based line of
    /// the diagram's text it points at.
    Broken {
        message: String,
        line: usize,
    },
    /// No verdict: the engine is not built in, did not load, or failed on its own.
    Unknown(String),
}

/// A verdict as the engine gives it and the disk cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Raw {
    ok: bool,
    #[serde(default)]
    message: String,
    /// Mermaid's line (1-based, after its preprocessing).
    #[serde(default)]
    line: Option<u32>,
}

/// True when this build parses diagrams.
pub const AVAILABLE: bool = cfg!(feature = "mermaid");

static CACHE_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);
static MEMORY: LazyLock<Mutex<HashMap<String, Raw>>> = LazyLock::new(Mutex::default);

/// Keeps verdicts in `dir` from now on (`None`: in memory only).
pub fn set_cache_dir(dir: Option<PathBuf>) {
    *CACHE_DIR.lock().unwrap_or_else(|e| e.into_inner()) = dir;
}

/// The content address of a verdict: mermaid's version, the shim and the text.
fn key(text: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(MERMAID_VERSION.as_bytes());
    h.update(&[0]);
    h.update(SHIM.as_bytes());
    h.update(&[0]);
    h.update(PARSE.as_bytes());
    h.update(&[0]);
    h.update(text.as_bytes());
    h.finalize().to_hex()[..32].to_owned()
}

/// What mermaid says of `text`: from memory, the disk cache, or the engine.
pub fn parse(text: &str) -> Outcome {
    let key = key(text);
    let remembered = MEMORY
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .cloned();
    let dir = CACHE_DIR.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let raw = match remembered.or_else(|| dir.as_ref().and_then(|d| read_cached(d, &key))) {
        Some(raw) => raw,
        None => match engine::parse(text) {
            Ok(raw) => {
                if let Some(d) = &dir {
                    write_cached(d, &key, &raw);
                }
                raw
            }
            Err(why) => return Outcome::Unknown(why),
        },
    };
    MEMORY
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, raw.clone());
    if raw.ok {
        Outcome::Parsed
    } else {
        Outcome::Broken {
            message: tidy_message(&raw.message),
            line: source_line(text, raw.line.unwrap_or(1)),
        }
    }
}

fn read_cached(dir: &std::path::Path, key: &str) -> Option<Raw> {
    let bytes = std::fs::read(dir.join(format!("{key}.json"))).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Writes a verdict through a temporary file renamed into place; a failure only costs
/// the next run a parse.
fn write_cached(dir: &std::path::Path, key: &str, raw: &Raw) {
    use std::io::Write as _;
    let write = || -> std::io::Result<()> {
        if !dir.is_dir() {
            std::fs::create_dir_all(dir)?;
            let _ = std::fs::write(dir.join(".gitignore"), "*\n");
            let _ = std::fs::write(
                dir.join("CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n# qbank's diagram verdicts: safe to delete.\n",
            );
        }
        let json = serde_json::to_vec(raw).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(&json)?;
        tmp.persist(dir.join(format!("{key}.json")))
            .map_err(|e| e.error)?;
        Ok(())
    };
    let _ = write();
}

/// Mermaid's message on one line: a jison parser's context and caret lines (`...A-->`,
/// `-----^`) left out, the rest joined, and a long message cut.
fn tidy_message(message: &str) -> String {
    let lines: Vec<&str> = message.lines().collect();
    let caret = lines.iter().position(|l| {
        l.trim_end().ends_with('^') && l.trim_end().trim_end_matches('^').chars().all(|c| c == '-')
    });
    let kept: Vec<&str> = match caret {
        Some(i) if i >= 1 => lines[..i - 1]
            .iter()
            .chain(&lines[i + 1..])
            .copied()
            .collect(),
        _ => lines,
    };
    let joined = kept
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    const MAX: usize = 300;
    if joined.chars().count() > MAX {
        let cut: String = joined.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    } else {
        joined
    }
}

/// The 0-based line of `text` that mermaid's line `line` (1-based) is. Mermaid numbers
/// the lines of the text after its preprocessing, which drops the front matter, every
/// whole-line `%%` comment, and the blank and directive lines it then trims from the
/// start; the lines it keeps are counted here in the same way (this is the mapping of
/// its line numbers, not its grammar). A line past the end (an error at the end of the
/// text) is the last line with content.
fn source_line(text: &str, line: u32) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    if lines.first().is_some_and(|l| l.trim_end() == "---")
        && let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---")
    {
        start = end + 2;
    }
    let is_comment = |l: &str| {
        let t = l.trim_start();
        t.starts_with("%%") && !t.starts_with("%%{") && t.len() > 2
    };
    let is_directive = |l: &str| {
        let t = l.trim();
        t.starts_with("%%{") && t.ends_with("}%%")
    };
    let mut kept: Vec<usize> = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(start) {
        if is_comment(l) {
            continue;
        }
        if kept.is_empty() && (l.trim().is_empty() || is_directive(l)) {
            continue;
        }
        kept.push(i);
    }
    let last_content = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(0);
    let n = usize::try_from(line.max(1)).unwrap_or(usize::MAX) - 1;
    kept.get(n)
        .copied()
        .filter(|&i| i <= last_content)
        .unwrap_or(last_content)
}

#[cfg(feature = "mermaid")]
mod engine {
    use std::sync::OnceLock;
    use std::sync::mpsc::{Sender, channel};
    use std::time::{Duration, Instant};

    use rquickjs::{Context, Runtime};

    use super::{PARSE, Raw, SHIM};
    use crate::render::html::MERMAID_JS;

    /// How long one diagram may take before mermaid is given up on (no verdict).
    const PER_DIAGRAM: Duration = Duration::from_secs(10);

    type Request = (String, Sender<Result<Raw, String>>);

    static WORKER: OnceLock<Sender<Request>> = OnceLock::new();

    /// Mermaid's verdict on `text`, from the engine's thread (started on first use).
    pub(super) fn parse(text: &str) -> Result<Raw, String> {
        let worker = WORKER.get_or_init(|| {
            let (tx, rx) = channel::<Request>();
            let spawned = std::thread::Builder::new()
                .name("mermaid".into())
                .stack_size(32 << 20)
                .spawn(move || {
                    let engine = Engine::load();
                    for (text, reply) in rx {
                        let answer = match &engine {
                            Ok(e) => e.parse(&text),
                            Err(why) => Err(why.clone()),
                        };
                        let _ = reply.send(answer);
                    }
                });
            // When the thread did not start, its receiver is gone: every send fails.
            drop(spawned);
            tx
        });
        let (tx, rx) = channel();
        worker
            .send((text.to_owned(), tx))
            .map_err(|_| "the mermaid engine's thread could not be started".to_owned())?;
        rx.recv()
            .map_err(|_| "the mermaid engine stopped".to_owned())?
    }

    struct Engine {
        /// Kept alive for the context.
        _runtime: Runtime,
        context: Context,
        deadline: std::sync::Arc<std::sync::Mutex<Option<Instant>>>,
    }

    impl Engine {
        fn load() -> Result<Engine, String> {
            let fail = |e: rquickjs::Error| format!("the mermaid engine did not start: {e}");
            let runtime = Runtime::new().map_err(fail)?;
            runtime.set_max_stack_size(16 << 20);
            runtime.set_memory_limit(1 << 30);
            let deadline = std::sync::Arc::new(std::sync::Mutex::new(None::<Instant>));
            let watch = deadline.clone();
            runtime.set_interrupt_handler(Some(Box::new(move || {
                watch
                    .lock()
                    .ok()
                    .and_then(|d| *d)
                    .is_some_and(|d| Instant::now() > d)
            })));
            let context = Context::full(&runtime).map_err(fail)?;
            context.with(|ctx| -> Result<(), String> {
                let run = |name: &str, src: &str| -> Result<(), String> {
                    ctx.eval::<(), _>(src).map_err(|e| {
                        let caught = ctx.catch();
                        let detail = caught
                            .as_exception()
                            .and_then(rquickjs::Exception::message)
                            .unwrap_or_else(|| e.to_string());
                        format!("the mermaid engine did not start ({name}): {detail}")
                    })
                };
                run("environment", SHIM)?;
                run("mermaid", MERMAID_JS)?;
                run(
                    "initialize",
                    "mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});",
                )
            })?;
            Ok(Engine {
                _runtime: runtime,
                context,
                deadline,
            })
        }

        fn parse(&self, text: &str) -> Result<Raw, String> {
            if let Ok(mut d) = self.deadline.lock() {
                *d = Some(Instant::now() + PER_DIAGRAM);
            }
            let verdict = self.context.with(|ctx| -> Result<String, String> {
                ctx.globals()
                    .set("__qbankSource", text)
                    .map_err(|e| e.to_string())?;
                ctx.eval::<(), _>(PARSE).map_err(|e| {
                    let _ = ctx.catch();
                    format!("mermaid did not answer: {e}")
                })?;
                while ctx.execute_pending_job() {}
                ctx.globals()
                    .get::<_, Option<String>>("__qbankVerdict")
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| "mermaid gave no verdict in time".to_owned())
            });
            if let Ok(mut d) = self.deadline.lock() {
                *d = None;
            }
            let verdict = verdict?;
            #[derive(serde::Deserialize)]
            struct Answer {
                #[serde(default)]
                ok: bool,
                #[serde(default)]
                message: String,
                #[serde(default)]
                line: Option<u32>,
                #[serde(default)]
                unknown: Option<String>,
            }
            let a: Answer = serde_json::from_str(&verdict).map_err(|e| e.to_string())?;
            if let Some(why) = a.unknown {
                return Err(format!("mermaid failed in the engine: {why}"));
            }
            Ok(Raw {
                ok: a.ok,
                message: a.message,
                line: a.line,
            })
        }
    }
}

#[cfg(not(feature = "mermaid"))]
mod engine {
    use super::Raw;

    pub(super) fn parse(_text: &str) -> Result<Raw, String> {
        Err("this qbank was built without the `mermaid` feature".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "mermaid")]
    #[test]
    fn mermaid_itself_decides() {
        assert_eq!(
            parse("flowchart LR\n  A[Client] -->|GET| B[(Cache)]\n"),
            Outcome::Parsed
        );
        assert_eq!(
            parse("sequenceDiagram\n  A->>B: hi\n  B-->>A: ok\n"),
            Outcome::Parsed
        );
        // Diagrams whose parsers need what the shim gives: DOMPurify (class, state),
        // TextEncoder (pie, langium), structuredClone (radar).
        for ok in [
            "classDiagram\n  class Cache {\n    +get(key)\n  }\n",
            "stateDiagram-v2\n  [*] --> Open\n  Open --> Closed: <b>timeout</b>\n",
            "pie\n  \"hit\": 95\n  \"miss\": 5\n",
            "radar-beta\n  axis a, b, c\n  curve x{1, 2, 3}\n",
            "gantt\n  title Rollout\n  section A\n  Canary :a1, 2026-01-01, 3d\n",
        ] {
            assert_eq!(parse(ok), Outcome::Parsed, "{ok}");
        }
        match parse("sequenceDiagram\n  participant A\n  A->>B hi\n  B-->>A: ok\n") {
            Outcome::Broken { message, line } => {
                assert_eq!(line, 2);
                assert!(
                    message.contains("Expecting 'TXT', got 'NEWLINE'"),
                    "{message}"
                );
                assert!(!message.contains('^'), "{message}");
            }
            other => panic!("{other:?}"),
        }
        match parse("pie\n  \"a\": 1\n  \"b\" 2\n") {
            Outcome::Broken { line, .. } => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse("notADiagram\n  A --> B\n"),
            Outcome::Broken { line: 0, .. }
        ));
    }

    #[test]
    fn jison_context_and_caret_are_left_out() {
        let m = "Parse error on line 3:\n...ticipant A A->>B hi\n----------------------^\nExpecting 'TXT', got 'NEWLINE'";
        assert_eq!(
            tidy_message(m),
            "Parse error on line 3: Expecting 'TXT', got 'NEWLINE'"
        );
        let langium = "Parsing failed:  Parse error on line 3, column 6: Expecting token of type ':' but found `2`.\n";
        assert_eq!(
            tidy_message(langium),
            "Parsing failed:  Parse error on line 3, column 6: Expecting token of type ':' but found `2`."
        );
        assert!(tidy_message(&"x".repeat(1000)).ends_with('…'));
    }

    #[test]
    fn mermaid_lines_map_past_front_matter_comments_and_leading_directives() {
        let plain = "sequenceDiagram\n A->>B: hi\n B-->>: x\n";
        assert_eq!(source_line(plain, 3), 2);
        let commented = "sequenceDiagram\n%% c\n A->>B: hi\n B-->>: x\n";
        assert_eq!(source_line(commented, 3), 3);
        let front = "---\ntitle: x\n---\nsequenceDiagram\n A->>B: hi\n B-->>: x\n";
        assert_eq!(source_line(front, 3), 5);
        let directive = "%%{init: {'theme':'dark'}}%%\n\nsequenceDiagram\n A->>B: hi\n B-->>: x\n";
        assert_eq!(source_line(directive, 3), 4);
        // An error at the end of the text is at its last line with content.
        assert_eq!(source_line("flowchart LR\n A-->\n\n", 3), 1);
        assert_eq!(source_line("", 1), 0);
    }
}
