//! Checks that need the whole bank: unique IDs across files, clusters that exist,
//! matrix values, roles and methods that the rubric knows.

use crate::codes::Code;
use std::collections::HashMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Location, did_you_mean, one_of};
use crate::model::{Bank, FileId, Pos, Rubric, Sp};
use crate::text;

/// Duplicate ids involving question files that did not parse (`broken`: their ids,
/// read leniently): the checks of [`bank`] see only the files that parsed.
pub(crate) fn broken_duplicates(
    questions: &[crate::model::Question],
    broken: &[(FileId, crate::model::Sp<String>)],
    src: &crate::model::Sources,
) -> Vec<Diagnostic> {
    let at = |file: FileId, pos: Pos| Location::of(src, file, pos);
    let mut seen: Vec<(&str, FileId, Pos)> = questions
        .iter()
        .map(|q| (q.id.value.as_str(), q.file, q.id.pos))
        .collect();
    let mut out = Vec::new();
    for (file, id) in broken {
        if let Some((_, f, p)) = seen.iter().find(|(v, _, _)| *v == id.value) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("question id `{}` is used twice", id.value),
                )
                .at(at(*file, id.pos).with_len(id.value.len()))
                .note("also used here", Some(at(*f, *p)))
                .help("question ids must be unique in a bank; rename one of them"),
            );
        }
        seen.push((id.value.as_str(), *file, id.pos));
    }
    out
}

