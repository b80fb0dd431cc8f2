//! Speed of the core against DESIGN.md section 7. Run: `cargo bench --bench respond`.
//!
//! Besides criterion's estimates, prints p50/p99 latency of `respond` (criterion reports means
//! and medians, the targets are percentiles) and batch throughput with JSON serialisation, as
//! `ask --json -` does it.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use gutcheck::faq::Faq;
use gutcheck::respond::{Gutcheck, ModelChoice};

const TYPICAL: &str = "does taking ibuprofen every day make my gut leaky?";

/// 80 words, the way people write when they tell their story first.
const LONG: &str = "hey everyone, so for about six months I've had bloating, gas and this constant \
    tiredness, and my naturopath says it's all leaky gut and wants me to do a zonulin test and \
    buy a whole stack of supplements like glutamine, collagen and probiotics. my GP just rolled \
    her eyes. I honestly don't know who to believe anymore and money is tight, so before I spend \
    hundreds on tests and pills I wanted to ask: is the zonulin test actually reliable for \
    diagnosing leaky gut?";

fn faq_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/faq"))
}

fn load() -> Faq {
    Faq::load(faq_dir()).unwrap_or_else(|d| panic!("the FAQ must load:\n{d}"))
}

fn percentiles(g: &Gutcheck, name: &str, message: &str) {
    const RUNS: usize = 20_000;
    for _ in 0..1_000 {
        black_box(g.respond(message));
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(g.respond(black_box(message)));
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |p: f64| times[((RUNS as f64 * p) as usize).min(RUNS - 1)].as_secs_f64() * 1e6;
    println!(
        "{name}: p50 {:.1} us, p99 {:.1} us over {RUNS} runs",
        at(0.50),
        at(0.99)
    );
}

/// Throughput over the labelled set's messages: a real mix of chat, long and short, in scope
/// and not, as `ask --json -` would get it.
fn throughput(g: &Gutcheck) {
    let cases = gutcheck::search::eval::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/eval/retrieval.tsv"
    )))
    .unwrap();
    let messages: Vec<&str> = cases.iter().map(|c| c.message.as_str()).collect();
    let total = 50_000;
    let mut sink = Vec::with_capacity(1 << 20);
    let start = Instant::now();
    for i in 0..total {
        sink.clear();
        serde_json::to_writer(&mut sink, &g.respond(messages[i % messages.len()])).unwrap();
        sink.push(b'\n');
        black_box(&sink);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "batch respond + JSON: {:.0} messages/s ({} labelled-set messages in rotation, one thread)",
        total as f64 / secs,
        messages.len()
    );
}

fn main() {
    let faq = load();
    let g = Gutcheck::from_faq_cached(
        faq.clone(),
        &ModelChoice::default(),
        Some(Path::new("index/vectors.bin")),
    )
    .unwrap();
    percentiles(&g, "respond typical", TYPICAL);
    percentiles(&g, "respond 80 words", LONG);
    throughput(&g);

    let index = tempfile::tempdir().unwrap();
    Gutcheck::open(faq_dir(), index.path()).unwrap();

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("respond/typical", |b| {
        b.iter(|| g.respond(black_box(TYPICAL)))
    });
    c.bench_function("respond/80-words", |b| {
        b.iter(|| g.respond(black_box(LONG)))
    });
    c.bench_function("respond/off-topic", |b| {
        b.iter(|| g.respond(black_box("anyone watching the game tonight?")))
    });
    let mut slow = c.benchmark_group("index");
    slow.sample_size(20);
    slow.bench_function("build-in-ram", |b| {
        b.iter(|| Gutcheck::from_faq(black_box(faq.clone()), &ModelChoice::default()).unwrap())
    });
    slow.bench_function("startup-from-persisted", |b| {
        b.iter(|| Gutcheck::open(faq_dir(), index.path()).unwrap())
    });
    slow.bench_function("rebuild-persisted", |b| {
        b.iter(|| {
            Gutcheck::open_with(faq_dir(), index.path(), &ModelChoice::default(), true).unwrap()
        })
    });
    slow.finish();
    c.final_summary();
}
