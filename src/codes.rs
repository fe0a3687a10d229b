//! The diagnostic codes: one typed table from which `--select`/`--ignore`, suppression
//! comments, `qbank explain CODE`, SARIF rule metadata and `docs/codes.md` all come.
//!
//! Every diagnostic that is not a gate's own finding is made from a [`Code`], so the
//! compiler guarantees that a code the program can print is registered here; a gate's
//! own findings carry the gate's name, which the rubric in force defines.

use crate::diagnostic::Severity;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $sev:ident, $summary:literal, $fix:literal; )*) => {
        /// A registered diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in the order of this table (alphabetical).
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The kebab-case name users write and reports print.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity a diagnostic of this code has unless its emitter says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// What the code means, in one line.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// True for a code whose findings compare inputs of one run (no single bank
            /// can tell whether a suppression of it is used).
            pub fn is_run_level(self) -> bool {
                matches!(self, Code::CrossBankDuplicate)
            }

            /// What to do about it, in one line.
            pub fn fix(self) -> &'static str {
                match self { $(Code::$variant => $fix,)* }
            }
        }
    };
}

codes! {
    ArchivedLink = "archived-link", Note,
        "a dead link whose `archived:` copy works (qbank links)",
        "point the reference at the archived copy, or find the page's new address";
    BadBaseline = "bad-baseline", Error,
        "a baseline file (`check --baseline`) that cannot be read",
        "write it again with `qbank check --baseline FILE --update-baseline`";
    BadComment = "bad-comment", Warning,
        "a `<!-- qbank: -->` metadata comment that cannot be read",
        "write it as `<!-- qbank: key=value, key=value -->`, or delete it";
    BadReport = "bad-report", Error,
        "a JSON report given to `qbank merge` that cannot be read",
        "give `merge` the files `check --format json` wrote, unchanged";
    BadSuppression = "bad-suppression", Warning,
        "a `qbank-ignore` comment naming no known gate or code, or giving no reason",
        "write `qbank-ignore: NAME -- reason`, naming a gate of the rubric in force or a code";
    BadValue = "bad-value", Warning,
        "a value the importer cannot read",
        "write the value in the form the spec's format uses";
    BinaryFile = "binary-file", Error,
        "a bank file holding binary data (a NUL byte)",
        "remove the file from the bank, or save it as UTF-8 text";
    BrokenSymlink = "broken-symlink", Error,
        "a symbolic link inside a bank whose target does not exist",
        "remove the link or restore its target";
    ChangeMismatch = "change-mismatch", Error,
        "a stated change (`89% lower`, `2.3x`, `23 pts`) that its two values do not give",
        "write the change the two values give (the help shows it), or correct a value";
    CitationMismatch = "citation-mismatch", Error,
        "an entry's DOI is registered to another work: title, first author, year or journal differ (--online)",
        "correct the entry to the registered work, or drop the DOI or the entry";
    Config = "config", Error,
        "a qbank.toml that cannot be read, or a setting that names nothing",
        "fix the line shown; `qbank check --show-settings` prints the settings in force";
    ConflictingIdentifier = "conflicting-identifier", Error,
        "one DOI or ISBN given to two reference entries with different titles",
        "check which title the identifier belongs to and correct the other entry";
    ContradictedClaim = "contradicted-claim", Warning,
        "a document's own Validation Results row that the measurement contradicts",
        "correct the row, or fix the content until the measurement agrees";
    CrossBankDuplicate = "cross-bank-duplicate", Note,
        "a question whose scenario and answer repeat a question of another bank of the same `check` run",
        "keep one copy, or rewrite one bank's question around its own scenario";
    DeadLink = "dead-link", Error,
        "a link that answered with an HTTP error, or redirected in a loop",
        "replace the link, or add an `archived:` copy";
    Diagram = "diagram", Error,
        "a mermaid diagram that the vendored mermaid's parser rejects (check), or that does not draw (pdf)",
        "fix the diagram's syntax at the line shown";
    DiagramsUnchecked = "diagrams-unchecked", Note,
        "diagrams `check` could not parse with mermaid (built without the `mermaid` feature, or the engine failed)",
        "build qbank with its default features, or run `qbank pdf` to draw the diagrams";
    DoiNotFound = "doi-not-found", Error,
        "an entry's DOI is not registered: the DOI resolver answers 404 (--online)",
        "find the work's real DOI at its publisher, or drop the DOI; never invent one";
    DuplicateId = "duplicate-id", Error,
        "an id used twice in one bank",
        "give one of the two entries another id";
    DuplicateKey = "duplicate-key", Error,
        "a YAML mapping that names a key twice",
        "keep one of the two keys";
    DuplicateSlug = "duplicate-slug", Error,
        "two banks of one run with the same slug, whose outputs would overwrite each other",
        "give one of the banks another `slug:` in its bank.yaml";
    DuplicateSource = "duplicate-source", Error,
        "one work (same DOI, ISBN, URL, or title, first author and year) or tool listed under two ids",
        "keep one entry and cite it by its id everywhere";
    EmptyFile = "empty-file", Error,
        "a file holding no YAML document",
        "write the file's content, or delete it";
    Encoding = "encoding", Error,
        "a file that is not valid UTF-8",
        "save the file as UTF-8";
    EquationMismatch = "equation-mismatch", Error,
        "a worked equation (`60 / 0.014 s ≈ 4.3K rps`) whose stated result is not its value",
        "write the result the expression gives (the help shows it), or correct the expression";
    Excluded = "excluded", Error,
        "a path named on the command line that qbank.toml's `exclude` leaves out",
        "remove the path from `exclude`, or do not name it";
    FileTooLarge = "file-too-large", Error,
        "a file larger than a bank file may be",
        "split the file, or remove what does not belong in a bank";
    FutureAsOf = "future-as-of", Warning,
        "a bank whose `as_of` date is after today",
        "set `as_of` to the date the bank was last reviewed";
    FutureDate = "future-date", Error,
        "a source, citation or tool release dated after the bank's `as_of` date",
        "correct the date, or move `as_of` forward after reviewing the references";
    Git = "git", Error,
        "`check --changed-since`: git could not say which files changed (no git, not a repository, an unknown revision)",
        "run it inside a clone that has the revision (a shallow CI checkout may need `git fetch` first), or check without --changed-since";
    ImpactMismatch = "impact-mismatch", Error,
        "the answer's Impact step states a change (`140 → 105 ms`) that its metrics row gives otherwise",
        "give the same metric one value in the Impact step and the metrics table";
    ImpossibleReduction = "impossible-reduction", Error,
        "a reduction of more than 100% (`150% lower`)",
        "state the change as a multiple (`2.5x lower`) or correct the figure";
    ImpossibleShare = "impossible-share", Error,
        "a share that cannot exceed 100% (a hit rate, an error rate, a share of requests) above it",
        "correct the share";
    InsightMismatch = "insight-mismatch", Error,
        "the key insight states a change (`22% to 6%`) whose metrics row gives another value, written nowhere else",
        "give the same metric one value in the key insight and the metrics table";
    InvalidDate = "invalid-date", Error,
        "a date not written as YYYY-MM-DD (or YYYY-MM)",
        "write the date as YYYY-MM-DD";
    InvalidId = "invalid-id", Error,
        "an id that is not kebab-case",
        "use lower-case letters, digits and single hyphens";
    InvalidType = "invalid-type", Error,
        "a value of the wrong type (text where a list is expected, ...)",
        "write the value as the schema asks (`qbank schema` writes it for editors)";
    InvalidValue = "invalid-value", Error,
        "a value outside the allowed ones",
        "use one of the values the message lists";
    Io = "io", Error,
        "a path that cannot be read or written",
        "check that the path exists and that its permissions allow it";
    IsbnNotFound = "isbn-not-found", Warning,
        "an entry's ISBN that Open Library's catalogue does not hold (--online); the catalogue is large but not complete",
        "check the ISBN on the book's copyright page or at its publisher, or drop it; never invent one";
    LanguageMismatch = "language-mismatch", Warning,
        "a reference tagged [ZH] with no CJK text in its title or container, or tagged [EN] with a CJK title",
        "tag the entry with the language its text is written in";
    MetadataDisagrees = "metadata-disagrees", Warning,
        "a `<!-- qbank: -->` comment that disagrees with the visible text",
        "make the comment and the text say the same, or delete the comment";
    MissingField = "missing-field", Error,
        "a required field left out",
        "add the field; `qbank new` writes a file with every field";
    MissingQuestions = "missing-questions", Error,
        "a bank without a questions/ folder",
        "create questions/ with at least one question (`qbank new question`)";
    MissingTitle = "missing-title", Warning,
        "a markdown document without a title",
        "start the document with a `# Title` heading";
    NetworkUnavailable = "network-unavailable", Error,
        "no link request got an answer: the network is down",
        "check the network (or a proxy), or run offline";
    NoBanks = "no-banks", Error,
        "a folder holding no bank.yaml and no document",
        "name a folder that holds a bank, or create one with `qbank init`";
    Pdf = "pdf", Error,
        "a PDF that could not be printed",
        "install Chromium, or name it with --chromium";
    PercentileOrder = "percentile-order", Error,
        "percentiles of one measurement listed out of order (p99 below p95)",
        "correct the percentiles so that p50 <= p90 <= p95 <= p99 <= max";
    Placeholder = "placeholder", Error,
        "placeholder text (TODO, [Metric], ...) where content belongs",
        "write the content itself; placeholder text satisfies no gate";
    QuestionNumber = "question-number", Warning,
        "a question heading whose number is out of order",
        "renumber the questions in document order";
    ResourceLimit = "resource-limit", Error,
        "YAML that nests too deeply or expands too many aliases",
        "flatten the YAML, or write the repeated values out";
    SkippedLink = "skipped-link", Note,
        "a broken symbolic link outside every bank, skipped (shown with --verbose)",
        "remove the link or restore its target";
    StaleAsOf = "stale-as-of", Warning,
        "a bank whose `as_of` date is old",
        "review the references and update `as_of`, or pin a date with --as-of";
    StaleBaseline = "stale-baseline", Warning,
        "a baseline entry that no finding matches any more (fixed, or its text changed)",
        "run `qbank check --baseline FILE --update-baseline` to drop it";
    StaleTool = "stale-tool", Warning,
        "a tool whose latest release is older than the rubric's tool window before the as-of date (--online)",
        "check that the tool is still maintained, or name a maintained alternative";
    StaleVersion = "stale-version", Warning,
        "a tool entry describes an older release than the latest its registry lists (--online)",
        "read the newer release's notes and update the entry's version, advice and last_update";
    SwallowedDiagram = "swallowed-diagram", Warning,
        "a mermaid diagram inside a code block that a stray fence left open",
        "close the code fence above the diagram";
    SwallowedQuestion = "swallowed-question", Warning,
        "a question heading inside an unclosed code fence, so the question is lost",
        "close the code fence above the heading";
    SymlinkLoop = "symlink-loop", Error,
        "a symbolic link that points back to a folder above it",
        "remove the link";
    Template = "template", Error,
        "a render template that fails",
        "fix the template at the line shown, or drop it from --templates";
    UnknownCluster = "unknown-cluster", Error,
        "a question in a cluster bank.yaml does not declare",
        "declare the cluster in bank.yaml, or move the question";
    UnknownField = "unknown-field", Error,
        "a field the schema does not know",
        "fix the field's name (the message suggests the nearest), or remove it";
    UnreachableLink = "unreachable-link", Warning,
        "a link that got no HTTP answer (DNS, refused, reset, timeout)",
        "check the address; qbank retries it on the next run";
    Unrecognised = "unrecognised", Warning,
        "a markdown block the importer does not recognise",
        "write the block in the spec's format";
    UnsafePath = "unsafe-path", Error,
        "an output path that would leave the folder qbank was told to write in",
        "use a slug or file name without `..` or a leading `/`";
    Unsupported = "unsupported", Error,
        "an input of a kind this command does not read",
        "name a bank folder, a bank.yaml or a markdown document";
    UnusedSuppression = "unused-suppression", Warning,
        "a `qbank-ignore` comment that suppressed nothing",
        "remove the comment, or name the gate or code the finding carries";
    UnverifiedCitation = "unverified-citation", Warning,
        "an entry's DOI or ISBN could not be checked against its registry or Open Library (network, rate limit, no metadata)",
        "run the online check again later; the entry is neither confirmed nor refuted";
    UnverifiedLink = "unverified-link", Warning,
        "a link that could not be verified (rate-limited, offline, refused)",
        "run `qbank links` again later";
    YamlSyntax = "yaml-syntax", Error,
        "text that is not valid YAML",
        "fix the YAML at the line shown (a value holding `: ` needs quotes: `qbank fix`)";
}

