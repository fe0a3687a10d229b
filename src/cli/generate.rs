//! `qbank generate -o DIR --model M`: the arguments of the loop in `generate::run`, its
//! progress on stderr and its table of rounds on stdout.

// Built without `net`, the helpers only the networked `run` uses are not called.
#![cfg_attr(not(feature = "net"), allow(dead_code, unused_imports))]
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[cfg(feature = "net")]
use crate::generate::llm;
use crate::generate::run::{self, Event};
use crate::model::Day;

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
    /// From round 2 on, always send only the failing questions (and ask for missing items
    /// to be added) and splice the replies into the document. Without --merge or
    /// --whole, each round sends whichever of the two prompts is smaller.
    #[arg(long, conflicts_with = "whole")]
    pub merge: bool,
    /// From round 2 on, always send the whole document with the findings.
    #[arg(long)]
    pub whole: bool,
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
    /// A bank whose scope, clusters and reference IDs the new questions must fit.
    #[arg(long, value_name = "DIR")]
    pub bank: Option<PathBuf>,
    /// The date recency is measured from (default: each round's document).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_day)]
    pub as_of: Option<Day>,
    /// Check each round's links live (gate 17, and the new links' status in the report).
    #[arg(long)]
    pub online: bool,
    /// Keep each reply in DIR (one file per request, named by a hash of the provider,
    /// endpoint, model, --max-tokens and the messages; never the key) and answer a request
    /// sent before from there, so a run repeated costs nothing.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Write into a folder that is not empty (files of the same name are replaced).
    #[arg(long)]
    pub force: bool,
    /// The rubric (default: the bank's, else qbank.toml's, else the built-in one) and the
    /// gates and codes each round is measured by.
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// Search Crossref for recent works per cluster (and look up --sources-tool releases)
    /// and offer them to the model as a verified list to cite from, with their dates: in
    /// the first prompt and in every repair whose source gates (13-16) fail. Unreachable,
    /// the loop goes on without it. `qbank sources` shows what a search finds.
    #[arg(long)]
    pub sources: bool,
    /// With --sources: search for this instead of one search per cluster (repeatable).
    #[arg(long, value_name = "QUERY", requires = "sources")]
    pub sources_query: Vec<String>,
    /// With --sources: a tool whose latest release to offer, `github:OWNER/REPO`,
    /// `pypi:NAME`, `npm:NAME` or `crates:NAME` (repeatable).
    #[arg(long, value_name = "KEY", requires = "sources", value_parser = super::sources::parse_tool)]
    pub sources_tool: Vec<String>,
    /// With --sources: works per search, at most.
    #[arg(long, default_value_t = 5, value_name = "N", requires = "sources", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub sources_rows: u32,
    /// With --online or --sources: request hosts that resolve to loopback or private
    /// addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Run the loop N times, independently (run K in DIR/run-K/), and print the spread of
    /// outcomes: gates passed per run, min/median/max (DIR/spread.json). Exit 0 only when
    /// every run ends with no gate failing.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub repeat: u32,
    /// What standard output gets: the rounds side by side (a markdown table; the run's
    /// summary goes to standard error), or the summary as JSON (with --repeat, the spread).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

fn default_link_args(allow_private: bool) -> super::links::LinkArgs {
    use clap::{Args as _, FromArgMatches as _};
    let cmd = super::links::LinkArgs::augment_args(clap::Command::new("links"));
    let m = cmd.get_matches_from(["links"]);
    let mut a = super::links::LinkArgs::from_arg_matches(&m).expect("defaults parse");
    a.allow_private = allow_private;
    a
}

