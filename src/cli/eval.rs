use std::path::PathBuf;
use std::process::ExitCode;

use crate::faq::Faq;
use crate::respond::Gutcheck;
use crate::search::{Thresholds, eval};

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The labelled set: `entry-id<TAB>message` per line (`-` for out of scope), or a `.jsonl`
    /// chat set in the dev set's format (`kind`, `text`, `expect`, `tier`), scored as
    /// `../shared/eval/score.py` scores it.
    #[arg(default_value = "tests/eval/retrieval.tsv")]
    pub file: PathBuf,

    /// Score the stricter thresholds used for messages not addressed to the bot.
    #[arg(long)]
    pub passive: bool,

    /// Also list every wrong answer and every unanswered in-scope message.
    #[arg(long)]
    pub misses: bool,
}

pub fn run(cli: &Cli, args: &EvalArgs) -> Result<ExitCode, String> {
    if args.file.extension().is_some_and(|e| e == "jsonl") {
        return run_chat(cli, args);
    }
    let cases = eval::load(&args.file)?;
    let faq = Faq::load(&cli.faq).map_err(|d| {
        format!(
            "{d}the FAQ in {} does not load: run `gutcheck check`",
            cli.faq.display()
        )
    })?;
    let gutcheck = Gutcheck::from_faq_cached(
        faq,
        &cli.model_choice(),
        Some(&cli.index.join(crate::semantic::vectors::CACHE_FILE)),
    )
    .map_err(|e| e.to_string())?;
    let thresholds = if args.passive {
        Thresholds::PASSIVE
    } else {
        gutcheck.thresholds
    };
    let report = eval::Report::run(&cases, |m| {
        let reply = gutcheck.respond_with(m, &thresholds);
        (
            reply.answer.map(|a| a.id),
            reply.suggestions.into_iter().map(|s| s.id).collect(),
        )
    });
    outln!("{}", report.summary());
    if args.misses {
        out!("{}", report.misses());
    }
    Ok(ExitCode::SUCCESS)
}

/// `gutcheck eval FILE.jsonl`: the dev set's figures, one line, as score.py prints them.
fn run_chat(cli: &Cli, args: &EvalArgs) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let cases =
        crate::chat_eval::parse(&text).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let (gutcheck, thresholds, _) = super::open_core(cli, args.passive)?;
    let report =
        crate::chat_eval::ChatReport::run(&cases, |m| gutcheck.respond_with(m, &thresholds));
    outln!("{report} | {} msgs", cases.len());
    Ok(ExitCode::SUCCESS)
}
