//! gutcheck: an evidence-graded, cited FAQ about "leaky gut", with alarm-symptom triage.
//!
//! See ARCHITECTURE.md for where things live and the rules between them.

pub mod chat_eval;
pub mod cli;
pub mod discord;
pub mod faq;
pub mod gaps;
pub mod hybrid;
pub mod ops;
pub mod publish;
pub mod reply;
pub mod respond;
pub mod search;
pub mod semantic;
pub mod store;
pub mod text;
pub mod topics;
pub mod triage;
