//! `bank.yaml`: a bank's metadata, scope and cluster order, and the loaded bank as a whole.

use std::path::PathBuf;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::question::Question;
use super::refs::{GlossaryEntry, Source, Tool};
use super::rubric::Rubric;
use super::scalar::Day;
use super::span::{FileId, Sp};

/// The contents of `bank.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BankMeta {
    pub title: Sp<String>,
    /// Base name of the rendered files (`dist/<slug>.md`).
    pub slug: Sp<String>,
    /// Review date; recency gates are measured from it (overridden by --as-of).
    pub as_of: Sp<Day>,
    /// `default` for the built-in rubric, or a path to a rubric YAML relative to bank.yaml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric: Option<Sp<String>>,
    pub scope: Scope,
    /// Cluster order here is the order in the document; Q numbers follow it.
    pub clusters: Vec<ClusterDef>,
}

/// The spec's Context & Coverage scope lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumptions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterDef {
    pub id: Sp<String>,
    pub title: Sp<String>,
}

/// One file that a bank was read from; kept so diagnostics can quote the line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// Every file a bank (or an imported document) was read from, indexed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, text: Arc<str>) -> FileId {
        self.files.push(SourceFile { path, text });
        FileId(u32::try_from(self.files.len() - 1).expect("fewer than 2^32 files"))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> PathBuf {
        self.get(id).map(|f| f.path.clone()).unwrap_or_default()
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }
}

/// An entry of a reference kind the rubric declares beyond G/T/L/A.
#[derive(Debug, Clone)]
pub struct OtherRef {
    /// The kind's prefix: `C`.
    pub kind: String,
    pub id: Sp<String>,
    /// The entry's text as written (its heading and fields).
    pub text: Sp<String>,
    pub file: FileId,
}

/// A loaded, cross-checked bank: the input of gates, rendering, links and packets.
#[derive(Debug, Clone)]
pub struct Bank {
    /// The folder holding bank.yaml (or the markdown document, when imported).
    pub root: PathBuf,
    pub meta: BankMeta,
    pub meta_file: FileId,
    /// In document order: cluster order from bank.yaml, then file order.
    pub questions: Vec<Question>,
    pub glossary: Vec<GlossaryEntry>,
    pub tools: Vec<Tool>,
    pub literature: Vec<Source>,
    pub citations: Vec<Source>,
    /// Entries of the rubric's other reference kinds (`C3`, `S1`), in document order.
    pub other_refs: Vec<OtherRef>,
    pub rubric: Arc<Rubric>,
    pub sources: Sources,
}

impl Bank {
    /// The title of a cluster id, as declared in bank.yaml.
    pub fn cluster_title(&self, id: &str) -> Option<&str> {
        self.meta
            .clusters
            .iter()
            .find(|c| c.id.value == id)
            .map(|c| c.title.value.as_str())
    }

    /// Questions grouped by cluster, in document order (clusters with no question included).
    pub fn by_cluster(&self) -> Vec<(&ClusterDef, Vec<(usize, &Question)>)> {
        self.meta
            .clusters
            .iter()
            .map(|c| {
                let qs = self
                    .questions
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| q.cluster.value == c.id.value)
                    .map(|(i, q)| (i + 1, q))
                    .collect();
                (c, qs)
            })
            .collect()
    }
}
