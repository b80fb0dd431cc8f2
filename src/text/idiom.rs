//! Figures of speech that use gut words without meaning the gut: "beer gut" is belly fat,
//! "gut feeling" is intuition. Beside a topic word ("beer", "probiotics") they would make a
//! lifestyle remark look like a gut-health question, so retrieval reads the message with
//! them blanked out. Triage never uses this: an idiom is no alarm either way, and blanking
//! words there could only hide one.

/// Idioms, lower case, as whole-word phrases.
const IDIOMS: &[&str] = &[
    "beer gut",
    "beer guts",
    "gut feeling",
    "gut feelings",
    "gut instinct",
    "gut instincts",
    "gut reaction",
    "gut check",
    "gut punch",
    "gut punched",
    "gut wrenching",
    "spill my guts",
    "spilled his guts",
    "spilled her guts",
    "spilled my guts",
    "hate his guts",
    "hate her guts",
    "hate their guts",
    "the guts to",
    "takes guts",
    "go with your gut",
    "go with my gut",
    "trust your gut",
    "trust my gut",
];

/// `text` as retrieval reads it: idioms blanked, borrowed unchanged when it has none.
pub fn blanked(text: &str) -> std::borrow::Cow<'_, str> {
    match blank(text) {
        Some(b) => std::borrow::Cow::Owned(b),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// `text` with every idiom's words replaced by spaces (so positions and the other words stay),
/// or `None` when it has none.
pub fn blank(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths (rare letters); then leave the text alone.
    if lower.len() != text.len() {
        return None;
    }
    let mut out: Option<String> = None;
    for idiom in IDIOMS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(idiom).map(|i| i + from) {
            let end = at + idiom.len();
            if is_boundary(&lower, at, end) {
                let s = out.get_or_insert_with(|| text.to_string());
                s.replace_range(at..end, &" ".repeat(idiom.len()));
            }
            from = end;
        }
    }
    out
}

fn is_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idioms_are_blanked_and_gut_questions_are_not() {
        let blanked = blank("Beer gut from uni, any tips for losing it?").unwrap();
        assert!(!blanked.to_lowercase().contains("gut"));
        assert!(blanked.contains("from uni"));
        assert_eq!(
            blank("my gut instinct says no"),
            Some("my              says no".into())
        );
        assert_eq!(blank("does beer hurt the gut lining?"), None);
        assert_eq!(blank("gutfeelings"), None);
        assert_eq!(blank("Über gut feeling"), Some("Über            ".into()));
    }
}
