//! `qbank lsp`: starts the language server (`crate::lsp`) on standard input and output.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// Accepted for editors that pass it: the server always speaks over standard input
    /// and output.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

pub(crate) fn run(args: &Args) -> u8 {
    if args.settings.show_settings {
        // The settings in force for the working folder, as the server resolves them for
        // its workspace folder.
        return match super::resolve_settings(&[PathBuf::from(".")], &args.settings, &[]) {
            Ok(_) => 0,
            Err(code) => code,
        };
    }
    crate::lsp::run_stdio(&args.settings.flags())
}
