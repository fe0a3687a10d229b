//! The rubric: the matrix axes, roles, methods, thresholds and lexicons that the
//! gates measure against. The built-in one is the seed spec; a bank may name its own.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::question::Difficulty;
use super::refs::SourceType;

/// The built-in rubric, as shipped (and printed by `qbank rubric --default`).
pub const DEFAULT_RUBRIC_YAML: &str = include_str!("default_rubric.yaml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// First matrix axis; questions name its values under `dimensions`.
    pub dimensions: Axis,
    /// Second matrix axis; questions name its values under `phases`.
    pub phases: Axis,
    pub roles: Vec<Named>,
    pub methods: Vec<Method>,
    pub clusters: ClusterRules,
    pub quantity: Quantity,
    pub difficulty: DifficultyMix,
    /// The performance chain every answer must carry (gate 4): its steps in order and
    /// the prose each step needs. A bare list of steps is accepted too.
    pub chain: Chain,
    pub answer_words: Range,
    pub practical_lines: Range,
    pub citations: CitationRules,
    pub tradeoffs: TradeoffRules,
    /// What never counts as content (every gate): TODO words, the Output Format's slots.
    #[serde(default)]
    pub placeholders: Placeholders,
    /// Gate 17: hosts of Wayback-style archives (`/web/<timestamp>/<url>`). A URL there
    /// is persistent only with a full 14-digit snapshot timestamp.
    #[serde(default = "default_archive_hosts")]
    pub archive_hosts: Vec<String>,
    /// Gate 2: how many matrix cells one question may count in.
    #[serde(default)]
    pub matrix: MatrixRules,
    /// Checking a DOI's entry against its registry (`--online`, `qbank links`).
    #[serde(default)]
    pub verify: VerifyRules,
    /// The arithmetic check: which gate owns its findings, the tolerance beyond a
    /// figure's written precision, and the words it reads.
    #[serde(default)]
    pub arithmetic: Arithmetic,
    /// The reference kinds (G/T/L/A by default): prefix, name, the fields a complete
    /// entry needs, the minimum count and the section headings the importer knows.
    /// The older form, a map of the four minimums, is read too.
    #[schemars(with = "ReferencesForm")]
    pub references: References,
    pub languages: LanguageMix,
    pub recency: Recency,
    pub diversity: Diversity,
    /// Regular expressions (case-insensitive); a key insight matching one holds a
    /// numeric improvement (gate 10).
    pub impact_patterns: Vec<String>,
    /// Regular expressions (case-insensitive) for a figure with its unit: what the SLO,
    /// Measure and Impact steps of the chain must hold (gate 4). Empty: `impact_patterns`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figure_patterns: Vec<String>,
    /// Words of change (stems, case-insensitive, at a word start); a key insight needs one
    /// besides a figure, so "keeps p99 under 100 ms" (a target) is not an improvement.
    pub impact_words: Vec<String>,
    /// Vague words that need a number in the same sentence (gate 20).
    pub vague_terms: Vec<String>,
    /// Acronyms that need no glossary entry (gate 19).
    pub common_acronyms: Vec<String>,
    /// Regular expressions (case-insensitive) for recall questions such as "What is X?".
    pub recall_patterns: Vec<String>,
    /// Normalised title similarity (0-1) at or above which two titles are near-identical.
    pub duplicate_title_similarity: f64,
    /// TF-IDF cosine (0-1) of two questions' scenario and answer at or above which they
    /// are near-duplicates by content (gate 20).
    #[serde(default = "default_duplicate_content_similarity")]
    pub duplicate_content_similarity: f64,
    /// Estimated Jaccard similarity (0-1) of two questions' content terms (scenario and
    /// answer) at or above which a question repeating one of another bank of the same
    /// `check` run gets a `cross-bank-duplicate` note.
    #[serde(default = "default_cross_bank_similarity")]
    pub cross_bank_similarity: f64,
    /// Warn when the bank's as_of date is older than this many months.
    pub as_of_warn_months: u32,
    /// Other names a document's own Validation Results may give a gate, by the gate's
    /// kebab name (`mece-coverage: [MECE, Coverage]`). A claims row is matched to a gate
    /// by its name (the gate's title, kebab name or one of these, with case, spaces and
    /// punctuation folded), never by its row number.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gate_synonyms: BTreeMap<String, Vec<String>>,
    /// The gates, in the order reported: each names the measure it uses and that
    /// measure's thresholds. Absent: the spec's twenty (the built-in rubric's list).
    #[serde(default = "default_gates")]
    pub gates: Vec<super::gate_spec::GateSpec>,
    /// What the generation prompt (`qbank prompt`) says besides the figures above: the
    /// scope, standards, patterns, visual standards and the output template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
}

