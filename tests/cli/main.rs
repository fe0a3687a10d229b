//! One integration-test binary that drives the real `qbank` executable.

mod agreement;
mod arithmetic;
mod authoring;
mod bank;
mod baseline;
mod cache;
mod cases;
mod ci;
mod code;
mod common;
mod conventions;
#[cfg(feature = "mermaid")]
mod diagrams;
mod find_sources;
mod formats;
mod forms;
mod gates;
mod generate;
mod hooks;
mod import;
mod links;
mod load;
mod lsp;
mod overlap;
mod packet;
mod paths;
mod pdf;
mod render;
mod rubrics;
mod schema;
mod settings;
mod shard;
mod shipped;
mod sources;
