//! `Reply` -> Discord embeds and buttons. Pure: the model here is plain data checked against
//! Discord's limits, converted to serenity builders only at the edge (`to_create`).
//!
//! No answer logic lives here: what to say comes from the `Reply`; this file decides only
//! layout, order (warning first, emergency alone) and trimming.

use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
};

use crate::faq::{Entry, Faq, Grade, RedFlagRule, Tier};
use crate::reply::{Answer, Reply, Suggestion};

/// Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    /// Over all embeds of one message together.
    pub const EMBEDS_TOTAL: usize = 6000;
    pub const BUTTON_LABEL: usize = 80;
    pub const CUSTOM_ID: usize = 100;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const CHOICE_NAME: usize = 100;
    pub const CHOICES: usize = 25;
}

/// Button ids the adapter handles; the prefix keeps them apart from other bots' buttons.
pub const ENTRY_BUTTON: &str = "gutcheck:entry:";
pub const DISMISS_BUTTON: &str = "gutcheck:dismiss:";
/// "Helpful" / "Not helpful" under an answer: this prefix, `1` or `0`, `:`, the entry id.
pub const VOTE_BUTTON: &str = "gutcheck:vote:";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embed {
    pub title: String,
    pub url: Option<String>,
    pub description: String,
    pub fields: Vec<Field>,
    pub footer: String,
    pub colour: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub danger: bool,
}

/// One message's worth: embeds and a row of buttons, already within limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    pub embeds: Vec<Embed>,
    pub buttons: Vec<Button>,
}

/// Wording the deployment controls (settings), not the FAQ.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Style {
    pub disclaimer: Option<String>,
    pub emergency_contact: Option<String>,
    /// "Helpful" / "Not helpful" under every answer (only when votes can be stored).
    pub feedback: bool,
}

const ORANGE: u32 = 0xE67E22;
const RED: u32 = 0xC0392B;
const AMBER: u32 = 0xF1C40F;
const GREY: u32 = 0x95A5A6;

fn grade_colour(grade: Grade) -> u32 {
    match grade {
        Grade::Strong => 0x27AE60,
        Grade::Moderate => 0x2ECC71,
        Grade::Emerging => 0x3498DB,
        Grade::Insufficient => GREY,
        Grade::Guideline => 0x8E44AD,
    }
}

/// The grade as people read it: meter, then words.
pub fn grade_line(grade: Grade) -> String {
    format!("{} {}", grade.meter(), grade.plain_words())
}

/// Who sees a message. A public message never quotes what the member wrote (a warning lists
/// the symptoms it noticed by label only): their words are health data, and the channel did
/// not need them repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The channel.
    Public,
    /// The asker alone (ephemeral).
    Private,
}

/// Renders a whole reply. `None` when there is nothing to say (no answer, no suggestion, no
/// warning): callers decide whether silence or a "no entry" note fits.
pub fn reply(reply: &Reply, style: &Style, audience: Audience) -> Option<Message> {
    let footer = style
        .disclaimer
        .clone()
        .unwrap_or_else(|| reply.disclaimer.clone());
    let mut message = Message::default();
    if let Some(warning) = warning(reply, style, &footer, audience) {
        message.embeds.push(warning);
    }
    if reply.shows_answer() {
        if let Some(answer) = &reply.answer {
            message.embeds.push(answer_embed(answer, &footer));
            if style.feedback {
                message.buttons.extend(vote_buttons(&answer.id));
            }
        } else if !reply.suggestions.is_empty() {
            message
                .embeds
                .push(suggestions_embed(&reply.suggestions, &footer));
            message.buttons = suggestion_buttons(&reply.suggestions);
        }
    }
    if message.embeds.is_empty() {
        return None;
    }
    fit_message(&mut message);
    Some(message)
}

