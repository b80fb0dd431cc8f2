//! How often one person sees the same warning. Someone describing their symptoms over five
//! messages should get one warning, not five; someone whose situation gets worse must see the
//! new warning at once.
//!
//! Keyed on (user, rule, tier, whose). A hit is held back only when the same user was shown the
//! same rule at the same or a higher tier within the window, so an escalation to a higher tier
//! is never held back, by construction. Whose symptom it is (the writer's or someone else's)
//! is part of the key: a warning passed on for a friend told the writer to encourage the
//! friend, so it must not hold back the writer's own alarm for the same rule, nor the reverse. Warnings at or above `always_from` (emergency by default)
//! are never held back either: an emergency reply carries no FAQ answer, so holding back its
//! warning would leave an emergency message answered as if it were a plain question.
//!
//! Pure: time is passed in as seconds from any fixed origin (the caller owns the clock).
//! Memory is bounded: expired records are dropped on every call, and beyond `max_records` the
//! oldest go first.

use std::collections::{HashMap, VecDeque};

use crate::faq::Tier;
use crate::reply::RedFlagHit;

pub type UserId = u64;

type Key = (UserId, String, Tier, bool);

#[derive(Debug, Clone)]
pub struct Cooldown {
    window_secs: u64,
    max_records: usize,
    always_from: Tier,
    /// When each key was last shown.
    shown: HashMap<Key, u64>,
    /// Keys in the order they were shown; a key shown again appears again, and the stale
    /// entry is skipped when it reaches the front.
    order: VecDeque<(u64, Key)>,
}

