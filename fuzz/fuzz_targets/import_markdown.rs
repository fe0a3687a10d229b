//! Any text imported as a markdown document must give a bank or diagnostics, never a
//! panic; the gates must then run on whatever was imported.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let imported = qbank::import::import_str(Path::new("fuzz.md"), text, None);
    if let Some(bank) = &imported.bank {
        let day = qbank::model::Day::parse("2026-01-01").expect("valid date");
        let _ = qbank::pipeline::gate_bank(bank, Some(day));
    }
});
