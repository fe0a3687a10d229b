//! The reference lists: glossary [G#], tools [T#], literature [L#] and citations [A#].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalar::{PartialDate, Text, YearMonth};
use super::span::{FileId, Sp};

/// A glossary entry `G#`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub id: Sp<String>,
    pub term: Sp<String>,
    /// Other spellings that `[G: ...]` may use and that define acronyms (gate 19).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// True when the term itself is an acronym (SLO, USL, ...).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub acronym: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinctions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_to_use: Option<String>,
    /// Language tag: EN, ZH or another ISO code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Sp<String>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub file: FileId,
}

/// A tool entry `T#`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub id: Sp<String>,
    pub name: Sp<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<String>,
    /// YYYY-MM of the latest release the author checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update: Option<Sp<YearMonth>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrations: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_cases: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limitations: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Sp<String>>,
    /// A Wayback Machine copy: https://web.archive.org/web/<year>/<url>.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<Sp<String>>,
    /// Where the tool's releases are listed, when its URL does not say:
    /// `github:OWNER/REPO`, `pypi:NAME`, `npm:NAME` or `crates:NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<Sp<String>>,
    /// The release the entry describes (`2.3.0`); checked online against the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Sp<String>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub file: FileId,
}

/// What kind of work a source is (gate 16 counts them).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SourceType {
    Book,
    Journal,
    Conference,
    Report,
    Docs,
    Blog,
    Standard,
    Thesis,
    Video,
}

impl Tool {
    /// A tool entry with its id and name and no other field yet.
    pub fn named(id: Sp<String>, name: Sp<String>, file: FileId) -> Tool {
        Tool {
            id,
            name,
            category: None,
            purpose: None,
            pricing: None,
            last_update: None,
            integrations: Vec::new(),
            use_cases: None,
            limitations: None,
            url: None,
            archived: None,
            registry: None,
            version: None,
            file,
        }
    }
}

impl SourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Book => "book",
            SourceType::Journal => "journal",
            SourceType::Conference => "conference",
            SourceType::Report => "report",
            SourceType::Docs => "docs",
            SourceType::Blog => "blog",
            SourceType::Standard => "standard",
            SourceType::Thesis => "thesis",
            SourceType::Video => "video",
        }
    }
}

/// A literature entry `L#` or a citation `A#`: structured fields from which the
/// APA 7th reference is rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: Sp<String>,
    #[serde(rename = "type")]
    pub kind: Sp<SourceType>,
    /// "Last, F. M." per person, or one organisation name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Editors of an edited book or volume, "Last, F. M." each. Without authors the
    /// editors lead the reference as "(Eds.)"; with authors they follow the title.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub editors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<Sp<i32>>,
    /// More precise than year: YYYY-MM or YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Sp<PartialDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Sp<String>>,
    /// Journal, proceedings, site or series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<Text>,
    /// Translators of a translated edition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translators: Vec<String>,
    /// Bare DOI, e.g. 10.1145/2408776.2408794.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<Sp<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Sp<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<Sp<String>>,
    /// EN, ZH, or another ISO language code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Sp<String>>,
    /// Literature: what the work covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
    /// Literature: the sections worth reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_sections: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub file: FileId,
}

impl Source {
    /// The year of publication from `date` or `year`.
    pub fn year(&self) -> Option<i32> {
        self.date
            .as_ref()
            .map(|d| i32::from(d.year))
            .or_else(|| self.year.as_ref().map(|y| y.value))
    }
}

/// The prose of a reference entry, field by field, for the placeholder detector: an entry
/// whose text is `TODO` is not an entry.
pub trait EntryTexts {
    fn texts(&self) -> Vec<(&'static str, &str)>;
}

impl EntryTexts for GlossaryEntry {
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("term", self.term.value.as_str())];
        for (name, v) in [
            ("definition", &self.definition),
            ("formula", &self.formula),
            ("targets", &self.targets),
            ("distinctions", &self.distinctions),
            ("when_to_use", &self.when_to_use),
        ] {
            if let Some(v) = v {
                out.push((name, v.as_str()));
            }
        }
        out
    }
}

impl EntryTexts for Tool {
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("name", self.name.value.as_str())];
        for (name, v) in [
            ("category", &self.category),
            ("purpose", &self.purpose),
            ("pricing", &self.pricing),
            ("use_cases", &self.use_cases),
            ("limitations", &self.limitations),
        ] {
            if let Some(v) = v {
                out.push((name, v.as_str()));
            }
        }
        out.extend(
            self.integrations
                .iter()
                .map(|i| ("integrations", i.as_str())),
        );
        if let Some(u) = &self.url {
            out.push(("url", u.value.as_str()));
        }
        out
    }
}

impl EntryTexts for Source {
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = self
            .authors
            .iter()
            .map(|a| ("authors", a.as_str()))
            .collect();
        if let Some(t) = &self.title {
            out.push(("title", t.value.as_str()));
        }
        for (name, v) in [
            ("container", &self.container),
            ("publisher", &self.publisher),
            ("coverage", &self.coverage),
            ("key_sections", &self.key_sections),
        ] {
            if let Some(v) = v {
                out.push((name, v.as_str()));
            }
        }
        for (name, v) in [("url", &self.url), ("doi", &self.doi)] {
            if let Some(v) = v {
                out.push((name, v.value.as_str()));
            }
        }
        out
    }
}
