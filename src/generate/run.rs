//! The generate loop: prompt → model → import → check → repair prompt → model ... until
//! no gate fails, the rounds or the token budget are spent, or a round fixes nothing.
//! Each round's document and report go into the output folder; the best round becomes a
//! bank (through the importer) and its render.
//!
//! The loop itself is offline: the model is any [`Model`], and live links come from a
//! function the caller passes. The network client is `llm::Remote`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::gates::{GateResult, LinkStatus, Status};
use crate::links::status::LiveResults;
use crate::model::{Bank, Day, Rubric};
use crate::report::{BankReport, Report};

use super::summary::{FailingGate, RoundStats, Summary, total};
use super::{document, prompt, repair};

use self::Error as ModelError;

/// The system message of every request.
pub(crate) const SYSTEM: &str = "You write technical interview question banks as markdown \
documents in exactly the format you are given. Every reference you cite is a real work that \
certainly exists; you never invent a DOI, URL, archive timestamp, author, date or version. \
Answer with the document in one markdown block and nothing else.";

/// What a request is sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub provider: String,
    pub endpoint: String,
    /// The variable the key is read from (its name only).
    pub key_env: Option<String>,
}

/// The reply and what the server counted.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reply {
    pub text: String,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// The price the provider reported for the reply, when it reports one.
    pub cost: Option<f64>,
    /// Tries it took (1 without retries).
    pub attempts: u32,
}

/// Why a request failed, each with a message fit to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Error {
    /// No key in the variable the provider needs.
    MissingKey(String),
    /// 401/403.
    Auth(String),
    Unreachable(String),
    Timeout(std::time::Duration),
    /// Any other status, after the retries.
    Status(u16, String),
    Other(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::MissingKey(var) => write!(f, "no API key: {var} is not set"),
            Error::Auth(m) => write!(f, "the server refused the credentials: {m}"),
            Error::Unreachable(m) => write!(f, "could not reach the server: {m}"),
            Error::Timeout(d) => write!(f, "no answer from the server within {}s", d.as_secs()),
            Error::Status(code, m) => write!(f, "the server answered {code}: {m}"),
            Error::Other(m) => write!(f, "{m}"),
        }
    }
}

/// What answers a prompt: a provider's server (`llm::Remote`), or a script in tests.
pub(crate) trait Model {
    /// Where requests go (provider, endpoint, the key's variable name).
    fn target(&self) -> Target;
    /// The model's name.
    fn model(&self) -> String;
    /// What else decides the reply (the reply's token cap, say), for the reply cache.
    fn parameters(&self) -> String;
    /// Sends one system and one user message; `progress` hears the characters received.
    fn chat(
        &mut self,
        system: &str,
        prompt: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Reply, ModelError>;
}

/// Everything the loop needs, resolved by the caller.
#[derive(Clone)]
pub(crate) struct Options<'a> {
    /// The folder for round-K.md and round-K.json, the best round as a bank (DIR/bank/)
    /// and its render (DIR/<slug>.md).
    pub out: PathBuf,
    /// Write into a folder that is not empty.
    pub force: bool,
    /// The model's name, as recorded in each round's report.
    pub model_name: String,
    /// Rounds at most (the first is the generation prompt).
    pub rounds: u32,
    /// WARN counts as failing.
    pub strict: bool,
    /// What a repair round sends.
    pub repairs: Repairs,
    /// Stop before a request that would take the tokens spent past this total.
    pub max_total_tokens: u64,
    /// The rubric the generation prompt is rendered from.
    pub rubric: Rubric,
    /// The rubric file each round is measured with (None: the built-in one).
    pub rubric_path: Option<PathBuf>,
    /// The gates and codes that count (`--select`/`--ignore`, qbank.toml); also the
    /// gates the prompt lists as not checked.
    pub selection: Option<&'a crate::report::select::Selection>,
    /// A bank whose scope, clusters and reference IDs the new questions must fit.
    pub bank: Option<Bank>,
    /// The date recency is measured from (None: each round's document).
    pub as_of: Option<Day>,
    /// Checks a round's links live (None: offline).
    pub live: Option<&'a dyn Fn(&Path) -> LiveResults>,
    /// A verified list of works and releases to cite from (a prompt section, from
    /// `sources::offer`): sent with the generation prompt and with every repair whose
    /// source gates (literature, citations, recency, diversity) fail.
    pub sources: Option<super::sources::Offer>,
}