/// The red-flag warning: one per message, the highest tier's wording, every matched rule
/// listed.
fn warning(reply: &Reply, style: &Style, footer: &str, audience: Audience) -> Option<Embed> {
    let tier = reply.warning_tier()?;
    let (title, colour) = match tier {
        Tier::Emergency => ("⚠️ Please seek emergency care now", RED),
        Tier::Urgent => ("⚠️ Please get seen by a clinician today", ORANGE),
        Tier::Soon => ("⚠️ Worth booking an appointment with a clinician", AMBER),
    };
    let top = reply.red_flags.iter().filter(|h| h.tier == tier);
    let mut description = String::new();
    let mut said = Vec::new();
    for hit in top {
        if !said.contains(&hit.message) {
            push_paragraph(&mut description, &hit.message);
            said.push(hit.message.clone());
        }
    }
    if let Some(note) = reply.someone_else_note() {
        push_paragraph(&mut description, note);
    }
    if let (Tier::Emergency | Tier::Urgent, Some(contact)) = (tier, &style.emergency_contact) {
        push_paragraph(&mut description, &format!("**{contact}**"));
    }
    let labels: Vec<String> = reply
        .red_flags
        .iter()
        .map(|h| match audience {
            Audience::Private => format!("• {} (“{}”)", h.label, h.matched),
            Audience::Public => format!("• {}", h.label),
        })
        .collect();
    Some(Embed {
        title: title.to_string(),
        url: None,
        description,
        fields: vec![Field {
            name: "What I noticed".into(),
            value: labels.join("\n"),
            inline: false,
        }],
        footer: footer.to_string(),
        colour,
    })
}

fn push_paragraph(text: &mut String, paragraph: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(paragraph);
}

fn answer_embed(answer: &Answer, footer: &str) -> Embed {
    let mut description = answer.summary.clone();
    for claim in &answer.claims {
        let marks: String = claim.sources.iter().map(|n| format!("[{n}]")).collect();
        description.push_str(&format!(
            "\n\n• {} {marks}\n  _{}_",
            claim.text,
            grade_line(claim.grade)
        ));
    }
    let mut fields = vec![Field {
        name: "Evidence".into(),
        value: grade_line(answer.grade),
        inline: false,
    }];
    let sources: Vec<String> = answer
        .citations
        .iter()
        .map(|c| {
            format!(
                "[{}] [{}]({}) · {}, {}",
                c.n, c.title, c.url, c.kind, c.year
            )
        })
        .collect();
    fields.extend(split_field("Sources", &sources));
    Embed {
        title: answer.title.clone(),
        url: None,
        description,
        fields,
        footer: footer.to_string(),
        colour: grade_colour(answer.grade),
    }
}

fn suggestions_embed(suggestions: &[Suggestion], footer: &str) -> Embed {
    let list: Vec<String> = suggestions
        .iter()
        .map(|s| format!("• {}", s.title))
        .collect();
    Embed {
        title: "I'm not sure which question you mean. Did you mean:".into(),
        url: None,
        description: list.join("\n"),
        fields: Vec::new(),
        footer: footer.to_string(),
        colour: GREY,
    }
}

fn suggestion_buttons(suggestions: &[Suggestion]) -> Vec<Button> {
    suggestions
        .iter()
        .filter(|s| ENTRY_BUTTON.len() + s.id.len() <= limits::CUSTOM_ID)
        .take(limits::BUTTONS_PER_ROW)
        .map(|s| Button {
            custom_id: format!("{ENTRY_BUTTON}{}", s.id),
            label: truncate(&s.title, limits::BUTTON_LABEL),
            danger: false,
        })
        .collect()
}

/// "Helpful" and "Not helpful" for the answer to `entry` (none when the id would not fit
/// in a button id).
pub fn vote_buttons(entry: &str) -> Vec<Button> {
    if VOTE_BUTTON.len() + 2 + entry.len() > limits::CUSTOM_ID {
        return Vec::new();
    }
    vec![
        Button {
            custom_id: format!("{VOTE_BUTTON}1:{entry}"),
            label: "Helpful".into(),
            danger: false,
        },
        Button {
            custom_id: format!("{VOTE_BUTTON}0:{entry}"),
            label: "Not helpful".into(),
            danger: true,
        },
    ]
}

/// A vote button's id read back: (helpful, entry id).
pub fn parse_vote(custom_id: &str) -> Option<(bool, &str)> {
    let rest = custom_id.strip_prefix(VOTE_BUTTON)?;
    match rest.split_once(':')? {
        ("1", entry) if !entry.is_empty() => Some((true, entry)),
        ("0", entry) if !entry.is_empty() => Some((false, entry)),
        _ => None,
    }
}

