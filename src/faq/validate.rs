//! The checks serde cannot express: cross-references, duplicates, lengths that must fit
//! Discord, well-formed links, stale reviews. Every check reports and carries on, so one
//! `gutcheck check` run lists every problem.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::date::Date;
use super::diagnostic::{Diagnostics, TomlFile};
use super::model::{Entry, Grade, Source, SynonymsFile};

/// Length limits in characters. Titles and phrasings appear as autocomplete choices (Discord
/// caps their names at 100); long texts go into embed fields (1024) and one embed description
/// (4096), which the whole entry must fit with room for citation markers.
pub struct Limits;

impl Limits {
    pub const ID: usize = 64;
    pub const TITLE: usize = 100;
    pub const PHRASE: usize = 100;
    /// A chat line (`asked`) may tell a short story around its question.
    pub const ASKED: usize = 400;
    pub const LABEL: usize = 100;
    pub const SUMMARY: usize = 1024;
    pub const CLAIM: usize = 1024;
    pub const WARNING: usize = 1024;
    pub const ENTRY_TOTAL: usize = 3800;
    pub const MIN_QUESTIONS: usize = 8;
    pub const MAX_CLAIMS: usize = 10;
    pub const STALE_AFTER_DAYS: i64 = 365;
}

/// Empty (or whitespace-only) text and text over `limit` characters are errors.
pub fn check_text(
    toml: &TomlFile,
    key_path: &str,
    what: &str,
    text: &str,
    limit: usize,
    out: &mut Diagnostics,
) {
    let chars = text.chars().count();
    if text.trim().is_empty() {
        out.push(toml.error(key_path, format!("{what} is empty")));
    } else if chars > limit {
        out.push(toml.error(
            key_path,
            format!("{what} is {chars} characters; Discord allows at most {limit} here"),
        ));
    }
}

/// A whole chat message kept as content (an entry's `asked` line, an out-of-scope example):
/// not empty, and at most `Limits::ASKED` characters. Not a Discord limit: a longer line is a
/// story, and its question gets lost in it.
pub fn check_chat_line(
    toml: &TomlFile,
    key_path: &str,
    what: &str,
    line: &str,
    out: &mut Diagnostics,
) {
    let chars = line.chars().count();
    if line.trim().is_empty() {
        out.push(toml.error(key_path, format!("{what} is empty")));
    } else if chars > Limits::ASKED {
        out.push(toml.error(
            key_path,
            format!(
                "{what} is {chars} characters; keep it to at most {} around one question",
                Limits::ASKED
            ),
        ));
    }
}

pub fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// How phrasings are compared for duplicates: case, spacing and end punctuation do not make
/// two phrasings different to a reader.
pub fn normalize_phrasing(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .trim_end_matches(['?', '!', '.', ' '])
        .to_string()
}

