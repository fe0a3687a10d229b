//! Near-duplicate questions across the banks of one `check` run (a note, never an error:
//! two banks may share a question on purpose, but a writer copying between banks wants
//! to know). Within one bank, gate 20 compares every pair by TF-IDF cosine; across a
//! repository that would be quadratic in its questions, so each question is summarised
//! by a bottom-k MinHash sketch of its content terms (scenario and answer), and a
//! question is compared only with the earlier questions that share one of its sketch
//! hashes. Time and memory stay linear in the repository.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::Bank;

/// Hashes kept per question: the Jaccard estimate's standard error is about
/// `sqrt(J(1-J)/K)`, 0.06 at J = 0.5.
const K: usize = 64;
/// Questions fewer terms than this say too little to compare.
const MIN_TERMS: usize = 12;
/// Questions a sketch hash may point at before it is too common to tell questions apart
/// (a hash every question of a domain shares); later questions do not join it.
const BUCKET_CAP: usize = 64;

/// One question's sketch and where to point at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionSketch {
    /// "Q7 (`api-p99-regression`)".
    pub name: String,
    pub at: Location,
    /// The K smallest hashes of its distinct content terms, ascending.
    pub mins: Vec<u64>,
}

/// A bank's sketches, with the threshold its rubric sets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BankSketch {
    /// The bank's slug (a document's path).
    pub label: String,
    /// Estimated Jaccard similarity at or above which two questions are reported.
    pub threshold: f64,
    pub questions: Vec<QuestionSketch>,
}

/// A stable 64-bit hash of a term (sketches are kept in the result cache): FNV-1a,
/// then splitmix64's finaliser so every bit depends on every byte.
fn hash(term: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in term.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The K smallest distinct term hashes of `text`, ascending; `None` for a text with
/// fewer than [`MIN_TERMS`] distinct terms.
fn mins_of(text: &str) -> Option<Vec<u64>> {
    let mut all: Vec<u64> = Vec::new();
    crate::gates::self_review::for_each_content_term(text, |t| all.push(hash(t)));
    all.sort_unstable();
    all.dedup();
    if all.len() < MIN_TERMS {
        return None;
    }
    all.truncate(K);
    Some(all)
}

/// The sketch of every question of `bank` with enough text to compare.
pub fn sketch(bank: &Bank, label: &str) -> BankSketch {
    let questions = bank
        .questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let mut text = String::with_capacity(q.title.value.len() + q.answer.value.len() + 1);
            text.push_str(&q.title.value);
            text.push('\n');
            text.push_str(&q.answer.value);
            let mins = mins_of(&text)?;
            Some(QuestionSketch {
                name: format!("Q{} (`{}`)", i + 1, q.id.value),
                at: Location::of(&bank.sources, q.file, q.title.pos),
                mins,
            })
        })
        .collect();
    BankSketch {
        label: label.to_owned(),
        threshold: bank.rubric.cross_bank_similarity,
        questions,
    }
}

/// The Jaccard similarity of two term sets estimated from their bottom-k sketches: of
/// the k smallest hashes of the union, the share both sets hold.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let k = a.len().min(b.len());
    if k == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut seen, mut both) = (0, 0, 0, 0);
    while seen < k && i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
        seen += 1;
    }
    both as f64 / k as f64
}

/// The questions of the banks seen so far, in run order.
#[derive(Default)]
pub struct Index {
    seen: Vec<(usize, QuestionSketch)>,
    labels: Vec<String>,
    buckets: HashMap<u64, Vec<u32>>,
}

