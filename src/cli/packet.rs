//! `qbank packet` (an interview packet for a role and a time budget) and `qbank export`
//! (a bank's questions as an Anki TSV or Moodle XML).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::diagnostic::{did_you_mean, one_of};
use crate::model::Bank;
use crate::packet::Request;
use crate::render::packet::{self, PacketError};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A folder holding one bank (default: content/).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// The role to interview for: a role id or title from the rubric (`sre`, `architect`, ...).
    #[arg(long, value_name = "ROLE")]
    pub role: String,
    /// The time budget in minutes; questions take the rubric's minutes per difficulty
    /// (default rubric: 8 foundational, 12 intermediate, 15 advanced).
    #[arg(long, default_value_t = 60, value_name = "N")]
    pub minutes: u32,
    /// Seed for breaking ties between equally good questions; the same seed gives the
    /// same packet, byte for byte.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub seed: u64,
    /// Weights of foundational:intermediate:advanced questions (default: the rubric's
    /// target mix, 1:2:2 for 20/40/40).
    #[arg(long, value_name = "F:I:A", value_parser = parse_mix)]
    pub difficulty_mix: Option<[u32; 3]>,
    /// Draw only from these clusters (ids from bank.yaml; repeat or separate with commas).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub cluster: Vec<String>,
    /// Leave these questions out: Q numbers (`Q3`) or ids, separated with commas.
    #[arg(long, value_name = "Q", value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Output folder (default: dist/packets/<slug>-<role>-<minutes>min-seed<seed>).
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A folder whose templates override the built-in packet-*.md.j2, by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Space for answers on the candidate sheet: `lines` (ruled lines, one per planned
    /// minute) or `none` (compact).
    #[arg(long, value_enum, default_value_t = packet::AnswerSpace::Lines, value_name = "SPACE")]
    pub answer_space: packet::AnswerSpace,
    /// Also print candidate.pdf and interviewer.pdf, diagrams drawn (needs Chromium).
    #[arg(long)]
    pub pdf: bool,
    #[command(flatten)]
    pub print: super::pdf::PrintArgs,
}

/// `1:2:2` (or `20/40/40`, `1,2,2`) as three weights.
fn parse_mix(s: &str) -> Result<[u32; 3], String> {
    let parts: Vec<&str> = s.split([':', '/', ',']).map(str::trim).collect();
    let bad = || format!("`{s}` is not a mix: write three whole numbers F:I:A, e.g. 1:2:2");
    if parts.len() != 3 {
        return Err(bad());
    }
    let mut out = [0u32; 3];
    for (o, p) in out.iter_mut().zip(&parts) {
        *o = p.parse().map_err(|_| bad())?;
    }
    if out.iter().all(|w| *w == 0) {
        return Err("the mix 0:0:0 asks for no question; give at least one weight above 0".into());
    }
    Ok(out)
}

/// The rubric role `text` names (by id or title, any case).
fn resolve_role(bank: &Bank, text: &str) -> Result<String, u8> {
    let t = text.trim();
    let roles = &bank.rubric.roles;
    if let Some(r) = roles
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(t) || r.title.eq_ignore_ascii_case(t))
    {
        return Ok(r.id.clone());
    }
    let ids: Vec<&str> = roles.iter().map(|r| r.id.as_str()).collect();
    let help = match did_you_mean(t, ids.iter().copied()) {
        Some(s) => format!(
            "did you mean `{s}`? the rubric's roles are {}",
            one_of(&ids)
        ),
        None => format!("the rubric's roles are {}", one_of(&ids)),
    };
    Err(super::fail(&format!("unknown role `{t}`"), Some(&help)))
}

