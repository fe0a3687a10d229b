//! The pipeline as one API: discovery → load → gates → report.
//!
//! [`run`] streams: it checks the inputs a bounded window at a time in parallel, hands
//! each bank's results to a [`Formatter`] in discovery order and drops the bank (its
//! model and file texts) as soon as the formatter returns, so memory stays flat however
//! many banks a repository holds, and the output is the same as formatting a collected
//! report. [`collect`] keeps every bank's model, for the commands that render them.

pub(crate) mod cache;
mod changed;
pub(crate) mod overlap;
mod shard;

pub use changed::Changed;
pub use shard::Shard;

use crate::codes::Code;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Location};
use crate::gates::{self, Ctx, LinkStatus};
use crate::load::{self, Input, Loaded};
use crate::model::{Bank, Day};
use crate::report::select::{self, Selection};
use crate::report::{BankReport, Formatter, Report, Texts, Totals};

/// A callback told a note about one input (its path, the note).
pub(crate) type Tell = dyn Fn(&Path, &str) + Sync;

/// What to check and how. [`Options::new`] gives the defaults of `qbank check PATH...`.
pub struct Options<'a> {
    pub paths: Vec<PathBuf>,
    /// The date recency is measured from (default: each bank's `as_of`).
    pub as_of: Option<Day>,
    /// Live link results for gate 17 (`--online`).
    pub links: Option<&'a dyn LinkStatus>,
    /// `--rubric`: a shipped rubric's name or a rubric file, replacing every input's own.
    pub rubric: Option<PathBuf>,
    /// qbank.toml's rubric: for banks that name none, and for documents.
    pub config_rubric: Option<PathBuf>,
    /// A document with neither: the shipped rubric its Validation Results name (else the
    /// built-in one).
    pub detect: bool,
    /// Told, per document, which rubric detection chose and why.
    pub on_note: Option<&'a Tell>,
    /// Leaves out banks, documents and problems at the paths qbank.toml's `exclude` names.
    pub exclude: Option<&'a crate::config::Found>,
    /// `--select`/`--ignore` and inline suppressions (none: every finding counts).
    pub selection: Option<&'a Selection>,
    /// Files named on the command line inside a bank: only their findings are kept.
    pub focus: Vec<PathBuf>,
    /// Only this share of the inputs (`--shard K/N`).
    pub shard: Option<Shard>,
    /// Reuse and store each input's results (`.qbank/results/`).
    pub cache: Option<&'a cache::ResultCache>,
    /// Keep the notes on skipped symlinks (`--verbose`).
    pub verbose: bool,
    /// With `--strict`, a WARN fails like a FAIL.
    pub strict: bool,
    /// Texts read in place of files on disk (an editor's unsaved buffers).
    pub overlay: Option<&'a load::Overlay>,
    /// Stamps each finding's fingerprint and applies the baseline (`--baseline`), bank
    /// by bank in report order.
    pub baseline: Option<&'a std::sync::Mutex<crate::report::baseline::Baseline>>,
    /// Discovery honours `.gitignore` and `.ignore` files (false with `--no-ignore`).
    pub ignore_files: bool,
    /// Only the banks and documents these changed files touch (`--changed-since`).
    pub changed: Option<&'a Changed>,
}

impl<'a> Options<'a> {
    pub fn new(paths: Vec<PathBuf>) -> Options<'a> {
        Options {
            paths,
            as_of: None,
            links: None,
            rubric: None,
            config_rubric: None,
            detect: false,
            on_note: None,
            exclude: None,
            selection: None,
            focus: Vec::new(),
            shard: None,
            cache: None,
            verbose: true,
            strict: false,
            overlay: None,
            baseline: None,
            ignore_files: true,
            changed: None,
        }
    }

    fn excluded(&self, p: &Path) -> bool {
        self.exclude.is_some_and(|f| f.excludes(p))
    }

    /// How a document's rubric is chosen.
    pub(crate) fn choice(&self) -> crate::import::RubricChoice<'_> {
        crate::import::RubricChoice {
            flag: self.rubric.as_deref(),
            config: self.config_rubric.as_deref(),
            detect: self.detect,
        }
    }
}

