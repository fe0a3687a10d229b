//! `qbank lsp`: starts the language server (`crate::lsp`) on standard input and output.

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
    crate::lsp::run_stdio(&args.settings.flags())
}
