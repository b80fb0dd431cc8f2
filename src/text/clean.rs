//! Turning a raw chat message into the text the core reads.
//!
//! Chat is noisy: mentions, links, pasted code, quoted replies (often quoting the FAQ itself),
//! emoji and "???!!!". None of that is the writer's own words about their own body, so none of
//! it is searched or scanned for alarm symptoms.

/// Longest input read, in characters. Discord messages hold 2000 (4000 with Nitro); anything
/// beyond this is cut, so a pasted novel costs no more than a long message.
pub const MAX_INPUT_CHARS: usize = 4000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// One line per sentence-ish unit: original line breaks are kept as `\n`, because a line
    /// break ends the scope of a negation as a full stop does.
    pub text: String,
    /// The input was longer than `MAX_INPUT_CHARS` and was cut.
    pub truncated: bool,
    /// The writer's own words contain a question mark (quoted text and code excluded).
    pub asks_question: bool,
    /// Set when `text` is an English gloss of a message in another language.
    pub gloss: Option<Gloss>,
    /// The lines the writer quoted (`> ...`), cleaned the same way. Never scanned for alarms
    /// (they are someone else's words), but "is this true?" under a quoted claim asks about
    /// the claim, so retrieval may read them with the writer's own words.
    pub quoted: String,
}

/// What a glossed message was before (see `text::gloss`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gloss {
    /// The language it was read as ("es", "fr", "de", "pt").
    pub language: String,
    /// The cleaned text before glossing.
    pub original: String,
}

impl Cleaned {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The same message with `text` glossed into English when `glossary` reads it as another
    /// language; unchanged otherwise.
    pub fn glossed(mut self, glossary: &super::gloss::Glossary) -> Cleaned {
        if let Some(g) = glossary.gloss(&self.text) {
            let original = std::mem::replace(&mut self.text, g.text);
            self.gloss = Some(Gloss {
                language: g.language,
                original,
            });
        }
        self
    }
}