/// Question ids for `Q3` numbers or ids.
fn resolve_exclude(bank: &Bank, items: &[String]) -> Result<Vec<String>, u8> {
    let mut out = Vec::new();
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let by_number = item
            .strip_prefix(['Q', 'q'])
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| bank.questions.get(i));
        let q = by_number.or_else(|| bank.questions.iter().find(|q| q.id.value == item));
        match q {
            Some(q) => {
                if !out.contains(&q.id.value) {
                    out.push(q.id.value.clone());
                }
            }
            None => {
                return Err(super::fail(
                    &format!("--exclude `{item}` names no question of the bank"),
                    Some(&format!(
                        "use Q1..Q{} (the rendered numbers) or question ids",
                        bank.questions.len()
                    )),
                ));
            }
        }
    }
    Ok(out)
}

fn resolve_clusters(bank: &Bank, items: &[String]) -> Result<Vec<String>, u8> {
    let ids: Vec<&str> = bank
        .meta
        .clusters
        .iter()
        .map(|c| c.id.value.as_str())
        .collect();
    let mut out = Vec::new();
    for c in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !ids.contains(&c) {
            let help = match did_you_mean(c, ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? bank.yaml declares {}", one_of(&ids)),
                None => format!("bank.yaml declares {}", one_of(&ids)),
            };
            return Err(super::fail(&format!("unknown cluster `{c}`"), Some(&help)));
        }
        if !out.iter().any(|x| x == c) {
            out.push(c.to_owned());
        }
    }
    Ok(out)
}