pub fn check_entry(
    entry: &Entry,
    toml: &TomlFile,
    file_stem: &str,
    today: Date,
    out: &mut Diagnostics,
) {
    if entry.id != file_stem {
        out.push(toml.error(
            "id",
            format!(
                "id `{}` must equal the file name `{file_stem}` (rename the file or the id)",
                entry.id
            ),
        ));
    }
    if !is_kebab_id(&entry.id) {
        out.push(toml.error(
            "id",
            format!(
                "id `{}` must be kebab-case: a-z, 0-9 and single dashes",
                entry.id
            ),
        ));
    }
    check_text(toml, "title", "title", &entry.title, Limits::TITLE, out);
    check_text(
        toml,
        "summary",
        "summary",
        &entry.summary,
        Limits::SUMMARY,
        out,
    );
    if let Some(myth) = &entry.myth {
        check_text(toml, "myth", "myth", myth, Limits::SUMMARY, out);
    }
    if entry.questions.len() < Limits::MIN_QUESTIONS {
        out.push(toml.error(
            "questions",
            format!(
                "only {} phrasings; list at least {} ways people ask this, so retrieval finds it",
                entry.questions.len(),
                Limits::MIN_QUESTIONS
            ),
        ));
    }
    for (i, question) in entry.questions.iter().enumerate() {
        check_text(
            toml,
            &format!("questions[{i}]"),
            "phrasing",
            question,
            Limits::PHRASE,
            out,
        );
    }
    for (i, line) in entry.asked.iter().enumerate() {
        check_chat_line(toml, &format!("asked[{i}]"), "chat line", line, out);
    }
    let mut seen = HashMap::new();
    for (key, text) in entry.keyed_phrasings() {
        let norm = normalize_phrasing(text);
        if norm.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(norm, key.clone()) {
            out.push(toml.error(
                &key,
                format!("phrasing `{text}` is listed twice in this entry (also at {first})"),
            ));
        }
    }
    for (i, tag) in entry.tags.iter().enumerate() {
        if !is_kebab_id(tag) {
            out.push(toml.error(
                &format!("tags[{i}]"),
                format!("tag `{tag}` must be kebab-case: a-z, 0-9 and single dashes"),
            ));
        }
    }
    if entry.claims.is_empty() {
        out.push(toml.error(
            "claims",
            "entry has no claims: add at least one [[claims]] with sources",
        ));
    }
    if entry.claims.len() > Limits::MAX_CLAIMS {
        out.push(toml.error(
            "claims",
            format!(
                "{} claims; at most {} fit one reply",
                entry.claims.len(),
                Limits::MAX_CLAIMS
            ),
        ));
    }
    for (i, claim) in entry.claims.iter().enumerate() {
        check_text(
            toml,
            &format!("claims[{i}].text"),
            "claim text",
            &claim.text,
            Limits::CLAIM,
            out,
        );
        if claim.sources.is_empty() {
            out.push(toml.error(
                &format!("claims[{i}].sources"),
                "claim has no source: every claim cites at least one id from sources.toml",
            ));
        }
        if let Some(key) = &claim.statement
            && !is_kebab_id(key)
        {
            out.push(toml.error(
                &format!("claims[{i}].statement"),
                format!("statement key `{key}` must be kebab-case: a-z, 0-9 and single dashes"),
            ));
        }
    }
    let total: usize = entry.summary.chars().count()
        + entry.myth.as_deref().map_or(0, |m| m.chars().count())
        + entry
            .claims
            .iter()
            .map(|c| c.text.chars().count() + 12)
            .sum::<usize>();
    if total > Limits::ENTRY_TOTAL {
        out.push(toml.error(
            "summary",
            format!(
                "summary, myth and claims add up to {total} characters; one reply holds at most {}",
                Limits::ENTRY_TOTAL
            ),
        ));
    }
    let age = today.days_since_epoch() - entry.reviewed.days_since_epoch();
    if age < 0 {
        out.push(toml.error(
            "reviewed",
            format!(
                "reviewed date {} is in the future (today is {today})",
                entry.reviewed
            ),
        ));
    } else if age > Limits::STALE_AFTER_DAYS {
        out.push(toml.warning(
            "reviewed",
            format!(
                "last reviewed {} ({age} days ago): re-check the sources and update the date",
                entry.reviewed
            ),
        ));
    }
}

pub fn check_source(
    source: &Source,
    index: usize,
    toml: &TomlFile,
    today: Date,
    out: &mut Diagnostics,
) {
    let at = |key: &str| format!("source[{index}].{key}");
    if !is_kebab_id(&source.id) {
        out.push(toml.error(
            &at("id"),
            format!(
                "source id `{}` must be kebab-case: a-z, 0-9 and single dashes",
                source.id
            ),
        ));
    }
    check_text(toml, &at("title"), "source title", &source.title, 256, out);
    check_text(toml, &at("authors"), "authors", &source.authors, 256, out);
    check_text(
        toml,
        &at("publisher"),
        "publisher",
        &source.publisher,
        256,
        out,
    );
    if i32::from(source.year) < 1900 || i32::from(source.year) > today.year + 1 {
        out.push(toml.error(
            &at("year"),
            format!("year {} is not plausible", source.year),
        ));
    }
    if let Err(why) = check_url(&source.url) {
        out.push(toml.error(&at("url"), format!("malformed url `{}`: {why}", source.url)));
    }
    if let Some(doi) = &source.doi {
        if let Err(why) = check_doi(doi) {
            out.push(toml.error(&at("doi"), format!("malformed doi `{doi}`: {why}")));
        } else if let Some(url_doi) = source.url.strip_prefix("https://doi.org/")
            && !url_doi.eq_ignore_ascii_case(doi)
        {
            out.push(toml.error(
                &at("url"),
                format!("url points at doi `{url_doi}` but the doi field says `{doi}`"),
            ));
        }
    }
}

/// One claim, located: (entry index, claim index, its grade).
type ClaimAt = (usize, usize, Grade);