pub fn clean(raw: &str) -> Cleaned {
    let truncated = raw.chars().count() > MAX_INPUT_CHARS;
    let capped: String = if truncated {
        raw.chars().take(MAX_INPUT_CHARS).collect()
    } else {
        raw.to_string()
    };
    let without_code = strip_code(&capped);
    let mut lines = Vec::new();
    let mut quoted = Vec::new();
    let mut rest_quoted = false;
    for line in without_code.lines() {
        let trimmed = line.trim_start();
        // `>>> ` quotes everything after it; `> ` quotes one line.
        if let Some(q) = trimmed.strip_prefix(">>>") {
            rest_quoted = true;
            quoted.push(clean_line(q));
            continue;
        }
        if rest_quoted || trimmed.starts_with('>') {
            quoted.push(clean_line(trimmed.trim_start_matches('>')));
            continue;
        }
        let cleaned = clean_line(line);
        if !cleaned.is_empty() {
            lines.push(cleaned);
        }
    }
    let text = lines.join("\n");
    let asks_question = text.contains('?');
    Cleaned {
        text,
        truncated,
        asks_question,
        gloss: None,
        quoted: quoted
            .into_iter()
            .filter(|q| !q.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Removes fenced code blocks (an unclosed fence runs to the end) and inline code spans.
fn strip_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("```") {
        out.push_str(&rest[..start]);
        out.push('\n');
        match rest[start + 3..].find("```") {
            Some(end) => rest = &rest[start + 3 + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let mut result = String::with_capacity(out.len());
    let mut in_span = false;
    for c in out.chars() {
        if c == '`' {
            in_span = !in_span;
            result.push(' ');
        } else if !in_span || c == '\n' {
            if c == '\n' {
                in_span = false;
            }
            result.push(c);
        }
    }
    result
}

fn clean_line(line: &str) -> String {
    let mut words = Vec::new();
    for word in line.split_whitespace() {
        if is_link(word) || is_discord_token(word) {
            continue;
        }
        let stripped = strip_at_mentions(&strip_discord_tokens(word));
        let word = if stripped != word && !stripped.chars().any(char::is_alphanumeric) {
            // What a mention leaves of "(<@123>)" or "@here:" is punctuation around nothing;
            // only a sentence end in it still means something.
            stripped
                .chars()
                .filter(|c| matches!(c, '.' | '!' | '?'))
                .collect()
        } else {
            stripped
        };
        let word: String = word.chars().filter(|&c| !is_emoji(c)).collect();
        let word = strip_shortcode_emoji(&word);
        if !word.is_empty() {
            words.push(collapse_repeats(&word));
        }
    }
    words.join(" ").trim().to_string()
}

fn is_link(word: &str) -> bool {
    let w = word.trim_start_matches(['(', '<', '[']);
    let lower = w.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
}

/// `<@123>`, `<@!123>`, `<@&123>`, `<#123>`, `<:name:123>`, `<a:name:123>`, `<t:123:R>`,
/// `@everyone`, `@here`.
fn is_discord_token(word: &str) -> bool {
    let w = word.trim_end_matches(['.', ',', '!', '?', ':', ';']);
    (w.starts_with('<') && w.ends_with('>') && w.len() > 2 && !w[1..w.len() - 1].contains('<'))
        || w == "@everyone"
        || w == "@here"
}

fn strip_discord_tokens(word: &str) -> String {
    let mut out = String::new();
    let mut rest = word;
    while let Some(start) = rest.find('<') {
        match rest[start..].find('>') {
            Some(len) if is_discord_token(&rest[start..start + len + 1]) => {
                out.push_str(&rest[..start]);
                rest = &rest[start + len + 1..];
            }
            _ => {
                out.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `@everyone`, `@here` and typed `@name` mentions wherever punctuation touches them
/// ("(@everyone)", "@here:", "thanks,@sam"). An `@` inside a word ("me@home") is kept: only one
/// at the start or after punctuation opens a mention. Left in, a mention is read as words
/// ("everyone" is a cue for people in general) and changes how the words around it count.
fn strip_at_mentions(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        let opens = c == '@' && prev.is_none_or(|p| !p.is_alphanumeric());
        if opens
            && chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_')
        {
            while chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_')
            {
                chars.next();
            }
            prev = Some('@');
            continue;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// `:smile:`-style shortcodes (as typed on clients that do not convert them).
fn strip_shortcode_emoji(word: &str) -> String {
    let inner = word.trim_matches(|c: char| c == ':');
    let is_shortcode = word.len() > 2
        && word.starts_with(':')
        && word.ends_with(':')
        && !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+' || c == '-');
    if is_shortcode {
        String::new()
    } else {
        word.to_string()
    }
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF   // pictographs, emoticons, transport, symbols, flags
        | 0x2600..=0x27BF   // misc symbols, dingbats
        | 0xFE00..=0xFE0F   // variation selectors
        | 0x200D            // zero-width joiner
        | 0x20E3            // keycap
        | 0xE0020..=0xE007F // tags
    )
}

/// "???!!!" -> "?", "sooooo" -> "soo": repeats carry tone, not meaning, and a long run of one
/// character only inflates the text.
fn collapse_repeats(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut prev: Option<char> = None;
    let mut run = 0;
    for c in word.chars() {
        if Some(c) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(c);
        }
        // A run of dots becomes one ellipsis, so that sentence splitting can tell "just...
        // red" (one sentence, trailing off) from a full stop.
        if c == '.' && run >= 2 {
            if run == 2 {
                out.pop();
                out.push('\u{2026}');
            }
            continue;
        }
        let limit = if c.is_alphanumeric() { 2 } else { 1 };
        if c.is_ascii_punctuation() && out.ends_with(|p: char| p.is_ascii_punctuation()) && run == 1
        {
            // "?!" keeps only the first mark: both say the same thing.
            if matches!(c, '?' | '!') && out.ends_with(['?', '!']) {
                continue;
            }
        }
        if run <= limit {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_chat_noise_but_keeps_the_words() {
        let c =
            clean("<@123456> hey @everyone is leaky gut real???!!! 🤔 :thinking: https://x.y/z");
        assert_eq!(c.text, "hey is leaky gut real?");
        assert!(c.asks_question);
    }

    #[test]
    fn quoted_lines_and_code_are_not_the_writers_words() {
        let c = clean("> blood in stool is an alarm symptom\nthanks, good to know");
        assert_eq!(c.text, "thanks, good to know");
        let c = clean("look at this ```blood in stool``` and `vomiting blood` ok");
        assert_eq!(c.text, "look at this\nand ok");
        let c = clean("my question\n>>> everything here\nis quoted");
        assert_eq!(c.text, "my question");
    }

    #[test]
    fn caps_huge_input_and_handles_empty() {
        let huge = "gut ".repeat(10_000);
        let c = clean(&huge);
        assert!(c.truncated);
        assert!(c.text.len() <= MAX_INPUT_CHARS);
        assert!(clean("   \n  ").is_empty());
        assert!(clean("<@1> <#2> 🎉").is_empty());
    }

    /// Before the fix "(@everyone)" stayed in and was read as the word "everyone", a cue for
    /// people in general, which set the writer's own alarm aside.
    #[test]
    fn mentions_go_whatever_punctuation_touches_them() {
        assert_eq!(
            clean("(@everyone) blood in my stool <@123>, help (<@&55>) [@here]").text,
            "blood in my stool help"
        );
        assert_eq!(
            clean("thanks,@sam_1 and @here: i'm ok").text,
            "thanks, and i'm ok"
        );
        assert_eq!(clean("write to me@home.org").text, "write to me@home.org");
        assert_eq!(clean("is it bad (@Dr_Kim)?").text, "is it bad ?");
    }

    #[test]
    fn repeated_letters_and_marks_collapse() {
        assert_eq!(clean("sooooo baddd!!!").text, "soo badd!");
        assert_eq!(clean("zonulin?!?!").text, "zonulin?");
        assert_eq!(clean("just..... red").text, "just\u{2026} red");
    }
}
