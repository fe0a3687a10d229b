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
            terms.insert(name_key(&g.term.value), g.id.value.clone());
            // `USL (Universal Scalability Law)`: known by the name and by its gloss too.
            if let Some((head, gloss)) = g
                .term
                .value
                .trim()
                .strip_suffix(')')
                .and_then(|t| t.rsplit_once('('))
            {
                for part in [head, gloss] {
                    if !part.trim().is_empty() {
                        terms
                            .entry(name_key(part))
                            .or_insert_with(|| g.id.value.clone());
                    }
                }
            }
            for a in &g.aliases {
                terms
                    .entry(name_key(a))
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
                let t = name_key(t);
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

    /// Lower-cased glossary names and aliases, as references are resolved against them.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.terms.keys().map(String::as_str)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.keys().map(String::as_str)
    }
}

/// How a glossary name is compared: lower case, white space collapsed, none around a
/// slash (`Latency / Throughput` is `[G: Latency/Throughput]`).
fn name_key(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    words
        .join(" ")
        .replace(" /", "/")
        .replace("/ ", "/")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::RefTarget;

    #[test]
    fn glossary_names_resolve_by_name_gloss_and_spacing() {
        let doc = "# Bank\n\n## Glossary\n\n**G1. p50/p95/p99 (latency percentiles)** [EN]: The latency below which a share of requests complete.\n\n**G2. Latency / Throughput** [EN]: Time per request; completed work per second.\n\n**G3. USL (Universal Scalability Law)** [EN]: Capacity under concurrency.\n";
        let bank = crate::import::import_str(std::path::Path::new("doc.md"), doc, None)
            .bank
            .expect("a bank");
        assert_eq!(bank.glossary.len(), 3);
        let index = RefIndex::new(&bank);
        let term = |t: &str| index.resolve(&RefTarget::Term(t.to_owned()));
        assert_eq!(term("p50/p95/p99").as_deref(), Some("G1"));
        assert_eq!(term("latency percentiles").as_deref(), Some("G1"));
        assert_eq!(term("Latency/Throughput").as_deref(), Some("G2"));
        assert_eq!(term("USL").as_deref(), Some("G3"));
        assert_eq!(term("Universal  Scalability Law").as_deref(), Some("G3"));
        assert_eq!(term("Little's Law"), None);
    }
}
