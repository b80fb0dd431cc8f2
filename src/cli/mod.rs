//! The command-line adapter: parse arguments, call the core, print. One file per subcommand.

mod check;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// gutcheck answers questions about "leaky gut" from a curated, cited, evidence-graded FAQ,
/// and warns when a message describes an alarm symptom. It never diagnoses.
#[derive(Debug, Parser)]
#[command(name = "gutcheck", version, about, long_about = None)]
pub struct Cli {
    /// The FAQ folder (entries/, sources.toml, redflags.toml, context.toml, synonyms.toml).
    #[arg(long, global = true, env = "GUTCHECK_FAQ", default_value = "faq")]
    pub faq: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the FAQ files: every problem as path:line:col, non-zero exit on any error.
    Check(check::CheckArgs),
}

/// Runs the CLI and maps the outcome to an exit status: 0 success, 1 a problem the user can
/// fix (reported on stderr), 2 bad arguments (clap's own).
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => check::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("gutcheck: {message}");
            ExitCode::FAILURE
        }
    }
}
