//! `qbank schema`: write the JSON Schemas generated from the model types.

use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folder to write the schemas into.
    #[arg(short, long, default_value = "schemas", value_name = "DIR")]
    pub out: PathBuf,
}

pub(crate) fn run(args: &Args) -> u8 {
    let mut out = anstream::stdout();
    for (name, text) in crate::schema::all() {
        let path =
            match crate::fsutil::write_in(&args.out, std::path::Path::new(name), text.as_bytes()) {
                Ok(p) => p,
                Err(e) => return super::fail_write(&e),
            };
        let _ = writeln!(out, "wrote {}", path.display());
    }
    0
}
