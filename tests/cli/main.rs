//! One integration-test binary that drives the real `qbank` executable.

mod authoring;
mod common;
mod formats;
mod gates;
mod import;
mod links;
mod load;
mod packet;
mod pdf;
mod render;
mod schema;
mod shipped;
