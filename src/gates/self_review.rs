use super::{Ctx, Level, Measurement, finding};
use crate::diagnostic::Diagnostic;
use crate::text;

declare_gate! {
    /// ## What it checks
    /// The spec's Quality Standards that a machine can check, ten in all:
    /// 1. every answer has between the rubric's minimum and maximum words (default
    ///    150-300; code excluded, each CJK character counts as a word);
    /// 2. every key insight is one sentence;
    /// 3. numeric, not vague: no word from the rubric's `vague_terms` ("fast", "low
    ///    latency", ...) claimed of the system in a sentence without a number: as a
    ///    predicate (`is fast.`, `fast and scalable`), not as an adjective before its
    ///    noun or joined to it (`the slow requests`, `fast burn`, `slow-query log`), which
    ///    names a kind of thing, nor as a verb (`slow down`);
    /// 4. no two questions have near-identical titles (similarity at or above
    ///    `duplicate_title_similarity`), nor near-identical content: the TF-IDF cosine of
    ///    their title and answer (code masked; words of three letters or more, numbers and
    ///    stop words left out, plural and `-ing`/`-ed` endings cut, CJK as character
    ///    pairs; weights from the bank's own questions) at or above
    ///    `duplicate_content_similarity` (default 0.6). Lexical overlap finds a reworded
    ///    copy; two questions that teach one lesson in different words and scenarios are
    ///    beyond it. Across the banks and documents of one `check` run, a question whose
    ///    content terms repeat one of an earlier bank's (estimated Jaccard similarity at or
    ///    above `cross_bank_similarity`, default 0.5, from bottom-64 MinHash sketches so the
    ///    run stays linear) gets a `cross-bank-duplicate` note at the later copy naming the
    ///    first; a note never fails a gate;
    /// 5. the number of clusters with questions is within the rubric's range (5-6);
    /// 6. every cluster holds between `min_questions` and `max_questions` (4-6);
    /// 7. every cluster has at least one diagram, practical element, metrics table and
    ///    trade-off analysis (a mermaid block that a stray fence swallowed into a code
    ///    block is no diagram: the import warns `swallowed-diagram` at that fence; nor
    ///    is a diagram that the vendored mermaid's own parser rejects: `check` reports
    ///    it as a `diagram` error at its line, with mermaid's message);
    /// 8. no recall questions ("What is X?", "List ..."): titles matching
    ///    `recall_patterns`;
    /// 9. every Contents link of the rendered document resolves to a heading under
    ///    GitHub's slug rules; for an imported document, so does every in-document link
    ///    as written (`[text](#anchor)`, its Contents included), or to an HTML `id`;
    /// 10. no placeholder (`TODO`, `...`, an Output Format slot such as `[Metric]`) in a
    ///    title, metrics cell, validation or diagram. Placeholders in other fields are
    ///    reported by the gate that measures them (answer: 4, key insight: 10, trade-offs
    ///    and alternatives: 8, risks: 9, references: 7 and 11-14).
    ///
    /// ## Why it matters
    /// These are the spec's "Mandatory" quality standards; the validation table is only
    /// honest if they are measured rather than claimed.
    ///
    /// ## How to fix
    /// Each diagnostic names the standard and the place: trim or extend the answer,
    /// split the key insight, add the number, rename the title, rebalance clusters.
    ///
    /// ## Example
    /// `10/10 standards; 0 issues`.
    pub(crate) static SELF_REVIEW = {
        number: 20,
        name: "self-review",
        title: "Self-Review",
        requirement: |_| "All machine-checkable quality standards met".to_owned(),
        check: check,
    }
}

