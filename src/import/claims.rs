//! The document's own "Validation Results" table: what it claims per gate, matched to
//! the gates and compared with what was measured.

use crate::codes::Code;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Location};
use crate::gates::{GateResult, Status};

/// One row of the document's claims table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The gate the row was matched to by its name, if any; none means "not measured".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<u8>,
    /// The gate or check name as the document wrote it.
    pub name: String,
    /// The status cell as written (`PASS`, `✅ PASS`, ...).
    pub status_text: String,
    /// The status it claims, when recognisable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed: Option<Status>,
    /// The evidence cell as written.
    pub evidence: String,
    /// 1-based line of the row in the document.
    pub line: u32,
    /// What qbank measured for the matched gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Status>,
    /// The claim disagrees with the measurement (a SKIP measurement contradicts nothing).
    pub contradicted: bool,
}

/// The status a cell claims: PASS, WARN, FAIL, SKIP, or their emoji.
pub(crate) fn parse_status(s: &str) -> Option<Status> {
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

/// Fills in `measured` and `contradicted` from the gate results; returns a warning per
/// contradicted claim, at the claim's line.
pub(crate) fn audit(
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
                Code::ContradictedClaim,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::names::{check_synonyms, match_gate};
    use crate::model::Rubric;

    #[test]
    fn matches_by_name_and_synonym_never_by_number() {
        let r = Rubric::default_rubric();
        assert_eq!(match_gate(&r, "Cross-refs"), Some(7));
        assert_eq!(match_gate(&r, "cross references"), Some(7));
        assert_eq!(match_gate(&r, "XREFS"), Some(7));
        assert_eq!(match_gate(&r, "Links"), Some(17));
        assert_eq!(match_gate(&r, "Self-Review"), Some(20));
        assert_eq!(match_gate(&r, "**Quantity** (25-30)"), Some(1));
        assert_eq!(match_gate(&r, "Q&A count"), Some(1));
        assert_eq!(match_gate(&r, "Gate 2: MECE"), Some(2));
        assert_eq!(match_gate(&r, "Coverage"), Some(2));
        assert_eq!(match_gate(&r, "Citations Min ≥20"), Some(14));
        assert_eq!(match_gate(&r, "Citations"), Some(6));
        // A number alone, or a name no gate has, is not a gate.
        assert_eq!(match_gate(&r, "2"), None);
        assert_eq!(match_gate(&r, "Word counts"), None);
        assert_eq!(match_gate(&r, "Citation style"), None);
        assert_eq!(parse_status("✅ PASS"), Some(Status::Pass));
        assert_eq!(parse_status("FAIL"), Some(Status::Fail));
    }

    #[test]
    fn synonyms_name_known_gates_once() {
        let mut r = Rubric::default_rubric();
        assert_eq!(check_synonyms(&r), Ok(()));
        r.gate_synonyms
            .insert("clarty".to_owned(), vec!["Acronym check".to_owned()]);
        assert!(
            check_synonyms(&r)
                .unwrap_err()
                .contains("did you mean `clarity`")
        );
        r.gate_synonyms.remove("clarty");
        r.gate_synonyms
            .insert("recency".to_owned(), vec!["MECE".to_owned()]);
        assert!(
            check_synonyms(&r)
                .unwrap_err()
                .contains("names both gate 2 and gate 15")
        );
    }

    #[test]
    fn a_row_without_a_gate_is_not_measured_never_contradicted() {
        let r = Rubric::default_rubric();
        let claim = |name: &str, line: u32| Claim {
            gate: match_gate(&r, name),
            name: name.to_owned(),
            status_text: "PASS".to_owned(),
            claimed: Some(Status::Pass),
            evidence: String::new(),
            line,
            measured: None,
            contradicted: false,
        };
        let mut claims = vec![claim("Quantity", 3), claim("Word counts", 4)];
        let gates = vec![GateResult {
            number: 1,
            name: "quantity".to_owned(),
            title: "Quantity".to_owned(),
            requirement: "25-30".to_owned(),
            status: Status::Fail,
            evidence: "3 questions".to_owned(),
            diagnostics: Vec::new(),
            waived: None,
        }];
        let d = audit(&mut claims, &gates, std::path::Path::new("doc.md"));
        assert_eq!(d.len(), 1);
        assert!(claims[0].contradicted);
        assert!(!claims[1].contradicted);
        assert_eq!(claims[1].measured, None);
    }
}
