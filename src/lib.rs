//! qbank: load, check, render and package technical interview question banks.
//!
//! The pipeline runs one way: `load` reads YAML into the `model`, the gates measure
//! it, and `report` prints what they found. [`run`] is that pipeline as one call,
//! streaming bank by bank; `cli` parses arguments, calls it and prints.

// Loading returns `Result<T, Diagnostic>`: the error path is cold and each diagnostic is
// moved once into a report, so boxing it would cost more clarity than it saves.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod code;
pub mod codes;
pub mod config;
pub mod diagnostic;
mod fsutil;
pub mod gates;
pub mod generate;
pub mod import;
pub mod links;
pub mod load;
pub mod lsp;
pub mod mermaid;
pub mod model;
pub mod numbers;
pub mod outline;
pub mod packet;
pub(crate) mod pdf;
pub mod pipeline;
pub mod position;
pub mod render;
pub mod report;
pub mod schema;
pub mod settings;
pub mod stats;
pub mod table;
pub mod text;

pub use pipeline::run;