/// Whole-word (or whole-phrase) match, case-insensitive, on lower-cased text.
fn check(ctx: &Ctx<'_>) -> Measurement {
    let bank = ctx.bank;
    let r = ctx.rubric;
    let mut failed = [false; 10];
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut fail = |i: usize, d: Diagnostic, diags: &mut Vec<Diagnostic>| {
        failed[i] = true;
        diags.push(d);
    };

    let vague = text::Lexicon::get(&r.vague_terms, true);
    for (i, (q, segments)) in bank.questions.iter().zip(&ctx.segments).enumerate() {
        // 1. Answer length.
        let words = ctx.answer_words(i);
        if words < r.answer_words.min as usize || words > r.answer_words.max as usize {
            fail(
                0,
                finding(
                    Level::Required,
                    format!(
                        "{}: the answer has {words} words; {}-{} required",
                        ctx.q_name(q),
                        r.answer_words.min,
                        r.answer_words.max
                    ),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help(if words < r.answer_words.min as usize {
                    "complete the performance chain with figures"
                } else {
                    "cut repetition; move detail into the metrics table or practical block"
                }),
                &mut diags,
            );
        }
        // 2. One-sentence key insight.
        if let Some(k) = &q.key_insight {
            let n = text::sentences(&k.value).len();
            if n != 1 {
                fail(
                    1,
                    finding(
                        Level::Required,
                        format!(
                            "{}: the key insight has {n} sentences; write one",
                            ctx.q_name(q)
                        ),
                    )
                    .at(ctx.loc(q.file, k.pos))
                    .help("one sentence: \"X achieved Y% improvement at Z cost\""),
                    &mut diags,
                );
            }
        }
        // 3. Vague claims without a number.
        for seg in segments {
            let (t, masked) = (seg.value, &seg.masked);
            if !vague.is_match(masked) {
                continue;
            }
            for s in text::sentences(masked) {
                let sentence = &masked[s.clone()];
                if text::has_number(sentence) {
                    continue;
                }
                if let Some(found) = vague
                    .find_iter(sentence)
                    .find(|r| is_claim(sentence, r.clone()))
                {
                    let term = sentence[found.clone()].to_lowercase();
                    let at = s.start + found.start;
                    fail(
                        2,
                        finding(
                            Level::Required,
                            format!(
                                "{}: \"{term}\" without a number in the same sentence",
                                ctx.q_name(q)
                            ),
                        )
                        .at(ctx.loc_in(q.file, t, at..at + found.len()))
                        .help("state the figure: \"p99 < 50 ms\", not \"fast\""),
                        &mut diags,
                    );
                }
            }
        }
        // 8. Recall questions.
        if ctx
            .recall
            .iter()
            .any(|re| re.is_match(q.title.value.trim()))
        {
            fail(
                7,
                finding(
                    Level::Required,
                    format!("{} asks for recall, not application", ctx.q_name(q)),
                )
                .at(ctx.loc(q.file, q.title.pos))
                .help("pose a production scenario with an SLO and scale, and ask for analysis"),
                &mut diags,
            );
        }
    }
    // 4. Near-identical titles.
    let qs = &bank.questions;
    let titles: Vec<&str> = qs.iter().map(|q| q.title.value.as_str()).collect();
    let words = text::title_words(&titles);
    for (i, a) in qs.iter().enumerate() {
        for (j, b) in qs.iter().enumerate().skip(i + 1) {
            let sim = text::title_similarity(&words[i], &words[j], r.duplicate_title_similarity);
            if sim >= r.duplicate_title_similarity {
                fail(
                    3,
                    finding(
                        Level::Required,
                        format!(
                            "{} and {} have near-identical titles ({:.0}% similar)",
                            ctx.q_name(a),
                            ctx.q_name(b),
                            sim * 100.0
                        ),
                    )
                    .at(ctx.loc(b.file, b.title.pos))
                    .note("the other title", Some(ctx.loc(a.file, a.title.pos)))
                    .help("merge the two questions or make each scenario distinct"),
                    &mut diags,
                );
            }
        }
    }
    // 4 (continued). Near-duplicates by content: scenario and answer.
    let texts: Vec<String> = ctx
        .segments
        .iter()
        .map(|segs| {
            segs.iter()
                .filter(|s| matches!(s.field, "title" | "answer"))
                .map(|s| s.masked.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    for (i, j, sim) in near_duplicates(&texts, r.duplicate_content_similarity) {
        let (a, b) = (&qs[i], &qs[j]);
        fail(
            3,
            finding(
                Level::Required,
                format!(
                    "{} and {} are near-duplicates: their scenario and answer are {:.0}% similar (TF-IDF cosine)",
                    ctx.q_name(a),
                    ctx.q_name(b),
                    sim * 100.0
                ),
            )
            .at(ctx.loc(b.file, b.title.pos))
            .note("the other question", Some(ctx.loc(a.file, a.title.pos)))
            .help("merge the two questions, or make one apply a different skill to a different scenario"),
            &mut diags,
        );
    }
    // 5-7. Clusters.
    let clusters = bank.by_cluster();
    let used = clusters.iter().filter(|(_, qs)| !qs.is_empty()).count();
    if used < r.clusters.min as usize || used > r.clusters.max as usize {
        fail(
            4,
            finding(
                Level::Required,
                format!(
                    "{used} clusters hold questions; {}-{} required",
                    r.clusters.min, r.clusters.max
                ),
            )
            .at(ctx.bank_loc()),
            &mut diags,
        );
    }
    for (c, cqs) in &clusters {
        let n = cqs.len();
        let at = ctx.loc(bank.meta_file, c.id.pos);
        if n < r.clusters.min_questions as usize || n > r.clusters.max_questions as usize {
            fail(
                5,
                finding(
                    Level::Required,
                    format!(
                        "cluster `{}` has {n} questions; {}-{} required",
                        c.id.value, r.clusters.min_questions, r.clusters.max_questions
                    ),
                )
                .at(at.clone()),
                &mut diags,
            );
        }
        if n == 0 {
            continue;
        }
        let mut lacks = Vec::new();
        if !cqs.iter().any(|(_, q)| ctx.diagram_of(q).is_some()) {
            lacks.push("a diagram");
        }
        if !cqs.iter().any(|(_, q)| !q.practical.is_empty()) {
            lacks.push("a practical element");
        }
        if !cqs.iter().any(|(_, q)| {
            q.metrics.iter().any(|m| {
                [&m.metric, &m.baseline, &m.optimized]
                    .iter()
                    .all(|c| ctx.placeholders.find_in_cell(&c.value).is_none())
            })
        }) {
            lacks.push("a metrics table");
        }
        if !cqs.iter().any(|(_, q)| {
            q.tradeoffs
                .as_ref()
                .is_some_and(|t| ctx.placeholders.find(&t.value).is_none())
        }) {
            lacks.push("a trade-off analysis");
        }
        if !lacks.is_empty() {
            fail(
                6,
                finding(
                    Level::Required,
                    format!("cluster `{}` lacks {}", c.id.value, lacks.join(", ")),
                )
                .at(at)
                .help("give at least one of its questions the missing element"),
                &mut diags,
            );
        }
    }
    // 9. Contents links.
    let outline = crate::outline::outline(bank);
    for l in outline.broken_links() {
        fail(
            8,
            finding(
                Level::Required,
                format!(
                    "the Contents link `#{}` ({}) does not resolve to its heading",
                    l.anchor, l.label
                ),
            )
            .at(ctx.bank_loc())
            .help("an earlier heading has the same text (often the bank title or a question title); rename one so every anchor is unique"),
            &mut diags,
        );
    }
    // 9 (continued). An imported document's own in-document links, as written.
    for src in bank.sources.iter() {
        if !src
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            continue;
        }
        for l in crate::outline::broken_written_links(&src.text) {
            let (line, col) = text::line_col(&src.text, l.offset);
            let mut d = finding(
                Level::Required,
                format!(
                    "the link `#{}` ({}) resolves to no heading of the document",
                    l.anchor, l.label
                ),
            )
            .at(crate::diagnostic::Location::at(&src.path, line, col));
            d = match &l.nearest {
                Some(n) => d.help(format!("the closest heading anchor is `#{n}`: GitHub lower-cases a heading, drops punctuation except `-` and `_`, and turns each space into `-`")),
                None => d.help("link to a heading's anchor as GitHub makes it: lower-case, punctuation except `-` and `_` dropped, each space a `-`"),
            };
            fail(8, d, &mut diags);
        }
    }
    // 10. Placeholders in the fields no other gate measures.
    for (q, segments) in bank.questions.iter().zip(&ctx.segments) {
        for seg in segments {
            if !matches!(seg.field, "title" | "metrics" | "validation") {
                continue;
            }
            if let Some(p) = &seg.placeholder {
                let field = if seg.field == "metrics" {
                    "metrics cell"
                } else {
                    seg.field
                };
                let subject = format!("{}: the {field}", ctx.q_name(q));
                fail(
                    9,
                    ctx.placeholder_diag(q.file, seg.value, p, &subject),
                    &mut diags,
                );
            }
        }
        if let Some(d) = &q.diagram
            && let Some(p) = ctx.placeholders.find_word(&d.mermaid.value)
        {
            let subject = format!("{}: the diagram", ctx.q_name(q));
            fail(
                9,
                ctx.placeholder_diag(q.file, &d.mermaid, &p, &subject),
                &mut diags,
            );
        }
    }
    let total = failed.len();
    let met = failed.iter().filter(|f| !**f).count();
    let mut m = Measurement::new(format!("{met}/{total} standards; {} issues", diags.len()));
    m.require(met == total);
    m.diagnostics = diags;
    m
}

/// Words that continue a clause after a predicate (`fast and`, `slower than`,
/// `fast now`), not a noun the word describes. Sorted, for a binary search.
const GO_ON: &[&str] = &[
    "across", "after", "again", "already", "and", "as", "at", "because", "before", "but", "by",
    "during", "enough", "for", "here", "if", "in", "now", "on", "or", "overall", "since", "so",
    "than", "then", "there", "today", "too", "under", "when", "while", "with", "without", "yet",
];

/// Whether the vague word at `at` in `sentence` claims something of the system (`the API
/// is fast`, `fast and scalable`, `much slower now`), rather than naming a kind of thing
/// (`the slow requests`, `a slow dependency`, `fast burn`, `slow-query log`) or an action
/// (`releases slow down`): an adjective before a noun or joined to one describes, and is
/// left alone, as a rule cannot tell a claim there from a category.
fn is_claim(sentence: &str, at: std::ops::Range<usize>) -> bool {
    let rest = &sentence[at.end..];
    // Joined to the next word (`slow-query`, `fast-path`): one compound noun.
    if rest.starts_with('-') {
        return false;
    }
    let next: String = rest
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '\'')
        .collect::<String>()
        .to_lowercase();
    if next.is_empty() || !rest.starts_with([' ', '\t']) {
        // The clause ends (`is fast.`, `fast, capped`, `fast;`): a predicate.
        return true;
    }
    // `slow down`, `speed up`: a verb, not a claim of speed.
    if next == "down" || next == "up" {
        return false;
    }
    GO_ON.binary_search(&next.as_str()).is_ok()
}

/// Words no question is told apart by.
/// At least the longest stop word's length: a longer word is none, without a search.
const STOP_MAX: usize = 8;

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "was", "were", "has", "have", "had", "not", "but", "its", "this",
    "that", "from", "than", "then", "into", "per", "when", "which", "while", "with", "you", "they",
    "their", "our", "can", "will", "would", "should", "may", "might", "does", "did", "each", "how",
    "what", "why", "your", "one", "two", "all", "any", "more", "most", "less", "only", "also",
    "use", "using", "used", "show", "who", "where", "there", "these", "those", "been", "being",
    "after", "before", "over", "under", "both", "same", "other",
];

/// The terms of a text for content similarity: lower-case words of three letters or
/// more (numbers left out: two scenarios differ in figures, not in kind), stop words
/// dropped, a plural or `-ing`/`-ed` ending cut; CJK text as character pairs.
#[cfg(test)]
fn content_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_content_term(text, |t| out.push(t.to_owned()));
    out
}