/// The Dismiss button under a passive answer; the asker's id travels in the button so the
/// click can be checked without remembering anything.
pub fn dismiss_button(asker: u64) -> Button {
    Button {
        custom_id: format!("{DISMISS_BUTTON}{asker}"),
        label: "Dismiss".into(),
        danger: true,
    }
}

/// `/sources`: every reference an entry cites, in full.
pub fn sources(faq: &Faq, entry: &Entry, footer: &str) -> Message {
    let mut ids: Vec<&str> = Vec::new();
    for claim in &entry.claims {
        for id in &claim.sources {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
    }
    let lines: Vec<String> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let s = faq.source(id)?;
            let doi = s
                .doi
                .as_deref()
                .map(|d| format!(" doi:{d}"))
                .unwrap_or_default();
            Some(format!(
                "**[{}]** {}. *{}*. {}, {}. {} ({}){doi}",
                i + 1,
                s.authors,
                s.title,
                s.publisher,
                s.year,
                s.url,
                s.kind
            ))
        })
        .collect();
    let mut message = Message {
        embeds: vec![Embed {
            title: format!("Sources: {}", entry.title),
            url: None,
            description: lines.join("\n\n"),
            fields: Vec::new(),
            footer: footer.to_string(),
            colour: grade_colour(entry.grade),
        }],
        buttons: Vec::new(),
    };
    fit_message(&mut message);
    message
}

/// `/redflags`: what the bot warns about, how urgently, and why.
pub fn red_flags(rules: &[RedFlagRule], style: &Style, footer: &str) -> Message {
    let mut fields = Vec::new();
    for tier in [Tier::Emergency, Tier::Urgent, Tier::Soon] {
        let lines: Vec<String> = rules
            .iter()
            .filter(|r| r.tier == tier)
            // Labels only: every rule's full message would pass Discord's 6,000-character
            // limit for a message's embeds, and the tier's heading already says where to go.
            .map(|r| format!("- {}", r.label))
            .collect();
        let name = match tier {
            Tier::Emergency => "Emergency care now",
            Tier::Urgent => "Be seen today",
            Tier::Soon => "Book an appointment",
        };
        fields.extend(split_field(name, &lines));
    }
    let mut description = "I post a warning when a message in a scanned channel describes one of \
        these symptoms as happening now, to the writer or to someone they describe (a friend, a \
        partner, a child). Negated (\"no blood\"), hypothetical, past and quoted mentions do not \
        trigger it. Each warning says where to go and what to mention."
        .to_string();
    if let Some(contact) = &style.emergency_contact {
        push_paragraph(&mut description, contact);
    }
    let mut message = Message {
        embeds: vec![Embed {
            title: "What gutcheck warns about".into(),
            url: None,
            description,
            fields,
            footer: footer.to_string(),
            colour: ORANGE,
        }],
        buttons: Vec::new(),
    };
    fit_message(&mut message);
    message
}

/// A reply about a message someone else may have written ("Ask gutcheck" on a message),
/// for the one who clicked, privately. A warning speaks about the selected message, not to
/// the reader: the symptom may not be theirs.
pub fn about_selected_message(reply: &Reply, style: &Style) -> Option<Message> {
    let mut reply = reply.clone();
    // "You described this for someone else" would address the writer, not the reader.
    for hit in &mut reply.red_flags {
        hit.about_someone_else = false;
    }
    let mut message = self::reply(&reply, style, Audience::Private)?;
    if let Some(tier) = reply.warning_tier() {
        let warning = &mut message.embeds[0];
        warning.title = match tier {
            Tier::Emergency => "⚠️ The selected message describes a symptom that needs emergency care now",
            Tier::Urgent => "⚠️ The selected message describes a symptom that should be seen by a clinician today",
            Tier::Soon => "⚠️ The selected message describes a symptom worth an appointment with a clinician",
        }
        .to_string();
        let lead = "This advice is for whoever has the symptom. If that is the writer, you could \
                    encourage them to get seen.";
        warning.description = format!("{lead}\n\n{}", warning.description);
        fit_message(&mut message);
    }
    Some(message)
}

/// Nothing in the FAQ answers `what` ("that", "that message"): said, not left silent, when
/// someone asked.
pub fn nothing_to_answer(what: &str) -> Message {
    notice(
        &format!("No FAQ entry answers {what} yet"),
        &[
            "I only answer from a curated FAQ about leaky gut and would rather say nothing \
           than guess. Browse the topics with `/faq`."
                .to_string(),
        ],
        false,
    )
}