/// One input's results, with the texts of its files and, when asked for, its model.
pub struct Checked {
    pub report: BankReport,
    /// Its questions' sketches, for the notes across banks (when asked for).
    pub sketch: Option<overlap::BankSketch>,
    pub texts: Texts,
    pub bank: Option<Bank>,
}

/// The inputs under `opts.paths` in report order (banks, then documents, each sorted by
/// path), after `exclude`, `changed` and `shard`, and the problems not tied to one of
/// them.
pub fn inputs(opts: &Options<'_>) -> (Vec<Input>, Vec<Diagnostic>) {
    let (mut inputs, candidates, mut general) = load::discover_all(&opts.paths, opts.ignore_files);
    // A markdown file found in a folder, outside every bank, is a document when the
    // importer recognises at least two questions in it (a README or a docs page is not).
    // A document `build` or `render` wrote from a bank of this run is that bank's
    // output, not another input.
    let slugs: Vec<String> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Bank(b) => bank_slug(b),
            Input::Document(_) => None,
        })
        .collect();
    let docs: Vec<Input> = candidates
        .par_iter()
        .filter(|p| !opts.excluded(p))
        .filter(|p| rendered_slug(p).is_none_or(|s| !slugs.contains(&s)))
        .filter(|p| crate::import::import_file(p, None).recognition.questions >= 2)
        .map(|p| Input::Document(p.clone()))
        .collect();
    inputs.extend(docs);
    inputs.sort();
    inputs.dedup();
    if inputs.is_empty() && !candidates.is_empty() && !general.iter().any(Diagnostic::is_error) {
        for p in opts.paths.iter().filter(|p| p.is_dir()) {
            general.push(
                Diagnostic::error(Code::NoBanks, "no bank.yaml and no question document found here")
                    .at(Location::file(p))
                    .help("a bank is a folder with a bank.yaml (`qbank init DIR` creates one); a document is markdown in the spec's format"),
            );
        }
    }
    inputs.retain(|i| match i {
        Input::Bank(p) => !opts.excluded(p) && !opts.excluded(&p.join("bank.yaml")),
        Input::Document(p) => !opts.excluded(p),
    });
    general.retain(|d| d.location.as_ref().is_none_or(|l| !opts.excluded(&l.file)));
    if let Some(changed) = opts.changed {
        inputs.retain(|i| changed.touches(i));
    }
    if let Some(shard) = opts.shard {
        inputs = shard.take(inputs);
        if !shard.is_first() {
            // Shard 1 reports them, so the merged shards report each once.
            general.clear();
        }
    }
    (inputs, general)
}

/// The `slug:` a bank's bank.yaml gives, read without loading the bank.
fn bank_slug(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("bank.yaml")).ok()?;
    text.lines().find_map(|l| {
        let v = l.strip_prefix("slug:")?.trim().trim_matches(['"', '\'']);
        (!v.is_empty()).then(|| v.to_owned())
    })
}

/// The slug in the `<!-- qbank: {...} -->` comment qbank writes near the top of a
/// rendered document, if the file holds one.
fn rendered_slug(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_string(&mut head)
        .ok()?;
    let start = head.find("<!-- qbank: {")? + "<!-- qbank: ".len();
    let end = start + head[start..].find(" -->")?;
    let meta: serde_json::Value = serde_json::from_str(&head[start..end]).ok()?;
    meta["slug"].as_str().map(str::to_owned)
}

