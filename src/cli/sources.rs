//! `qbank sources "QUERY"`: recent works from Crossref and tools' latest releases, as a
//! list to cite from (the search itself is `generate::sources`).

use std::io::Write;

use crate::generate::sources::{self, Request};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each work is Crossref's own record (title, authors, date, DOI, type, \
language); each release the one its registry lists as the latest. Searches are cached in \
.qbank/sources.json, releases in .qbank/cache.json; searches go one at a time (at most four a second) and carry the \
--contact address (or QBANK_CONTACT) in the User-Agent, as Crossref asks.\n\n\
Exit codes: 0 the list was printed (it may be empty), 2 nothing could be looked up (offline \
without a cached answer, the registry unreachable, a build without the `net` feature) or bad \
usage.\n\n\
Example:\n  qbank sources \"tail latency\" --rows 5 --tool github:grafana/k6"
)]
pub(crate) struct Args {
    /// What to search for: words of a title or a subject; one search per QUERY.
    #[arg(value_name = "QUERY", required = true)]
    pub queries: Vec<String>,
    /// Works per search, at most.
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub rows: u32,
    /// Works published on this day or later, `YYYY-MM-DD` or `YYYY` (default: the
    /// built-in rubric's recency window, 3 years before today).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<String>,
    /// A tool whose latest release to look up: `github:OWNER/REPO`, `pypi:NAME`,
    /// `npm:NAME` or `crates:NAME` (repeatable).
    #[arg(long = "tool", value_name = "KEY", value_parser = parse_tool)]
    pub tools: Vec<String>,
    /// Output: a list, or JSON.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Send no request: answer from the caches only.
    #[arg(long)]
    pub offline: bool,
    #[command(flatten)]
    pub link: super::links::LinkArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

/// `YYYY` or `YYYY-MM-DD`.
pub(crate) fn parse_since(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(s.to_owned());
    }
    crate::model::Day::parse(s)
        .map(|_| s.to_owned())
        .map_err(|_| format!("`{s}` is not a year (YYYY) or a date (YYYY-MM-DD)"))
}

/// A registry key as `links` reads them (`github:OWNER/REPO`, `pypi:NAME`, ...).
pub(crate) fn parse_tool(s: &str) -> Result<String, String> {
    let bad = || format!("`{s}` is not github:OWNER/REPO, pypi:NAME, npm:NAME or crates:NAME");
    let (kind, name) = s.trim().split_once(':').ok_or_else(bad)?;
    let name = name.trim().trim_matches('/');
    let ok = matches!(kind, "github" | "pypi" | "npm" | "crates")
        && !name.is_empty()
        && !name.contains(char::is_whitespace)
        && (kind != "github" || name.split('/').filter(|p| !p.is_empty()).count() == 2);
    ok.then(|| format!("{kind}:{name}")).ok_or_else(bad)
}

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    let since = args.since.clone().unwrap_or_else(|| {
        sources::window_start(
            jiff::Zoned::now().date(),
            crate::model::Rubric::default_rubric().recency.years,
        )
    });
    let req = Request {
        queries: args.queries.clone(),
        rows: args.rows,
        since,
        tools: args.tools.clone(),
    };
    let opts = args.link.run_options(args.offline);
    let mut warnings = Vec::new();
    let found = sources::find(&req, &opts, &mut warnings);
    for w in &warnings {
        super::warn(w);
    }
    let found = match found {
        Ok(f) => f,
        Err(e) => {
            return super::fail(
                &e,
                Some("`qbank sources --offline` answers from the caches"),
            );
        }
    };
    if found.nothing_answered() {
        let why = found.failures().join("; ");
        return super::fail(
            &format!("nothing could be looked up: {why}"),
            Some(if args.offline {
                "run it once without --offline to fill the cache"
            } else {
                "check the network (and --contact); --offline answers from the caches"
            }),
        );
    }
    match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&found).expect("the list serializes");
            s.push('\n');
            super::print_out(&s);
        }
        Format::Human => {
            super::print_out(&sources::human(&found));
            if !cli.quiet {
                let _ = writeln!(
                    anstream::stderr(),
                    "{} request{} sent; works published {} or later",
                    found.requests,
                    if found.requests == 1 { "" } else { "s" },
                    found.since
                );
            }
        }
    }
    0
}
