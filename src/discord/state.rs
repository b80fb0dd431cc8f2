//! What every handler shares: the swappable core, settings, cooldowns, and an optional
//! observer that hears every decision (tests wait on it instead of sleeping; it is also the
//! one place a deployment could count what the bot does).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use tokio::sync::mpsc;

use super::config::Settings;
use super::cooldown::{Held, Passive, Window};
use super::core::{Core, Loader};
use super::render::Style;
use crate::faq::Tier;
use crate::triage::cooldown::Cooldown;

/// Something the adapter decided, reported to the observer.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// What happened to one incoming message.
    Message { id: u64, outcome: Outcome },
    /// A reload finished; `Err` holds every problem found.
    Reload {
        trigger: Trigger,
        result: Result<String, Vec<String>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A reply was sent: the warning tier shown (if any) and the entry answered (if any).
    Replied {
        warned: Option<Tier>,
        answered: Option<String>,
    },
    Ignored(Skip),
    /// The engine did not finish within the reply budget; `notified` when the writer was
    /// told (they addressed the bot).
    OverBudget {
        notified: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Written by a bot or a webhook (including gutcheck itself).
    Bot,
    /// Not a mention, not a DM, not a passive or scanned channel.
    NotWatched,
    /// Nothing to say: no answer over the bar and no red flag.
    NothingToSay,
    /// An answer was found but a passive cooldown held it back.
    Cooldown(Held),
    /// A red flag matched but the same warning went to this user recently.
    WarningCooldown,
    /// A mention (with no red flag) from someone the bot answered in public just now.
    MentionCooldown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Command,
    Watcher,
}

/// Warning-cooldown memory bound: enough for every active member of a large server.
const WARNING_RECORDS: usize = 100_000;

/// The engine did not finish in time, or its job panicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overrun {
    OverBudget,
    Crashed,
}

/// Thread-to-parent memory bound; cleared when full (a lookup is one REST call).
const PARENT_RECORDS: usize = 50_000;

pub struct Shared {
    core: ArcSwap<Box<dyn Core>>,
    /// Engine jobs running or queued at once: more would only queue inside the blocking
    /// pool, where no budget could drop them.
    engine_slots: Arc<tokio::sync::Semaphore>,
    /// Channel id to its parent when it is a thread or forum post, `None` otherwise.
    pub parents: Mutex<std::collections::HashMap<u64, Option<u64>>>,
    loader: Loader,
    pub settings: Settings,
    pub style: Style,
    pub passive: Mutex<Passive>,
    /// Public answers to mentions, per member.
    pub mentions: Mutex<Window<u64>>,
    /// Triage's policy: (user, rule, tier), never holding back an escalation.
    pub warnings: Mutex<Cooldown>,
    /// The origin of the seconds the warning cooldown counts in.
    pub started: Instant,
    /// One reload at a time: two would race to swap and report out of order.
    reloading: tokio::sync::Mutex<()>,
    observer: Option<mpsc::UnboundedSender<Observed>>,
}

impl Shared {
    pub fn new(
        settings: Settings,
        core: Box<dyn Core>,
        loader: Loader,
        observer: Option<mpsc::UnboundedSender<Observed>>,
    ) -> Shared {
        let slots = std::thread::available_parallelism().map_or(2, |n| n.get());
        Shared {
            core: ArcSwap::from_pointee(core),
            engine_slots: Arc::new(tokio::sync::Semaphore::new(slots)),
            parents: Mutex::new(std::collections::HashMap::new()),
            loader,
            style: Style {
                disclaimer: settings.disclaimer.clone(),
                emergency_contact: settings.emergency_contact.clone(),
            },
            passive: Mutex::new(Passive::new(
                settings.channel_entry_cooldown,
                settings.user_cooldown,
            )),
            mentions: Mutex::new(Window::new(settings.mention_user_cooldown)),
            warnings: Mutex::new(Cooldown::new(
                settings.warning_cooldown.as_secs(),
                WARNING_RECORDS,
            )),
            started: Instant::now(),
            settings,
            reloading: tokio::sync::Mutex::new(()),
            observer,
        }
    }

