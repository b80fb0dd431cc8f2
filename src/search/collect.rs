//! A collector that keeps, per entry, the best phrasing hit and the best body hit. Ranking
//! entries needs the max per entry over every matching document, which `TopDocs` with a
//! guessed limit could cut short.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::DocInfo;

pub(super) struct EntryCollector {
    pub docs: Arc<Vec<DocInfo>>,
    pub segment_slots: Arc<Vec<Vec<u32>>>,
    pub entries: usize,
}

/// (score, slot) of the best phrasing and best body document of one entry.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct EntryBest {
    pub phrasing: Option<(Score, u32)>,
    pub body: Option<(Score, u32)>,
}

impl EntryBest {
    pub fn score(&self) -> Score {
        let p = self.phrasing.map_or(0.0, |(s, _)| s);
        let b = self.body.map_or(0.0, |(s, _)| s);
        p.max(b)
    }

    fn offer(best: &mut Option<(Score, u32)>, score: Score, slot: u32) {
        // Ties go to the lower slot (title before questions) so results do not depend on
        // segment order.
        let better = match *best {
            None => true,
            Some((s, sl)) => score > s || (score == s && slot < sl),
        };
        if better {
            *best = Some((score, slot));
        }
    }

    fn merge(&mut self, other: &EntryBest) {
        if let Some((s, slot)) = other.phrasing {
            Self::offer(&mut self.phrasing, s, slot);
        }
        if let Some((s, slot)) = other.body {
            Self::offer(&mut self.body, s, slot);
        }
    }
}

pub(super) struct EntrySegmentCollector {
    docs: Arc<Vec<DocInfo>>,
    segment_slots: Arc<Vec<Vec<u32>>>,
    segment: usize,
    best: Vec<EntryBest>,
}

impl Collector for EntryCollector {
    type Fruit = Vec<EntryBest>;
    type Child = EntrySegmentCollector;

    fn for_segment(
        &self,
        segment_local_id: SegmentOrdinal,
        _segment: &SegmentReader,
    ) -> tantivy::Result<EntrySegmentCollector> {
        Ok(EntrySegmentCollector {
            docs: Arc::clone(&self.docs),
            segment_slots: Arc::clone(&self.segment_slots),
            segment: segment_local_id as usize,
            best: vec![EntryBest::default(); self.entries],
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<EntryBest>>) -> tantivy::Result<Vec<EntryBest>> {
        let mut merged = vec![EntryBest::default(); self.entries];
        for fruit in &fruits {
            for (m, f) in merged.iter_mut().zip(fruit) {
                m.merge(f);
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for EntrySegmentCollector {
    type Fruit = Vec<EntryBest>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(&slot) = self
            .segment_slots
            .get(self.segment)
            .and_then(|s| s.get(doc as usize))
        else {
            return;
        };
        let info = &self.docs[slot as usize];
        let best = &mut self.best[info.entry];
        if info.kind.is_phrasing() {
            EntryBest::offer(&mut best.phrasing, score, slot);
        } else {
            EntryBest::offer(&mut best.body, score, slot);
        }
    }

    fn harvest(self) -> Vec<EntryBest> {
        self.best
    }
}
