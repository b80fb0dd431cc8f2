//! Safe publishing on Discord: the dry run (what a reload would change, and every problem,
//! without swapping), the reload report, and the mod log every reload is posted to. The
//! checks and the diff are the core's (`crate::publish`); this file only runs them off the
//! async workers and lays out what they found.

use std::sync::Arc;

use serenity::all::{ChannelId, CreateAttachment, CreateMessage, Http};

use super::commands::no_pings;
use super::render;
use super::state::{Shared, Trigger};
use crate::faq::Date;
use crate::publish::{self, FaqDiff};

/// What `/faq-reload dry_run:true` found: the change (when the files pass every check) and
/// every problem, errors first.
#[derive(Debug, Clone)]
pub struct DryRun {
    /// `None` when the files fail a check: there is nothing that would go live.
    pub diff: Option<FaqDiff>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// A finished reload: the new FAQ's summary and what changed, or every problem found.
pub type Reloaded = Result<(String, FaqDiff), Vec<String>>;

/// Runs every check on the FAQ folder being served and diffs the result against the FAQ
/// serving now, on the blocking pool within the reload budget. Nothing is swapped.
pub async fn dry_run(shared: &Shared) -> DryRun {
    let serving = shared.core();
    let job = tokio::task::spawn_blocking(move || {
        let checked = publish::check(&serving.faq().dir, Date::today());
        DryRun {
            diff: checked
                .faq
                .as_ref()
                .map(|new| publish::diff::diff(serving.faq(), new)),
            errors: publish::error_lines(&checked),
            warnings: publish::warning_lines(&checked),
        }
    });
    let budget = shared.settings.reload_budget;
    let failed = |why: String| DryRun {
        diff: None,
        errors: vec![why],
        warnings: Vec::new(),
    };
    match tokio::time::timeout(budget, job).await {
        Ok(Ok(found)) => found,
        Ok(Err(_)) => failed("the dry run crashed".to_string()),
        Err(_) => failed(format!(
            "the dry run took longer than {} s and was abandoned (is a FAQ file on a stalled \
             disk?)",
            budget.as_secs()
        )),
    }
}

/// The notice for a dry run, and the full text to attach when the notice cannot hold it.
pub fn dry_run_notice(found: &DryRun) -> (render::Message, Option<String>) {
    let (title, header, ok) = match &found.diff {
        Some(_) => (
            "Dry run: the FAQ would reload",
            "Nothing was swapped. Run /faq-reload to put this live:".to_string(),
            true,
        ),
        None => (
            "Dry run: the FAQ would not reload",
            format!(
                "{} problem(s); nothing was swapped and the current FAQ is still being served. \
                 Fix these and try again:",
                found.errors.len()
            ),
            false,
        ),
    };
    let mut items: Vec<String> = found.diff.as_ref().map(FaqDiff::lines).unwrap_or_default();
    items.extend(found.errors.iter().cloned());
    items.extend(found.warnings.iter().cloned());
    listed(title, header, &items, ok)
}

/// The report of a finished reload, for the moderator who ran it and the mod log.
pub fn reload_notice(trigger: Trigger, result: &Reloaded) -> (render::Message, Option<String>) {
    let by = match trigger {
        Trigger::Command => "Reloaded by /faq-reload",
        Trigger::Watcher => "Reloaded by the file watcher",
        Trigger::Shared => "Reloaded after another process of this deployment",
    };
    match result {
        Ok((summary, diff)) => listed(
            "FAQ reloaded",
            format!("{by}: now serving {summary}. What changed:"),
            &diff.lines(),
            true,
        ),
        Err(errors) => listed(
            "FAQ not reloaded",
            format!(
                "{by}: {} problem(s); the previous FAQ is still being served. Fix these and \
                 reload:",
                errors.len()
            ),
            errors,
            false,
        ),
    }
}

/// Room for the listed items in a notice, leaving space for the lines around them.
const LIST_CHARS: usize = render::limits::DESCRIPTION - 600;

/// A notice of `header` then `items` in order (root causes come first) while they fit, and
/// how many more are in the attachment; returns the attachment's text when some were left
/// out.
pub fn listed(
    title: &str,
    header: String,
    items: &[String],
    ok: bool,
) -> (render::Message, Option<String>) {
    let (lines, shown) = fit(header, items);
    let rest = (shown < items.len()).then(|| items.join("\n") + "\n");
    (render::notice(title, &lines, ok), rest)
}

/// The header and the items, as `• item` lines, while they fit; and how many are shown.
pub fn fit(header: String, items: &[String]) -> (Vec<String>, usize) {
    let mut lines = vec![header];
    let mut used = 0;
    let mut shown = 0;
    for item in items {
        let line = format!("• `{}`", render::truncate(item, 500));
        used += line.chars().count() + 1;
        if used > LIST_CHARS && shown > 0 {
            break;
        }
        lines.push(line);
        shown += 1;
    }
    if shown < items.len() {
        lines.push(format!(
            "…and {} more: every problem is in the attached {ATTACHMENT} and in the bot's log.",
            items.len() - shown
        ));
    }
    (lines, shown)
}

/// The file name of the full list when a notice cannot hold it.
pub const ATTACHMENT: &str = "faq-errors.txt";

/// Posts a reload report to the mod log. A failure is logged (without the report, which
/// names only FAQ files and ids) and never fails the reload.
pub async fn post_to_mod_log(
    http: &Arc<Http>,
    channel: ChannelId,
    notice: &render::Message,
    attachment: Option<&str>,
) {
    let mut create = CreateMessage::new()
        .embeds(notice.create_embeds())
        .allowed_mentions(no_pings());
    if let Some(text) = attachment {
        create = create.add_file(CreateAttachment::bytes(text.as_bytes(), ATTACHMENT));
    }
    if let Err(e) = channel.send_message(http, create).await {
        tracing::warn!(
            %channel,
            "cannot post the reload report to the mod-log channel: {e} (does the bot have Send \
             Messages and Attach Files there?)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_items_are_shown_and_the_rest_counted() {
        let errors: Vec<String> = (0..183)
            .map(|i| format!("faq/entries/e{i}.toml:3:1: error: unknown source id `s{i}`"))
            .collect();
        let (lines, shown) = fit("183 problem(s)".into(), &errors);
        assert!(lines[0].starts_with("183 problem(s)"));
        assert!(
            lines[1].contains("e0.toml"),
            "order is kept: root causes come first"
        );
        assert!(shown > 10 && shown < 183, "{shown}");
        assert!(
            lines
                .last()
                .unwrap()
                .contains(&format!("and {} more", 183 - shown))
        );
        let (lines, shown) = fit("2".into(), &errors[..2]);
        assert_eq!((lines.len(), shown), (3, 2));
        let (_, attached) = listed("t", "h".into(), &errors, false);
        assert_eq!(attached.unwrap().lines().count(), 183);
        let (_, attached) = listed("t", "h".into(), &errors[..2], false);
        assert!(attached.is_none());
    }
}