    /// The core serving right now. Callers keep this `Arc` for the whole request, so a swap
    /// in the middle never changes the FAQ under them.
    pub fn core(&self) -> Arc<Box<dyn Core>> {
        self.core.load_full()
    }

    /// Runs `job` on the serving core off the async workers (the blocking pool, at most one
    /// job per core), within the reply budget. Engine work is CPU-bound and may be slow: on a
    /// worker it would stall heartbeats and every other message.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&dyn Core) -> T + Send + 'static,
    ) -> Result<T, Overrun> {
        let core = self.core();
        let slots = self.engine_slots.clone();
        let work = async move {
            let slot = slots.acquire_owned().await.map_err(|_| Overrun::Crashed)?;
            tokio::task::spawn_blocking(move || {
                let _slot = slot;
                job(core.as_ref().as_ref())
            })
            .await
            .map_err(|_| Overrun::Crashed)
        };
        match tokio::time::timeout(self.settings.reply_budget, work).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(
                    budget = ?self.settings.reply_budget,
                    "engine work over budget: the reply was dropped"
                );
                Err(Overrun::OverBudget)
            }
        }
    }

    /// Remembers a channel's parent (or that it has none), within a bounded memory.
    pub fn remember_parent(&self, channel: u64, parent: Option<u64>) {
        let mut parents = self.parents.lock().unwrap();
        if parents.len() >= PARENT_RECORDS {
            parents.clear();
        }
        parents.insert(channel, parent);
    }

    pub fn observe(&self, event: Observed) {
        if let Some(tx) = &self.observer {
            let _ = tx.send(event);
        }
    }

    /// Builds a new core off the async runtime and swaps it in; on any error the old one
    /// keeps serving. Returns the new FAQ's summary or every problem found.
    pub async fn reload(&self, trigger: Trigger) -> Result<String, Vec<String>> {
        let _one_at_a_time = self.reloading.lock().await;
        let loader = self.loader.clone();
        // The summary is read in the blocking job too: nothing about the core runs on a worker.
        let build = tokio::task::spawn_blocking(move || {
            loader().map(|core| {
                let summary = core.faq().summary_line();
                (core, summary)
            })
        });
        let budget = self.settings.reload_budget;
        let built = match tokio::time::timeout(budget, build).await {
            Ok(joined) => joined.unwrap_or_else(|_| Err(vec!["the reload crashed".to_string()])),
            // The late build is dropped when it ends; the next reload may start now.
            Err(_) => Err(vec![format!(
                "the reload took longer than {} s and was abandoned (is a FAQ file on a stalled \
                 disk?)",
                budget.as_secs()
            )]),
        };
        let result = built.map(|(core, summary)| {
            self.core.store(Arc::new(core));
            summary
        });
        match &result {
            Ok(summary) => tracing::info!(?trigger, "FAQ reloaded: {summary}"),
            // The full list goes to the log for moderators; it holds file paths and
            // messages about the FAQ, never anything a user wrote.
            Err(errors) => tracing::warn!(
                ?trigger,
                "FAQ reload failed, still serving the previous FAQ ({} problems):\n{}",
                errors.len(),
                errors.join("\n")
            ),
        }
        self.observe(Observed::Reload {
            trigger,
            result: result.clone(),
        });
        result
    }
}

/// Size and modification time of every file under `dir`, sorted: cheap to take every few
/// seconds, and any edit, addition or removal changes it.
fn stamp(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&d) else {
            continue;
        };
        for item in read.flatten() {
            let path = item.path();
            match item.metadata() {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => out.push((path, m.len(), m.modified().ok())),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}

/// Polls the FAQ folder and reloads when it changes. A failed reload is reported once per
/// change, not on every poll.
pub async fn watch(shared: Arc<Shared>, every: Duration) {
    let Ok(dir) = shared.run(|core| core.faq().dir.clone()).await else {
        tracing::warn!("the FAQ watcher could not start; /faq-reload still works");
        return;
    };
    let mut last = stamp(&dir);
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let dir_for_stamp = dir.clone();
        let Ok(now) = tokio::task::spawn_blocking(move || stamp(&dir_for_stamp)).await else {
            continue;
        };
        if now != last {
            last = now;
            let _ = shared.reload(Trigger::Watcher).await;
        }
    }
}
