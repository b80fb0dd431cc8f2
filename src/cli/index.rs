use std::process::ExitCode;

use crate::respond::Gutcheck;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Rebuild even when the stored index matches the FAQ files.
    #[arg(long)]
    pub rebuild: bool,
}

pub fn run(cli: &Cli, args: &IndexArgs) -> Result<ExitCode, String> {
    let (gutcheck, report) =
        Gutcheck::open_with(&cli.faq, &cli.index, &cli.model_choice(), args.rebuild)
            .map_err(|e| e.to_string())?;
    outln!("{}", report.index);
    outln!("faq: {}", gutcheck.faq.summary_line());
    Ok(ExitCode::SUCCESS)
}