/// A finding restated in several entries keeps one grade per source; otherwise one answer calls
/// a sentence "moderate" and another calls the same sentence from the same paper "unproven".
/// Claims restate one finding when they share a `statement` key or, without keys, the same
/// wording. A claim graded unlike most restatements of its finding and source gets a warning.
pub fn check_statement_grades(entries: &[Entry], files: &[TomlFile], out: &mut Diagnostics) {
    let mut findings: BTreeMap<(String, &str), Vec<ClaimAt>> = BTreeMap::new();
    for (e, entry) in entries.iter().enumerate() {
        for (c, claim) in entry.claims.iter().enumerate() {
            let finding = match &claim.statement {
                Some(key) => format!("statement `{key}`"),
                None => format!("the claim `{}`", normalize_phrasing(&claim.text)),
            };
            for source in &claim.sources {
                findings
                    .entry((finding.clone(), source.as_str()))
                    .or_default()
                    .push((e, c, claim.grade));
            }
        }
    }
    let mut warned = HashSet::new();
    for ((finding, source), claims) in &findings {
        let Some(usual) = most_common_grade(claims) else {
            continue;
        };
        let agreeing: Vec<&ClaimAt> = claims.iter().filter(|(_, _, g)| *g == usual).collect();
        for &(e, c, grade) in claims {
            if grade == usual || !warned.insert((e, c)) {
                continue;
            }
            let (first_e, _, _) = agreeing[0];
            out.push(files[e].warning(
                &format!("claims[{c}].grade"),
                format!(
                    "{finding} from `{source}` is graded `{grade}` here but `{usual}` in {} other claim{} (e.g. entry `{}`): give one finding from one source one grade",
                    agreeing.len(),
                    if agreeing.len() == 1 { "" } else { "s" },
                    entries[*first_e].id
                ),
            ));
        }
    }
}

/// The grade most claims in `claims` give (the first one seen wins a tie); `None` when they
/// all agree, so there is nothing to report.
fn most_common_grade(claims: &[ClaimAt]) -> Option<Grade> {
    let mut counts: Vec<(Grade, usize)> = Vec::new();
    for &(_, _, grade) in claims {
        match counts.iter_mut().find(|(g, _)| *g == grade) {
            Some((_, n)) => *n += 1,
            None => counts.push((grade, 1)),
        }
    }
    if counts.len() < 2 {
        return None;
    }
    let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts.iter().find(|(_, n)| *n == best).map(|(g, _)| *g)
}

/// A citation link must be an absolute https URL with a host and no spaces.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .ok_or("must start with https://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || !host.contains('.') || host.starts_with('.') || host.ends_with('.') {
        return Err("has no valid host name");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces");
    }
    Ok(())
}

/// A DOI is `10.<registrant>/<suffix>` with a 4-9 digit registrant, as DOI handbook section 2.2.
pub fn check_doi(doi: &str) -> Result<(), &'static str> {
    if doi.starts_with("http") || doi.starts_with("doi:") {
        return Err("write the bare DOI (10.xxxx/...), the link goes in url");
    }
    let rest = doi.strip_prefix("10.").ok_or("must start with 10.")?;
    let (registrant, suffix) = rest
        .split_once('/')
        .ok_or("must contain a / after the prefix")?;
    let digits_ok = registrant
        .split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !digits_ok || !(4..=9).contains(&registrant.split('.').next().unwrap_or("").len()) {
        return Err("the prefix after 10. must be 4 to 9 digits");
    }
    if suffix.is_empty() || suffix.chars().any(char::is_whitespace) {
        return Err("the suffix after / is empty or contains spaces");
    }
    Ok(())
}

pub fn check_synonyms(file: &SynonymsFile, toml: &TomlFile, out: &mut Diagnostics) {
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (g, group) in file.groups.iter().enumerate() {
        if group.terms.len() < 2 {
            out.push(toml.error(
                &format!("group[{g}].terms"),
                "a synonym group needs at least two terms",
            ));
        }
        let mut in_group = HashSet::new();
        for (t, term) in group.terms.iter().enumerate() {
            let at = format!("group[{g}].terms[{t}]");
            check_text(toml, &at, "synonym", term, Limits::PHRASE, out);
            let norm = normalize_phrasing(term);
            if !in_group.insert(norm.clone()) {
                out.push(toml.error(&at, format!("`{term}` is listed twice in this group")));
            } else if let Some(first) = owner.insert(norm, g)
                && first != g
            {
                out.push(toml.error(
                    &at,
                    format!(
                        "`{term}` is also in synonym group {}: merge the groups",
                        first + 1
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_and_urls() {
        assert!(check_doi("10.1136/gutjnl-2019-318427").is_ok());
        assert!(check_doi("10.1152/physrev.00003.2008").is_ok());
        assert!(check_doi("https://doi.org/10.1136/x").is_err());
        assert!(check_doi("11.1136/x").is_err());
        assert!(check_doi("10.12/x").is_err());
        assert!(check_doi("10.1136/").is_err());
        assert!(check_url("https://doi.org/10.1136/x").is_ok());
        assert!(check_url("http://example.org").is_err());
        assert!(check_url("https://localhost/x").is_err());
        assert!(check_url("https://a.org/with space").is_err());
    }

    #[test]
    fn phrasings_compare_without_case_space_or_end_punctuation() {
        assert_eq!(
            normalize_phrasing("  Is  Leaky gut REAL?? "),
            "is leaky gut real"
        );
        assert!(is_kebab_id("zonulin-test-2"));
        assert!(!is_kebab_id("Zonulin_test"));
        assert!(!is_kebab_id("a--b"));
    }
}