impl Index {
    /// A note at each question of `bank` that repeats a question of an earlier bank of
    /// the run (naming it); then `bank`'s questions join the index. A question that
    /// repeats an earlier one does not join: the earlier one stands for both.
    pub fn add(&mut self, bank: BankSketch) -> Vec<Diagnostic> {
        let mut notes = Vec::new();
        let mut fresh = Vec::new();
        for q in bank.questions {
            let mut best: Option<(f64, u32)> = None;
            let mut tried: Vec<u32> = Vec::new();
            for h in &q.mins {
                for &c in self.buckets.get(h).into_iter().flatten() {
                    if tried.contains(&c) {
                        continue;
                    }
                    tried.push(c);
                    let sim = jaccard(&q.mins, &self.seen[c as usize].1.mins);
                    if sim >= bank.threshold && best.is_none_or(|(s, _)| sim > s) {
                        best = Some((sim, c));
                    }
                }
            }
            match best {
                Some((sim, c)) => {
                    let (b, other) = &self.seen[c as usize];
                    notes.push(
                        Diagnostic::new(
                            Severity::Note,
                            Code::CrossBankDuplicate,
                            format!(
                                "{} repeats {} of `{}`: their scenario and answer share about {:.0}% of their terms",
                                q.name,
                                other.name,
                                self.labels[*b],
                                sim * 100.0
                            ),
                        )
                        .at(q.at.clone())
                        .note("the other question", Some(other.at.clone()))
                        .help("keep one copy, or make each bank's question its own scenario"),
                    );
                }
                None => fresh.push(q),
            }
        }
        let b = self.labels.len();
        self.labels.push(bank.label);
        for q in fresh {
            let Ok(id) = u32::try_from(self.seen.len()) else {
                break;
            };
            for h in &q.mins {
                let bucket = self.buckets.entry(*h).or_default();
                if bucket.len() < BUCKET_CAP {
                    bucket.push(id);
                }
            }
            self.seen.push((b, q));
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(name: &str, text: &str) -> QuestionSketch {
        let mins = mins_of(text).expect("enough terms");
        QuestionSketch {
            name: name.to_owned(),
            at: Location::at(std::path::Path::new(name), 1, 1),
            mins,
        }
    }

    fn bank(label: &str, qs: Vec<QuestionSketch>) -> BankSketch {
        BankSketch {
            label: label.to_owned(),
            threshold: 0.5,
            questions: qs,
        }
    }

    const KAFKA: &str = "A Kafka consumer group lags two million messages behind at peak traffic; partition count, consumer concurrency, fetch sizes and commit intervals decide how quickly the lag drains, and rebalancing storms stall every consumer while partitions move between members.";
    const KAFKA_EDITED: &str = "A Kafka consumer group lags three million messages behind at peak traffic; partition count, consumer concurrency, fetch sizes and commit intervals decide how quickly the backlog drains, and rebalancing storms stall every consumer while partitions move between group members.";
    const POSTGRES: &str = "A PostgreSQL primary runs at 85% CPU during the nightly batch; the slow query log shows a sequential scan on the orders table that a composite index would remove, while autovacuum falls behind and table bloat grows each week until queries time out.";

    #[test]
    fn an_edited_copy_in_a_later_bank_is_noted_at_the_copy_naming_the_first() {
        let mut index = Index::default();
        assert!(
            index
                .add(bank("first", vec![q("a.yaml", KAFKA)]))
                .is_empty()
        );
        let notes = index.add(bank("second", vec![q("b.yaml", KAFKA_EDITED)]));
        assert_eq!(notes.len(), 1, "{notes:?}");
        let n = &notes[0];
        assert_eq!(n.code, "cross-bank-duplicate");
        assert!(n.message.contains("of `first`"), "{}", n.message);
        assert_eq!(
            n.location.as_ref().map(|l| l.file.clone()),
            Some("b.yaml".into())
        );
    }

    #[test]
    fn different_questions_of_one_domain_are_not_noted() {
        let mut index = Index::default();
        index.add(bank("first", vec![q("a.yaml", KAFKA)]));
        assert!(
            index
                .add(bank("second", vec![q("b.yaml", POSTGRES)]))
                .is_empty()
        );
    }

    #[test]
    fn a_third_copy_names_the_first_and_the_index_holds_one() {
        let mut index = Index::default();
        index.add(bank("first", vec![q("a.yaml", KAFKA)]));
        index.add(bank("second", vec![q("b.yaml", KAFKA)]));
        let notes = index.add(bank("third", vec![q("c.yaml", KAFKA)]));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.contains("of `first`"));
        assert_eq!(index.seen.len(), 1, "copies do not join the index");
    }

    #[test]
    fn the_estimate_follows_the_overlap() {
        let a: Vec<u64> = (0..64).collect();
        assert!((jaccard(&a, &a) - 1.0).abs() < 1e-9);
        let b: Vec<u64> = (64..128).collect();
        assert_eq!(jaccard(&a, &b), 0.0);
        let c: Vec<u64> = (0..128).step_by(2).collect();
        let est = jaccard(&a, &c);
        assert!(est > 0.3 && est < 0.7, "{est}");
    }
}
