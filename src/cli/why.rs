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

    /// Print JSON: both signals, the rule and the decision (with `-`, one object per line).
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: &Cli, args: &WhyArgs) -> Result<ExitCode, String> {
    let (gutcheck, thresholds, _) = super::open_core(cli, args.passive)?;
    let explain = |text: &str| gutcheck.explain_with(text, &thresholds);
    if args.message.len() == 1 && args.message[0] == "-" {
        return match super::ask::stream(args.json, explain, |e| format!("{e}\n")) {
            Ok(code) => Ok(code),
            Err(e) => super::exit_on_write_error(&e),
        };
    }
    let explanation = explain(&args.message.join(" "));
    if args.json {
        let json = super::json::to_string(&explanation).map_err(|e| e.to_string())?;
        outln!("{json}");
    } else {
        outln!("{explanation}");
    }
    Ok(ExitCode::SUCCESS)
}