/// The gates a verified list of sources helps to meet.
const SOURCE_GATES: [&str; 4] = ["literature-min", "citations-min", "recency", "diversity"];

/// The list's prompt section, when there is one.
fn offer_text<'o>(opts: &'o Options) -> Option<&'o str> {
    opts.sources.as_ref().map(|o| o.text.as_str())
}

/// `prompt` with the list of sources appended, when there is one and `offer` holds.
fn with_sources(prompt: String, sources: Option<&str>, offer: bool) -> (String, bool) {
    match sources {
        Some(list) if offer => (format!("{}\n\n{}", prompt.trim_end(), list.trim()), true),
        _ => (prompt, false),
    }
}

/// What a repair round sends: the whole document, or only the questions that hold a
/// finding (and the items to add), whose reply is spliced into the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repairs {
    /// Whichever of the two prompts is smaller.
    Cheaper,
    Whole,
    Merge,
}

/// What the loop tells its caller as it goes.
pub(crate) enum Event<'a> {
    /// Before run `number` of `of` (`--repeat`), into `out`.
    Run { number: u32, of: u32, out: &'a Path },
    /// Before round 1.
    Start {
        target: &'a Target,
        bytes: usize,
        tokens: u64,
    },
    /// Before a later round's request.
    Sending {
        round: u32,
        bytes: usize,
        tokens: u64,
    },
    /// The request is on its way.
    Waiting { round: u32 },
    /// Characters of the reply received so far.
    Received { round: u32, chars: usize },
    /// The reply is complete (or failed).
    Replied,
    /// A round was measured.
    Measured {
        round: u32,
        fails: usize,
        warns: usize,
        diagnostics: usize,
        path: &'a Path,
    },
}

/// Why the loop stopped without an outcome: a message fit to print and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub message: String,
    pub help: Option<String>,
}

impl Failure {
    fn new(message: impl Into<String>, help: Option<&str>) -> Failure {
        Failure {
            message: message.into(),
            help: help.map(str::to_owned),
        }
    }
}

impl From<crate::fsutil::WriteError> for Failure {
    fn from(e: crate::fsutil::WriteError) -> Failure {
        Failure::new(e.to_string(), e.help())
    }
}

/// One finished round, as the caller sees it.
#[derive(Debug, Clone)]
pub(crate) struct RoundSummary {
    pub number: u32,
    pub fails: usize,
    pub diagnostics: usize,
}

/// How a run ended.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub rounds: Vec<RoundSummary>,
    /// The best round's number.
    pub best: u32,
    /// Why the loop stopped.
    pub stop: String,
    /// Tokens spent, prompts and replies (the cached ones as first counted).
    pub spent: u64,
    /// Replies that came from the reply cache.
    pub cached: u32,
    /// What was written for the best round (the bank folder, its render).
    pub wrote: Vec<PathBuf>,
    /// Every round's report, in order.
    pub report: Report,
    /// The last round has no FAIL (and no WARN when strict).
    pub done: bool,
    /// What the run cost and reached, round by round.
    pub summary: Summary,
}