/// Checks every input under `opts.paths`, writing `format`'s text through `write` as it
/// goes, and returns the run's totals (their `exit_code` is the command's).
pub fn run(opts: &Options<'_>, format: &mut dyn Formatter, write: &mut dyn FnMut(&str)) -> Totals {
    let (inputs, mut general) = inputs(opts);
    if !opts.verbose {
        general.retain(|d| d.registered() != Some(Code::SkippedLink));
    }
    if let Some(sel) = opts.selection {
        select::apply_general(&mut general, sel);
    }
    let mut totals = Totals::new(opts.strict);
    totals.add_general(&general);
    let mut out = String::new();
    format.start(&mut out, &general, inputs.len());
    flush(&mut out, write);
    // A window a few times the thread count keeps every core busy while holding only
    // that many banks at once.
    let window = (rayon::current_num_threads() * 4).max(4);
    // Questions repeated across the banks of the run: each bank is compared with the
    // ones reported before it, in report order, so the note is at the later copy.
    let mut overlap = (inputs.len() > 1).then(overlap::Index::default);
    let sketch = overlap.is_some();
    for chunk in inputs.chunks(window) {
        let done: Vec<Checked> = chunk
            .par_iter()
            .map(|i| check(i, opts, false, sketch))
            .collect();
        for mut c in done {
            if let (Some(index), Some(s)) = (overlap.as_mut(), c.sketch.take()) {
                let notes = index.add(s);
                if !notes.is_empty() {
                    select::apply_late(&mut c.report, &c.texts, opts.selection, notes);
                }
            }
            if let Some(b) = opts.baseline {
                let mut b = b.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                b.apply(&mut c.report, &c.texts, &opts.focus);
            }
            totals.add_bank(&c.report);
            format.bank(&mut out, &c.report, &c.texts);
            flush(&mut out, write);
        }
    }
    format.finish(&mut out, &totals);
    flush(&mut out, write);
    totals
}

fn flush(out: &mut String, write: &mut dyn FnMut(&str)) {
    if !out.is_empty() {
        write(out);
        out.clear();
    }
}

/// Checks every input and keeps it all: each bank's results, the texts of every file,
/// and every model that loaded, with the index of its entry in `report.banks`. The
/// selection and suppressions apply as in [`run`]; `focus` and `cache` do not.
pub fn collect(opts: &Options<'_>) -> (Report, Vec<(usize, Bank)>) {
    let (inputs, general) = inputs(opts);
    let mut report = Report {
        general,
        strict: opts.strict,
        ..Report::default()
    };
    if let Some(sel) = opts.selection {
        select::apply_general(&mut report.general, sel);
    }
    let plain = Options {
        as_of: opts.as_of,
        links: opts.links,
        rubric: opts.rubric.clone(),
        config_rubric: opts.config_rubric.clone(),
        detect: opts.detect,
        on_note: opts.on_note,
        selection: opts.selection,
        overlay: opts.overlay,
        ..Options::new(Vec::new())
    };
    let checked: Vec<Checked> = inputs
        .par_iter()
        .map(|i| check(i, &plain, true, false))
        .collect();
    let mut banks = Vec::new();
    for c in checked {
        report.texts.extend(c.texts);
        if let Some(bank) = c.bank {
            banks.push((report.banks.len(), bank));
        }
        report.banks.push(c.report);
    }
    (report, banks)
}

/// The slugs two or more of `banks` share.
pub(crate) fn clashing_slugs(banks: &[(usize, Bank)]) -> Vec<String> {
    let mut slugs: Vec<&str> = banks
        .iter()
        .map(|(_, b)| b.meta.slug.value.as_str())
        .collect();
    slugs.sort_unstable();
    let mut out: Vec<String> = slugs
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].to_owned())
        .collect();
    out.dedup();
    out
}

