//! `qbank generate -o DIR --model M`: prompt → model → import → check → repair prompt →
//! model ... until no gate fails, the rounds or the token budget are spent, or a round
//! fixes nothing. Each round's document and report go into DIR; the best round becomes a
//! bank (through the importer) and its render.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use serde::Serialize;

use crate::gates::{GateResult, LinkStatus, Status};
use crate::generate::{document, llm, prompt, repair};
use crate::model::{Bank, Day};
use crate::report::{BankReport, Report};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Keys come from the provider's usual environment variable \
(OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, DEEPSEEK_API_KEY, GROQ_API_KEY, \
XAI_API_KEY; none for Ollama) and never appear in output, files or errors.\n\n\
Exit codes: 0 the final round has no FAIL, 1 gates still fail, 2 an error (unreachable \
server, refused key, a reply without a document, a timeout).\n\n\
Example (a local Ollama):\n  qbank generate -o out/ --base-url http://127.0.0.1:11434/v1 --model qwen2.5:14b"
)]
pub(crate) struct Args {
    /// The folder for round-K.md and round-K.json, the best round as a bank (DIR/bank/)
    /// and its render (DIR/<slug>.md).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// The model: `gpt-4o`, `claude-sonnet-4-5`, `gemini-2.5-pro`, `deepseek-chat`,
    /// `grok-3`, a Groq model, `groq::NAME` to name the provider, or the model name a
    /// --base-url server knows.
    #[arg(long, value_name = "MODEL")]
    pub model: String,
    /// An OpenAI-compatible server (llama.cpp, vLLM, LM Studio, Ollama's /v1) instead of
    /// the provider the model name implies.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// With --base-url: the environment variable holding that server's key (default: no key).
    #[arg(long, value_name = "VAR", requires = "base_url")]
    pub api_key_env: Option<String>,
    /// Rounds at most (the first is the generation prompt, each later one a repair).
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub rounds: u32,
    /// Count WARN as failing: go on until no gate warns, and exit 1 on a WARN.
    #[arg(long)]
    pub strict: bool,
    /// From round 2 on, send only the failing questions (and ask for missing items to be
    /// added) and splice the replies into the document, instead of the whole document.
    #[arg(long)]
    pub merge: bool,
    /// Stop before a request that would take the tokens spent (prompts and replies, as
    /// the server counts them, else bytes/4) past this total.
    #[arg(long, default_value_t = 400_000, value_name = "N")]
    pub max_total_tokens: u64,
    /// The longest reply the model may write per round, in tokens (default: the provider's).
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Seconds to wait for the server: between two chunks of a streamed reply, or for all
    /// of a whole one.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub timeout: u64,
    /// Further tries after a 429 or 5xx (waiting as Retry-After says, else 0.5s doubling).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub retries: u32,
    /// The longest Retry-After waited for; a longer one ends the run.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub max_retry_after: u64,
    /// Ask for the whole reply at once instead of a stream.
    #[arg(long)]
    pub no_stream: bool,
    /// A rubric YAML (default: the bank's, else the built-in one).
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// A bank whose scope, clusters and reference IDs the new questions must fit.
    #[arg(long, value_name = "DIR")]
    pub bank: Option<PathBuf>,
    /// The date recency is measured from (default: each round's document).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_day)]
    pub as_of: Option<Day>,
    /// Check each round's links live (gate 17, and the new links' status in the report).
    #[arg(long)]
    pub online: bool,
    /// Write into a folder that is not empty (files of the same name are replaced).
    #[arg(long)]
    pub force: bool,
}

const SYSTEM: &str = "You write technical interview question banks as markdown documents \
in exactly the format you are given. Every reference you cite is a real work that certainly \
exists; you never invent a DOI, URL, archive timestamp, author, date or version. Answer with \
the document in one markdown block and nothing else.";

