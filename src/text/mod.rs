//! Text handling shared by retrieval and triage.

pub mod clean;
pub mod gloss;
pub mod idiom;
pub mod words;