/// Exactly one bank under `path` (after the settings' `exclude`), or exit 2 with the
/// reason printed; `Ok(None)` after `--show-settings` printed the settings.
pub(crate) fn one_bank(
    path: Option<&Path>,
    settings: &super::SettingsArgs,
) -> Result<Option<Bank>, u8> {
    let given: Vec<PathBuf> = path.map(Path::to_path_buf).into_iter().collect();
    let Some((paths, settings)) = super::resolve_settings(&given, settings, &[])? else {
        return Ok(None);
    };
    let mut banks = super::stats::load(&paths, &settings)?;
    if banks.len() > 1 {
        let list: Vec<String> = banks
            .iter()
            .map(|b| crate::diagnostic::display_path(&b.root))
            .collect();
        return Err(super::fail(
            &format!("{} banks found; name one", banks.len()),
            Some(&format!("pass one of: {}", list.join(", "))),
        ));
    }
    Ok(Some(banks.remove(0)))
}

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    if let Some(d) = &args.templates
        && !d.is_dir()
    {
        return super::fail(
            &format!("--templates {} is not a folder", d.display()),
            Some("name a folder holding packet-candidate.md.j2 and/or packet-interviewer.md.j2"),
        );
    }
    let bank = match one_bank(args.path.as_deref(), &args.settings) {
        Ok(Some(b)) => b,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let role = match resolve_role(&bank, &args.role) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let clusters = match resolve_clusters(&bank, &args.cluster) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let exclude = match resolve_exclude(&bank, &args.exclude) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let req = Request {
        role: role.clone(),
        minutes: args.minutes,
        seed: args.seed,
        mix: args
            .difficulty_mix
            .unwrap_or_else(|| crate::packet::default_mix(&bank)),
        clusters,
        exclude,
    };
    let packet = match packet::build(&bank, &req, args.answer_space, args.templates.as_deref()) {
        Ok(p) => p,
        Err(PacketError::Shortfall(s)) => return super::fail(&s.message, Some(&s.help)),
        Err(PacketError::Template(e)) => {
            return super::fail(
                &e.to_string(),
                Some("fix the template, or remove it from --templates to use the built-in one"),
            );
        }
    };
    // The folder named with --out, or one named after the packet in dist/packets.
    let (root, folder) = match &args.out {
        Some(o) => (o.clone(), PathBuf::new()),
        None => (
            PathBuf::from("dist/packets"),
            PathBuf::from(format!(
                "{}-{role}-{}min-seed{}",
                bank.meta.slug.value, args.minutes, args.seed
            )),
        ),
    };
    let out = root.join(&folder);
    for (name, text) in packet.files() {
        if let Err(e) = crate::fsutil::write_in(&root, &folder.join(name), text.as_bytes()) {
            return super::fail_write(&e);
        }
    }
    let mut code = 0;
    let mut pdfs = Vec::new();
    if args.pdf {
        let sheets = [
            ("candidate.pdf", &packet.candidate_html, "candidate sheet"),
            (
                "interviewer.pdf",
                &packet.interviewer_html,
                "interviewer sheet",
            ),
        ];
        for (name, html, what) in sheets {
            let path = match crate::fsutil::inside(&root, &folder.join(name)) {
                Ok(p) => p,
                Err(e) => return super::fail_write(&e),
            };
            let title = format!("{} · {what}", bank.meta.title.value);
            match crate::pdf::print(html, &title, &args.print.options(), &path) {
                Ok(printed) => {
                    let warnings = crate::pdf::diagram_warnings(
                        &printed,
                        &bank.root,
                        &crate::pdf::in_bank(&bank),
                    );
                    let texts = std::collections::HashMap::new();
                    for d in &warnings {
                        anstream::eprintln!(
                            "{}\n",
                            crate::report::human::diagnostic(d, &texts, true)
                        );
                    }
                    if !warnings.is_empty() {
                        code = 1;
                    }
                    pdfs.push(name);
                }
                Err(e) => return super::pdf::report_error(&e, &path),
            }
        }
    }
    if !cli.quiet {
        let sel = &packet.selection;
        let qs: Vec<String> = sel
            .picked
            .iter()
            .map(|p| format!("Q{}", p.index + 1))
            .collect();
        let _ = writeln!(
            std::io::stdout(),
            "packet for {role}: {} questions ({} foundational, {} intermediate, {} advanced), {} of {} minutes: {}",
            sel.picked.len(),
            sel.counts[0],
            sel.counts[1],
            sel.counts[2],
            sel.total_minutes,
            args.minutes,
            qs.join(", ")
        );
        let _ = writeln!(
            std::io::stdout(),
            "wrote {} ({})",
            crate::diagnostic::display_path(&out),
            packet::FILES
                .iter()
                .chain(pdfs.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    code
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// Tab-separated Front/Back/Tags notes with Anki's file headers.
    Anki,
    /// Moodle XML essay questions, the answer as information for graders.
    Moodle,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// A folder holding one bank (default: content/).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Only questions tagged with this role.
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Output file (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(crate) fn export(args: &ExportArgs) -> u8 {
    let bank = match one_bank(args.path.as_deref(), &args.settings) {
        Ok(Some(b)) => b,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let role = match &args.role {
        Some(r) => match resolve_role(&bank, r) {
            Ok(r) => Some(r),
            Err(code) => return code,
        },
        None => None,
    };
    let questions: Vec<_> = bank
        .questions
        .iter()
        .filter(|q| {
            role.as_ref()
                .is_none_or(|r| q.roles.iter().any(|x| &x.value == r))
        })
        .collect();
    let text = match args.format {
        ExportFormat::Anki => packet::export::anki_tsv(&bank, &questions),
        ExportFormat::Moodle => packet::export::moodle_xml(&bank, &questions),
    };
    match &args.out {
        Some(path) => {
            if let Err(e) = crate::fsutil::write_named(path, text.as_bytes()) {
                return super::fail_write(&e);
            }
            eprintln!(
                "wrote {} ({} questions)",
                crate::diagnostic::display_path(path),
                questions.len()
            );
        }
        None => super::print_out(&text),
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixes_parse() {
        assert_eq!(parse_mix("1:2:2"), Ok([1, 2, 2]));
        assert_eq!(parse_mix("20/40/40"), Ok([20, 40, 40]));
        assert!(parse_mix("1:2").is_err());
        assert!(parse_mix("0:0:0").is_err());
        assert!(parse_mix("a:b:c").is_err());
    }
}
