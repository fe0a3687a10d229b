//! Any text parsed as each kind of bank file must give a value or a diagnostic, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use qbank::model::{BankMeta, GlossaryEntry, Question, Rubric, Source, Tool};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let p = Path::new("fuzz.yaml");
    let _ = qbank::load::parse_str::<Question>(p, text, "a question");
    let _ = qbank::load::parse_str::<BankMeta>(p, text, "the bank's metadata");
    let _ = qbank::load::parse_str::<Vec<Source>>(p, text, "the citations list");
    let _ = qbank::load::parse_str::<Vec<GlossaryEntry>>(p, text, "the glossary");
    let _ = qbank::load::parse_str::<Vec<Tool>>(p, text, "the tools list");
    let _ = qbank::load::parse_str::<Rubric>(p, text, "a rubric");
});
