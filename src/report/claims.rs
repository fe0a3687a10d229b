//! The document's claims beside the measurement: the validation table with a Claimed
//! column (terminal and markdown) and the audit's summary line. The claims themselves
//! are read and audited by the importer (`import::claims`).

use crate::gates::GateResult;
use crate::import::Claim;

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
pub(crate) fn summary(claims: &[Claim]) -> String {
    let contradicted = claims.iter().filter(|c| c.contradicted).count();
    let unmeasured: Vec<String> = claims
        .iter()
        .filter(|c| c.measured.is_none())
        .map(|c| format!("`{}` (line {})", c.name, c.line))
        .collect();
    let mut s = format!(
        "Claims: {contradicted} of {} claims in the document's Validation Results contradicted by measurement",
        claims.len()
    );
    if !unmeasured.is_empty() {
        s.push_str(&format!(
            "; {} not measured, no gate of this rubric has that name: {}",
            unmeasured.len(),
            unmeasured.join(", ")
        ));
    }
    s.push('.');
    s
}

/// Table rows for the claims no gate measured: the name as written, "not measured".
fn unmeasured_rows(claims: &[Claim]) -> Vec<[String; 6]> {
    claims
        .iter()
        .filter(|c| c.measured.is_none())
        .map(|c| {
            [
                "-".to_owned(),
                c.name.clone(),
                "-".to_owned(),
                "not measured".to_owned(),
                c.claimed
                    .map_or_else(|| c.status_text.clone(), |s| s.as_str().to_owned()),
                format!("no gate of this rubric has this name (line {})", c.line),
            ]
        })
        .collect()
}

/// The validation table with a Claimed column, aligned for a terminal.
pub(crate) fn human_table(gates: &[GateResult], claims: &[Claim]) -> String {
    let head = ["#", "Gate", "Requirement", "Status", "Claimed", "Evidence"];
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
        .chain(unmeasured_rows(claims))
        .collect();
    let w = crate::table::column_widths(&head, &rows);
    let mut out = crate::table::padded_row(&head.map(str::to_owned), &w);
    out.push('\n');
    out.push_str(&crate::table::separator(&w));
    out.push('\n');
    for r in &rows {
        out.push_str(&crate::table::padded_row(r, &w));
        out.push('\n');
    }
    out
}

/// The spec's table with a Claimed column, for `--format markdown`.
pub(crate) fn markdown_table(gates: &[GateResult], claims: &[Claim]) -> String {
    use crate::table::cell;
    let mut out = String::from(
        "| # | Gate | Requirement | Status | Claimed | Evidence |\n|---|------|-------------|--------|---------|----------|\n",
    );
    for g in gates {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            g.number,
            cell(&g.title),
            cell(&g.requirement),
            g.status.as_str(),
            cell(&claimed_cell(claims, g.number)),
            cell(&g.evidence)
        ));
    }
    for r in unmeasured_rows(claims) {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::Status;

    #[test]
    fn a_claim_no_gate_measured_is_a_row_of_its_own() {
        let claim = |gate: Option<u8>, name: &str, line: u32, contradicted: bool| Claim {
            gate,
            name: name.to_owned(),
            status_text: "PASS".to_owned(),
            claimed: Some(Status::Pass),
            evidence: String::new(),
            line,
            measured: gate.map(|_| Status::Fail),
            contradicted,
        };
        let claims = vec![
            claim(Some(1), "Quantity", 3, true),
            claim(None, "Word counts", 4, false),
        ];
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
        let table = markdown_table(&gates, &claims);
        assert!(
            table.contains(
                "| 1 | Quantity | 25-30 | FAIL | PASS ✗ contradicted (line 3) | 3 questions |"
            ),
            "{table}"
        );
        assert!(
            table.contains("| - | Word counts | - | not measured | PASS |"),
            "{table}"
        );
        let s = summary(&claims);
        assert!(s.starts_with("Claims: 1 of 2 claims"), "{s}");
        assert!(s.contains("1 not measured"), "{s}");
        assert_eq!(human_table(&gates, &claims).lines().count(), 4);
    }
}
