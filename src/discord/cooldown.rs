//! Passive-answer pacing: a help channel must not turn into the bot answering every
//! message. Red-flag warnings use triage's own policy; this one only limits answers that
//! nobody asked the bot for.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Remembers when each key last fired; a key may fire again once `window` has passed.
#[derive(Debug)]
pub struct Window<K> {
    window: Duration,
    last: HashMap<K, Instant>,
}

impl<K: Eq + Hash + Clone> Window<K> {
    pub fn new(window: Duration) -> Window<K> {
        Window {
            window,
            last: HashMap::new(),
        }
    }

    pub fn ready(&self, key: &K, now: Instant) -> bool {
        self.last
            .get(key)
            .is_none_or(|&t| now.saturating_duration_since(t) >= self.window)
    }

    pub fn fire(&mut self, key: K, now: Instant) {
        // Expired keys are dropped on the way so the map stays as small as the window.
        if self.last.len() > 1024 {
            let window = self.window;
            self.last
                .retain(|_, t| now.saturating_duration_since(*t) < window);
        }
        self.last.insert(key, now);
    }
}

/// Why a passive answer was held back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// This channel saw this entry recently.
    ChannelEntry,
    /// This user got a passive answer recently.
    User,
}

/// Both passive windows: per (channel, entry) and per user. Checked together and fired
/// together, so a held answer consumes nothing.
#[derive(Debug)]
pub struct Passive {
    channel_entry: Window<(u64, String)>,
    user: Window<u64>,
}

impl Passive {
    pub fn new(channel_entry: Duration, user: Duration) -> Passive {
        Passive {
            channel_entry: Window::new(channel_entry),
            user: Window::new(user),
        }
    }

    /// Takes the slot when both windows allow it.
    pub fn take(&mut self, channel: u64, entry: &str, user: u64, now: Instant) -> Result<(), Held> {
        let key = (channel, entry.to_string());
        if !self.channel_entry.ready(&key, now) {
            return Err(Held::ChannelEntry);
        }
        if !self.user.ready(&user, now) {
            return Err(Held::User);
        }
        self.channel_entry.fire(key, now);
        self.user.fire(user, now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_entry_and_user_windows() {
        let t0 = Instant::now();
        let mut p = Passive::new(Duration::from_secs(60), Duration::from_secs(10));
        assert_eq!(p.take(1, "a", 7, t0), Ok(()));
        // Same entry, same channel, another user: held by the channel window.
        assert_eq!(p.take(1, "a", 8, t0), Err(Held::ChannelEntry));
        // Another entry for the same user: held by the user window.
        assert_eq!(p.take(1, "b", 7, t0), Err(Held::User));
        // Another channel, another user: free.
        assert_eq!(p.take(2, "a", 8, t0), Ok(()));
        let later = t0 + Duration::from_secs(11);
        assert_eq!(p.take(1, "b", 7, later), Ok(()));
        assert_eq!(p.take(1, "a", 9, later), Err(Held::ChannelEntry));
        assert_eq!(p.take(1, "a", 9, t0 + Duration::from_secs(60)), Ok(()));
    }
}
