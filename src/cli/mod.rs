//! The command-line adapter: parse arguments, call the core, print. One file per subcommand.

/// `print!` for the CLI: a closed pipe (`gutcheck ask ... | head`) ends the program quietly,
/// as Unix tools do, instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*)) };
}

/// `println!` with the same closed-pipe behaviour as `out!`.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod ask;
mod chat;
mod check;
mod eval;
mod gaps;
mod index;
mod json;
mod serve;
mod why;

use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Write;

use clap::{Parser, Subcommand};

/// gutcheck answers questions about "leaky gut" from a curated, cited, evidence-graded FAQ,
/// and warns when a message describes an alarm symptom. It never diagnoses.
#[derive(Debug, Parser)]
#[command(name = "gutcheck", version, about, long_about = None)]
pub struct Cli {
    /// The FAQ folder (entries/, sources.toml, redflags.toml, context.toml, synonyms.toml).
    #[arg(long, global = true, env = "GUTCHECK_FAQ", default_value = "faq")]
    pub faq: PathBuf,

    /// Where the built search index is kept (reused while the FAQ files are unchanged).
    #[arg(long, global = true, env = "GUTCHECK_INDEX", default_value = "index")]
    pub index: PathBuf,

    /// The sentence-embedding model folder (tokenizer.json, model.f16.safetensors).
    #[arg(long, global = true, env = "GUTCHECK_MODEL", default_value = crate::semantic::DEFAULT_MODEL_DIR)]
    pub model: PathBuf,

    /// Retrieve by words only, without the embedding model: faster, fewer paraphrases answered.
    #[arg(long, global = true, env = "GUTCHECK_LEXICAL_ONLY")]
    pub lexical_only: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The model the command asked for.
    pub fn model_choice(&self) -> crate::respond::ModelChoice {
        if self.lexical_only {
            crate::respond::ModelChoice::Off
        } else {
            crate::respond::ModelChoice::Dir(self.model.clone())
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the FAQ files: every problem as path:line:col, non-zero exit on any error.
    Check(check::CheckArgs),
    /// Answer one question (`-`: one message per line from stdin).
    Ask(ask::AskArgs),
    /// An interactive console that answers like the bot in a channel.
    Chat(chat::ChatArgs),
    /// Explain the ranking and the answer-or-abstain decision for a message.
    Why(why::WhyArgs),
    /// Build the search index, or reuse it when the FAQ has not changed.
    Index(index::IndexArgs),
    /// Print retrieval precision and answered share on a labelled set.
    Eval(eval::EvalArgs),
    /// Run the Discord bot (token from DISCORD_TOKEN).
    Serve(serve::ServeArgs),
    /// Unanswered questions grouped by meaning, and the answers' votes, from the bot's store.
    Gaps(gaps::GapsArgs),
}

/// Runs the CLI and maps the outcome to an exit status: 0 success, 1 a problem the user can
/// fix (reported on stderr), 2 bad arguments (clap's own).
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => check::run(&cli, args),
        Command::Ask(args) => ask::run(&cli, args),
        Command::Chat(args) => chat::run(&cli, args),
        Command::Why(args) => why::run(&cli, args),
        Command::Index(args) => index::run(&cli, args),
        Command::Eval(args) => eval::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Gaps(args) => gaps::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("gutcheck: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The answer engine for a command, with the thresholds it asked for: the bot's stricter
/// passive-channel ones with `--passive`, the engine's own otherwise.
pub(crate) fn open_core(
    cli: &Cli,
    passive: bool,
) -> Result<
    (
        crate::respond::Gutcheck,
        crate::search::Thresholds,
        crate::respond::OpenReport,
    ),
    String,
> {
    let (gutcheck, report) =
        crate::respond::Gutcheck::open_with(&cli.faq, &cli.index, &cli.model_choice(), false)
            .map_err(|e| e.to_string())?;
    for warning in report.start_up_warnings() {
        eprintln!("gutcheck: warning: {warning}");
    }
    let thresholds = if passive {
        crate::search::Thresholds::PASSIVE
    } else {
        gutcheck.thresholds
    };
    Ok((gutcheck, thresholds, report))
}

pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        exit_on_write_error(&e);
    }
}

/// Output that cannot be written ends the program: quietly (status 0) when the reader closed
/// the pipe, which is how `head` says "enough"; with a message otherwise.
pub(crate) fn exit_on_write_error(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("gutcheck: input/output error: {e}");
    std::process::exit(1);
}