pub(crate) fn bank(bank: &Bank) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let src = &bank.sources;
    let at = |file: FileId, pos: Pos| Location::of(src, file, pos);

    // Names that become part of file names: safe on every system.
    safe_name(
        &mut diags,
        "slug",
        &bank.meta.slug,
        at(bank.meta_file, bank.meta.slug.pos),
    );
    for c in &bank.meta.clusters {
        safe_name(
            &mut diags,
            "cluster id",
            &c.id,
            at(bank.meta_file, c.id.pos),
        );
    }
    for q in &bank.questions {
        safe_name(&mut diags, "question id", &q.id, at(q.file, q.id.pos));
    }

    // Clusters declared once each.
    let mut clusters: HashMap<&str, Pos> = HashMap::new();
    for c in &bank.meta.clusters {
        if let Some(first) = clusters.insert(&c.id.value, c.id.pos) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("cluster `{}` is declared twice", c.id.value),
                )
                .at(at(bank.meta_file, c.id.pos).with_len(c.id.value.len()))
                .note("first declared here", Some(at(bank.meta_file, first)))
                .help("give each cluster its own id"),
            );
        }
    }
    let cluster_ids: Vec<&str> = bank
        .meta
        .clusters
        .iter()
        .map(|c| c.id.value.as_str())
        .collect();
    let r = &bank.rubric;
    let dims = r.dimensions.ids();
    let phases = r.phases.ids();
    let roles: Vec<&str> = r.roles.iter().map(|x| x.id.as_str()).collect();
    let methods: Vec<&str> = r.methods.iter().map(|x| x.id.as_str()).collect();

    let mut question_ids: HashMap<&str, (FileId, Pos)> = HashMap::new();
    for q in &bank.questions {
        if let Some((f, p)) = question_ids.insert(&q.id.value, (q.file, q.id.pos)) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("question id `{}` is used twice", q.id.value),
                )
                .at(at(q.file, q.id.pos).with_len(q.id.value.len()))
                .note("first used here", Some(at(f, p)))
                .help("question ids must be unique in a bank; rename one of them"),
            );
        }
        if !cluster_ids.contains(&q.cluster.value.as_str()) {
            let mut d = Diagnostic::error(
                Code::UnknownCluster,
                format!("unknown cluster `{}`", q.cluster.value),
            )
            .at(at(q.file, q.cluster.pos).with_len(q.cluster.value.len()));
            d = match did_you_mean(&q.cluster.value, cluster_ids.iter().copied()) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? bank.yaml declares {}",
                    one_of(&cluster_ids)
                )),
                None => d.help(format!(
                    "bank.yaml declares {}; add the cluster there or use one of them",
                    one_of(&cluster_ids)
                )),
            };
            diags.push(d);
        }
        let label_dim = r.dimensions.label.to_lowercase();
        let label_phase = r.phases.label.to_lowercase();
        check_values(&mut diags, &q.dimensions, &dims, &label_dim, q.file, bank);
        check_values(&mut diags, &q.phases, &phases, &label_phase, q.file, bank);
        check_values(&mut diags, &q.roles, &roles, "role", q.file, bank);
        check_values(&mut diags, &q.methods, &methods, "method", q.file, bank);
        if q.dimensions.is_empty() || q.phases.is_empty() {
            let which = if q.dimensions.is_empty() {
                "dimensions"
            } else {
                "phases"
            };
            diags.push(
                Diagnostic::error(Code::InvalidValue, format!("`{which}` is empty"))
                    .at(at(q.file, q.id.pos))
                    .help("name at least one value so the question has a place in the coverage matrix"),
            );
        }
    }

    // Reference IDs: the right prefix, each once.
    let mut ref_ids: HashMap<String, (FileId, Pos)> = HashMap::new();
    type IdList<'a> = Vec<(&'a Sp<String>, FileId)>;
    let lists: [(&str, char, IdList<'_>); 4] = [
        (
            "glossary",
            'G',
            bank.glossary.iter().map(|e| (&e.id, e.file)).collect(),
        ),
        (
            "tools",
            'T',
            bank.tools.iter().map(|e| (&e.id, e.file)).collect(),
        ),
        (
            "literature",
            'L',
            bank.literature.iter().map(|e| (&e.id, e.file)).collect(),
        ),
        (
            "citations",
            'A',
            bank.citations.iter().map(|e| (&e.id, e.file)).collect(),
        ),
    ];
    for (list, prefix, ids) in lists {
        for (id, file) in ids {
            let v = id.value.as_str();
            let well_formed = v.len() > 1
                && v.starts_with(prefix)
                && v[1..].bytes().all(|b| b.is_ascii_digit())
                && !v[1..].starts_with('0');
            if !well_formed {
                diags.push(
                    Diagnostic::error(Code::InvalidId, format!("`{v}` is not a {list} id"))
                        .at(at(file, id.pos).with_len(v.len()))
                        .help(format!(
                            "{list} ids are {prefix}1, {prefix}2, {prefix}3, ..."
                        )),
                );
                continue;
            }
            if let Some((f, p)) = ref_ids.insert(v.to_owned(), (file, id.pos)) {
                diags.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("reference id `{v}` is defined twice"),
                    )
                    .at(at(file, id.pos).with_len(v.len()))
                    .note("first defined here", Some(at(f, p)))
                    .help("renumber one of the entries and update the [Ref: ...] that cite it"),
                );
            }
        }
    }
    diags
}

/// An error unless `name` is a safe name (see [`text::is_safe_name`]).
fn safe_name(diags: &mut Vec<Diagnostic>, what: &str, name: &Sp<String>, at: Location) {
    let v = name.value.as_str();
    if text::is_safe_name(v) {
        return;
    }
    diags.push(
        Diagnostic::error(Code::InvalidId, format!("{what} `{v}` is not a safe name"))
            .at(at.with_len(v.len()))
            .help(text::safe_name_help(what, v)),
    );
}