impl Cooldown {
    /// `window_secs` of 0 disables the cooldown (every warning is shown).
    pub fn new(window_secs: u64, max_records: usize) -> Cooldown {
        Cooldown {
            window_secs,
            max_records: max_records.max(1),
            always_from: Tier::Emergency,
            shown: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Warnings at or above this tier are always shown.
    pub fn always_show_from(mut self, tier: Tier) -> Cooldown {
        self.always_from = tier;
        self
    }

    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// The hits to show now for `user` at `now_secs`: all of them if any is new (the one
    /// warning lists every matched rule), none if every hit was shown recently. Records what
    /// it lets through.
    pub fn filter(
        &mut self,
        user: UserId,
        hits: Vec<RedFlagHit>,
        now_secs: u64,
    ) -> Vec<RedFlagHit> {
        self.evict(now_secs);
        if hits.is_empty() || self.window_secs == 0 {
            return hits;
        }
        let fresh = hits
            .iter()
            .any(|h| h.tier >= self.always_from || !self.recently_shown(user, h, now_secs));
        if !fresh {
            return Vec::new();
        }
        for h in &hits {
            let key = (user, h.id.clone(), h.tier, h.about_someone_else);
            self.shown.insert(key.clone(), now_secs);
            self.order.push_back((now_secs, key));
        }
        self.enforce_cap();
        hits
    }

    fn recently_shown(&self, user: UserId, hit: &RedFlagHit, now: u64) -> bool {
        [Tier::Soon, Tier::Urgent, Tier::Emergency]
            .into_iter()
            .filter(|&t| t >= hit.tier)
            .any(|t| {
                self.shown
                    .get(&(user, hit.id.clone(), t, hit.about_someone_else))
                    .is_some_and(|&at| now.saturating_sub(at) < self.window_secs)
            })
    }

    fn evict(&mut self, now: u64) {
        while let Some((at, _)) = self.order.front() {
            if now.saturating_sub(*at) < self.window_secs {
                break;
            }
            let (at, key) = self.order.pop_front().expect("front exists");
            if self.shown.get(&key) == Some(&at) {
                self.shown.remove(&key);
            }
        }
    }

    fn enforce_cap(&mut self) {
        while self.shown.len() > self.max_records {
            let Some((at, key)) = self.order.pop_front() else {
                break;
            };
            if self.shown.get(&key) == Some(&at) {
                self.shown.remove(&key);
            }
        }
        // Re-shown keys leave stale entries behind; keep the queue within twice the map.
        if self.order.len() > 2 * self.max_records {
            let shown = &self.shown;
            self.order.retain(|(at, key)| shown.get(key) == Some(at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3600;

    fn hit(id: &str, tier: Tier) -> RedFlagHit {
        RedFlagHit {
            id: id.into(),
            tier,
            label: id.into(),
            matched: String::new(),
            message: String::new(),
            about_someone_else: false,
        }
    }

    fn ids(hits: &[RedFlagHit]) -> Vec<&str> {
        hits.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn repeats_within_the_window_are_held_back_then_shown_again() {
        let mut c = Cooldown::new(HOUR, 100);
        assert_eq!(c.filter(1, vec![hit("weight", Tier::Soon)], 0).len(), 1);
        assert!(c.filter(1, vec![hit("weight", Tier::Soon)], 10).is_empty());
        assert!(
            c.filter(1, vec![hit("weight", Tier::Soon)], HOUR - 1)
                .is_empty()
        );
        assert_eq!(c.filter(1, vec![hit("weight", Tier::Soon)], HOUR).len(), 1);
    }

    #[test]
    fn other_users_and_other_rules_are_independent() {
        let mut c = Cooldown::new(HOUR, 100);
        c.filter(1, vec![hit("weight", Tier::Soon)], 0);
        assert_eq!(c.filter(2, vec![hit("weight", Tier::Soon)], 1).len(), 1);
        assert_eq!(c.filter(1, vec![hit("blood", Tier::Urgent)], 2).len(), 1);
    }

    #[test]
    fn a_warning_for_someone_else_does_not_hold_back_the_writers_own() {
        let mut c = Cooldown::new(HOUR, 100);
        let mut friend = hit("blood", Tier::Urgent);
        friend.about_someone_else = true;
        assert_eq!(c.filter(1, vec![friend.clone()], 0).len(), 1);
        assert!(c.filter(1, vec![friend], 10).is_empty());
        assert_eq!(c.filter(1, vec![hit("blood", Tier::Urgent)], 20).len(), 1);
    }

    #[test]
    fn an_escalation_is_never_held_back() {
        let mut c = Cooldown::new(HOUR, 100);
        c.filter(1, vec![hit("blood", Tier::Urgent)], 0);
        let shown = c.filter(1, vec![hit("blood", Tier::Emergency)], 5);
        assert_eq!(shown[0].tier, Tier::Emergency);
        // And the lower tier after the higher one is a repeat, not news.
        assert!(c.filter(1, vec![hit("blood", Tier::Urgent)], 6).is_empty());
    }

    #[test]
    fn soon_to_urgent_escalates_even_with_emergency_exemption_off() {
        let mut c = Cooldown::new(HOUR, 100).always_show_from(Tier::Emergency);
        c.filter(7, vec![hit("pain", Tier::Soon)], 0);
        assert_eq!(c.filter(7, vec![hit("pain", Tier::Urgent)], 1).len(), 1);
        assert!(c.filter(7, vec![hit("pain", Tier::Soon)], 2).is_empty());
    }

    #[test]
    fn emergencies_are_always_shown() {
        let mut c = Cooldown::new(HOUR, 100);
        for t in 0..3 {
            assert_eq!(
                c.filter(1, vec![hit("vomit-blood", Tier::Emergency)], t)
                    .len(),
                1
            );
        }
    }

    #[test]
    fn one_new_rule_brings_the_whole_warning_back() {
        let mut c = Cooldown::new(HOUR, 100);
        c.filter(1, vec![hit("weight", Tier::Soon)], 0);
        let shown = c.filter(
            1,
            vec![hit("blood", Tier::Urgent), hit("weight", Tier::Soon)],
            1,
        );
        assert_eq!(ids(&shown), ["blood", "weight"]);
    }

    #[test]
    fn expired_records_are_evicted_and_memory_is_capped() {
        let mut c = Cooldown::new(HOUR, 1000);
        for user in 0..500 {
            c.filter(user, vec![hit("weight", Tier::Soon)], 0);
        }
        assert_eq!(c.len(), 500);
        c.filter(9999, vec![], HOUR);
        assert!(c.is_empty());

        let mut capped = Cooldown::new(HOUR, 10);
        for user in 0..100 {
            capped.filter(user, vec![hit("weight", Tier::Soon)], user);
        }
        assert_eq!(capped.len(), 10);
        // The newest are kept: user 99 is still cooling down, user 0 was forgotten.
        assert!(
            capped
                .filter(99, vec![hit("weight", Tier::Soon)], 100)
                .is_empty()
        );
        assert_eq!(
            capped.filter(0, vec![hit("weight", Tier::Soon)], 100).len(),
            1
        );
        assert!(capped.order.len() <= 20);
    }

    #[test]
    fn a_zero_window_disables_the_cooldown() {
        let mut c = Cooldown::new(0, 10);
        for t in 0..3 {
            assert_eq!(c.filter(1, vec![hit("weight", Tier::Soon)], t).len(), 1);
        }
        assert!(c.is_empty());
    }
}