impl Code {
    /// The code named `s` (case-insensitive), if it is registered.
    pub fn from_name(s: &str) -> Option<Code> {
        let s = s.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.name().eq_ignore_ascii_case(s))
    }

    /// Its documentation as markdown (`qbank explain CODE`, docs/codes.md).
    pub fn doc(self) -> String {
        let summary = capitalise(self.summary());
        format!(
            "# `{name}` (diagnostic code)\n\nDefault severity: {sev}.\n\n{summary}.\n\nWhat to do: {fix}.\n\n\
Not a gate: a problem found while reading files or running a command. Silence it with \
`--ignore {name}` or a `qbank-ignore: {name} -- reason` comment (an error that stops a \
bank from loading cannot be silenced).\n",
            name = self.name(),
            sev = self.default_severity().as_str(),
            fix = self.fix(),
        )
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// docs/codes.md: every code's documentation, generated from the table.
pub fn docs_page() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\n<!-- Generated from src/codes.rs by `qbank explain --codes-markdown`; \
a test fails when this page and the table differ. -->\n\n\
Every diagnostic qbank prints that is not a gate's own finding carries one of these codes. \
Each can be selected (`--select CODE`), ignored (`--ignore CODE`, `ignore = [\"CODE\"]` in \
qbank.toml), suppressed in place (`# qbank-ignore: CODE -- reason` in YAML, \
`<!-- qbank-ignore: CODE -- reason -->` in markdown) and explained (`qbank explain CODE`). \
A gate's own findings carry the gate's name (`qbank gates` lists them).\n\n\
| code | default severity | meaning |\n|---|---|---|\n",
    );
    for c in Code::ALL {
        out.push_str(&format!(
            "| [`{0}`](#{0}) | {1} | {2} |\n",
            c.name(),
            c.default_severity().as_str(),
            c.summary()
        ));
    }
    for c in Code::ALL {
        out.push('\n');
        out.push_str(&c.doc().replacen("# ", "## ", 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_sorted_kebab_case() {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "codes are listed once, alphabetically");
        for n in names {
            assert!(
                n.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{n} is kebab-case"
            );
            assert_eq!(Code::from_name(&n.to_uppercase()).map(Code::name), Some(n));
        }
        assert_eq!(Code::from_name("no-such-code"), None);
    }

    #[test]
    fn no_code_is_a_gate_name() {
        for c in Code::ALL {
            assert!(
                crate::gates::find(c.name()).is_none(),
                "{} is also a gate's name",
                c.name()
            );
        }
    }

    #[test]
    fn docs_page_matches_the_committed_file() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != docs_page() {
            if std::env::var_os("QBANK_BLESS").is_some() {
                std::fs::write(&path, docs_page()).expect("writes docs/codes.md");
            } else {
                panic!(
                    "docs/codes.md is out of date: run `QBANK_BLESS=1 cargo test --lib codes` to regenerate it"
                );
            }
        }
    }
}