fn check_values(
    diags: &mut Vec<Diagnostic>,
    values: &[Sp<String>],
    allowed: &[&str],
    what: &str,
    file: FileId,
    bank: &Bank,
) {
    for v in values {
        if !allowed.contains(&v.value.as_str()) {
            let mut d =
                Diagnostic::error(Code::InvalidValue, format!("unknown {what} `{}`", v.value))
                    .at(Location::of(&bank.sources, file, v.pos).with_len(v.value.len()));
            d = match did_you_mean(&v.value, allowed.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`? expected {}", one_of(allowed))),
                None => d.help(format!(
                    "expected {} (from the rubric `{}`)",
                    one_of(allowed),
                    bank.rubric.name
                )),
            };
            diags.push(d);
        }
    }
}

/// A custom rubric must be usable: its regexes compile and its shares make sense.
pub(crate) fn rubric(path: &Path, r: &Rubric) -> Result<(), Diagnostic> {
    for pattern in r.impact_patterns.iter().chain(&r.recall_patterns) {
        if let Err(e) = regex::Regex::new(pattern) {
            return Err(Diagnostic::error(
                Code::InvalidValue,
                format!("invalid regular expression `{pattern}`: {e}"),
            )
            .at(Location::file(path)));
        }
    }
    let sum = r.difficulty.foundational + r.difficulty.intermediate + r.difficulty.advanced;
    if (sum - 1.0).abs() > 0.01 {
        return Err(Diagnostic::error(
            Code::InvalidValue,
            format!("difficulty shares add up to {sum:.2}, not 1"),
        )
        .at(Location::file(path))
        .help("write the shares as fractions, e.g. 0.2, 0.4, 0.4"));
    }
    if let Err(e) = check_gates(r) {
        let at = gate_named(&e)
            .and_then(|g| gate_location(path, g))
            .unwrap_or_else(|| Location::file(path));
        return Err(Diagnostic::error(Code::InvalidValue, e)
            .at(at)
            .help("`qbank gates --markdown` lists every measure and its thresholds"));
    }
    if let Err(e) = crate::gates::names::check_synonyms(r) {
        return Err(Diagnostic::error(Code::InvalidValue, e)
            .at(Location::file(path))
            .help("key `gate_synonyms` by gate kebab names (`qbank gates` lists them) and give each name to one gate"));
    }
    if r.dimensions.values.is_empty() || r.phases.values.is_empty() {
        return Err(Diagnostic::error(
            Code::InvalidValue,
            "a rubric needs at least one dimension and one phase",
        )
        .at(Location::file(path)));
    }
    Ok(())
}

/// The gate a [`check_gates`] message is about: its first `` `name` ``.
fn gate_named(message: &str) -> Option<&str> {
    let rest = message.split_once('`')?.1;
    Some(rest.split_once('`')?.0)
}

/// Where gate `name` is declared in the rubric file: its `name:` key under `gates:`, in
/// block or flow style (the parsed rubric keeps no positions; names are unique in the
/// list, so the first declaration is the one meant).
fn gate_location(path: &Path, name: &str) -> Option<Location> {
    let text = std::fs::read_to_string(path).ok()?;
    let key = regex::Regex::new(&format!(
        r#"(?:^|[\s{{,])(name:\s*["']?{}["']?)\s*(?:[,}}#]|$)"#,
        regex::escape(name)
    ))
    .ok()?;
    let mut in_gates = false;
    for (i, line) in text.lines().enumerate() {
        if !line.is_empty() && !line.starts_with([' ', '-', '#']) {
            in_gates = line.trim_end().starts_with("gates:");
            continue;
        }
        if let Some(m) = key
            .captures(line)
            .filter(|_| in_gates)
            .and_then(|c| c.get(1))
        {
            let col = line[..m.start()].chars().count() + 1;
            return Some(Location::at(path, i as u32 + 1, col as u32));
        }
    }
    None
}

/// Problems with a rubric's gate list: a duplicate number or name, a measure without the
/// threshold it needs, an undeclared reference kind or an invalid pattern.
fn check_gates(r: &Rubric) -> Result<(), String> {
    use crate::model::Measure;
    if r.gates.is_empty() {
        return Err("the rubric lists no gates".to_owned());
    }
    for (i, g) in r.gates.iter().enumerate() {
        if let Some(o) = r.gates[..i]
            .iter()
            .find(|o| o.number == g.number || o.name == g.name)
        {
            return Err(format!(
                "gates `{}` and `{}` share a number or a name",
                g.name, o.name
            ));
        }
    }
    fn measure(g: &str, m: &Measure, r: &Rubric) -> Result<(), String> {
        match m {
            Measure::Coverage(c) => {
                if c.axis.is_some() && c.min_values.is_none() && c.shares.is_empty() {
                    return Err(format!(
                        "gate `{g}`: coverage of one axis needs `min_values` or `shares`"
                    ));
                }
                let ids: Vec<&str> = match c.axis {
                    Some(crate::model::CoverageAxis::Phases) => r.phases.ids(),
                    Some(crate::model::CoverageAxis::Roles) => {
                        r.roles.iter().map(|x| x.id.as_str()).collect()
                    }
                    _ => r.dimensions.ids(),
                };
                if let Some(k) = c.shares.keys().find(|k| !ids.contains(&k.as_str())) {
                    return Err(format!(
                        "gate `{g}`: `shares` names no value `{k}` of the axis"
                    ));
                }
            }
            Measure::ReferenceFloors(f) => {
                if let Some(k) = f.kinds.iter().find(|k| r.references.kind(k).is_none()) {
                    return Err(format!(
                        "gate `{g}`: reference kind `{k}` is not declared under `references`"
                    ));
                }
            }
            Measure::LexiconMatch(l) => {
                if l.lexicons.is_empty() || l.min as usize > l.lexicons.len() {
                    return Err(format!(
                        "gate `{g}`: lexicon-match needs at least `min` ({}) lexicons",
                        l.min
                    ));
                }
                for x in &l.lexicons {
                    if x.words.is_empty() && x.patterns.is_empty() {
                        return Err(format!(
                            "gate `{g}`: lexicon `{}` has no words or patterns",
                            x.name
                        ));
                    }
                    for p in &x.patterns {
                        if let Err(e) = regex::Regex::new(p) {
                            return Err(format!(
                                "gate `{g}`: invalid regular expression `{p}`: {e}"
                            ));
                        }
                    }
                }
            }
            Measure::FieldShare(f) if f.min_share.is_none() && f.min_count.is_none() => {
                return Err(format!(
                    "gate `{g}`: field-share needs `min_share` or `min_count`"
                ));
            }
            Measure::AllOf(a) => {
                for x in &a.of {
                    measure(g, x, r)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    for g in &r.gates {
        measure(&g.name, &g.measure, r)?;
    }
    let mut prefixes: Vec<&str> = r.references.iter().map(|k| k.prefix.as_str()).collect();
    prefixes.sort_unstable();
    if prefixes.windows(2).any(|w| w[0] == w[1]) {
        return Err("two reference kinds share a prefix".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod gate_list_tests {
    use super::*;

    #[test]
    fn a_gate_list_problem_points_at_the_gate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rubric.yaml");
        let text = crate::model::DEFAULT_RUBRIC_YAML.replace(
            "  - {number: 3, name: difficulty,",
            "  - {number: 2, name: difficulty,",
        );
        assert_ne!(text, crate::model::DEFAULT_RUBRIC_YAML);
        std::fs::write(&path, &text).unwrap();
        let r: Rubric = crate::load::parse_str(&path, &text, "a rubric").unwrap();
        let d = rubric(&path, &r).unwrap_err();
        assert!(d.message.contains("`difficulty`"), "{}", d.message);
        let at = d.location.unwrap();
        let line = text
            .lines()
            .position(|l| l.contains("name: difficulty,"))
            .unwrap();
        assert_eq!((at.line, at.col), (line as u32 + 1, 17), "{at:?}");
        // Block style too.
        std::fs::write(&path, "gates:\n  - number: 1\n    name: \"quantity\"\n").unwrap();
        let at = gate_location(&path, "quantity").unwrap();
        assert_eq!((at.line, at.col), (3, 5));
        assert!(gate_location(&path, "quant").is_none());
    }
}
