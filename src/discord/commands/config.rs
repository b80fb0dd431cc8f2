//! `/gutcheck-config`: a server's own settings, stored in the database and in force at once
//! (no restart). Without options it shows what the server runs with. The settings file stays
//! the default: `default` as a value goes back to it.

use super::{Context, Error, is_moderator, to_reply};
use crate::discord::config::check_retention;
use crate::discord::curator::Effective;
use crate::discord::render;
use crate::store::GuildConfig;

/// This server's bot settings (moderators, private). Without options: show them.
#[poise::command(slash_command, rename = "gutcheck-config", guild_only)]
#[allow(clippy::too_many_arguments)] // one per setting: that is the command's interface
pub async fn gutcheck_config(
    ctx: Context<'_>,
    #[description = "Added to urgent and emergency warnings (`default`: the file's)"]
    #[max_length = 500]
    emergency_contact: Option<String>,
    #[description = "Channels answered without a mention: #channels or ids, `none`, `default`"]
    passive_channels: Option<String>,
    #[description = "Channels scanned for alarm symptoms: #channels or ids, `none`, `default`"]
    scan_channels: Option<String>,
    #[description = "Seconds before the same entry is answered again in a channel"]
    #[max = 604800]
    channel_entry_cooldown_secs: Option<u32>,
    #[description = "Seconds between passive answers to one person"]
    #[max = 604800]
    user_cooldown_secs: Option<u32>,
    #[description = "Seconds before the same warning goes to one person again"]
    #[max = 604800]
    warning_cooldown_secs: Option<u32>,
    #[description = "Keep questions the bot could not answer, for /faq-gaps (off by default)"]
    record_gaps: Option<bool>,
    #[description = "Days unanswered questions are kept (1 to 365, default 30)"]
    #[min = 1]
    #[max = 365]
    gap_retention_days: Option<u32>,
    #[description = "Where reloads and notices go: a #channel or id, `none`, `default`"]
    mod_log_channel: Option<String>,
) -> Result<(), Error> {
    if !is_moderator(ctx) {
        let note = render::notice(
            "Moderators only",
            &["Changing the bot's settings needs the moderator permission set for it.".into()],
            false,
        );
        ctx.send(to_reply(&note, true)).await?;
        return Ok(());
    }
    let Some(guild) = ctx.guild_id().map(|g| g.get()) else {
        return Ok(());
    };
    let shared = ctx.data();
    let mut config = shared.curator.config(ctx.guild_id()).unwrap_or_default();
    let changes = Changes {
        emergency_contact,
        passive_channels,
        scan_channels,
        channel_entry_cooldown_secs,
        user_cooldown_secs,
        warning_cooldown_secs,
        record_gaps,
        gap_retention_days,
        mod_log_channel,
    };
    let changed = match changes.apply(&mut config) {
        Ok(changed) => changed,
        Err(problem) => {
            let note = render::notice("Nothing changed", &[problem], false);
            ctx.send(to_reply(&note, true)).await?;
            return Ok(());
        }
    };
    if changed {
        ctx.defer_ephemeral().await?;
        if !shared.curator.save_config(guild, config.clone()).await {
            let note = render::notice(
                "Nothing changed",
                &[
                    "The bot's database is not answering (or the bot has none), so the \
                   settings were not saved. Answers go on with the previous settings; try \
                   again later."
                        .into(),
                ],
                false,
            );
            ctx.send(to_reply(&note, true)).await?;
            return Ok(());
        }
        shared.reset_cooldowns(guild);
        if config.record_gaps == Some(false) {
            shared.curator.forget_guild(guild);
        }
    }
    let title = if changed {
        "Settings saved"
    } else {
        "Settings"
    };
    let note = render::notice(title, &describe(&shared.effective(Some(guild))), true);
    ctx.send(to_reply(&note, true)).await?;
    Ok(())
}

/// The options given, before they are checked.
struct Changes {
    emergency_contact: Option<String>,
    passive_channels: Option<String>,
    scan_channels: Option<String>,
    channel_entry_cooldown_secs: Option<u32>,
    user_cooldown_secs: Option<u32>,
    warning_cooldown_secs: Option<u32>,
    record_gaps: Option<bool>,
    gap_retention_days: Option<u32>,
    mod_log_channel: Option<String>,
}