/// A token estimate for text a server did not count: a quarter of its bytes.
fn estimate(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

/// What also ends a link in a model's reply, beyond what ends one in a bank's text:
/// quotes, a table's pipe, an opening bracket.
const REPLY_URL_ENDS: [char; 6] = ['<', '[', '(', '"', '\'', '|'];
static DOI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\b10\.\d{4,9}/[^\s<>\[\]()"'`|]+"#).expect("regex"));

/// The URLs and bare DOIs in a document.
fn links(text: &str) -> BTreeSet<String> {
    let trim = |s: &str| {
        s.trim_end_matches(['.', ',', ';', ':', '*', '_'])
            .to_owned()
    };
    let mut out = BTreeSet::new();
    let mut rest = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(m) = crate::text::urls(&text[at..]).next() {
        let start = at + m.start();
        // The address as far as a reply's own link ends go; at least one character
        // after the scheme, or no address starts here.
        let url = m.as_str();
        let url = &url[..url.find(REPLY_URL_ENDS).unwrap_or(url.len())];
        if url.len() <= url.find("://").map_or(0, |i| i + 3) {
            rest.push_str(&text[at..=start]);
            at = start + 1;
            continue;
        }
        out.insert(trim(url));
        rest.push_str(&text[at..start]);
        rest.push(' ');
        at = start + url.len();
    }
    rest.push_str(&text[at..]);
    out.extend(DOI.find_iter(&rest).map(|m| trim(m.as_str())));
    out
}

#[derive(Serialize)]
struct NewLink {
    link: String,
    status: &'static str,
}

#[derive(Serialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
    /// True when the server did not count and bytes/4 stands in.
    estimated: bool,
}

#[derive(Serialize)]
struct RoundFile<'a> {
    version: u32,
    round: u32,
    model: &'a str,
    provider: &'a str,
    /// `generate`, `repair` (whole document) or `merge` (questions spliced in).
    kind: &'static str,
    sent_bytes: usize,
    usage: Usage,
    attempts: u32,
    /// Every DOI or URL this round added to the document.
    new_links: Vec<NewLink>,
    report: serde_json::Value,
}

/// One finished round.
struct Round {
    number: u32,
    path: PathBuf,
    text: String,
    report: BankReport,
    bank: Option<Bank>,
    fails: usize,
    warns: usize,
    diagnostics: usize,
}

impl Round {
    fn done(&self, strict: bool) -> bool {
        self.report.loaded && self.fails == 0 && (!strict || self.warns == 0)
    }
}

fn default_link_args() -> super::links::LinkArgs {
    use clap::{Args as _, FromArgMatches as _};
    let cmd = super::links::LinkArgs::augment_args(clap::Command::new("links"));
    let m = cmd.get_matches_from(["links"]);
    super::links::LinkArgs::from_arg_matches(&m).expect("defaults parse")
}

/// The rubric file each round is measured with: `--rubric`, else the `--bank`'s own.
fn rubric_file(args: &Args, bank: Option<&Bank>) -> Option<PathBuf> {
    if let Some(r) = &args.rubric {
        return Some(r.clone());
    }
    let b = bank?;
    let rel = b.meta.rubric.as_ref().map(|r| r.value.trim().to_owned())?;
    (rel != "default").then(|| b.root.join(rel))
}

fn measure(
    path: &Path,
    args: &Args,
    rubric: Option<&Path>,
    live: Option<&dyn LinkStatus>,
) -> (Report, Option<Bank>) {
    let (report, mut banks) = crate::pipeline::collect(&crate::pipeline::Options {
        as_of: args.as_of,
        links: live,
        rubric: rubric.map(Path::to_path_buf),
        ..crate::pipeline::Options::new(vec![path.to_path_buf()])
    });
    let bank = banks.pop().map(|(_, b)| b);
    (report, bank)
}

