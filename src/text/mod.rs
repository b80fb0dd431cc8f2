//! Text handling shared by retrieval and triage.

pub mod clean;
