//! The embedding model against an independent implementation: numpy over the original f32
//! weights with Hugging Face's Python tokenizer (`scripts/reference-embeddings.py` wrote
//! `tests/semantic/reference.jsonl`). The shipped weights are f16, so vectors agree closely
//! but not bit for bit.

use std::path::Path;

use gutcheck::semantic::{DEFAULT_MODEL_DIR, Embedder, Embedding, SemanticError};

fn embedder() -> Embedder {
    Embedder::load(Path::new(DEFAULT_MODEL_DIR)).expect("the shipped model loads")
}

#[derive(serde::Deserialize)]
struct Reference {
    text: String,
    ids: Vec<u32>,
    vector: Vec<f32>,
}

#[test]
fn vectors_match_the_reference_implementation() {
    let model = embedder();
    let lines = std::fs::read_to_string("tests/semantic/reference.jsonl").unwrap();
    let mut checked = 0;
    for line in lines.lines() {
        let r: Reference = serde_json::from_str(line).unwrap();
        assert_eq!(model.token_ids(&r.text), r.ids, "token ids of {:?}", r.text);
        let got = model.embed(&r.text);
        let want = Embedding::from_stored(r.vector).unwrap();
        let cos = got.cosine(&want);
        assert!(
            cos > 0.9999,
            "{:?}: cosine with the reference {cos}",
            r.text
        );
        let worst = got
            .as_slice()
            .iter()
            .zip(want.as_slice())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 2e-3, "{:?}: largest difference {worst}", r.text);
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} reference vectors");
}

#[test]
fn a_paraphrase_is_closer_than_an_unrelated_sentence() {
    let model = embedder();
    let question = model.embed("does alcohol damage the gut lining");
    let paraphrase = model.embed("is drinking beer bad for my intestines");
    let unrelated = model.embed("what time does the football start tonight");
    assert!(question.cosine(&paraphrase) > question.cosine(&unrelated) + 0.2);
}

#[test]
fn long_input_is_cut_at_the_models_limit_and_still_embeds() {
    let model = embedder();
    let long = "my gut hurts ".repeat(2000);
    assert_eq!(model.token_ids(&long).len(), gutcheck::semantic::MAX_TOKENS);
    let v = model.embed(&long);
    assert!(v.as_slice().iter().all(|x| x.is_finite()));
}

#[test]
fn a_missing_model_folder_says_where_it_looked_and_what_to_do() {
    let err = match Embedder::load(Path::new("no/such/model")) {
        Err(e) => e,
        Ok(_) => panic!("loaded a model from nowhere"),
    };
    assert!(matches!(err, SemanticError::Missing { .. }));
    let text = err.to_string();
    assert!(text.contains("no/such/model/tokenizer.json"), "{text}");
    assert!(text.contains("--model"), "{text}");
}

#[test]
fn damaged_weights_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(DEFAULT_MODEL_DIR).join("tokenizer.json"),
        dir.path().join("tokenizer.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("model.f16.safetensors"), b"not weights").unwrap();
    let err = match Embedder::load(dir.path()) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("loaded damaged weights"),
    };
    assert!(err.contains("model.f16.safetensors"), "{err}");
    assert!(err.contains("not usable"), "{err}");
}

#[test]
fn a_batch_gives_each_text_the_vector_it_gets_alone() {
    let model = embedder();
    let texts = [
        "blood on the paper when i wipe",
        "is kombucha good for my gut or just hype, i keep reading both",
        "ok",
    ];
    let batch = model.embed_batch(&texts);
    assert_eq!(batch.len(), texts.len());
    for (text, together) in texts.iter().zip(&batch) {
        let alone = model.embed(text);
        let worst = alone
            .as_slice()
            .iter()
            .zip(together.as_slice())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-5, "{text:?}: batch and single differ by {worst}");
    }
    assert!(model.embed_batch(&[]).is_empty());
}

/// Bit for bit, not within a tolerance: `respond` computes a message's vector in the same
/// pass as triage's windows (`Embedder::ahead`), and its answers must not depend on what else
/// was in the pass. Texts of different lengths, one given twice.
#[test]
fn a_batch_gives_each_text_exactly_its_vector_alone() {
    let model = embedder();
    let long = "my stomach has been bloated for weeks and ".repeat(12);
    let texts = [
        "ok",
        "blood on the paper when i wipe",
        long.as_str(),
        "ok",
        "is kombucha good for my gut or just hype, i keep reading both",
    ];
    let batch = model.embed_batch(&texts);
    assert_eq!(batch.len(), texts.len());
    for (text, together) in texts.iter().zip(&batch) {
        assert_eq!(&model.embed(text), together, "{text:?}");
    }
}

/// Texts announced ahead ride along in the next pass and are answered from it, with the
/// vectors they get alone; once the guard drops, nothing announced is remembered.
#[test]
fn texts_announced_ahead_get_their_own_vectors() {
    let model = embedder();
    let message = "does leaky gut cause brain fog?";
    let alone = model.embed(message);
    let window = model.embed("blood on the paper");
    {
        let _ahead = model.ahead(&[message]);
        let windows = model.embed_batch(&["blood on the paper", "blood on the paper"]);
        assert_eq!(windows, vec![window.clone(), window.clone()]);
        assert_eq!(model.embed(message), alone);
        assert_eq!(model.embed_batch(&[message, "ok"])[0], alone);
    }
    // Another model's announcement does not answer for this one.
    let other = embedder();
    let _ahead = other.ahead(&[message]);
    assert_eq!(model.embed(message), alone);
    assert_eq!(other.embed(message), alone);
}
