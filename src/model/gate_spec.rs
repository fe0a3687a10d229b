//! The rubric's gate list: each gate's number, name, title, synonyms and requirement, and
//! the measure it uses with that measure's thresholds (a serde enum tagged by `measure`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The rubrics shipped in the binary, by name: `--rubric performance-minimal`.
pub const SHIPPED_RUBRICS: [(&str, &str); 3] = [
    (
        "performance-engineering",
        super::rubric::DEFAULT_RUBRIC_YAML,
    ),
    (
        "performance-minimal",
        include_str!("../../rubrics/performance-minimal.yaml"),
    ),
    (
        "quality-engineering",
        include_str!("../../rubrics/quality-engineering.yaml"),
    ),
];

/// One gate of a rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GateSpec {
    /// The number reported (`#` column, SARIF rule, JUnit case); unique in the rubric.
    pub number: u8,
    /// Kebab name, unique in the rubric: `decision-criticality`.
    pub name: String,
    /// The name a document's Validation Results gives it: `Decision Criticality`.
    pub title: String,
    /// Other names a document's Validation Results may give the gate (claims audit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    /// The requirement as reported. Absent: the built-in measure's own wording, with the
    /// rubric's thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// What the gate measures, and its thresholds.
    #[serde(flatten)]
    pub measure: Measure,
}

/// A measure: one of the spec's built-in gates (its thresholds are the rubric's sections,
/// such as `quantity:` or `citations:`), or a generic measure with its thresholds here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "measure", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Measure {
    /// Gate 1 of the spec: question count within `quantity`.
    Quantity,
    /// Gate 3: difficulty shares within `difficulty`.
    Difficulty,
    /// Gate 4: every answer carries the `chain`.
    PerformanceChain,
    /// Gate 5: a parsing practical block of `practical_lines`.
    PracticalElements,
    /// Gate 6: citation shares of `citations`.
    Citations,
    /// Gate 7: every `[Ref: ID]` resolves.
    CrossRefs,
    /// Gate 8: trade-offs and alternatives (`tradeoffs`).
    Tradeoffs,
    /// Gate 9: risks with mitigations for advanced questions.
    RiskMitigation,
    /// Gate 10: key insights with a numeric improvement (`impact_patterns`).
    QuantifiedImpact,
    /// Gate 15: source and tool recency (`recency`).
    Recency,
    /// Gate 16: source type diversity (`diversity`).
    Diversity,
    /// Gate 17: persistent, well-formed links.
    LinkAccessibility,
    /// Gate 18: every `methods` entry covered.
    PerformanceMethods,
    /// Gate 19: acronyms defined in the glossary.
    Clarity,
    /// Gate 20: the spec's self-review checks.
    SelfReview,
    /// Coverage of the rubric's axes. Without `axis`: the two axes crossed, every cell
    /// covered (the spec's gate 2 matrix). With `axis`: that axis alone, by the number of
    /// values covered and each value's share of questions.
    Coverage(Coverage),
    /// Complete entries of each listed reference kind (all declared kinds when empty)
    /// reach the kind's `min` in `references` (the spec's gates 11-14, "Reference Floors").
    ReferenceFloors(ReferenceFloors),
    /// Every question's text matches at least `min` of the lexicons, in at least
    /// `min_share` of the questions.
    LexiconMatch(LexiconMatch),
    /// The share of questions whose `field` holds one of `values` (or, with no values,
    /// is filled) is at least `min_share`, and their count at least `min_count`.
    FieldShare(FieldShare),
    /// At least `min_share` of the answers have `min`-`max` words of prose.
    WordCount(WordCount),
    /// Every listed measure must pass; the evidence joins theirs.
    AllOf(AllOf),
    /// A requirement no machine can measure: always SKIP, with the reason as evidence.
    Skip(Skip),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// `dimensions`, `phases` or `roles`; absent: dimensions x phases crossed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axis: Option<CoverageAxis>,
    /// Distinct values of the axis that at least one question covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_values: Option<u32>,
    /// Each listed value (its id) is covered by at least this share of questions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shares: BTreeMap<String, f64>,
}