/// The verified list the loop offers (`--sources`); `None`, with a note saying why, when
/// nothing could be found.
fn find_sources(
    args: &Args,
    rubric: &crate::model::Rubric,
    bank: Option<&crate::model::Bank>,
) -> Option<crate::generate::sources::Offer> {
    use crate::generate::sources;
    let queries = if args.sources_query.is_empty() {
        sources::cluster_queries(rubric, bank)
    } else {
        args.sources_query.clone()
    };
    let as_of = args
        .as_of
        .or_else(|| bank.map(|b| b.meta.as_of.value))
        .map_or_else(|| jiff::Zoned::now().date(), |d| d.0);
    let req = sources::Request {
        queries,
        rows: args.sources_rows,
        since: sources::window_start(as_of, rubric.recency.years),
        tools: args.sources_tool.clone(),
    };
    let opts = default_link_args(args.allow_private).run_options(false);
    let mut warnings = Vec::new();
    let found = sources::find(&req, &opts, &mut warnings);
    for w in &warnings {
        super::warn(w);
    }
    let note = |why: &str| {
        let _ = writeln!(
            anstream::stderr(),
            "note: --sources: {why}; the loop goes on without a list of sources"
        );
    };
    match found {
        Err(e) => {
            note(&e);
            None
        }
        Ok(f) if f.nothing_answered() => {
            note(&format!(
                "nothing could be looked up ({})",
                f.failures().join("; ")
            ));
            None
        }
        Ok(f) => {
            let list = sources::offer(&f);
            let works: usize = f
                .searches
                .iter()
                .map(|s| match &s.result {
                    sources::SearchResult::Works(w) => w.len(),
                    sources::SearchResult::Failed(_) => 0,
                })
                .sum();
            let failed = f.failures();
            let _ = writeln!(
                anstream::stderr(),
                "sources: {works} works from {} search{} (published {} or later), {} releases{}",
                f.searches.len(),
                if f.searches.len() == 1 { "" } else { "es" },
                f.since,
                f.releases
                    .iter()
                    .filter(|r| matches!(r.lookup, crate::links::cite::Lookup::Found { .. }))
                    .count(),
                if failed.is_empty() {
                    String::new()
                } else {
                    format!("; not looked up: {}", failed.join("; "))
                }
            );
            if list.is_none() {
                note("the searches found nothing");
            }
            list
        }
    }
}

fn err(msg: &str, help: Option<&str>) -> u8 {
    super::fail(msg, help)
}

/// Without the `net` feature there is no model to ask: the command says so.
#[cfg(not(feature = "net"))]
pub(crate) fn run(_: &Args, _: &super::Cli) -> u8 {
    err(
        "this qbank was built without the `net` feature, so `generate` cannot ask a model",
        Some(
            "rebuild with the default features; `qbank prompt` and `qbank repair` write the prompts without the network",
        ),
    )
}