fn err(msg: &str, help: Option<&str>) -> u8 {
    super::fail(msg, help)
}

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    if crate::import::write::is_non_empty(&args.out) && !args.force {
        return err(
            &format!("{} is not empty", args.out.display()),
            Some("choose an empty or new folder, or pass --force to replace the files in it"),
        );
    }
    let bank = match &args.bank {
        None => None,
        Some(dir) => match crate::load::load_bank(dir).bank {
            Some(b) => Some(b),
            None => {
                return err(
                    &format!("{} is not a bank that loads", dir.display()),
                    Some("`qbank check DIR` shows what is wrong"),
                );
            }
        },
    };
    let rubric =
        match super::prompt::rubric_or(args.rubric.as_deref(), bank.as_ref().map(|b| &*b.rubric)) {
            Ok(r) => r,
            Err(code) => return code,
        };
    let first_prompt = match prompt::render(&rubric, bank.as_ref()) {
        Ok(p) => p,
        Err(e) => return err(&format!("could not render the prompt: {e}"), None),
    };
    let cfg = llm::Config {
        model: args.model.clone(),
        base_url: args.base_url.clone(),
        api_key_env: args.api_key_env.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_tokens: args.max_tokens,
        retries: args.retries,
        stream: !args.no_stream,
        max_retry_after: Duration::from_secs(args.max_retry_after),
    };
    let target = cfg.target();
    if let Some(var) = &target.key_env
        && std::env::var(var).map_or(true, |v| v.is_empty())
    {
        return err(
            &format!("no API key: {var} is not set"),
            Some(&format!(
                "export {var} with your {} key{}",
                target.provider,
                if args.base_url.is_some() {
                    ""
                } else {
                    ", or pass --base-url for an OpenAI-compatible server"
                }
            )),
        );
    }
    let first_estimate = estimate(SYSTEM) + estimate(&first_prompt);
    let mut say = anstream::stderr();
    let _ = writeln!(
        say,
        "provider: {} ({}), model: {}, key: {}\nround 1 sends {} bytes (~{} tokens); budget {} tokens, at most {} rounds",
        target.provider,
        target.endpoint,
        args.model,
        target
            .key_env
            .as_deref()
            .map_or("none".to_owned(), |v| format!("from {v}")),
        SYSTEM.len() + first_prompt.len(),
        first_estimate,
        args.max_total_tokens,
        args.rounds
    );
    if first_estimate > args.max_total_tokens {
        return err(
            &format!(
                "the first prompt alone (~{first_estimate} tokens) exceeds --max-total-tokens {}",
                args.max_total_tokens
            ),
            Some("raise --max-total-tokens"),
        );
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return err(&format!("could not start the runtime: {e}"), None),
    };
    let link_args = args.online.then(default_link_args);
    let rubric_path = rubric_file(args, bank.as_ref());
    let mut rounds: Vec<Round> = Vec::new();
    let mut spent: u64 = 0;
    let mut stop = String::new();
    let mut next_prompt = first_prompt;
    let mut kind = "generate";
    for k in 1..=args.rounds {
        let want = estimate(SYSTEM) + estimate(&next_prompt);
        if k > 1 && spent + want > args.max_total_tokens {
            stop = format!(
                "budget: round {k} (~{want} tokens) would pass --max-total-tokens {} ({spent} spent)",
                args.max_total_tokens
            );
            break;
        }
        if k > 1 && !cli.quiet {
            let _ = writeln!(
                say,
                "round {k} sends {} bytes (~{want} tokens)",
                next_prompt.len()
            );
        }
        let bar = (std::io::stderr().is_terminal() && !cli.quiet).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_message(format!("round {k}: waiting for {}", args.model));
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        let mut progress = |n: usize| {
            if let Some(b) = &bar {
                b.set_message(format!("round {k}: {n} characters received"));
            }
        };
        let reply = runtime.block_on(llm::chat(&cfg, SYSTEM, &next_prompt, &mut progress));
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let reply = match reply {
            Ok(r) => r,
            Err(e) => {
                let help = match &e {
                    llm::Error::Timeout(_) => {
                        Some("raise --timeout, or check that the server is serving")
                    }
                    llm::Error::Unreachable(_) => {
                        Some("check --base-url and that the server is running")
                    }
                    llm::Error::Auth(_) | llm::Error::MissingKey(_) => {
                        Some("check the key in the provider's environment variable")
                    }
                    _ => None,
                };
                return err(&format!("round {k}: {e}"), help);
            }
        };
        let usage = Usage {
            prompt_tokens: reply.prompt_tokens.unwrap_or(want),
            completion_tokens: reply
                .completion_tokens
                .unwrap_or_else(|| estimate(&reply.text)),
            estimated: reply.prompt_tokens.is_none() || reply.completion_tokens.is_none(),
        };
        spent += usage.prompt_tokens + usage.completion_tokens;
        let previous = rounds.last();
        let text = match (kind, previous) {
            ("merge", Some(prev)) => document::extract(&reply.text)
                .and_then(|r| document::splice(&prev.text, &r))
                // The claims go (qbank measures the gates); the heading stays for the
                // document's own Contents link to it.
                .map(|s| {
                    document::Outline::parse(&s.text).without_section_body("validation results")
                }),
            _ => document::extract(&reply.text)
                .filter(|d| !document::Outline::parse(d).questions.is_empty()),
        };
        let Some(text) = text else {
            return err(
                &format!(
                    "round {k}: the reply holds no document (no `#### Q` question{}); {} characters received",
                    if kind == "merge" {
                        " or reference entry"
                    } else {
                        ""
                    },
                    reply.text.chars().count()
                ),
                Some("try another model, or a larger --max-tokens if the reply was cut off"),
            );
        };
        let path = match crate::fsutil::write_in(
            &args.out,
            Path::new(&format!("round-{k}.md")),
            text.as_bytes(),
        ) {
            Ok(p) => p,
            Err(e) => return err(&e.to_string(), e.help()),
        };
        let live = link_args.as_ref().map(|la| {
            super::links::live_results(
                std::slice::from_ref(&path),
                la,
                true,
                &crate::settings::Settings::plain(),
            )
        });
        let (report, bank) = measure(
            &path,
            args,
            rubric_path.as_deref(),
            live.as_ref().map(|l| l as &dyn LinkStatus),
        );
        let Some(b) = report.banks.first().cloned() else {
            return err(&format!("could not read {}", path.display()), None);
        };
        if !b.loaded {
            return err(
                &format!("round {k}: {} could not be imported", path.display()),
                Some(&format!("`qbank check {}` shows why", path.display())),
            );
        }
        let before = previous.map(|p| links(&p.text)).unwrap_or_default();
        let new_links: Vec<NewLink> = links(&text)
            .difference(&before)
            .map(|l| NewLink {
                status: match live.as_ref().and_then(|lr| lr.is_live(l)) {
                    Some(true) => "live",
                    Some(false) => "dead",
                    None => "new, unverified",
                },
                link: l.clone(),
            })
            .collect();
        let json = RoundFile {
            version: 1,
            round: k,
            model: &args.model,
            provider: &target.provider,
            kind,
            sent_bytes: SYSTEM.len() + next_prompt.len(),
            usage,
            attempts: reply.attempts,
            new_links,
            report: serde_json::from_str(
                &report.render(crate::report::Format::Json, Default::default()),
            )
            .unwrap_or(serde_json::Value::Null),
        };
        let mut body = serde_json::to_string_pretty(&json).expect("round report serializes");
        body.push('\n');
        let jname = format!("round-{k}.json");
        if let Err(e) = crate::fsutil::write_in(&args.out, Path::new(&jname), body.as_bytes()) {
            return err(&e.to_string(), e.help());
        }
        let round = Round {
            number: k,
            path,
            fails: b.count(Status::Fail),
            warns: b.count(Status::Warn),
            diagnostics: b.all_diagnostics().count(),
            report: b,
            bank,
            text,
        };
        if !cli.quiet {
            let _ = writeln!(
                say,
                "round {k}: {} FAIL, {} WARN, {} diagnostics; wrote {}",
                round.fails,
                round.warns,
                round.diagnostics,
                crate::diagnostic::display_path(&round.path)
            );
        }
        let fixed_nothing = rounds
            .last()
            .is_some_and(|p| round.fails >= p.fails && round.diagnostics >= p.diagnostics);
        let done = round.done(args.strict);
        let mode = if args.merge {
            repair::Mode::QuestionsOnly
        } else {
            repair::Mode::Whole
        };
        let rep = repair::build(
            &round.text,
            &round.report,
            round.bank.as_ref(),
            mode,
            args.strict,
        );
        rounds.push(round);
        if done {
            stop = format!(
                "round {k}: no gate fails{}",
                if args.strict { " or warns" } else { "" }
            );
            break;
        }
        if fixed_nothing {
            stop = format!("round {k} fixed nothing");
            break;
        }
        if rep.is_empty() {
            stop = format!("round {k}: nothing left that text can repair");
            break;
        }
        if k == args.rounds {
            stop = format!("{} rounds spent", args.rounds);
        }
        next_prompt = rep.prompt;
        kind = if args.merge { "merge" } else { "repair" };
    }
    finish(args, cli, &rounds, &stop, spent)
}