/// The generation prompt's text: everything the spec says that is not a threshold.
/// Every figure that a gate measures comes from the rubric's other fields, so a custom
/// rubric's prompt states its own thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// The prompt's heading: `Performance Engineering Interview Generator`.
    pub title: String,
    /// What the questions test, completing "Generate N-M interview Q&A pairs testing ...".
    pub subject: String,
    /// The Context & Scope lines.
    pub scope: GeneratorScope,
    /// Answer format besides the word range: `[Ref: ID], Mermaid diagrams, ...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_format: Option<String>,
    /// What every cluster must hold (`≥1 diagram`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_cluster: Vec<String>,
    /// Quality standards, each a bold name and its rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quality_standards: Vec<Labelled>,
    /// Analysis types: the diagram each needs and its formula and target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visual_standards: Vec<VisualStandard>,
    /// Proven optimisation patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<Pattern>,
    /// Question design principles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub question_design: Vec<Labelled>,
    /// Good and poor question examples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<QuestionExample>,
    /// The mandatory Q&A elements, in order; `{practical_lines}`, `{advanced_min}`,
    /// `{advanced_min_alternatives}` and `{chain}` are replaced by the rubric's figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mandatory_elements: Vec<Labelled>,
    /// What each reference kind lists and must include.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<ReferenceGuidance>,
    /// The workflow steps, each a title and its labelled lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workflow: Vec<WorkflowStep>,
    /// The Output Format: the markdown document the answer must follow.
    pub output_template: String,
    /// A worked example question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
}

/// The Context & Scope lines of the prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct GeneratorScope {
    pub domain: String,
    pub audience: String,
    pub constraints: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumptions: Option<String>,
    pub in_scope: String,
    pub out_of_scope: String,
}

/// A bold label and its text: `**Clarity**: Glossary-defined terms ...`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    pub name: String,
    pub text: String,
}

/// A row of the visual standards table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisualStandard {
    pub analysis: String,
    pub diagram: String,
    pub formula: String,
    pub when: String,
}

/// A row of the optimisation patterns table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub name: String,
    pub context: String,
    pub advantage: String,
    pub cost: String,
    pub tradeoffs: String,
    pub gains: String,
    pub risk: String,
}

/// A good question and the poor one it replaces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionExample {
    pub good: String,
    pub poor: String,
}

/// What each reference kind lists (`examples`) and what an entry includes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceGuidance {
    pub glossary: ReferenceKind,
    pub tools: ReferenceKind,
    pub literature: ReferenceKind,
    pub citations: ReferenceKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceKind {
    pub examples: String,
    pub include: String,
}

/// One workflow step: `Step 1: Plan Topics` and its labelled lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    pub title: String,
    pub lines: Vec<Labelled>,
}

/// One axis of the coverage matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// How the document names the axis: `Dimension`, `Phase`, `Type`, ...
    pub label: String,
    pub values: Vec<Named>,
}

impl Axis {
    pub fn ids(&self) -> Vec<&str> {
        self.values.iter().map(|v| v.id.as_str()).collect()
    }

    pub fn title(&self, id: &str) -> String {
        self.values
            .iter()
            .find(|v| v.id == id)
            .map_or_else(|| id.to_owned(), |v| v.title.clone())
    }