/// A token estimate for text a server did not count: a quarter of its bytes.
pub(crate) fn estimate(text: &str) -> u64 {
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

#[derive(Serialize, Clone, Copy)]
struct NotSent {
    kind: &'static str,
    bytes: usize,
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
    /// The repair prompt this round did not send (`repair` or `merge`), for comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    not_sent: Option<NotSent>,
    usage: Usage,
    /// The price the provider reported for the reply, when it reported one.
    #[serde(skip_serializing_if = "Option::is_none")]
    cost: Option<f64>,
    /// The prompt carried the verified list of sources.
    sources_offered: bool,
    /// Tries it took; 0 when the reply came from the reply cache.
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
    stats: RoundStats,
}

impl Round {
    fn done(&self, strict: bool) -> bool {
        self.report.loaded && self.fails == 0 && (!strict || self.warns == 0)
    }
}

fn measure(path: &Path, opts: &Options, live: Option<&dyn LinkStatus>) -> (Report, Option<Bank>) {
    let (report, mut banks) = crate::pipeline::collect(&crate::pipeline::Options {
        as_of: opts.as_of,
        links: live,
        rubric: opts.rubric_path.clone(),
        selection: opts.selection,
        ..crate::pipeline::Options::new(vec![path.to_path_buf()])
    });
    let bank = banks.pop().map(|(_, b)| b);
    (report, bank)
}

/// A hint for a failed request.
fn model_help(e: &ModelError) -> Option<&'static str> {
    match e {
        ModelError::Timeout(_) => Some("raise --timeout, or check that the server is serving"),
        ModelError::Unreachable(_) => Some("check --base-url and that the server is running"),
        ModelError::Auth(_) | ModelError::MissingKey(_) => {
            Some("check the key in the provider's environment variable")
        }
        _ => None,
    }
}

