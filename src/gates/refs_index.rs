//! Resolving reference uses against the bank's lists (shared by gates 6, 7 and 19).

use std::collections::HashMap;

use crate::model::Bank;
use crate::text::RefTarget;

/// Every id and glossary term/alias of a bank, for resolving `[Ref: ..]` and `[G: ..]`.
pub struct RefIndex {
    ids: HashMap<String, ()>,
    /// Lower-cased glossary term or alias -> glossary id.
    terms: HashMap<String, String>,
}

impl RefIndex {
    pub fn new(bank: &Bank) -> RefIndex {
        let mut ids = HashMap::new();
        let mut terms = HashMap::new();
        for g in &bank.glossary {
            ids.insert(g.id.value.clone(), ());
            terms.insert(g.term.value.to_lowercase(), g.id.value.clone());
            for a in &g.aliases {
                terms
                    .entry(a.to_lowercase())
                    .or_insert_with(|| g.id.value.clone());
            }
        }
        for id in bank
            .tools
            .iter()
            .map(|t| &t.id)
            .chain(bank.literature.iter().map(|s| &s.id))
            .chain(bank.citations.iter().map(|s| &s.id))
            .chain(bank.other_refs.iter().map(|r| &r.id))
        {
            ids.insert(id.value.clone(), ());
        }
        RefIndex { ids, terms }
    }

    /// The id a reference resolves to, if it does.
    pub fn resolve(&self, target: &RefTarget) -> Option<String> {
        match target {
            RefTarget::Id(id) => self.ids.contains_key(id).then(|| id.clone()),
            RefTarget::Term(t) => {
                let t = t.to_lowercase();
                self.terms.get(&t).cloned().or_else(|| {
                    // `[G: G3]` and `[G: RPS]` for a term `RPS/TPS/QPS`.
                    if self.ids.contains_key(&t.to_uppercase()) && t.starts_with('g') {
                        return Some(t.to_uppercase());
                    }
                    self.terms
                        .iter()
                        .find(|(k, _)| k.split('/').any(|part| part.trim() == t))
                        .map(|(_, v)| v.clone())
                })
            }
        }
    }

    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.terms.keys().map(String::as_str)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.keys().map(String::as_str)
    }
}