    /// The id whose id or title matches `text` case-insensitively.
    pub fn find(&self, text: &str) -> Option<&str> {
        let t = text.trim();
        self.values
            .iter()
            .find(|v| v.id.eq_ignore_ascii_case(t) || v.title.eq_ignore_ascii_case(t))
            .map(|v| v.id.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    /// Methods that work on this value (the generation prompt's dimension table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<String>,
    /// Key metrics of this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<String>,
    /// Targets for this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<String>,
}

/// A performance method (gate 18) with the words that show a question covers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub id: String,
    pub title: String,
    /// Case-insensitive phrases matched at the start of a word ("profil" matches "profiling").
    pub lexicon: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterRules {
    /// The clusters the spec suggests, used by `init` and the importer.
    pub suggested: Vec<Named>,
    pub min: u32,
    pub max: u32,
    pub min_questions: u32,
    pub max_questions: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    pub min: u32,
    pub max: u32,
    /// Above this many questions the reference minimums scale by `scale_factor`.
    pub scale_above: u32,
    pub scale_factor: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DifficultyMix {
    /// Target share of each level, as fractions that add up to 1.
    pub foundational: f64,
    pub intermediate: f64,
    pub advanced: f64,
    /// Allowed distance from each target share, in percentage points.
    pub tolerance_points: f64,
    /// Interview minutes a question of each level takes (packets).
    pub minutes: Minutes,
}

impl DifficultyMix {
    pub fn share(&self, d: Difficulty) -> f64 {
        match d {
            Difficulty::Foundational => self.foundational,
            Difficulty::Intermediate => self.intermediate,
            Difficulty::Advanced => self.advanced,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Minutes {
    pub foundational: u32,
    pub intermediate: u32,
    pub advanced: u32,
}

impl Minutes {
    pub fn of(&self, d: Difficulty) -> u32 {
        match d {
            Difficulty::Foundational => self.foundational,
            Difficulty::Intermediate => self.intermediate,
            Difficulty::Advanced => self.advanced,
        }
    }
}

/// One step of the performance chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChainStep {
    pub id: String,
    /// The bold label that always counts (`**SLO**`).
    pub label: String,
    /// Other bold labels that locate the step (`**Analysis**` for Bottleneck), matched
    /// at a word start like the lexicon.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Case-insensitive phrases matched at the start of a word: a sentence holding one
    /// is the step when no label locates it.
    pub lexicon: Vec<String>,
    /// The step's text must hold a figure with a unit (`figure_patterns`), or, when
    /// `methods` is given, one of those named methods.
    #[serde(default)]
    pub requires_number: bool,
    /// Named methods that stand for a figure (`EXPLAIN`, `flame graph`, `canary`): what
    /// was measured or how it is validated may be named instead of quantified.
    #[serde(default)]
    pub methods: Vec<String>,
    /// Other fields of a question that may hold the step when the answer does not
    /// (`validation`: the spec's Validation element is the chain's Validate step).
    #[serde(default)]
    pub fields: Vec<String>,
    /// The step's text must state a change: from→to, or a % / x with a word of change
    /// (`impact_words`).
    #[serde(default)]
    pub requires_change: bool,
}

/// A matrix cell: (dimension index, phase index).
pub type Cell = (usize, usize);

/// The chain of gate 4: its steps, and the prose a step needs to count.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// Words of prose (label, code and reference marks not counted) each step needs:
    /// default 1, so a label with nothing after it is not a step; what a step must hold
    /// is judged by its content (a figure, a method, a change), not by its length.
    #[serde(default = "default_chain_words")]
    pub min_words: u32,
    pub steps: Vec<ChainStep>,
}

fn default_cross_bank_similarity() -> f64 {
    Rubric::default_shared().cross_bank_similarity
}

fn default_duplicate_content_similarity() -> f64 {
    Rubric::default_shared().duplicate_content_similarity
}

fn default_archive_hosts() -> Vec<String> {
    Rubric::default_shared().archive_hosts.clone()
}

fn default_gates() -> Vec<super::gate_spec::GateSpec> {
    Rubric::default_shared().gates.clone()
}

fn default_chain_words() -> u32 {
    1
}

impl std::ops::Deref for Chain {
    type Target = Vec<ChainStep>;
    fn deref(&self) -> &Vec<ChainStep> {
        &self.steps
    }
}

impl<'de> Deserialize<'de> for Chain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Chain, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            #[serde(default = "default_chain_words")]
            min_words: u32,
            steps: Vec<ChainStep>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Full(Full),
            Steps(Vec<ChainStep>),
        }
        Ok(match Form::deserialize(d)? {
            Form::Full(f) => Chain {
                min_words: f.min_words,
                steps: f.steps,
            },
            Form::Steps(steps) => Chain {
                min_words: default_chain_words(),
                steps,
            },
        })
    }
}

/// Placeholder text: it satisfies no requirement of any gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Placeholders {
    /// Words that mark unfinished text, matched as whole words. All-capital entries
    /// (`TODO`) match only in capitals; others (`lorem ipsum`) in any case.
    pub words: Vec<String>,
    /// Slots of the Output Format, written as the text inside the brackets
    /// (`Metric` for `[Metric]`), case-insensitive. An entry ending in `*` matches any
    /// bracket that starts with it (`One sentence*` for `[One sentence: ...]`).
    pub slots: Vec<String>,
    /// Values that are legitimate in a metrics cell without a figure (`N/A`, `—`).
    pub values: Vec<String>,
}

