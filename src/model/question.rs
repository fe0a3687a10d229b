//! One interview question, as written in `questions/**/<id>.yaml`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalar::Text;
use super::span::{FileId, Sp};

/// How hard a question is; the rubric sets the target share of each level.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Foundational,
    Intermediate,
    Advanced,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [
        Difficulty::Foundational,
        Difficulty::Intermediate,
        Difficulty::Advanced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Foundational => "foundational",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }

    /// Title case, as the rendered document writes it.
    pub fn title(self) -> &'static str {
        match self {
            Difficulty::Foundational => "Foundational",
            Difficulty::Intermediate => "Intermediate",
            Difficulty::Advanced => "Advanced",
        }
    }

    pub fn parse(s: &str) -> Option<Difficulty> {
        let s = s.trim().to_ascii_lowercase();
        Difficulty::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// A scenario-based interview question with its answer and supporting material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable kebab-case slug, unique in the bank. Q numbers are assigned at render time.
    pub id: Sp<String>,
    /// The id of a cluster declared in bank.yaml.
    pub cluster: Sp<String>,
    /// The question itself: a production scenario with a concrete SLO and scale.
    pub title: Sp<String>,
    pub difficulty: Sp<Difficulty>,
    /// One or more values of the rubric's first matrix axis (default: Dimension).
    pub dimensions: Vec<Sp<String>>,
    /// One or more values of the rubric's second matrix axis (default: Phase).
    pub phases: Vec<Sp<String>>,
    /// Stakeholder roles from the rubric; used to choose interview packets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Sp<String>>,
    /// Methods from the rubric (gate 18); they are also detected from the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Sp<String>>,
    /// One sentence with a quantified improvement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_insight: Option<Sp<String>>,
    /// Markdown, 150-300 words, carrying the whole performance chain.
    pub answer: Sp<String>,
    /// Code, configuration, scripts or commands (5-30 lines each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub practical: Vec<Practical>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagram: Option<Diagram>,
    /// Rows of the metrics table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    /// Trade-offs, with when to use and when to avoid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tradeoffs: Option<Sp<String>>,
    /// Alternative approaches with their cost and benefit (>= 2 for advanced questions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    /// Risks, each with its mitigation (>= 1 for advanced questions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<Risk>,
    /// How the result is validated, with success criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Sp<String>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub file: FileId,
}

/// A block of code or configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Practical {
    /// Fence language: yaml, javascript, sql, bash, promql, ...
    pub lang: Sp<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    pub code: Sp<String>,
}

/// A mermaid diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagram {
    pub kind: Sp<DiagramKind>,
    pub mermaid: Sp<String>,
}

/// What a diagram shows (the spec's visual standards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DiagramKind {
    Sequence,
    Flowchart,
    CacheFlow,
    PerformanceCurve,
    DependencyGraph,
    AlertFlow,
    Dashboard,
    State,
    Other,
}

/// One row of the metrics table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub metric: Sp<String>,
    #[serde(default)]
    pub formula: Sp<String>,
    /// Cells may be written as text (`350 ms`) or as a bare number.
    #[serde(default)]
    #[schemars(with = "Text")]
    pub baseline: Sp<String>,
    #[serde(default)]
    #[schemars(with = "Text")]
    pub optimized: Sp<String>,
    #[serde(default)]
    #[schemars(with = "Text")]
    pub improvement: Sp<String>,
    #[serde(default)]
    pub rationale: Sp<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    pub name: Sp<String>,
    pub text: Sp<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub risk: Sp<String>,
    /// How the risk is contained; every risk needs one (gate 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<Sp<String>>,
}