/// What the asker sees when the engine did not answer within the reply budget.
pub fn too_slow() -> Message {
    notice(
        "That took too long",
        &["I could not answer in time. Please try again in a moment.".to_string()],
        false,
    )
}

/// A plain notice (errors, refusals, reload results) as one embed within limits.
pub fn notice(title: &str, lines: &[String], colour_ok: bool) -> Message {
    let mut message = Message {
        embeds: vec![Embed {
            title: title.to_string(),
            url: None,
            description: lines.join("\n"),
            fields: Vec::new(),
            footer: String::new(),
            colour: if colour_ok { 0x27AE60 } else { RED },
        }],
        buttons: Vec::new(),
    };
    fit_message(&mut message);
    message
}

/// Lines packed into as many fields as needed, each <= 1024 chars; a single over-long line
/// is trimmed rather than dropped.
fn split_field(name: &str, lines: &[String]) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    let mut current = String::new();
    for line in lines {
        let line = truncate(line, limits::FIELD_VALUE);
        if !current.is_empty()
            && current.chars().count() + 1 + line.chars().count() > limits::FIELD_VALUE
        {
            fields.push(Field {
                name: String::new(),
                value: std::mem::take(&mut current),
                inline: false,
            });
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        fields.push(Field {
            name: String::new(),
            value: current,
            inline: false,
        });
    }
    let count = fields.len();
    for (i, field) in fields.iter_mut().enumerate() {
        field.name = if count == 1 {
            name.to_string()
        } else {
            format!("{name} ({}/{count})", i + 1)
        };
    }
    fields
}

/// Cuts `text` to at most `max` characters, ending with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn embed_len(e: &Embed) -> usize {
    e.title.chars().count()
        + e.description.chars().count()
        + e.footer.chars().count()
        + e.fields
            .iter()
            .map(|f| f.name.chars().count() + f.value.chars().count())
            .sum::<usize>()
}

/// Enforces every embed limit. Later embeds and later fields give way first: the warning
/// comes first and is never what gets cut.
pub fn fit_message(message: &mut Message) {
    for e in &mut message.embeds {
        e.title = truncate(&e.title, limits::TITLE);
        e.description = truncate(&e.description, limits::DESCRIPTION);
        e.footer = truncate(&e.footer, limits::FOOTER);
        e.fields.truncate(limits::FIELDS);
        for f in &mut e.fields {
            f.name = truncate(&f.name, limits::FIELD_NAME);
            f.value = truncate(&f.value, limits::FIELD_VALUE);
        }
    }
    message.buttons.truncate(limits::BUTTONS_PER_ROW);
    loop {
        let total: usize = message.embeds.iter().map(embed_len).sum();
        if total <= limits::EMBEDS_TOTAL {
            return;
        }
        let excess = total - limits::EMBEDS_TOTAL;
        let embeds = message.embeds.len();
        let Some(last) = message.embeds.last_mut() else {
            return;
        };
        let description = last.description.chars().count();
        if description > excess + 200 {
            last.description = truncate(&last.description, description - excess);
        } else if last.fields.len() > 1 {
            last.fields.pop();
        } else if embeds > 1 {
            message.embeds.pop();
        } else {
            let keep = description.saturating_sub(excess);
            last.description = truncate(&last.description, keep.max(1));
            last.fields.clear();
        }
    }
}

impl Embed {
    pub fn to_create(&self) -> CreateEmbed {
        let mut e = CreateEmbed::new()
            .title(&self.title)
            .description(&self.description)
            .colour(Colour::new(self.colour));
        if let Some(url) = &self.url {
            e = e.url(url);
        }
        for f in &self.fields {
            e = e.field(&f.name, &f.value, f.inline);
        }
        if !self.footer.is_empty() {
            e = e.footer(CreateEmbedFooter::new(&self.footer));
        }
        e
    }
}

impl Message {
    pub fn create_embeds(&self) -> Vec<CreateEmbed> {
        self.embeds.iter().map(Embed::to_create).collect()
    }

