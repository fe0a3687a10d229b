//! One integration-test binary that drives the real `qbank` executable.

mod common;
mod formats;
mod gates;
mod load;
mod render;
mod schema;
mod shipped;