/// A `duplicate-slug` error at the `slug:` of every bank whose slug another bank of the
/// run has too, naming the other: their outputs (dist/<slug>.md, ...) would overwrite
/// each other.
pub(crate) fn duplicate_slugs(banks: &[(usize, Bank)]) -> Vec<Diagnostic> {
    let clashing = clashing_slugs(banks);
    let at = |b: &Bank| Location::of(&b.sources, b.meta_file, b.meta.slug.pos);
    let mut out = Vec::new();
    for (_, b) in banks {
        let slug = &b.meta.slug.value;
        if !clashing.contains(slug) {
            continue;
        }
        let mut d = Diagnostic::error(
            Code::DuplicateSlug,
            format!("another bank of this run has the slug `{slug}` too; their outputs would overwrite each other"),
        )
        .at(at(b))
        .help("give one of the banks another `slug:`; no output of either is written");
        for (_, other) in banks {
            if !std::ptr::eq(other, b) && other.meta.slug.value == *slug {
                d = d.note("the other bank", Some(at(other)));
            }
        }
        out.push(d);
    }
    out
}

/// Checks one input: from the result cache when it holds a valid entry, else loaded and
/// gated (and stored); then the selection and the focus applied.
/// With `sketch`, the sketch of its questions for the notes across banks
/// ([`overlap`]) comes too.
pub(crate) fn check(input: &Input, opts: &Options<'_>, keep_bank: bool, sketch: bool) -> Checked {
    let cached = opts
        .cache
        .and_then(|c| c.lookup(input, opts.links))
        .filter(|hit| !sketch || hit.sketch.is_some());
    if let Some(hit) = cached {
        return Checked {
            report: hit.report,
            sketch: hit.sketch,
            texts: hit.texts,
            bank: None,
        };
    }
    let recorder = opts.cache.map(|_| cache::Recorder::new(opts.links));
    let links = match &recorder {
        Some(r) if r.is_online() => Some(r as &dyn LinkStatus),
        _ => opts.links,
    };
    let (mut report, texts, bank, extra) = match input {
        Input::Bank(root) => {
            let mut loaded = load::load_bank_in(root, opts.overlay);
            // `--rubric` replaces the bank's own; qbank.toml's applies to a bank that
            // names none.
            let replace = loaded.bank.as_ref().and_then(|b| {
                opts.rubric.as_deref().or(opts
                    .config_rubric
                    .as_deref()
                    .filter(|_| b.meta.rubric.is_none()))
            });
            if let Some(spec) = replace
                && let Some(bank) = loaded.bank.as_mut()
            {
                match load::load_rubric(spec.to_str(), Path::new("")) {
                    Ok(r) => bank.rubric = r,
                    Err(d) => loaded.diagnostics.push(d),
                }
            }
            let report = bank_report(&loaded, opts.as_of, links);
            let extra: Vec<PathBuf> = loaded
                .bank
                .as_ref()
                .and_then(rubric_file)
                .into_iter()
                .collect();
            (
                report,
                crate::report::texts_of(&loaded.sources),
                loaded.bank,
                extra,
            )
        }
        Input::Document(path) => {
            let text = opts.overlay.and_then(|o| o.get(path));
            let (report, sources, bank, note) =
                document_report(path, text, opts.as_of, links, &opts.choice());
            if let (Some(note), Some(tell)) = (note, opts.on_note) {
                tell(path, &note);
            }
            (report, crate::report::texts_of(&sources), bank, Vec::new())
        }
    };
    // Every location moved onto its file's text once, before any format sees it.
    crate::position::fit_all(
        report.diagnostics.iter_mut().chain(
            report
                .gates
                .iter_mut()
                .flat_map(|g| g.diagnostics.iter_mut()),
        ),
        &texts,
    );
    if let Some(sel) = opts.selection {
        let names = bank
            .as_ref()
            .map(|b| gates::names::gate_names(&b.rubric))
            .unwrap_or_default();
        select::apply_bank(&mut report, &texts, sel, &names);
    }
    if !opts.focus.is_empty() {
        focus(&mut report, &opts.focus);
    }
    // A bank that did not load is quick to read again, and its error may be passing
    // (a file being written): only loaded banks are stored.
    let sketch = if sketch {
        bank.as_ref().map(|b| {
            let label = match input {
                Input::Bank(_) => b.meta.slug.value.clone(),
                Input::Document(p) => p.display().to_string(),
            };
            overlap::sketch(b, &label)
        })
    } else {
        None
    };
    if let (Some(c), Some(r), true) = (opts.cache, recorder, report.loaded) {
        c.store(
            input,
            &texts,
            &extra,
            r.into_seen(),
            &report,
            sketch.as_ref(),
        );
    }
    Checked {
        report,
        sketch,
        texts,
        bank: if keep_bank { bank } else { None },
    }
}