#[cfg(feature = "net")]
pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    let paths: Vec<PathBuf> = args.bank.iter().cloned().collect();
    let settings = match args.settings.resolve_or_show(&paths, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
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
    let rubric_path = super::prompt::rubric_spec(&settings, bank.as_ref());
    let rubric =
        match super::prompt::rubric_or(rubric_path.as_deref(), bank.as_ref().map(|b| &*b.rubric)) {
            Ok(r) => r,
            Err(code) => return code,
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
    let mut model = match llm::Remote::new(cfg) {
        Ok(m) => m,
        Err(llm::Error::MissingKey(var)) => {
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
        Err(e) => return err(&e.to_string(), None),
    };
    let link_args = args.online.then(|| default_link_args(args.allow_private));
    let live = |path: &Path| {
        super::links::live_results(
            &[path.to_path_buf()],
            link_args.as_ref().expect("--online"),
            true,
            &crate::settings::Settings::plain(),
        )
    };
    let opts = run::Options {
        out: args.out.clone(),
        force: args.force,
        model_name: args.model.clone(),
        rounds: args.rounds,
        strict: args.strict,
        repairs: if args.merge {
            run::Repairs::Merge
        } else if args.whole {
            run::Repairs::Whole
        } else {
            run::Repairs::Cheaper
        },
        max_total_tokens: args.max_total_tokens,
        rubric_path,
        selection: Some(&settings.selection),
        rubric,
        bank,
        as_of: args.as_of,
        live: link_args.is_some().then_some(&live as &dyn Fn(&Path) -> _),
        sources: None,
    };
    let opts = run::Options {
        sources: if args.sources {
            find_sources(args, &opts.rubric, opts.bank.as_ref())
        } else {
            None
        },
        ..opts
    };
    let mut say = anstream::stderr();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let show_bar = std::io::stderr().is_terminal() && !cli.quiet;
    let mut on = |e: Event| match e {
        Event::Run { number, of, out } => {
            if cli.quiet {
                return;
            }
            let _ = writeln!(
                say,
                "run {number} of {of} into {}",
                crate::diagnostic::display_path(out)
            );
        }
        Event::Start {
            target,
            bytes,
            tokens,
        } => {
            let _ = writeln!(
                say,
                "provider: {} ({}), model: {}, key: {}\nround 1 sends {bytes} bytes (~{tokens} tokens); budget {} tokens, at most {} rounds",
                target.provider,
                target.endpoint,
                args.model,
                target
                    .key_env
                    .as_deref()
                    .map_or("none".to_owned(), |v| format!("from {v}")),
                args.max_total_tokens,
                args.rounds
            );
        }
        Event::Sending {
            round,
            bytes,
            tokens,
        } => {
            if !cli.quiet {
                let _ = writeln!(say, "round {round} sends {bytes} bytes (~{tokens} tokens)");
            }
        }
        Event::Waiting { round } => {
            bar = show_bar.then(|| {
                let b = indicatif::ProgressBar::new_spinner();
                b.set_message(format!("round {round}: waiting for {}", args.model));
                b.enable_steady_tick(Duration::from_millis(120));
                b
            });
        }
        Event::Received { round, chars } => {
            if let Some(b) = &bar {
                b.set_message(format!("round {round}: {chars} characters received"));
            }
        }
        Event::Replied => {
            if let Some(b) = bar.take() {
                b.finish_and_clear();
            }
        }
        Event::Measured {
            round,
            fails,
            warns,
            diagnostics,
            path,
        } => {
            if !cli.quiet {
                let _ = writeln!(
                    say,
                    "round {round}: {fails} FAIL, {warns} WARN, {diagnostics} diagnostics; wrote {}",
                    crate::diagnostic::display_path(path)
                );
            }
        }
    };
    let outcomes = match run::repeat(
        &opts,
        args.repeat,
        &mut model,
        args.cache.as_deref(),
        &mut on,
    ) {
        Ok(o) => o,
        Err(f) => return err(&f.message, f.help.as_deref()),
    };
    if args.repeat > 1 {
        let spread = crate::generate::summary::Spread::of(
            outcomes.iter().map(|o| o.summary.clone()).collect(),
        )
        .expect("at least one run");
        match args.format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&spread).expect("the spread serializes");
                s.push('\n');
                super::print_out(&s);
            }
            Format::Table => super::print_out(&spread.human()),
        }
        return u8::from(outcomes.iter().any(|o| !o.done));
    }
    let outcome = outcomes.into_iter().next().expect("one run");
    match args.format {
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&outcome.summary).expect("the summary serializes");
            s.push('\n');
            super::print_out(&s);
        }
        Format::Table => {
            let cols = super::compare::columns(&outcome.report);
            let headers: Vec<String> = outcome
                .rounds
                .iter()
                .map(|r| format!("Round {}", r.number))
                .collect();
            super::print_out(&super::compare::markdown(&cols, &headers));
        }
    }
    if !cli.quiet {
        let best = outcome
            .rounds
            .iter()
            .find(|r| r.number == outcome.best)
            .expect("the best round is a round");
        let wrote: Vec<String> = outcome
            .wrote
            .iter()
            .map(|p| {
                let shown = crate::diagnostic::display_path(p);
                if p.is_dir() {
                    format!("{shown}/")
                } else {
                    shown
                }
            })
            .collect();
        let _ = writeln!(
            anstream::stderr(),
            "stopped: {}\nbest round: {} ({} FAIL, {} diagnostics); wrote {}; {} requests{}, {} tokens\n{}",
            outcome.stop,
            best.number,
            best.fails,
            best.diagnostics,
            wrote.join(" and "),
            outcome.rounds.len(),
            if outcome.cached > 0 {
                format!(" ({} answered from the cache)", outcome.cached)
            } else {
                String::new()
            },
            outcome.spent,
            outcome.summary.human().trim_end(),
        );
    }
    u8::from(!outcome.done)
}
