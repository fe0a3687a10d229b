//! One integration-test binary that drives the real `qbank` executable.

mod common;
mod load;
mod schema;
