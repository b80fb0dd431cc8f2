use std::path::PathBuf;
use std::process::ExitCode;

use crate::faq::Date;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The FAQ folder to check (defaults to --faq, which defaults to faq/).
    pub dir: Option<PathBuf>,

    /// Check staleness as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_parser = |s: &str| s.parse::<Date>())]
    pub today: Option<Date>,
}

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<ExitCode, String> {
    let dir = args.dir.clone().unwrap_or_else(|| cli.faq.clone());
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a folder: pass the FAQ folder, e.g. `gutcheck check faq/`",
            dir.display()
        ));
    }
    let loaded = crate::publish::check(&dir, args.today.unwrap_or_else(Date::today));
    out!("{}", loaded.diagnostics);
    let errors = loaded.diagnostics.errors().count();
    let warnings = loaded.diagnostics.warnings().count();
    match loaded.faq {
        Some(faq) => {
            outln!(
                "ok: {} ({warnings} warning{})",
                faq.summary_line(),
                plural(warnings)
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            outln!(
                "failed: {errors} error{}, {warnings} warning{} in {}",
                plural(errors),
                plural(warnings),
                dir.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
