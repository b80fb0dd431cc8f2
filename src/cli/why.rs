use std::process::ExitCode;

use crate::respond::Gutcheck;
use crate::search::Thresholds;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct WhyArgs {
    /// The message to explain (several words are joined with spaces).
    #[arg(required = true)]
    pub message: Vec<String>,

    /// Explain the stricter decision used for messages not addressed to the bot.
    #[arg(long)]
    pub passive: bool,
}

pub fn run(cli: &Cli, args: &WhyArgs) -> Result<ExitCode, String> {
    let (gutcheck, _) = Gutcheck::open(&cli.faq, &cli.index).map_err(|e| e.to_string())?;
    let thresholds = if args.passive {
        Thresholds::PASSIVE
    } else {
        gutcheck.thresholds
    };
    outln!(
        "{}",
        gutcheck.explain_with(&args.message.join(" "), &thresholds)
    );
    Ok(ExitCode::SUCCESS)
}
