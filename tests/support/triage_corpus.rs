//! Reading and scoring a labelled red-flag file (`kind<TAB>expected<TAB>message`), shared by
//! tests/triage_corpus.rs (the tuned corpus) and tests/triage_holdout.rs (the blind held-out
//! set). Each test includes this file with `#[path]` and passes its own floors to `check`.

use std::collections::BTreeSet;
use std::path::Path;

use gutcheck::faq::{Faq, Tier};
use gutcheck::text::clean::clean;
use gutcheck::triage::Triage;

pub struct Case {
    pub line: usize,
    pub kind: String,
    pub expected: Vec<(String, Tier)>,
    pub message: String,
}

/// The figures and the listed misses of one run over a labelled file.
pub struct Report {
    pub recall: f64,
    pub silence: f64,
    pub wrong_person: Vec<String>,
}

fn tier(s: &str) -> Tier {
    match s {
        "soon" => Tier::Soon,
        "urgent" => Tier::Urgent,
        "emergency" => Tier::Emergency,
        other => panic!("unknown tier `{other}`"),
    }
}

/// The labelled lines of `rel` (a path under the crate root); `name` prefixes every message.
pub fn load(rel: &str, name: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut cases = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = raw.splitn(3, '\t').collect();
        let [kind, expected, message] = cols.as_slice() else {
            panic!("{name}:{line}: expected `kind<TAB>expected<TAB>message`");
        };
        let expected = if *expected == "none" {
            Vec::new()
        } else {
            expected
                .split(',')
                .map(|pair| {
                    let (id, t) = pair
                        .split_once(':')
                        .unwrap_or_else(|| panic!("{name}:{line}: `{pair}` is not `rule-id:tier`"));
                    (id.to_string(), tier(t))
                })
                .collect()
        };
        cases.push(Case {
            line,
            kind: kind.to_string(),
            expected,
            message: message.replace("\\n", "\n"),
        });
    }
    cases
}

/// Runs every case through triage over the real `faq/`, prints recall, silence, every miss
/// (with why triage set the rule aside) and every alarm credited to the wrong person.
pub fn score(cases: &[Case], name: &str) -> Report {
    let faq = Faq::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("faq"))
        .unwrap_or_else(|d| panic!("faq/ does not load:\n{d}"));
    let triage = Triage::new(&faq);
    let rule_ids: BTreeSet<&str> = faq.red_flags.iter().map(|r| r.id.as_str()).collect();

    let (mut pairs, mut found) = (0usize, 0usize);
    let (mut quiet_cases, mut quiet) = (0usize, 0usize);
    let mut extra = 0usize;
    let mut misses = Vec::new();
    let mut wrong_person = Vec::new();
    for case in cases {
        for (id, _) in &case.expected {
            assert!(
                rule_ids.contains(id.as_str()),
                "{name}:{}: unknown rule `{id}`",
                case.line
            );
        }
        let scan = triage.analyze(&clean(&case.message));
        let got: Vec<(String, Tier)> = scan.alarms.iter().map(|h| (h.id.clone(), h.tier)).collect();
        let someone_else = match case.kind.as_str() {
            "other-person" => Some(true),
            "alarm" | "escalation" => Some(false),
            _ => None,
        };
        for hit in &scan.alarms {
            if someone_else.is_some_and(|want| hit.about_someone_else != want) {
                wrong_person.push(format!(
                    "{name}:{} [{}] {} has about_someone_else = {}: {:?}",
                    case.line, case.kind, hit.id, hit.about_someone_else, case.message
                ));
            }
        }
        let why = |id: &str| {
            scan.set_aside
                .iter()
                .find(|s| s.rule == id)
                .map(|s| format!("set aside as {} (\"{}\")", s.reason.as_str(), s.matched))
                .unwrap_or_else(|| "no pattern matched".to_string())
        };
        if case.expected.is_empty() {
            quiet_cases += 1;
            if got.is_empty() {
                quiet += 1;
            } else {
                misses.push(format!(
                    "{name}:{} [{}] should be silent, fired {:?}: {:?}",
                    case.line, case.kind, got, case.message
                ));
            }
            continue;
        }
        for (id, want) in &case.expected {
            pairs += 1;
            match got.iter().find(|(g, _)| g == id) {
                Some((_, t)) if t == want => found += 1,
                Some((_, t)) => misses.push(format!(
                    "{name}:{} [{}] {id} fired at {t}, expected {want}: {:?}",
                    case.line, case.kind, case.message
                )),
                None => misses.push(format!(
                    "{name}:{} [{}] {id} missed, {}: {:?}",
                    case.line,
                    case.kind,
                    why(id),
                    case.message
                )),
            }
        }
        for (id, t) in &got {
            if !case.expected.iter().any(|(e, _)| e == id) {
                extra += 1;
                misses.push(format!(
                    "{name}:{} [{}] also fired {id} ({t}): {:?}",
                    case.line, case.kind, case.message
                ));
            }
        }
    }

    let recall = found as f64 / pairs.max(1) as f64;
    let silence = quiet as f64 / quiet_cases.max(1) as f64;
    println!(
        "{name}: {} messages ({} with alarms, {} silent)",
        cases.len(),
        cases.len() - quiet_cases,
        quiet_cases
    );
    println!(
        "recall  {:.1}% ({found}/{pairs} expected alarms fired at the expected tier)",
        recall * 100.0
    );
    println!(
        "silence {:.1}% ({quiet}/{quiet_cases} non-alarm messages raised nothing)",
        silence * 100.0
    );
    println!("unexpected extra rules on alarm messages: {extra}");
    for miss in &misses {
        println!("  miss: {miss}");
    }
    println!(
        "whose alarm: {} wrong of the alarms on other-person, alarm and escalation lines",
        wrong_person.len()
    );
    for wrong in &wrong_person {
        println!("  wrong person: {wrong}");
    }
    Report {
        recall,
        silence,
        wrong_person,
    }
}

/// The floors one labelled file is held to.
pub struct Floors {
    /// How the messages' `at least N` assertion names the file ("the corpus").
    pub set: &'static str,
    pub min_lines: usize,
    pub min_recall: f64,
    pub min_silence: f64,
    /// Whether an alarm credited to the wrong person fails the test (`true`) or is only
    /// reported next to the floors (`false`).
    pub assert_wrong_person: bool,
}

/// Loads `rel`, asserts it has at least `floors.min_lines` messages, scores it (printing the
/// report) and asserts recall and silence (and, if asked, whose alarm it is) against `floors`.
pub fn check(rel: &str, name: &str, floors: &Floors) -> Report {
    let cases = load(rel, name);
    assert!(
        cases.len() >= floors.min_lines,
        "{} needs at least {} messages, has {}",
        floors.set,
        floors.min_lines,
        cases.len()
    );
    let report = score(&cases, name);
    if !floors.assert_wrong_person {
        println!(
            "held-out floors: recall >= {:.0}%, silence >= {:.0}%; wrong person (not asserted): {}",
            floors.min_recall * 100.0,
            floors.min_silence * 100.0,
            report.wrong_person.len()
        );
    }
    assert!(
        report.recall >= floors.min_recall,
        "recall {:.1}% is below {:.0}%",
        report.recall * 100.0,
        floors.min_recall * 100.0
    );
    assert!(
        report.silence >= floors.min_silence,
        "silence {:.1}% is below {:.0}%",
        report.silence * 100.0,
        floors.min_silence * 100.0
    );
    if floors.assert_wrong_person {
        assert!(
            report.wrong_person.is_empty(),
            "{} alarms credited to the wrong person",
            report.wrong_person.len()
        );
    }
    report
}