/// The rubric file a bank names in `rubric:` (its results depend on its text).
pub(crate) fn rubric_file(bank: &Bank) -> Option<PathBuf> {
    let spec = bank.meta.rubric.as_ref()?.value.trim().to_owned();
    if spec == "default" {
        return None;
    }
    let meta = bank.sources.path(bank.meta_file);
    let root = meta.parent().unwrap_or(Path::new("."));
    Some(root.join(spec).components().collect())
}

/// Keeps only the findings located in `files` (canonical paths).
fn focus(report: &mut BankReport, files: &[PathBuf]) {
    let keep = |d: &Diagnostic| {
        d.location
            .as_ref()
            .is_some_and(|l| std::fs::canonicalize(&l.file).is_ok_and(|abs| files.contains(&abs)))
    };
    report.focused = true;
    report.diagnostics.retain(|d| keep(d));
    for g in &mut report.gates {
        g.diagnostics.retain(|d| keep(d));
    }
}

/// Today's date in the local time zone.
pub(crate) fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// Runs the gates on a loaded bank, measuring recency from `as_of` or the bank's date.
pub fn gate_bank(
    bank: &Bank,
    as_of: Option<Day>,
) -> (Vec<gates::GateResult>, Vec<Diagnostic>, Day) {
    gate_bank_with(bank, as_of, None)
}

/// Like [`gate_bank`], with live link results for gate 17 (`--online`).
pub(crate) fn gate_bank_with(
    bank: &Bank,
    as_of: Option<Day>,
    links: Option<&dyn LinkStatus>,
) -> (Vec<gates::GateResult>, Vec<Diagnostic>, Day) {
    let mut notes = Vec::new();
    let date = match as_of {
        Some(d) => d,
        None => {
            let d = bank.meta.as_of.value;
            let months = bank.rubric.as_of_warn_months;
            let limit = today()
                .checked_sub(jiff::Span::new().months(i64::from(months)))
                .unwrap_or(jiff::civil::Date::MIN);
            if d.0 < limit {
                notes.push(
                    Diagnostic::warning(Code::StaleAsOf, format!("the bank's as_of date {d} is more than {months} months old; recency is measured from it"))
                        .at(Location::of(&bank.sources, bank.meta_file, bank.meta.as_of.pos))
                        .help("review the references and update `as_of`, or pin a date with --as-of"),
                );
            }
            d
        }
    };
    notes.extend(gates::sources::diagnostics(bank, today()));
    if let Some(l) = links {
        notes.extend(crate::links::cite::diagnostics(bank, &|doi| {
            l.citation(doi)
        }));
        notes.extend(crate::links::release::diagnostics(bank, &|key| {
            l.release(key)
        }));
    }
    let mut ctx = Ctx::new(bank, date.0, links);
    let (broken, found) = gates::diagrams::check(&ctx);
    notes.extend(found);
    ctx.broken_diagrams = broken;
    (gates::run(&ctx), notes, date)
}

