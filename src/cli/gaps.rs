//! `gutcheck gaps`: what `/faq-gaps` shows, from the command line: unanswered questions
//! grouped by meaning, and the answers' votes, from the store the settings file names.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Cli;
use crate::discord::Settings;
use crate::gaps::{self, GapGroup};
use crate::semantic::Embedding;
use crate::store::{self, FeedbackCount, Gap};

#[derive(Debug, Args)]
pub struct GapsArgs {
    /// Bot settings in TOML (the database is `database_url`, or `data_dir`/gutcheck.db).
    #[arg(long, env = "GUTCHECK_CONFIG")]
    pub config: Option<PathBuf>,

    /// One server only (its id); every server by default.
    #[arg(long)]
    pub guild: Option<u64>,

    /// One JSON object: {"groups": [...], "votes": [...]}.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,

    /// The groups as CSV (a header, then one line per group).
    #[arg(long)]
    pub csv: bool,
}

pub fn run(cli: &Cli, args: &GapsArgs) -> Result<ExitCode, String> {
    let settings = Settings::load(args.config.as_deref())?;
    let location = settings.store.unwrap_or_default().location();
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let (found, votes) = runtime.block_on(async {
        let store = store::open(&location).await.map_err(|e| e.to_string())?;
        let found = store.gaps(args.guild).await.map_err(|e| e.to_string())?;
        let votes = store
            .feedback(args.guild)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((found, votes))
    })?;
    let groups = gaps::group(&found, embed(cli, &found).as_deref());
    if args.json {
        let report = serde_json::json!({"groups": groups, "votes": votes});
        let line = super::json::to_string(&report)
            .map_err(|e| format!("cannot write the report as JSON: {e}"))?;
        outln!("{line}");
    } else if args.csv {
        out!("{}", gaps::csv(&groups));
    } else {
        print_text(&groups, &votes);
    }
    Ok(ExitCode::SUCCESS)
}

/// Embeddings of the questions, when the model loads; grouping falls back to words.
fn embed(cli: &Cli, found: &[Gap]) -> Option<Vec<Embedding>> {
    if cli.lexical_only || found.is_empty() {
        return None;
    }
    match crate::semantic::shared(&cli.model) {
        Ok(model) => Some(found.iter().map(|g| model.embed(&g.text)).collect()),
        Err(e) => {
            eprintln!("gutcheck: warning: {e}; questions are grouped by their words only");
            None
        }
    }
}

fn print_text(groups: &[GapGroup], votes: &[FeedbackCount]) {
    if groups.is_empty() {
        outln!("{}", gaps::NOTHING_RECORDED);
    } else {
        outln!("Unanswered questions, most frequent first:");
        for group in groups {
            outln!("  {}", gaps::line(group));
        }
    }
    if votes.is_empty() {
        outln!("No votes on answers yet.");
        return;
    }
    outln!("Votes per entry and server (helpful / not helpful):");
    for v in votes {
        let server = v
            .guild_id
            .map_or("direct messages".to_string(), |g| format!("server {g}"));
        outln!(
            "  {} in {server}: {} / {}",
            v.entry_id,
            v.helpful,
            v.not_helpful
        );
    }
}