impl Default for Placeholders {
    fn default() -> Placeholders {
        Rubric::default_shared().placeholders.clone()
    }
}

/// Gate 2's rule for questions that name several dimensions or phases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatrixRules {
    /// A question counts in at most this many cells, its (dimension, phase) pairs taken
    /// dimension-major in the order written.
    pub max_cells_per_question: u32,
}

impl Default for MatrixRules {
    fn default() -> MatrixRules {
        MatrixRules {
            max_cells_per_question: 2,
        }
    }
}

/// The arithmetic check (docs/gates.md, "Arithmetic"): stated changes, worked equations,
/// percentile order and shares, checked against the figures they are computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Arithmetic {
    /// Whether the check runs.
    pub enabled: bool,
    /// The gate whose result a finding counts against (default 20, Self-Review).
    pub gate: u8,
    /// The gate for findings in a key insight or the answer's Impact step (default 10).
    pub impact_gate: u8,
    /// `error` (the default: the owning gate fails) or `warning` (it warns).
    pub severity: FindingLevel,
    /// Relative slack beyond the written precision (0.005: half a percent of the value).
    pub tolerance: f64,
    /// Relative slack for a figure marked approximate (`~`, `≈`, `about`).
    pub approx_tolerance: f64,
    /// Words (stems, at a word start) that state a decrease next to a change.
    pub lower_words: Vec<String>,
    /// Words that state an increase next to a change.
    pub higher_words: Vec<String>,
    /// Metric names (stems) whose percentage cannot exceed 100%.
    pub share_words: Vec<String>,
}

/// How a rubric's own check reports what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FindingLevel {
    Error,
    Warning,
}

