//! Red-flag scan throughput on the real `faq/` rules. Run: `cargo bench --bench triage`.
//!
//! Triage runs on every message in every scanned channel, before retrieval, so its cost is
//! paid even when nobody asked the bot anything. Five inputs: a short message with no alarm
//! word (the common case), a typical short alarm, a long story (several sentences with
//! negations, durations and a relative's illness), the longest input the cleaner lets
//! through (`MAX_INPUT_CHARS`), and that length again as one sentence of near-matches: words
//! that start many gap patterns ("blood", "stool", "pain", "vomit") with no full-stop to end
//! a scope, the worst case for the matcher, which stays linear (see `triage::pattern`).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use gutcheck::faq::Faq;
use gutcheck::text::clean::{MAX_INPUT_CHARS, clean};
use gutcheck::triage::Triage;

/// Most messages in a scanned channel mention no alarm symptom at all.
const BENIGN: &str = "does taking ibuprofen every day make my gut leaky?";

const TYPICAL: &str = "there's been blood in my stool for a week, is this my leaky gut?";

const LONG: &str = "hey everyone, long time lurker. so for about six months I've had bloating, \
    gas and this constant tiredness, and my naturopath says it's all leaky gut. no blood in my \
    stool as far as I can tell, and I'm not losing weight, but the diarrhoea has been going on \
    for about seven weeks now and some nights the cramps in my belly wake me up. my mum has \
    coeliac disease and my dad had bowel surgery years ago, not sure what for. I tried the \
    elimination diet, bone broth, glutamine, collagen, probiotics and kefir, and honestly \
    nothing helps. what if it's something worse? should I worry if I start throwing up? my GP \
    just said it's probably IBS and to come back if anything changes. is a zonulin test worth \
    it or is that a waste of money? thanks for reading all this.";

/// Alarm words in other senses, separated by commas only, so the whole input is one sentence.
const NEAR_MISSES: &str = "blood test and stool sample kit, my pain score maybe 2 out of 10, \
    vomit comic on tv, black coffee and a tarry road, yellow banana, lump sum, swallowed my \
    pride, iron levels fine, fever pitch, stomach of steel, passed my exam, bloody brilliant, \
    toilet roll on sale, red wine with the bowl of pasta, sick of my job, ";

fn main() {
    let faq = Faq::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/faq")))
        .unwrap_or_else(|d| panic!("the FAQ must load:\n{d}"));
    let build = Instant::now();
    let triage = Triage::new(&faq);
    println!(
        "compile {} rules and cues: {:.2} ms",
        triage.rule_count(),
        build.elapsed().as_secs_f64() * 1e3
    );
    let longest: String = LONG.chars().cycle().take(MAX_INPUT_CHARS).collect();
    let near: String = NEAR_MISSES.chars().cycle().take(MAX_INPUT_CHARS).collect();

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("triage_scan");
    for (name, text) in [
        ("benign", BENIGN),
        ("typical", TYPICAL),
        ("long", LONG),
        ("max_input", longest.as_str()),
        ("max_near_misses", near.as_str()),
    ] {
        let cleaned = clean(text);
        group.throughput(Throughput::Bytes(cleaned.text.len() as u64));
        group.bench_function(name, |b| b.iter(|| triage.scan(black_box(&cleaned))));
    }
    group.finish();
    c.final_summary();
}
