//! `qbank completions` and `qbank man`: shell completions and man pages generated from
//! the clap definitions, so they never drift from the real flags.

use std::io::Write as _;
use std::path::PathBuf;

use clap::CommandFactory;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {
    /// Write qbank.1 and one qbank-<command>.1 per command into this folder instead of
    /// printing qbank.1.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub(crate) fn completions(args: &Args) -> u8 {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "qbank", &mut buf);
    super::print_bytes(&buf);
    0
}

fn render(cmd: clap::Command) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .expect("writing to memory");
    buf
}

pub(crate) fn man(args: &ManArgs) -> u8 {
    let cmd = super::Cli::command();
    let Some(dir) = &args.out else {
        super::print_bytes(&render(cmd));
        return 0;
    };
    let mut pages = vec![(PathBuf::from("qbank.1"), render(cmd.clone()))];
    for sub in cmd.get_subcommands() {
        let name = format!("qbank-{}", sub.get_name());
        // clap names are `&'static str` without its `string` feature; a few short
        // strings live until the process ends.
        let page_name: &'static str = Box::leak(name.clone().into_boxed_str());
        let page = sub
            .clone()
            .name(page_name)
            .bin_name(format!("qbank {}", sub.get_name()));
        pages.push((PathBuf::from(format!("{name}.1")), render(page)));
    }
    for (name, bytes) in &pages {
        if let Err(e) = crate::fsutil::write_in(dir, name, bytes) {
            return super::fail_write(&e);
        }
    }
    let _ = writeln!(
        std::io::stdout(),
        "wrote {} man pages to {}",
        pages.len(),
        crate::diagnostic::display_path(dir)
    );
    0
}
