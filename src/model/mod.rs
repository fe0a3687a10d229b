//! The typed bank: questions, references, the rubric, and the positions they were read from.

mod bank;
mod gate_spec;
mod question;
mod refs;
mod rubric;
mod scalar;
mod span;

pub use bank::{Bank, BankMeta, ClusterDef, OtherRef, Scope, SourceFile, Sources};
pub use gate_spec::{
    AllOf, BuiltIn, Coverage, CoverageAxis, FieldShare, GateSpec, Lexicon, LexiconMatch, Measure,
    QuestionField, ReferenceFloors, SHIPPED_RUBRICS, Skip, TextField, WordCount,
};
pub use question::{
    Alternative, Diagram, DiagramKind, Difficulty, Metric, Practical, Question, Risk,
};
pub use refs::{EntryTexts, GlossaryEntry, Source, SourceType, Tool};
pub use rubric::{
    Arithmetic, Axis, Chain, ChainStep, CitationRules, ClusterRules, DEFAULT_RUBRIC_YAML,
    DifficultyMix, Diversity, FindingLevel, Generator, GeneratorScope, Labelled, LanguageMix,
    LanguageShare, MatrixRules, Method, Minutes, Named, Pattern, Placeholders, Quantity,
    QuestionExample, Range, Recency, RefKind, ReferenceGuidance, ReferenceKind, ReferenceMinimums,
    References, Rubric, TradeoffRules, VerifyRules, VisualStandard, WorkflowStep,
};
pub use scalar::{Day, PartialDate, Text, YearMonth};
pub use span::{FileId, Pos, Sp};