impl Default for Arithmetic {
    fn default() -> Arithmetic {
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect();
        Arithmetic {
            enabled: true,
            gate: 20,
            impact_gate: 10,
            severity: FindingLevel::Error,
            tolerance: 0.005,
            approx_tolerance: 0.05,
            lower_words: words(&[
                "lower", "less", "fewer", "reduc", "cut", "decreas", "drop", "down", "smaller",
                "shorter", "saving", "saved", "off", "↓", "降低", "减少", "下降", "缩短",
            ]),
            higher_words: words(&[
                "higher", "more", "increas", "up", "rais", "gain", "growth", "larger", "longer",
                "↑", "提升", "提高", "增加", "增长",
            ]),
            share_words: words(&[
                "hit rate",
                "hit ratio",
                "miss rate",
                "error rate",
                "availability",
                "share",
                "success rate",
                "percentage of",
                "share of",
                "命中率",
                "错误率",
                "可用性",
                "占比",
                "成功率",
            ]),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub min: u32,
    pub max: u32,
}

/// How an entry with a DOI is compared with what the DOI's registry holds (docs/verify.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct VerifyRules {
    /// Normalised title similarity (0-1) below which the entry's title is not the
    /// registered one.
    pub title_similarity: f64,
    /// Years the entry's year may differ from the registered one (online-first dates).
    pub year_tolerance: u32,
}

impl Default for VerifyRules {
    fn default() -> Self {
        VerifyRules {
            title_similarity: 0.8,
            year_tolerance: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CitationRules {
    /// Share of questions that must cite at least one distinct reference.
    pub min_share_one: f64,
    /// Share of questions that must cite at least two.
    pub min_share_two: f64,
    /// Distinct references an advanced question should cite (a warning below it).
    pub advanced_min: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TradeoffRules {
    pub advanced_min_alternatives: u32,
    pub advanced_min_risks: u32,
    /// The difficulties whose questions must flag `advanced_min_risks` mitigated risks
    /// (default: advanced only; the default rubric adds intermediate, whose answers make
    /// production changes too: the spec's Risk/Mitigation is one of the Q&A elements
    /// marked "All Required").
    #[serde(default = "TradeoffRules::default_risk_difficulties")]
    pub risk_difficulties: Vec<Difficulty>,
    /// Phrases of containment: a risk written without a separate mitigation counts as
    /// mitigated when its own text holds one ("rollback", "canary", "mitigate").
    #[serde(default = "TradeoffRules::default_mitigation")]
    pub mitigation: Vec<String>,
    /// Phrases that name what is traded ("vs", "at the cost of"); trade-offs need one.
    #[serde(default = "TradeoffRules::default_traded")]
    pub traded: Vec<String>,
    /// Phrases that say when to use or avoid the approach; trade-offs need one.
    #[serde(default = "TradeoffRules::default_when")]
    pub when: Vec<String>,
    /// Words of a choice (whole words: "use", "prefer", "right choice", "option"): a
    /// sentence with one and a word of `condition` says when to use or avoid.
    #[serde(default = "TradeoffRules::default_choice")]
    pub choice: Vec<String>,
    /// Words of a condition (whole words: "when", "if", "for", "unless").
    #[serde(default = "TradeoffRules::default_condition")]
    pub condition: Vec<String>,
    /// Phrases of cost or benefit; an alternative needs one, or a figure.
    #[serde(default = "TradeoffRules::default_cost_benefit")]
    pub cost_benefit: Vec<String>,
    /// Words of prose trade-offs need.
    #[serde(default = "TradeoffRules::default_min_words")]
    pub min_words: u32,
    /// Words of prose an alternative's text and a mitigation need.
    #[serde(default = "TradeoffRules::default_entry_words")]
    pub entry_min_words: u32,
}

impl TradeoffRules {
    fn defaults() -> TradeoffRules {
        Rubric::default_shared().tradeoffs.clone()
    }
    fn default_traded() -> Vec<String> {
        TradeoffRules::defaults().traded
    }
    fn default_when() -> Vec<String> {
        TradeoffRules::defaults().when
    }
    fn default_risk_difficulties() -> Vec<Difficulty> {
        vec![Difficulty::Advanced]
    }
    fn default_mitigation() -> Vec<String> {
        TradeoffRules::defaults().mitigation
    }
    fn default_choice() -> Vec<String> {
        TradeoffRules::defaults().choice
    }
    fn default_condition() -> Vec<String> {
        TradeoffRules::defaults().condition
    }
    fn default_cost_benefit() -> Vec<String> {
        TradeoffRules::defaults().cost_benefit
    }
    fn default_min_words() -> u32 {
        1
    }
    fn default_entry_words() -> u32 {
        1
    }
}

/// The older form of `references`: the minimums of the four built-in kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceMinimums {
    pub glossary: u32,
    pub tools: u32,
    pub literature: u32,
    pub citations: u32,
}

/// One reference kind: `G` (Glossary), `C` (Cases), ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefKind {
    /// The ID prefix, one or more capital letters: `G` for `G1`, `[Ref: G1]`.
    pub prefix: String,
    /// Kebab name: `glossary`, `cases`.
    pub name: String,
    /// How a document heads its section: `Glossary`.
    pub title: String,
    /// Complete entries required (scaled by `quantity.scale_factor` above
    /// `quantity.scale_above` questions).
    pub min: u32,
    /// What a complete entry needs, as the document's own words (`definition`, `URL`):
    /// the built-in kinds G/T/L/A check their typed fields; another kind's entry is
    /// complete when its text names or holds each of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Section headings (case-insensitive, matched at the start of the heading's text)
    /// that hold this kind's entries: `Glossary`, `Terms`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<String>,
}

/// The rubric's reference kinds, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct References(pub Vec<RefKind>);

/// How `references` may be written: the list of kinds, or the older map of minimums.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ReferencesForm {
    Kinds(Vec<RefKind>),
    Minimums(ReferenceMinimums),
}

impl<'de> Deserialize<'de> for References {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<References, D::Error> {
        Ok(match ReferencesForm::deserialize(d)? {
            ReferencesForm::Kinds(k) => References(k),
            ReferencesForm::Minimums(m) => {
                let mut kinds = Rubric::default_shared().references.0.clone();
                for k in &mut kinds {
                    k.min = match k.prefix.as_str() {
                        "G" => m.glossary,
                        "T" => m.tools,
                        "L" => m.literature,
                        _ => m.citations,
                    };
                }
                References(kinds)
            }
        })
    }
}

impl References {
    /// The kind with this prefix (`G`).
    pub fn kind(&self, prefix: &str) -> Option<&RefKind> {
        self.0.iter().find(|k| k.prefix == prefix)
    }

