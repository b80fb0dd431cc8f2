use std::process::ExitCode;

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
    let (gutcheck, thresholds, _) = super::open_core(cli, args.passive)?;
    outln!(
        "{}",
        gutcheck.explain_with(&args.message.join(" "), &thresholds)
    );
    Ok(ExitCode::SUCCESS)
}