/// Runs the loop against `model`, telling `on` what happens.
pub(crate) fn run(
    opts: &Options,
    model: &mut dyn Model,
    on: &mut dyn FnMut(Event),
) -> Result<Outcome, Failure> {
    if crate::import::write::is_non_empty(&opts.out) && !opts.force {
        return Err(Failure::new(
            format!("{} is not empty", opts.out.display()),
            Some("choose an empty or new folder, or pass --force to replace the files in it"),
        ));
    }
    let started = std::time::Instant::now();
    let first_prompt = prompt::render(&opts.rubric, opts.bank.as_ref(), opts.selection)
        .map_err(|e| Failure::new(format!("could not render the prompt: {e}"), None))?;
    let (first_prompt, mut offered) = with_sources(first_prompt, offer_text(opts), true);
    let target = model.target();
    let first_estimate = estimate(SYSTEM) + estimate(&first_prompt);
    on(Event::Start {
        target: &target,
        bytes: SYSTEM.len() + first_prompt.len(),
        tokens: first_estimate,
    });
    if first_estimate > opts.max_total_tokens {
        return Err(Failure::new(
            format!(
                "the first prompt alone (~{first_estimate} tokens) exceeds --max-total-tokens {}",
                opts.max_total_tokens
            ),
            Some("raise --max-total-tokens"),
        ));
    }
    let mut rounds: Vec<Round> = Vec::new();
    let mut spent: u64 = 0;
    let mut cached: u32 = 0;
    let mut stop = String::new();
    let mut next_prompt = first_prompt;
    let mut kind = "generate";
    let mut not_sent: Option<NotSent> = None;
    for k in 1..=opts.rounds {
        let want = estimate(SYSTEM) + estimate(&next_prompt);
        if k > 1 && spent + want > opts.max_total_tokens {
            stop = format!(
                "budget: round {k} (~{want} tokens) would pass --max-total-tokens {} ({spent} spent)",
                opts.max_total_tokens
            );
            break;
        }
        if k > 1 {
            on(Event::Sending {
                round: k,
                bytes: next_prompt.len(),
                tokens: want,
            });
        }
        on(Event::Waiting { round: k });
        let round_started = std::time::Instant::now();
        let reply = model.chat(SYSTEM, &next_prompt, &mut |chars| {
            on(Event::Received { round: k, chars });
        });
        on(Event::Replied);
        let reply = reply.map_err(|e| Failure::new(format!("round {k}: {e}"), model_help(&e)))?;
        let usage = Usage {
            prompt_tokens: reply.prompt_tokens.unwrap_or(want),
            completion_tokens: reply
                .completion_tokens
                .unwrap_or_else(|| estimate(&reply.text)),
            estimated: reply.prompt_tokens.is_none() || reply.completion_tokens.is_none(),
        };
        spent += usage.prompt_tokens + usage.completion_tokens;
        cached += u32::from(reply.attempts == 0);
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
            return Err(Failure::new(
                format!(
                    "round {k}: the reply holds no document (no `#### Q` question{}); {} characters received",
                    if kind == "merge" {
                        " or reference entry"
                    } else {
                        ""
                    },
                    reply.text.chars().count()
                ),
                Some("try another model, or a larger --max-tokens if the reply was cut off"),
            ));
        };
        let path = crate::fsutil::write_in(
            &opts.out,
            Path::new(&format!("round-{k}.md")),
            text.as_bytes(),
        )?;
        let live = opts.live.map(|f| f(&path));
        let (report, bank) = measure(&path, opts, live.as_ref().map(|l| l as &dyn LinkStatus));
        let Some(b) = report.banks.first().cloned() else {
            return Err(Failure::new(
                format!("could not read {}", path.display()),
                None,
            ));
        };
        if !b.loaded {
            return Err(Failure::new(
                format!("round {k}: {} could not be imported", path.display()),
                Some(&format!("`qbank check {}` shows why", path.display())),
            ));
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
            model: &opts.model_name,
            provider: &target.provider,
            kind,
            sent_bytes: SYSTEM.len() + next_prompt.len(),
            not_sent: not_sent.map(|n| NotSent {
                bytes: SYSTEM.len() + n.bytes,
                ..n
            }),
            usage,
            cost: reply.cost,
            sources_offered: offered,
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
        crate::fsutil::write_in(&opts.out, Path::new(&jname), body.as_bytes())?;
        let stats = RoundStats {
            round: k,
            kind,
            from_cache: reply.attempts == 0,
            sources_offered: offered,
            sources_cited: opts.sources.as_ref().map(|o| o.cited_in(&text)),
            sent_bytes: SYSTEM.len() + next_prompt.len(),
            not_sent: not_sent.map(|n| super::summary::NotSent {
                kind: n.kind,
                bytes: SYSTEM.len() + n.bytes,
            }),
            tokens_in: reply.prompt_tokens,
            tokens_out: reply.completion_tokens,
            cost: reply.cost,
            fails: b.count(Status::Fail),
            warns: b.count(Status::Warn),
            failing: b
                .gates
                .iter()
                .filter(|g| g.status == Status::Fail)
                .map(|g| FailingGate {
                    number: g.number,
                    name: g.name.clone(),
                })
                .collect(),
            seconds: round_started.elapsed().as_secs_f64(),
        };
        let sources_fail = b
            .gates
            .iter()
            .any(|g| g.status == Status::Fail && SOURCE_GATES.contains(&g.name.as_str()));
        let round = Round {
            stats,
            number: k,
            path,
            fails: b.counted(Status::Fail),
            warns: b.counted(Status::Warn),
            diagnostics: b.all_diagnostics().count(),
            report: b,
            bank,
            text,
        };
        on(Event::Measured {
            round: k,
            fails: round.fails,
            warns: round.warns,
            diagnostics: round.diagnostics,
            path: &round.path,
        });
        let fixed_nothing = rounds
            .last()
            .is_some_and(|p| round.fails >= p.fails && round.diagnostics >= p.diagnostics);
        let done = round.done(opts.strict);
        // Each request stands alone: the model has not kept the document, so a repair
        // carries it whole, or the questions to replace.
        let build = |mode| {
            repair::build(
                repair::Input::Document(&round.text),
                &round.report,
                round.bank.as_ref(),
                mode,
                opts.strict,
            )
        };
        let whole = build(repair::Mode::Full);
        let merge = build(repair::Mode::QuestionsOnly);
        let use_merge = match opts.repairs {
            Repairs::Merge => true,
            Repairs::Whole => false,
            Repairs::Cheaper => merge.prompt.len() < whole.prompt.len(),
        };
        let (rep, other) = if use_merge {
            (merge, ("repair", whole.prompt.len()))
        } else {
            (whole, ("merge", merge.prompt.len()))
        };
        rounds.push(round);
        if done {
            stop = format!(
                "round {k}: no gate fails{}",
                if opts.strict { " or warns" } else { "" }
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
        if k == opts.rounds {
            stop = format!("{} rounds spent", opts.rounds);
        }
        (next_prompt, offered) = with_sources(rep.prompt, offer_text(opts), sources_fail);
        kind = if use_merge { "merge" } else { "repair" };
        not_sent = Some(NotSent {
            kind: other.0,
            bytes: other.1,
        });
    }
    finish(opts, rounds, stop, (spent, cached), (&target, started))
}

/// Runs the loop `n` times, independently: run K into `OUT/run-K/` (one run: into OUT
/// itself). With `cache`, replies are kept there, run K's under its own key (see
/// `cache`), so a repeat is a new sample of the model and repeating the whole command
/// costs nothing. A run that fails ends the series with its failure.
pub(crate) fn repeat(
    opts: &Options,
    n: u32,
    model: &mut dyn Model,
    cache: Option<&Path>,
    on: &mut dyn FnMut(Event),
) -> Result<Vec<Outcome>, Failure> {
    if n > 1 && crate::import::write::is_non_empty(&opts.out) && !opts.force {
        return Err(Failure::new(
            format!("{} is not empty", opts.out.display()),
            Some("choose an empty or new folder, or pass --force to replace the files in it"),
        ));
    }
    let mut outcomes = Vec::new();
    for k in 1..=n.max(1) {
        let run_opts = Options {
            out: if n > 1 {
                opts.out.join(format!("run-{k}"))
            } else {
                opts.out.clone()
            },
            ..opts.clone()
        };
        if n > 1 {
            on(Event::Run {
                number: k,
                of: n,
                out: &run_opts.out,
            });
        }
        let outcome = match cache {
            Some(dir) => {
                let mut cached = super::cache::Cached::new(&mut *model, dir).for_repeat(k);
                run(&run_opts, &mut cached, on)?
            }
            None => run(&run_opts, &mut *model, on)?,
        };
        outcomes.push(outcome);
    }
    if n > 1 {
        let spread =
            super::summary::Spread::of(outcomes.iter().map(|o| o.summary.clone()).collect())
                .expect("at least one run");
        let mut body = serde_json::to_string_pretty(&spread).expect("the spread serializes");
        body.push('\n');
        crate::fsutil::write_in(&opts.out, Path::new("spread.json"), body.as_bytes())?;
    }
    Ok(outcomes)
}

/// Writes the best round as a bank and its render.
fn finish(
    opts: &Options,
    rounds: Vec<Round>,
    stop: String,
    (spent, cached): (u64, u32),
    (target, started): (&Target, std::time::Instant),
) -> Result<Outcome, Failure> {
    let Some(last) = rounds.last() else {
        return Err(Failure::new(stop, None));
    };
    let done = last.done(opts.strict);
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
        return Err(Failure::new(
            format!(
                "round {}: the bank's slug, a cluster id or a question id is not a safe name; the bank is not written",
                best.number
            ),
            Some(
                "safe names are lower-case letters, digits and hyphens; repair the document and run again",
            ),
        ));
    }
    if let Some(bank) = &best.bank {
        let dir = opts.out.join("bank");
        let files = crate::import::write::files(bank, &dir)
            .map_err(|e| Failure::new(format!("could not serialize the bank: {e}"), None))?;
        for (rel, body) in &files {
            let rel = Path::new("bank").join(rel);
            crate::fsutil::write_in(&opts.out, &rel, body.as_bytes())?;
        }
        wrote.push(dir);
        let gates: &[GateResult] = &best.report.gates;
        let md = crate::render::markdown::render(bank, gates, None)
            .map_err(|e| Failure::new(format!("could not render the best round: {e}"), None))?;
        let name = format!("{}.md", bank.meta.slug.value);
        wrote.push(crate::fsutil::write_in(
            &opts.out,
            Path::new(&name),
            md.as_bytes(),
        )?);
    }
    let stats: Vec<RoundStats> = rounds.iter().map(|r| r.stats.clone()).collect();
    let summary = Summary {
        version: 1,
        model: opts.model_name.clone(),
        provider: target.provider.clone(),
        best_round: best.number,
        gates_passed: best.report.count(Status::Pass),
        gates: best.report.gates.len(),
        done,
        stop: stop.clone(),
        tokens_in: total(stats.iter().map(|r| r.tokens_in)),
        tokens_out: total(stats.iter().map(|r| r.tokens_out)),
        tokens_budgeted: spent,
        cost: Summary::cost_of(&stats),
        cached_replies: cached,
        wall_seconds: started.elapsed().as_secs_f64(),
        rounds: stats,
    };
    let mut body = serde_json::to_string_pretty(&summary).expect("a summary serializes");
    body.push('\n');
    crate::fsutil::write_in(&opts.out, Path::new("summary.json"), body.as_bytes())?;
    let best = best.number;
    let report = Report {
        banks: rounds.iter().map(|r| r.report.clone()).collect(),
        ..Report::default()
    };
    Ok(Outcome {
        rounds: rounds
            .into_iter()
            .map(|r| RoundSummary {
                number: r.number,
                fails: r.fails,
                diagnostics: r.diagnostics,
            })
            .collect(),
        best,
        stop,
        spent,
        cached,
        wrote,
        report,
        done,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers each request with the next scripted reply and records the prompts.
    struct Script {
        replies: Vec<String>,
        prompts: Vec<String>,
    }

    impl Model for Script {
        fn target(&self) -> Target {
            Target {
                provider: "script".to_owned(),
                endpoint: "memory".to_owned(),
                key_env: None,
            }
        }

        fn model(&self) -> String {
            "script".to_owned()
        }

        fn parameters(&self) -> String {
            String::new()
        }

        fn chat(
            &mut self,
            _system: &str,
            prompt: &str,
            progress: &mut dyn FnMut(usize),
        ) -> Result<Reply, ModelError> {
            self.prompts.push(prompt.to_owned());
            let text = self.replies.remove(0);
            progress(text.chars().count());
            Ok(Reply {
                text,
                prompt_tokens: None,
                completion_tokens: Some(7),
                cost: None,
                attempts: 1,
            })
        }
    }

    fn fixture(name: &str) -> String {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/generate")
            .join(name);
        format!(
            "````markdown\n{}\n````\n",
            std::fs::read_to_string(p).expect("fixture")
        )
    }

    fn options(out: &Path) -> Options<'static> {
        Options {
            out: out.to_path_buf(),
            force: false,
            model_name: "m".to_owned(),
            rounds: 3,
            strict: false,
            repairs: Repairs::Whole,
            max_total_tokens: 10_000_000,
            rubric: Rubric::default_rubric(),
            rubric_path: None,
            selection: None,
            bank: None,
            as_of: Day::parse("2026-11-25").ok(),
            live: None,
            sources: None,
        }
    }

    #[test]
    fn the_loop_repairs_with_any_model_and_writes_the_best_round() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let mut model = Script {
            replies: vec![fixture("defects.md"), fixture("repaired.md")],
            prompts: Vec::new(),
        };
        let mut measured = Vec::new();
        let o = run(&options(&out), &mut model, &mut |e| {
            if let Event::Measured { round, fails, .. } = e {
                measured.push((round, fails));
            }
        })
        .expect("runs");
        assert_eq!(measured, [(1, 3), (2, 0)]);
        assert!(o.done);
        assert_eq!(o.best, 2);
        assert_eq!(o.report.banks.len(), 2);
        assert!(model.prompts[1].starts_with("# Repair"));
        let summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("summary.json")).expect("summary written"),
        )
        .expect("json");
        assert_eq!(summary["rounds"][0]["failing"][0]["number"], 7);
        assert_eq!(summary["rounds"][0]["tokens_in"], serde_json::Value::Null);
        assert_eq!(summary["tokens_out"], 14);
        assert_eq!(
            summary["gates_passed"], 19,
            "one gate of the repaired round warns"
        );
        assert!(out.join("round-2.json").is_file() && out.join("bank/bank.yaml").is_file());
        // The estimate stands in for the prompt tokens the script did not count.
        assert_eq!(
            o.spent,
            estimate(SYSTEM) * 2 + estimate(&model.prompts[0]) + estimate(&model.prompts[1]) + 14
        );
    }

    #[test]
    fn the_sources_go_with_the_first_prompt_and_with_repairs_of_source_gates_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let mut model = Script {
            replies: vec![fixture("defects.md"), fixture("repaired.md")],
            prompts: Vec::new(),
        };
        let list = "## Verified sources to cite from\n\n- A work (2025). https://doi.org/10.1000/x";
        let opts = Options {
            sources: Some(crate::generate::sources::Offer {
                text: list.to_owned(),
                dois: vec!["10.1000/x".to_owned()],
            }),
            ..options(&out)
        };
        let o = run(&opts, &mut model, &mut |_| {}).expect("runs");
        assert!(model.prompts[0].ends_with(list), "round 1 offers the list");
        // Round 1 fails gates 7, 8 and 10, none of them a source gate.
        assert!(!model.prompts[1].contains("Verified sources"));
        assert!(o.summary.rounds[0].sources_offered && !o.summary.rounds[1].sources_offered);
        let (p, offered) = with_sources("# Repair\n".to_owned(), Some(list), true);
        assert!(offered && p == format!("# Repair\n\n{list}"));
    }

    #[test]
    fn a_repair_whose_source_gates_fail_offers_the_sources_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Recency asks for 95% recent sources: both fixtures have 53%, so gate 15 fails
        // in every round.
        let yaml = crate::model::DEFAULT_RUBRIC_YAML.replacen(
            "recency:\n  years: 3\n  min_share: 0.50",
            "recency:\n  years: 3\n  min_share: 0.95",
            1,
        );
        assert_ne!(yaml, crate::model::DEFAULT_RUBRIC_YAML);
        let rubric_path = dir.path().join("strict.yaml");
        std::fs::write(&rubric_path, &yaml).expect("write");
        let mut model = Script {
            replies: vec![fixture("defects.md"), fixture("repaired.md")],
            prompts: Vec::new(),
        };
        let list = "## Verified sources to cite from\n\n- A work (2025). https://doi.org/10.1000/x";
        let opts = Options {
            rounds: 2,
            rubric: serde_saphyr::from_str(&yaml).expect("rubric"),
            rubric_path: Some(rubric_path),
            sources: Some(crate::generate::sources::Offer {
                text: list.to_owned(),
                dois: vec!["10.1000/x".to_owned()],
            }),
            ..options(&dir.path().join("out"))
        };
        let o = run(&opts, &mut model, &mut |_| {}).expect("runs");
        assert!(
            o.summary.rounds[0]
                .failing
                .iter()
                .any(|g| g.name == "recency")
        );
        assert!(model.prompts[1].starts_with("# Repair") && model.prompts[1].ends_with(list));
        assert!(o.summary.rounds[1].sources_offered);
    }

    #[test]
    fn repeats_are_independent_runs_each_in_its_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let cache = dir.path().join("cache");
        let mut model = Script {
            replies: vec![
                fixture("repaired.md"),
                fixture("defects.md"),
                fixture("repaired.md"),
            ],
            prompts: Vec::new(),
        };
        let mut runs = Vec::new();
        let o = repeat(&options(&out), 2, &mut model, Some(&cache), &mut |e| {
            if let Event::Run { number, of, .. } = e {
                runs.push((number, of));
            }
        })
        .expect("runs");
        assert_eq!(runs, [(1, 2), (2, 2)]);
        // The same first prompt is sent again for run 2: its own cache key.
        assert_eq!(model.prompts.len(), 3);
        assert_eq!(model.prompts[0], model.prompts[1]);
        assert_eq!(o.iter().map(|o| o.rounds.len()).collect::<Vec<_>>(), [1, 2]);
        assert!(out.join("run-1/round-1.md").is_file() && out.join("run-2/round-2.md").is_file());
        let spread: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("spread.json")).expect("spread written"),
        )
        .expect("json");
        assert_eq!(spread["rounds"]["max"], 2.0);
        assert_eq!(spread["gates_passed"]["median"], 19.0);
    }

    #[test]
    fn a_folder_in_use_or_a_reply_without_questions_is_a_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("x"), "").expect("write");
        let mut model = Script {
            replies: vec!["no document here".to_owned()],
            prompts: Vec::new(),
        };
        let f = run(&options(dir.path()), &mut model, &mut |_| {}).expect_err("in use");
        assert!(f.message.ends_with("is not empty"), "{}", f.message);
        assert!(model.prompts.is_empty());
        let f = run(&options(&dir.path().join("new")), &mut model, &mut |_| {})
            .expect_err("no document");
        assert!(
            f.message
                .starts_with("round 1: the reply holds no document"),
            "{}",
            f.message
        );
    }

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
