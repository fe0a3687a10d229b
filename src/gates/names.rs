//! The names a gate answers to in a document's Validation Results: its title, its
//! kebab name and the rubric's synonyms, folded so that `**Gate 7: Cross-refs** (≥1)`
//! and `cross references` meet; used by the claims audit, rubric detection and the
//! rubric's own validation.

use crate::model::Rubric;

/// A gate name folded for matching: a leading "Gate 3:", parentheses ("(25-30)") and
/// a trailing threshold dropped, then only letters and digits, lower case.
pub(crate) fn fold(s: &str) -> String {
    static GATE_PREFIX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^\s*(?:gate\s*)?#?\s*\d+\s*[:.)\-–—]\s*").expect("valid regex")
    });
    static PARENS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[(（\[][^)）\]]*[)）\]]").expect("valid regex")
    });
    let s = GATE_PREFIX.replace(s, "");
    let s = PARENS.replace_all(&s, " ");
    let folded: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let letters = folded.trim_end_matches(|c: char| c.is_ascii_digit());
    if letters.is_empty() {
        folded
    } else {
        letters.to_owned()
    }
}

/// Every name each gate answers to under `rubric`: its title, its kebab name and the
/// rubric's synonyms, folded, with the gate's number.
pub(crate) fn gate_names(rubric: &Rubric) -> Vec<(String, u8)> {
    let mut out = Vec::new();
    for g in &rubric.gates {
        out.push((fold(&g.title), g.number));
        out.push((fold(&g.name), g.number));
        for s in g
            .synonyms
            .iter()
            .chain(rubric.gate_synonyms.get(&g.name).into_iter().flatten())
        {
            out.push((fold(s), g.number));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The gate a claims row names, by its name only (the row number a document gives its
/// own gates says nothing about this rubric's numbering): `None` when no gate of
/// `rubric` has that name, title or synonym.
pub(crate) fn match_gate(rubric: &Rubric, name: &str) -> Option<u8> {
    let n = fold(name);
    if n.is_empty() {
        return None;
    }
    gate_names(rubric)
        .into_iter()
        .find(|(k, _)| *k == n)
        .map(|(_, g)| g)
}

/// Problems with a rubric's `gate_synonyms`: an unknown gate name, or a name that two
/// gates answer to.
pub(crate) fn check_synonyms(rubric: &Rubric) -> Result<(), String> {
    for k in rubric.gate_synonyms.keys() {
        if !rubric.gates.iter().any(|g| g.name == *k) {
            let hint =
                crate::diagnostic::did_you_mean(k, rubric.gates.iter().map(|g| g.name.as_str()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
            return Err(format!("gate_synonyms names no gate `{k}`{hint}"));
        }
    }
    let names = gate_names(rubric);
    for w in names.windows(2) {
        if w[0].0 == w[1].0 && w[0].1 != w[1].1 {
            return Err(format!(
                "gate_synonyms: `{}` names both gate {} and gate {}",
                w[0].0, w[0].1, w[1].1
            ));
        }
    }
    Ok(())
}
