//! Speed of the core. Run: `cargo bench --bench respond`.
//!
//! Besides criterion's estimates, prints p50/p99 latency of `respond` over real chat messages
//! (the dev set in `../shared/eval/dev-chat.jsonl` when it is there, else the project's own
//! labelled set; criterion reports means and medians, the targets are percentiles), batch
//! throughput with JSON serialisation as `ask --json -` does it, and the embedding model's
//! achieved GFLOP/s.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use gutcheck::faq::Faq;
use gutcheck::respond::{Gutcheck, ModelChoice};
use gutcheck::semantic::Embedder;

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

/// The messages latency is measured over: real chat, long and short, in scope and not.
fn chat_messages() -> Vec<String> {
    let dev = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/eval/dev-chat.jsonl"
    ));
    if let Ok(text) = std::fs::read_to_string(dev) {
        println!("messages: {}", dev.display());
        return text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect();
    }
    println!(
        "messages: tests/eval/retrieval.tsv ({} is absent)",
        dev.display()
    );
    gutcheck::search::eval::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/eval/retrieval.tsv"
    )))
    .unwrap()
    .into_iter()
    .map(|c| c.message)
    .collect()
}

/// p50/p99 of `respond` over every message, three rounds.
fn percentiles(g: &Gutcheck, messages: &[String]) {
    let mut times: Vec<Duration> = Vec::with_capacity(messages.len() * 3);
    for _ in 0..3 {
        for m in messages {
            let start = Instant::now();
            black_box(g.respond(black_box(m)));
            times.push(start.elapsed());
        }
    }
    times.sort();
    let n = times.len();
    let at = |p: f64| times[((n as f64 * p) as usize).min(n - 1)].as_secs_f64() * 1e3;
    println!(
        "respond over chat messages: p50 {:.2} ms, p99 {:.2} ms over {n} runs",
        at(0.50),
        at(0.99)
    );
}

/// Batch throughput, one thread, with JSON serialisation.
fn throughput(g: &Gutcheck, messages: &[String]) {
    let total = messages.len() * 2;
    let mut sink = Vec::with_capacity(1 << 20);
    let start = Instant::now();
    for i in 0..total {
        sink.clear();
        serde_json::to_writer(&mut sink, &g.respond(&messages[i % messages.len()])).unwrap();
        sink.push(b'\n');
        black_box(&sink);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "batch respond + JSON: {:.0} messages/s ({} chat messages in rotation, one thread)",
        total as f64 / secs,
        messages.len()
    );
}

/// Floating-point operations of one forward pass over `tokens` word pieces (MiniLM-L6: six
/// layers, width 384, feed-forward 1536): the four attention projections and the two
/// feed-forward matrices per token, and the attention scores and mixing per token pair.
fn model_flops(tokens: usize) -> f64 {
    let t = tokens as f64;
    let per_layer = 2.0 * t * (4.0 * 384.0 * 384.0 + 2.0 * 384.0 * 1536.0) + 4.0 * t * t * 384.0;
    6.0 * per_layer
}

/// Achieved GFLOP/s of the embedding model over the chat messages.
fn model_gflops(model: &Embedder, messages: &[String]) {
    let tokens: Vec<usize> = messages.iter().map(|m| model.token_ids(m).len()).collect();
    let flops: f64 = tokens.iter().map(|&t| model_flops(t)).sum();
    let start = Instant::now();
    for m in messages {
        black_box(model.embed(black_box(m)));
    }
    let secs = start.elapsed().as_secs_f64();
    let mut sorted = tokens.clone();
    sorted.sort();
    println!(
        "model: {} messages, median {} word pieces, {:.2} ms per message, {:.1} GFLOP/s",
        messages.len(),
        sorted[sorted.len() / 2],
        secs * 1e3 / messages.len() as f64,
        flops / secs / 1e9
    );
}

fn main() {
    let faq = load();
    let model_dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/models/all-minilm-l6-v2"
    ));
    let choice = ModelChoice::Dir(model_dir.to_path_buf());
    let cache = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/index/vectors.bin"));
    let g = Gutcheck::from_faq_cached(faq.clone(), &choice, Some(cache)).unwrap();
    let messages = chat_messages();
    model_gflops(g.model().unwrap(), &messages);
    percentiles(&g, &messages);
    throughput(&g, &messages);

    let index = tempfile::tempdir().unwrap();
    std::fs::copy(cache, index.path().join("vectors.bin")).unwrap();
    Gutcheck::open_with(faq_dir(), index.path(), &choice, false).unwrap();

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
    let model = g.model().unwrap();
    c.bench_function("embed/3-word-pieces", |b| {
        b.iter(|| model.embed(black_box("zinc")))
    });
    c.bench_function("embed/15-word-pieces", |b| {
        b.iter(|| {
            model.embed(black_box(
                "does taking ibuprofen every day make my gut leaky?",
            ))
        })
    });
    let mut slow = c.benchmark_group("index");
    slow.sample_size(10);
    slow.bench_function("startup-from-persisted", |b| {
        b.iter(|| Gutcheck::open_with(faq_dir(), index.path(), &choice, false).unwrap())
    });
    slow.finish();
    c.final_summary();
}