impl Changes {
    /// Applies every given option to `config`; nothing is applied when one is wrong.
    /// Returns whether anything was given.
    fn apply(self, config: &mut GuildConfig) -> Result<bool, String> {
        let mut next = config.clone();
        if let Some(text) = &self.emergency_contact {
            let text = text.trim();
            next.emergency_contact = (!is_default(text)).then(|| text.to_string());
        }
        if let Some(text) = &self.passive_channels {
            next.passive_channels = channel_list(text)?;
        }
        if let Some(text) = &self.scan_channels {
            next.scan_channels = channel_list(text)?;
        }
        let secs = |v: Option<u32>, old: Option<u64>| v.map(u64::from).or(old);
        next.channel_entry_cooldown_secs = secs(
            self.channel_entry_cooldown_secs,
            next.channel_entry_cooldown_secs,
        );
        next.user_cooldown_secs = secs(self.user_cooldown_secs, next.user_cooldown_secs);
        next.warning_cooldown_secs = secs(self.warning_cooldown_secs, next.warning_cooldown_secs);
        if let Some(on) = self.record_gaps {
            next.record_gaps = Some(on);
        }
        if let Some(days) = self.gap_retention_days {
            next.gap_retention_days = Some(check_retention(days)?);
        }
        if let Some(text) = &self.mod_log_channel {
            next.mod_log_channel = match channel_list(text)?.as_deref() {
                None => None,
                Some([]) => None,
                Some([one]) => Some(*one),
                Some(_) => return Err("mod_log_channel takes one channel".to_string()),
            };
        }
        let given = next != *config;
        *config = next;
        Ok(given)
    }
}

fn is_default(text: &str) -> bool {
    text.eq_ignore_ascii_case("default")
}

/// `#help, 123` as channel ids; `none` is an empty list (nothing watched) and `default`
/// is `None` (the settings file's lists).
pub fn channel_list(text: &str) -> Result<Option<Vec<u64>>, String> {
    let text = text.trim();
    if is_default(text) {
        return Ok(None);
    }
    if text.eq_ignore_ascii_case("none") {
        return Ok(Some(Vec::new()));
    }
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| {
            let id = t.trim_start_matches("<#").trim_end_matches('>');
            id.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| {
                format!(
                    "`{}` is not a channel: pick channels with #, or paste ids (Developer Mode, \
                     then right-click > Copy ID); `none` for no channel, `default` for the \
                     settings file's",
                    render::truncate(t, 40)
                )
            })
        })
        .collect::<Result<Vec<u64>, String>>()
        .map(Some)
}

/// What the server runs with, one line per setting.
fn describe(e: &Effective) -> Vec<String> {
    let channels = |w: &crate::discord::config::Watch| {
        let mut ids: Vec<String> = w.channels.iter().map(|c| format!("<#{c}>")).collect();
        ids.sort();
        if !w.guilds.is_empty() {
            ids.push("every channel of the servers in the settings file".into());
        }
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        }
    };
    vec![
        format!(
            "Emergency contact: {}",
            e.style.emergency_contact.as_deref().unwrap_or("(none)")
        ),
        format!("Passive channels: {}", channels(&e.passive)),
        format!("Scanned channels: {}", channels(&e.scan)),
        format!(
            "Cooldowns: same entry per channel {} s, per person {} s, same warning {} s",
            e.channel_entry_cooldown.as_secs(),
            e.user_cooldown.as_secs(),
            e.warning_cooldown.as_secs()
        ),
        format!(
            "Unanswered questions: {} (kept {} days)",
            if e.record_gaps {
                "recorded"
            } else {
                "not recorded"
            },
            e.gap_retention_days
        ),
        format!(
            "Mod log: {}",
            e.mod_log_channel
                .map_or("none".to_string(), |c| format!("<#{c}>"))
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_lists_read_mentions_ids_none_and_default() {
        assert_eq!(channel_list("<#12>, 13 <#14>"), Ok(Some(vec![12, 13, 14])));
        assert_eq!(channel_list(" none "), Ok(Some(vec![])));
        assert_eq!(channel_list("Default"), Ok(None));
        let e = channel_list("#help").unwrap_err();
        assert!(e.contains("`#help` is not a channel"), "{e}");
    }

    #[test]
    fn a_wrong_option_changes_nothing() {
        let mut config = GuildConfig::default();
        let changes = Changes {
            emergency_contact: Some("Call 112".into()),
            passive_channels: None,
            scan_channels: None,
            channel_entry_cooldown_secs: None,
            user_cooldown_secs: Some(60),
            warning_cooldown_secs: None,
            record_gaps: Some(true),
            gap_retention_days: Some(400),
            mod_log_channel: None,
        };
        assert!(changes.apply(&mut config).unwrap_err().contains("1 to 365"));
        assert_eq!(config, GuildConfig::default());
    }
}
