//! `qbank rubric`: print the built-in rubric.

use std::io::Write;

use crate::model::DEFAULT_RUBRIC_YAML;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the built-in rubric (the seed spec), the documentation of every threshold.
    #[arg(long, required = true)]
    pub default: bool,
}

pub fn run(_args: &Args) -> u8 {
    let mut out = anstream::stdout();
    let _ = out.write_all(DEFAULT_RUBRIC_YAML.as_bytes());
    0
}