/// Writes the best round as a bank and its render, prints the table, returns the exit code.
fn finish(args: &Args, cli: &super::Cli, rounds: &[Round], stop: &str, spent: u64) -> u8 {
    let Some(last) = rounds.last() else {
        return err(stop, None);
    };
    let best = rounds
        .iter()
        .min_by_key(|r| (r.fails, r.diagnostics, std::cmp::Reverse(r.number)))
        .expect("a round");
    let mut wrote = Vec::new();
    if best
        .bank
        .as_ref()
        .is_some_and(|b| !crate::import::write::names_are_safe(b))
    {
        return err(
            &format!(
                "round {}: the bank's slug, a cluster id or a question id is not a safe name; the bank is not written",
                best.number
            ),
            Some(
                "safe names are lower-case letters, digits and hyphens; repair the document and run again",
            ),
        );
    }
    if let Some(bank) = &best.bank {
        let dir = args.out.join("bank");
        match crate::import::write::files(bank, &dir) {
            Ok(files) => {
                for (rel, body) in &files {
                    let rel = Path::new("bank").join(rel);
                    if let Err(e) = crate::fsutil::write_in(&args.out, &rel, body.as_bytes()) {
                        return err(&e.to_string(), e.help());
                    }
                }
                wrote.push(format!("{}/", crate::diagnostic::display_path(&dir)));
            }
            Err(e) => return err(&format!("could not serialize the bank: {e}"), None),
        }
        let gates: &[GateResult] = &best.report.gates;
        match crate::render::markdown::render(bank, gates, None) {
            Ok(md) => {
                let name = format!("{}.md", bank.meta.slug.value);
                let p = match crate::fsutil::write_in(&args.out, Path::new(&name), md.as_bytes()) {
                    Ok(p) => p,
                    Err(e) => return err(&e.to_string(), e.help()),
                };
                wrote.push(crate::diagnostic::display_path(&p));
            }
            Err(e) => return err(&format!("could not render the best round: {e}"), None),
        }
    }
    let report = Report {
        banks: rounds.iter().map(|r| r.report.clone()).collect(),
        ..Report::default()
    };
    let cols = super::compare::columns(&report);
    let headers: Vec<String> = rounds
        .iter()
        .map(|r| format!("Round {}", r.number))
        .collect();
    let _ = anstream::stdout().write_all(super::compare::markdown(&cols, &headers).as_bytes());
    if !cli.quiet {
        let _ = writeln!(
            anstream::stderr(),
            "stopped: {stop}\nbest round: {} ({} FAIL, {} diagnostics); wrote {}; {} requests, {spent} tokens",
            best.number,
            best.fails,
            best.diagnostics,
            wrote.join(" and "),
            rounds.len(),
        );
    }
    if last.done(args.strict) { 0 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_urls_and_bare_dois() {
        let l = links("see https://doi.org/10.1145/1.2. and 10.1000/xyz123, (https://k6.io)");
        let v: Vec<_> = l.iter().map(String::as_str).collect();
        assert_eq!(
            v,
            [
                "10.1000/xyz123",
                "https://doi.org/10.1145/1.2",
                "https://k6.io"
            ]
        );
    }

    #[test]
    fn reply_links_end_at_quotes_pipes_and_brackets() {
        let l = links(
            "| \"https://a.example/x\" | https://b.example|https://c.example 'https://d.example' https://\"e <https://f.example/(g)>",
        );
        let v: Vec<_> = l.iter().map(String::as_str).collect();
        assert_eq!(
            v,
            [
                "https://a.example/x",
                "https://b.example",
                "https://c.example",
                "https://d.example",
                "https://f.example/"
            ]
        );
    }
}