/// The axis a coverage measure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageAxis {
    Dimensions,
    Phases,
    Roles,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceFloors {
    /// Prefixes of declared kinds (`[G, T]`); empty: every kind in `references`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LexiconMatch {
    /// Which text is read (default: the whole prose of the question).
    #[serde(default)]
    pub field: TextField,
    pub lexicons: Vec<Lexicon>,
    /// Lexicons each question must match.
    pub min: u32,
    /// Share of questions that must match (default 1: every question).
    #[serde(default = "one")]
    pub min_share: f64,
}

/// A named list of phrases, matched case-insensitively at the start of a word, and of
/// regular expressions (case-insensitive). It matches when at least `min_distinct` of
/// its phrases and patterns occur.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// Distinct phrases or patterns that must occur (default 1); `2` for "affects ≥2 roles".
    #[serde(default = "one_u32")]
    pub min_distinct: u32,
}

fn one_u32() -> u32 {
    1
}

/// The prose a lexicon measure reads (code, inline code and URLs never count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TextField {
    /// Every prose field: title, key insight, answer, metrics, trade-offs, ...
    #[default]
    Question,
    Answer,
    KeyInsight,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldShare {
    pub field: QuestionField,
    /// Accepted values (ids or titles, case-insensitive); empty: any filled field counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u32>,
}

/// A field of a question, as the model holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionField {
    Difficulty,
    Dimensions,
    Phases,
    Roles,
    Methods,
    Cluster,
    KeyInsight,
    Practical,
    Diagram,
    Metrics,
    Tradeoffs,
    Alternatives,
    Risks,
    Validation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WordCount {
    pub min: u32,
    pub max: u32,
    #[serde(default = "one")]
    pub min_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllOf {
    pub of: Vec<Measure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skip {
    /// Why a machine cannot measure it; reported as the evidence.
    pub reason: String,
}

fn one() -> f64 {
    1.0
}

/// The built-in measure that is one of the spec's gates, by the gate's kebab name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltIn(pub &'static str);

impl Measure {
    /// The measure's name as written after `measure:`.
    pub fn name(&self) -> &'static str {
        match self {
            Measure::Quantity => "quantity",
            Measure::Difficulty => "difficulty",
            Measure::PerformanceChain => "performance-chain",
            Measure::PracticalElements => "practical-elements",
            Measure::Citations => "citations",
            Measure::CrossRefs => "cross-refs",
            Measure::Tradeoffs => "tradeoffs",
            Measure::RiskMitigation => "risk-mitigation",
            Measure::QuantifiedImpact => "quantified-impact",
            Measure::Recency => "recency",
            Measure::Diversity => "diversity",
            Measure::LinkAccessibility => "link-accessibility",
            Measure::PerformanceMethods => "performance-methods",
            Measure::Clarity => "clarity",
            Measure::SelfReview => "self-review",
            Measure::Coverage(_) => "coverage",
            Measure::ReferenceFloors(_) => "reference-floors",
            Measure::LexiconMatch(_) => "lexicon-match",
            Measure::FieldShare(_) => "field-share",
            Measure::WordCount(_) => "word-count",
            Measure::AllOf(_) => "all-of",
            Measure::Skip(_) => "skip",
        }
    }

    /// The spec gate whose Rust function this measure is, when it is one.
    pub fn built_in(&self) -> Option<BuiltIn> {
        match self {
            Measure::Coverage(Coverage { axis: None, .. }) => Some(BuiltIn("mece-coverage")),
            Measure::ReferenceFloors(f) if f.kinds.len() == 1 => match f.kinds[0].as_str() {
                "G" => Some(BuiltIn("glossary-min")),
                "T" => Some(BuiltIn("tools-min")),
                "L" => Some(BuiltIn("literature-min")),
                "A" => Some(BuiltIn("citations-min")),
                _ => None,
            },
            Measure::Coverage(_)
            | Measure::ReferenceFloors(_)
            | Measure::LexiconMatch(_)
            | Measure::FieldShare(_)
            | Measure::WordCount(_)
            | Measure::AllOf(_)
            | Measure::Skip(_) => None,
            m => Some(BuiltIn(m.name())),
        }
    }
}