/// The terms of a text for content similarity, one at a time (no string per term):
/// lower-case words of three letters or more (numbers left out: two scenarios differ in
/// figures, not in kind), stop words dropped, a plural or `-ing`/`-ed` ending cut; CJK
/// text as character pairs.
pub(crate) fn for_each_content_term(text: &str, mut f: impl FnMut(&str)) {
    type Stop = rustc_hash::FxHashSet<&'static str>;
    static STOP: std::sync::LazyLock<Stop> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    fn flush(word: &mut String, stop: &Stop, f: &mut impl FnMut(&str)) {
        if word.is_empty() {
            return;
        }
        let long_enough = word.len() >= 12 || word.chars().count() >= 3;
        if long_enough && (word.len() > STOP_MAX || !stop.contains(word.as_str())) {
            if word == "average" || word == "avg" || word == "averages" {
                f("mean");
            } else {
                let mut end = word.len();
                for suffix in ["ing", "ed", "es", "s"] {
                    if word.len() > 4 && word.ends_with(suffix) {
                        end -= suffix.len();
                        break;
                    }
                }
                f(&word[..end]);
            }
        }
        word.clear();
    }
    let stop: &Stop = &STOP;
    let mut word = String::new();
    let mut pair = String::new();
    let mut prev_cjk: Option<char> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII (most of the text) byte by byte: never CJK, and lower-cased in place.
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            prev_cjk = None;
            if b.is_ascii_alphabetic() {
                word.push(char::from(b.to_ascii_lowercase()));
            } else if (b == b'-' || b == b'\'') && !word.is_empty() {
                word.push(char::from(b));
            } else {
                flush(&mut word, stop, &mut f);
            }
            continue;
        }
        let ch = text[i..].chars().next().expect("a char at a char boundary");
        i += ch.len_utf8();
        if super::sources::is_cjk(ch) {
            flush(&mut word, stop, &mut f);
            if let Some(p) = prev_cjk {
                pair.clear();
                pair.push(p);
                pair.push(ch);
                f(&pair);
            }
            prev_cjk = Some(ch);
            continue;
        }
        prev_cjk = None;
        if ch.is_alphabetic() {
            word.extend(ch.to_lowercase());
        } else {
            flush(&mut word, stop, &mut f);
        }
    }
    flush(&mut word, stop, &mut f);
}

