//! The document's own "Validation Results" table: what it claims per gate, matched to
//! the gates and compared with what was measured.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Location};
use crate::gates::{ALL, GateResult, Status};

/// One row of the document's claims table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// The gate the row was matched to (by its `#` cell or its name), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<u8>,
    /// The gate or check name as the document wrote it.
    pub name: String,
    /// The status cell as written (`PASS`, `✅ PASS`, ...).
    pub status_text: String,
    /// The status it claims, when recognisable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<Status>,
    /// The evidence cell as written.
    pub evidence: String,
    /// 1-based line of the row in the document.
    pub line: u32,
    /// What qbank measured for the matched gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Status>,
    /// The claim disagrees with the measurement (a SKIP measurement contradicts nothing).
    pub contradicted: bool,
}

/// The status a cell claims: PASS, WARN, FAIL, SKIP, or their emoji.
pub fn parse_status(s: &str) -> Option<Status> {
    let u = s.to_uppercase();
    if u.contains("FAIL") || s.contains('❌') || s.contains('✗') {
        Some(Status::Fail)
    } else if u.contains("WARN") || s.contains('⚠') || u.contains("PARTIAL") {
        Some(Status::Warn)
    } else if u.contains("PASS") || s.contains('✅') || s.contains('✓') || u == "OK" {
        Some(Status::Pass)
    } else if u.contains("SKIP") || u.contains("N/A") {
        Some(Status::Skip)
    } else {
        None
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The gate a claim names: by number, by title or kebab name, or by a few synonyms.
pub fn match_gate(number: &str, name: &str) -> Option<u8> {
    if let Ok(n) = number.trim().trim_start_matches('#').parse::<u8>()
        && (1..=20).contains(&n)
    {
        return Some(n);
    }
    let n = norm(name);
    if n.is_empty() {
        return None;
    }
    if let Some(g) = ALL.iter().find(|g| norm(g.title) == n || norm(g.name) == n) {
        return Some(g.number);
    }
    const SYNONYMS: [(&str, u8); 23] = [
        ("quantity", 1),
        ("questioncount", 1),
        ("citationcoverage", 6),
        ("mece", 2),
        ("coverage", 2),
        ("difficulty", 3),
        ("chain", 4),
        ("practical", 5),
        ("citation", 6),
        ("crossref", 7),
        ("tradeoff", 8),
        ("risk", 9),
        ("keyinsight", 10),
        ("impact", 10),
        ("glossary", 11),
        ("tool", 12),
        ("literature", 13),
        ("language", 14),
        ("recency", 15),
        ("diversity", 16),
        ("link", 17),
        ("method", 18),
        ("clarity", 19),
    ];
    SYNONYMS
        .iter()
        .find(|(k, _)| n.contains(k))
        .map(|(_, g)| *g)
        .or_else(|| n.contains("selfreview").then_some(20))
}

/// Fills in `measured` and `contradicted` from the gate results; returns a warning per
/// contradicted claim, at the claim's line.
pub fn audit(
    claims: &mut [Claim],
    gates: &[GateResult],
    file: &std::path::Path,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in claims.iter_mut() {
        let Some(g) = c.gate.and_then(|n| gates.iter().find(|g| g.number == n)) else {
            continue;
        };
        c.measured = Some(g.status);
        c.contradicted = match c.claimed {
            Some(claimed) => g.status != Status::Skip && claimed != g.status,
            None => false,
        };
        if c.contradicted {
            let claimed = c.claimed.map_or("?", Status::as_str);
            let mut d = Diagnostic::warning(
                "contradicted-claim",
                format!(
                    "the document claims {claimed} for gate {} {} but qbank measured {}",
                    g.number,
                    g.title,
                    g.status.as_str()
                ),
            )
            .at(Location::at(file, c.line, 1))
            .help(format!(
                "measured: {}; correct the claims table or fix the content (`qbank explain {}`)",
                g.evidence, g.name
            ));
            d.gate = Some(g.number);
            out.push(d);
        }
    }
    out
}

/// What the document claimed for gate `n`, as shown in the Claimed column.
fn claimed_cell(claims: &[Claim], n: u8) -> String {
    let rows: Vec<&Claim> = claims.iter().filter(|c| c.gate == Some(n)).collect();
    if rows.is_empty() {
        return "-".to_owned();
    }
    rows.iter()
        .map(|c| {
            let st = c
                .claimed
                .map_or_else(|| c.status_text.clone(), |s| s.as_str().to_owned());
            if c.contradicted {
                format!("{st} ✗ contradicted (line {})", c.line)
            } else {
                st
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The summary of the audit: how many claims were contradicted.
pub fn summary(claims: &[Claim]) -> String {
    let matched = claims.iter().filter(|c| c.gate.is_some()).count();
    let contradicted = claims.iter().filter(|c| c.contradicted).count();
    let unmatched = claims.len() - matched;
    let mut s = format!(
        "Claims: {contradicted} of {} claims in the document's Validation Results contradicted by measurement",
        claims.len()
    );
    if unmatched > 0 {
        s.push_str(&format!(" ({unmatched} not matched to a gate)"));
    }
    s.push('.');
    s
}

/// The validation table with a Claimed column, aligned for a terminal.
pub fn human_table(gates: &[GateResult], claims: &[Claim]) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let width = |s: &str| s.graphemes(true).count();
    let head = ["#", "Gate", "Requirement", "Status", "Claimed", "Evidence"].map(str::to_owned);
    let rows: Vec<[String; 6]> = gates
        .iter()
        .map(|g| {
            [
                g.number.to_string(),
                g.title.to_owned(),
                g.requirement.clone(),
                g.status.as_str().to_owned(),
                claimed_cell(claims, g.number),
                g.evidence.clone(),
            ]
        })
        .collect();
    let mut w = head.clone().map(|h| width(&h));
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    let line = |cells: &[String; 6]| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c}{}", " ".repeat(w[i].saturating_sub(width(c)))))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(&head);
    out.push_str(&format!(
        "|{}|\n",
        w.iter()
            .map(|n| "-".repeat(n + 2))
            .collect::<Vec<_>>()
            .join("|")
    ));
    for r in &rows {
        out.push_str(&line(r));
    }
    out
}

/// The spec's table with a Claimed column, for `--format markdown`.
pub fn markdown_table(gates: &[GateResult], claims: &[Claim]) -> String {
    use crate::report::table::cell;
    let mut out = String::from(
        "| # | Gate | Requirement | Status | Claimed | Evidence |\n|---|------|-------------|--------|---------|----------|\n",
    );
    for g in gates {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            g.number,
            cell(g.title),
            cell(&g.requirement),
            g.status.as_str(),
            cell(&claimed_cell(claims, g.number)),
            cell(&g.evidence)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_by_number_name_and_synonym() {
        assert_eq!(match_gate("7", ""), Some(7));
        assert_eq!(match_gate("", "Cross-refs"), Some(7));
        assert_eq!(match_gate("", "Links"), Some(17));
        assert_eq!(match_gate("", "Self-Review"), Some(20));
        assert_eq!(match_gate("", "Word counts"), None);
        assert_eq!(parse_status("✅ PASS"), Some(Status::Pass));
        assert_eq!(parse_status("FAIL"), Some(Status::Fail));
    }
}
