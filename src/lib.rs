//! gutcheck: an evidence-graded, cited FAQ about "leaky gut", with alarm-symptom triage.