/// Pairs of texts (indices, earlier first) whose TF-IDF cosine is at least `threshold`.
/// Weights are `(1 + ln tf) * ln(n / df)`; time is linear in the text, then one sparse
/// dot product per pair of questions.
pub(crate) fn near_duplicates(texts: &[String], threshold: f64) -> Vec<(usize, usize, f64)> {
    let n = texts.len();
    if n < 2 || threshold > 1.0 {
        return Vec::new();
    }
    // Terms as small integers: one string per distinct term of the bank, and integer
    // comparisons in the dot products.
    let mut ids: rustc_hash::FxHashMap<String, u32> = rustc_hash::FxHashMap::default();
    let terms: Vec<Vec<(u32, u32)>> = texts
        .iter()
        .map(|t| {
            let mut seq: Vec<u32> = Vec::new();
            for_each_content_term(t, |w| {
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                let id = match ids.get(w) {
                    Some(&id) => id,
                    None => {
                        ids.insert(w.to_owned(), next);
                        next
                    }
                };
                seq.push(id);
            });
            seq.sort_unstable();
            let mut tf: Vec<(u32, u32)> = Vec::new();
            for id in seq {
                match tf.last_mut() {
                    Some((last, c)) if *last == id => *c += 1,
                    _ => tf.push((id, 1)),
                }
            }
            tf
        })
        .collect();
    let mut df = vec![0usize; ids.len()];
    for tf in &terms {
        for &(id, _) in tf {
            df[id as usize] += 1;
        }
    }
    let vectors: Vec<Vec<(u32, f64)>> = terms
        .iter()
        .map(|tf| {
            let mut v: Vec<(u32, f64)> = tf
                .iter()
                .map(|&(id, c)| {
                    let d = df[id as usize].max(1);
                    (id, (1.0 + f64::from(c).ln()) * (n as f64 / d as f64).ln())
                })
                .collect();
            let norm = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
            if norm > 0.0 {
                for (_, x) in &mut v {
                    *x /= norm;
                }
            }
            v
        })
        .collect();
    let dot = |a: &[(u32, f64)], b: &[(u32, f64)]| {
        let (mut i, mut j, mut s) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    };
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let sim = dot(&vectors[i], &vectors[j]);
            if sim >= threshold {
                out.push((i, j, sim));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vague_word_is_a_claim_as_a_predicate_not_as_a_name() {
        let claim = |s: &str, w: &str| {
            let at = s.find(w).expect("the word is there");
            is_claim(s, at..at + w.len())
        };
        // Claims: a predicate, a list of qualities, a comparison without its figure.
        assert!(claim("After the change the API is fast.", "fast"));
        assert!(claim("The new design is fast and scalable", "fast"));
        assert!(claim("Vertical scale: fast, capped", "fast"));
        assert!(claim("queries run faster than before", "faster"));
        // Names and actions: an adjective before its noun or joined to it, a verb.
        assert!(!claim("Slicing the slow requests by route", "slow"));
        assert!(!claim("rather than a slow dependency", "slow"));
        assert!(!claim("An empty slow-query log is no evidence", "slow"));
        assert!(!claim("page on a fast burn", "fast"));
        assert!(!claim("feature releases slow down", "slow"));
        assert!(!claim("raise confidence but slow delivery", "slow"));
        assert!(GO_ON.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn no_stop_word_is_longer_than_the_bound() {
        assert!(STOPWORDS.iter().all(|w| w.len() <= STOP_MAX));
    }

    fn texts(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    const OTHERS: [&str; 4] = [
        "A Kafka consumer group lags 2 million messages behind at peak; partition count and consumer concurrency decide the catch-up time.",
        "A PostgreSQL primary runs at 85% CPU; the slow query log shows a sequential scan on the orders table that an index would remove.",
        "Redis memory sits at 88% with LRU evictions climbing; compressing values and switching to LFU frees memory without new nodes.",
        "A Node.js service blocks its event loop with JSON parsing of large payloads; moving the parse to a worker thread restores p99.",
    ];

    #[test]
    fn a_reworded_copy_is_a_near_duplicate() {
        let answer = "The dashboard shows a steady mean latency while customers report slow checkouts. \
            I measure the latency distribution from histogram buckets aligned with the SLO boundary, \
            split by route and pod. The bimodal tail comes from a cold cache shard after each deploy; \
            pre-warming it cut the p99 and a canary confirmed the change against a control cohort.";
        let mut v = texts(&OTHERS);
        v.push(format!(
            "Checkout latency looks fine on the dashboard but users complain. {answer}"
        ));
        // Another title, and a few words of the answer changed.
        let reworded = answer
            .replace("steady mean", "flat average")
            .replace("customers report", "users report");
        v.push(format!(
            "Why does a healthy average hide a slow checkout path? {reworded}"
        ));
        let found = near_duplicates(&v, 0.6);
        assert_eq!(found.len(), 1, "{:?}", near_duplicates(&v, 0.0));
        assert_eq!((found[0].0, found[0].1), (4, 5));
    }

    #[test]
    fn questions_on_different_problems_are_not() {
        let v = texts(&OTHERS);
        assert!(near_duplicates(&v, 0.6).is_empty());
        // The same domain words are not the same question.
        let mut v = texts(&OTHERS);
        v.push("A PostgreSQL replica lags 30 seconds behind the primary during the nightly batch; WAL volume and replay speed decide it.".to_owned());
        assert!(
            near_duplicates(&v, 0.6).is_empty(),
            "{:?}",
            near_duplicates(&v, 0.0)
        );
    }

    #[test]
    fn terms_fold_endings_and_pair_cjk() {
        assert_eq!(
            content_terms("Averages of histograms"),
            vec!["mean", "histogram"]
        );
        assert_eq!(content_terms("缓存命中"), vec!["缓存", "存命", "命中"]);
    }
}