    pub fn create_components(&self) -> Vec<CreateActionRow> {
        if self.buttons.is_empty() {
            return Vec::new();
        }
        // Discord takes at most five buttons per row.
        self.buttons
            .chunks(limits::BUTTONS_PER_ROW)
            .map(|row| {
                let buttons = row
                    .iter()
                    .map(|b| {
                        CreateButton::new(&b.custom_id)
                            .label(&b.label)
                            .style(if b.danger {
                                ButtonStyle::Secondary
                            } else {
                                ButtonStyle::Primary
                            })
                    })
                    .collect();
                CreateActionRow::Buttons(buttons)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::SourceKind;
    use crate::reply::{AnswerClaim, Citation, RedFlagHit, SOMEONE_ELSE_NOTE};

    #[test]
    fn red_flags_lists_every_rule_however_long_their_messages() {
        let rules: Vec<RedFlagRule> = (0..30)
            .map(|i| {
                let tier = ["emergency", "urgent", "soon"][i % 3];
                let message = "m".repeat(300);
                toml::from_str(&format!(
                    "id = \"r{i}\"\ntier = \"{tier}\"\nlabel = \"Rule number {i}\"\n\
                     message = \"{message}\"\npatterns = [\"x\"]\nsources = [\"s\"]"
                ))
                .unwrap()
            })
            .collect();
        let message = red_flags(&rules, &Style::default(), "footer");
        let lines: Vec<&str> = message.embeds[0]
            .fields
            .iter()
            .flat_map(|f| f.value.lines())
            .collect();
        for rule in &rules {
            let line = format!("- {}", rule.label);
            assert!(lines.contains(&line.as_str()), "{} missing", rule.label);
        }
    }

    fn answer(claims: usize, claim_len: usize) -> Answer {
        Answer {
            id: "zonulin-test".into(),
            title: "Does a high zonulin test prove I have leaky gut?".into(),
            grade: Grade::Emerging,
            summary: "No.".into(),
            text: String::new(),
            claims: (0..claims)
                .map(|i| AnswerClaim {
                    text: "x".repeat(claim_len),
                    grade: Grade::Insufficient,
                    sources: vec![i + 1],
                })
                .collect(),
            citations: (0..claims)
                .map(|i| Citation {
                    n: i + 1,
                    id: format!("s{i}"),
                    title: "A title".repeat(20),
                    kind: SourceKind::MetaAnalysis,
                    year: 2020,
                    url: "https://doi.org/10.1/x".into(),
                })
                .collect(),
            score: 1.0,
        }
    }

    fn base(answer: Option<Answer>) -> Reply {
        Reply {
            query: "q".into(),
            answer,
            suggestions: Vec::new(),
            red_flags: Vec::new(),
            disclaimer: "Not medical advice.".into(),
        }
    }

    fn hit(tier: Tier) -> RedFlagHit {
        RedFlagHit {
            id: format!("r-{tier}"),
            tier,
            label: "Blood in stool".into(),
            matched: "blood in my poop".into(),
            message: format!("{tier} message"),
            about_someone_else: false,
        }
    }

    #[test]
    fn answer_shows_grade_citations_and_disclaimer() {
        let m = reply(
            &base(Some(answer(2, 50))),
            &Style::default(),
            Audience::Private,
        )
        .unwrap();
        let e = &m.embeds[0];
        assert!(e.description.contains("[1]") && e.description.contains("[2]"));
        assert!(
            e.fields
                .iter()
                .any(|f| f.value.contains(Grade::Emerging.meter()))
        );
        let sources = e.fields.iter().find(|f| f.name == "Sources").unwrap();
        assert!(sources.value.contains("meta-analysis, 2020"));
        assert_eq!(e.footer, "Not medical advice.");
    }

    #[test]
    fn answers_carry_vote_buttons_when_votes_are_stored() {
        let r = base(Some(answer(1, 10)));
        let plain = reply(&r, &Style::default(), Audience::Public).unwrap();
        assert!(plain.buttons.is_empty());
        let style = Style {
            feedback: true,
            ..Style::default()
        };
        let m = reply(&r, &style, Audience::Public).unwrap();
        let ids: Vec<&str> = m.buttons.iter().map(|b| b.custom_id.as_str()).collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(
            parse_vote(ids[0]),
            Some((true, r.answer.as_ref().unwrap().id.as_str()))
        );
        assert_eq!(parse_vote(ids[1]).map(|v| v.0), Some(false));
        assert_eq!(parse_vote("gutcheck:vote:2:x"), None);
        assert!(vote_buttons(&"x".repeat(90)).is_empty());
    }

    #[test]
    fn warning_comes_first_and_emergency_stands_alone() {
        let mut r = base(Some(answer(1, 10)));
        r.red_flags = vec![hit(Tier::Soon)];
        let m = reply(&r, &Style::default(), Audience::Private).unwrap();
        assert_eq!(m.embeds.len(), 2);
        assert!(m.embeds[0].title.contains("appointment"));
        r.red_flags = vec![hit(Tier::Emergency), hit(Tier::Soon)];
        let style = Style {
            emergency_contact: Some("Call 999".into()),
            ..Style::default()
        };
        let m = reply(&r, &style, Audience::Private).unwrap();
        assert_eq!(m.embeds.len(), 1);
        assert!(m.embeds[0].description.contains("emergency message"));
        assert!(!m.embeds[0].description.contains("soon message"));
        assert!(m.embeds[0].description.contains("Call 999"));
        assert_eq!(m.embeds[0].fields[0].value.lines().count(), 2);
    }

    #[test]
    fn a_public_warning_never_quotes_the_writer() {
        let mut r = base(None);
        r.red_flags = vec![hit(Tier::Urgent)];
        let public = reply(&r, &Style::default(), Audience::Public).unwrap();
        let text = format!("{:?}", public.embeds);
        assert!(text.contains("Blood in stool"), "{text}");
        assert!(!text.contains("blood in my poop"), "{text}");
        let private = reply(&r, &Style::default(), Audience::Private).unwrap();
        assert!(format!("{:?}", private.embeds).contains("blood in my poop"));
    }

    #[test]
    fn a_warning_about_someone_else_says_so() {
        let mut r = base(None);
        let mut other = hit(Tier::Urgent);
        other.about_someone_else = true;
        r.red_flags = vec![other.clone()];
        let m = reply(&r, &Style::default(), Audience::Private).unwrap();
        assert!(m.embeds[0].description.contains(SOMEONE_ELSE_NOTE));
        r.red_flags = vec![other, hit(Tier::Soon)];
        let m = reply(&r, &Style::default(), Audience::Private).unwrap();
        assert!(!m.embeds[0].description.contains(SOMEONE_ELSE_NOTE));
    }

    #[test]
    fn a_selected_message_warning_speaks_about_the_message() {
        let mut r = base(Some(answer(1, 10)));
        let mut other = hit(Tier::Urgent);
        other.about_someone_else = true;
        r.red_flags = vec![other];
        let m = about_selected_message(&r, &Style::default()).unwrap();
        assert!(
            m.embeds[0].title.contains("selected message"),
            "{:?}",
            m.embeds[0]
        );
        assert!(
            m.embeds[0]
                .description
                .starts_with("This advice is for whoever")
        );
        assert!(!m.embeds[0].description.contains(SOMEONE_ELSE_NOTE));
        assert_eq!(m.embeds[1].title, r.answer.unwrap().title);
    }

    #[test]
    fn abstain_offers_buttons_and_silence_is_none() {
        let mut r = base(None);
        assert!(reply(&r, &Style::default(), Audience::Private).is_none());
        r.suggestions = vec![Suggestion {
            id: "zonulin-test".into(),
            title: "t".repeat(120),
        }];
        let m = reply(&r, &Style::default(), Audience::Private).unwrap();
        assert_eq!(m.buttons[0].custom_id, "gutcheck:entry:zonulin-test");
        assert_eq!(m.buttons[0].label.chars().count(), limits::BUTTON_LABEL);
    }

    #[test]
    fn huge_replies_fit_discord_limits() {
        let mut r = base(Some(answer(40, 1000)));
        r.red_flags = vec![hit(Tier::Urgent)];
        let m = reply(&r, &Style::default(), Audience::Private).unwrap();
        let total: usize = m.embeds.iter().map(embed_len).sum();
        assert!(total <= limits::EMBEDS_TOTAL, "{total}");
        assert!(m.embeds[0].title.contains("today"), "the warning survives");
        for e in &m.embeds {
            assert!(e.description.chars().count() <= limits::DESCRIPTION);
            assert!(e.fields.len() <= limits::FIELDS);
            assert!(
                e.fields
                    .iter()
                    .all(|f| f.value.chars().count() <= limits::FIELD_VALUE)
            );
        }
    }
}