    /// The minimum of the kind with this prefix; 0 when the rubric does not declare it.
    pub fn min(&self, prefix: &str) -> u32 {
        self.kind(prefix).map_or(0, |k| k.min)
    }

    /// Glossary minimum (`G`).
    pub fn glossary(&self) -> u32 {
        self.min("G")
    }

    /// Tools minimum (`T`).
    pub fn tools(&self) -> u32 {
        self.min("T")
    }

    /// Literature minimum (`L`).
    pub fn literature(&self) -> u32 {
        self.min("L")
    }

    /// Citations minimum (`A`).
    pub fn citations(&self) -> u32 {
        self.min("A")
    }

    /// The kind of a reference ID (`C3` -> cases): the longest declared prefix followed
    /// by digits only.
    pub fn kind_of_id(&self, id: &str) -> Option<&RefKind> {
        self.0
            .iter()
            .filter(|k| {
                id.strip_prefix(k.prefix.as_str())
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .max_by_key(|k| k.prefix.len())
    }

    pub fn iter(&self) -> std::slice::Iter<'_, RefKind> {
        self.0.iter()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageMix {
    /// Target shares of citation languages; `other` collects every unnamed language.
    pub targets: Vec<LanguageShare>,
    pub tolerance_points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageShare {
    pub lang: String,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recency {
    /// A source is recent when published within this many years before as_of.
    pub years: u32,
    /// Share of literature + citations that must be recent.
    pub min_share: f64,
    /// Share of tools (by last_update) that must be recent.
    pub tools_min_share: f64,
    /// Source types that count as benchmarks.
    pub benchmark_types: Vec<SourceType>,
    pub benchmarks_min_share: f64,
    /// A tool whose last_update is older than this many months is a warning.
    pub tool_warn_months: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diversity {
    pub min_types: u32,
    /// No source type may exceed this share of literature + citations.
    pub max_share: f64,
}

impl Rubric {
    pub fn default_rubric() -> Rubric {
        Rubric::default_shared().as_ref().clone()
    }

    /// The built-in rubric, parsed once per process and shared by every bank that uses it.
    pub fn default_shared() -> std::sync::Arc<Rubric> {
        static DEFAULT: std::sync::LazyLock<std::sync::Arc<Rubric>> =
            std::sync::LazyLock::new(|| {
                std::sync::Arc::new(
                    serde_saphyr::from_str(DEFAULT_RUBRIC_YAML)
                        .expect("the built-in rubric parses"),
                )
            });
        DEFAULT.clone()
    }

    /// The matrix cells (dimension index, phase index) a question with these dimensions and
    /// phases counts in, and the pairs beyond `matrix.max_cells_per_question` that it does
    /// not: pairs are taken dimension-major in the order written, unknown values skipped.
    pub fn cells<S: AsRef<str>>(&self, dimensions: &[S], phases: &[S]) -> (Vec<Cell>, Vec<Cell>) {
        let max = self.matrix.max_cells_per_question.max(1) as usize;
        let dims = self.dimensions.ids();
        let ph = self.phases.ids();
        let mut counted = Vec::new();
        let mut extra = Vec::new();
        for d in dimensions {
            let Some(i) = dims.iter().position(|x| *x == d.as_ref()) else {
                continue;
            };
            for p in phases {
                let Some(j) = ph.iter().position(|x| *x == p.as_ref()) else {
                    continue;
                };
                if counted.contains(&(i, j)) || extra.contains(&(i, j)) {
                    continue;
                }
                if counted.len() < max {
                    counted.push((i, j));
                } else {
                    extra.push((i, j));
                }
            }
        }
        (counted, extra)
    }

    /// The question count above which reference minimums scale.
    pub fn scaled_minimum(&self, base: u32, questions: usize) -> u32 {
        if questions > self.quantity.scale_above as usize {
            (f64::from(base) * self.quantity.scale_factor - 1e-9).ceil() as u32
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rubric_parses_and_matches_the_seed() {
        let r = Rubric::default_rubric();
        assert_eq!(
            r.dimensions.ids(),
            ["latency", "throughput", "scalability", "resources"]
        );
        assert_eq!(
            r.phases.ids(),
            ["measure", "analyze", "optimize", "validate"]
        );
        assert_eq!(r.roles.len(), 6);
        assert_eq!(r.methods.len(), 6);
        assert_eq!(r.clusters.suggested.len(), 6);
        assert_eq!(r.chain.len(), 6);
        assert_eq!((r.quantity.min, r.quantity.max), (25, 30));
        assert_eq!(r.references.citations(), 20);
        assert_eq!(r.gates.len(), 20);
    }

    #[test]
    fn shipped_rubrics_parse_and_list_their_gates() {
        for (name, text) in super::super::SHIPPED_RUBRICS {
            let r: Rubric = serde_saphyr::from_str(text).expect(name);
            assert_eq!(r.name, name);
        }
        let pm: Rubric = serde_saphyr::from_str(super::super::SHIPPED_RUBRICS[1].1).unwrap();
        assert_eq!(pm.gates.len(), 10);
        assert_eq!(pm.references.glossary(), 4);
        let qe: Rubric = serde_saphyr::from_str(super::super::SHIPPED_RUBRICS[2].1).unwrap();
        assert_eq!(qe.gates.len(), 12);
        assert_eq!(qe.references.min("S"), 3);
        assert_eq!(
            qe.references.kind_of_id("C1").map(|k| k.name.as_str()),
            Some("code-metrics")
        );
    }

    #[test]
    fn the_older_map_of_minimums_still_reads() {
        let start = DEFAULT_RUBRIC_YAML.find("\nreferences:\n").unwrap();
        let end = DEFAULT_RUBRIC_YAML
            .find("\n# Gate 14: citation languages")
            .unwrap();
        let text = format!(
            "{}\nreferences: {{glossary: 1, tools: 2, literature: 3, citations: 4}}\n{}",
            &DEFAULT_RUBRIC_YAML[..start],
            &DEFAULT_RUBRIC_YAML[end..]
        );
        let r: Rubric = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(
            (
                r.references.glossary(),
                r.references.tools(),
                r.references.literature(),
                r.references.citations()
            ),
            (1, 2, 3, 4)
        );
    }

    #[test]
    fn an_unknown_measure_is_an_error() {
        let text = DEFAULT_RUBRIC_YAML.replace("measure: clarity}", "measure: clarty}");
        let e = serde_saphyr::from_str::<Rubric>(&text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("clarty"), "{e}");
    }

    #[test]
    fn a_question_counts_in_at_most_two_cells_dimension_major() {
        let r = Rubric::default_rubric();
        let (counted, extra) = r.cells(&["latency", "throughput"], &["analyze", "optimize"]);
        assert_eq!(counted, [(0, 1), (0, 2)]);
        assert_eq!(extra, [(1, 1), (1, 2)]);
        let (counted, extra) = r.cells(&["latency", "nope"], &["measure"]);
        assert_eq!((counted, extra), (vec![(0, 0)], vec![]));
    }

    #[test]
    fn minimums_scale_by_1_2_rounded_up_above_30() {
        let r = Rubric::default_rubric();
        assert_eq!(r.scaled_minimum(10, 30), 10);
        assert_eq!(r.scaled_minimum(10, 31), 12);
        assert_eq!(r.scaled_minimum(5, 31), 6);
        assert_eq!(r.scaled_minimum(20, 31), 24);
    }
}