/// Imports a markdown document (`text` when given, else the file's), gates it and
/// audits its own Validation Results claims.
fn document_report(
    path: &Path,
    text: Option<&std::sync::Arc<str>>,
    as_of: Option<Day>,
    links: Option<&dyn LinkStatus>,
    choice: &crate::import::RubricChoice<'_>,
) -> (
    BankReport,
    crate::model::Sources,
    Option<Bank>,
    Option<String>,
) {
    let imported = match text {
        Some(t) => crate::import::import_str_with(path, t, choice),
        None => crate::import::import_file_with(path, choice),
    };
    let mut diagnostics = imported.diagnostics.clone();
    let mut claims = imported.claims.clone();
    let mut report = BankReport {
        path: path.to_path_buf(),
        slug: None,
        title: None,
        loaded: imported.bank.is_some(),
        as_of: None,
        gates: Vec::new(),
        diagnostics: Vec::new(),
        claims: Vec::new(),
        waived: Vec::new(),
        suppressed: 0,
        baselined: 0,
        focused: false,
        import: Some(imported.recognition.clone()),
    };
    if let Some(b) = &imported.bank {
        let (gates, notes, date) = gate_bank_with(b, as_of, links);
        diagnostics.extend(notes);
        diagnostics.extend(crate::import::claims::audit(&mut claims, &gates, path));
        report.slug = Some(b.meta.slug.value.clone());
        report.title = Some(b.meta.title.value.clone());
        report.as_of = Some(date.to_string());
        report.gates = gates;
    }
    crate::diagnostic::sort(&mut diagnostics);
    report.diagnostics = diagnostics;
    report.claims = claims;
    (
        report,
        imported.sources,
        imported.bank,
        imported.rubric_note,
    )
}

fn bank_report(loaded: &Loaded, as_of: Option<Day>, links: Option<&dyn LinkStatus>) -> BankReport {
    let mut diagnostics = loaded.diagnostics.clone();
    let (slug, title, gates, date) = match &loaded.bank {
        Some(b) => {
            let (gates, notes, date) = gate_bank_with(b, as_of, links);
            diagnostics.extend(notes);
            (
                Some(b.meta.slug.value.clone()),
                Some(b.meta.title.value.clone()),
                gates,
                Some(date.to_string()),
            )
        }
        None => (None, None, Vec::new(), None),
    };
    BankReport {
        path: loaded.root.clone(),
        slug,
        title,
        loaded: loaded.bank.is_some(),
        as_of: date,
        gates,
        diagnostics,
        claims: Vec::new(),
        waived: Vec::new(),
        suppressed: 0,
        baselined: 0,
        focused: false,
        import: None,
    }
}

/// Every bank and document model under the options' paths (a document through the
/// importer, under the rubric the options choose), unchecked: what `stats` and `packet`
/// work from.
pub(crate) struct Models {
    pub banks: Vec<crate::model::Bank>,
    /// Load problems (a document's errors only: its import notes are not problems).
    pub diagnostics: Vec<Diagnostic>,
    pub texts: std::collections::HashMap<std::path::PathBuf, std::sync::Arc<str>>,
    /// An input failed to load.
    pub failed: bool,
}

/// Loads the models of [`Models`].
pub(crate) fn load_models(opts: &Options<'_>) -> Models {
    let (inputs, general) = inputs(opts);
    let mut m = Models {
        failed: general.iter().any(Diagnostic::is_error),
        banks: Vec::new(),
        diagnostics: general,
        texts: std::collections::HashMap::new(),
    };
    for input in &inputs {
        let (bank, diagnostics) = match input {
            Input::Bank(root) => {
                let loaded = crate::load::load_bank(root);
                for f in loaded.sources.iter() {
                    m.texts.insert(f.path.clone(), f.text.clone());
                }
                (loaded.bank, loaded.diagnostics)
            }
            Input::Document(p) => {
                let imported = crate::import::import_file_with(p, &opts.choice());
                for f in imported.sources.iter() {
                    m.texts.insert(f.path.clone(), f.text.clone());
                }
                let errors = imported
                    .diagnostics
                    .into_iter()
                    .filter(Diagnostic::is_error);
                (imported.bank, errors.collect())
            }
        };
        m.diagnostics.extend(diagnostics);
        match bank {
            Some(b) => m.banks.push(b),
            None => m.failed = true,
        }
    }
    m
}
