//! The shipped model is what the corpus and its recorded settings produce.

use std::path::Path;

use rolecheck::corpus::sha256_hex;
use rolecheck::model::train::refit;
use rolecheck::{Corpus, Model};

fn corpus_bytes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/postings.jsonl"))
        .expect("the corpus ships")
}

#[test]
fn shipped_model_was_trained_on_the_shipped_corpus() {
    let model = Model::shipped().unwrap();
    let bytes = corpus_bytes();
    assert_eq!(
        model.info().corpus_sha256,
        sha256_hex(&bytes),
        "corpus/postings.jsonl changed since the model was trained: retrain with \
         `cargo run --release -- train --corpus corpus/postings.jsonl -o models/rolecheck.model`"
    );
    let corpus = Corpus::parse(&bytes).unwrap();
    assert_eq!(model.info().corpus_postings, corpus.postings.len());
    let cv = model
        .info()
        .cv
        .as_ref()
        .expect("the shipped model records its cross-validated scores");
    assert!(
        cv.macro_f1 >= 0.90,
        "cross-validated macro-F1 {}",
        cv.macro_f1
    );
}

#[test]
fn retraining_with_the_recorded_settings_reproduces_the_shipped_model() {
    let shipped = Model::shipped().unwrap();
    let bytes = corpus_bytes();
    let corpus = Corpus::parse(&bytes).unwrap();
    let texts: Vec<&str> = corpus.postings.iter().map(|p| p.text.as_str()).collect();
    let settings = &shipped.info().settings;
    let first = refit(&corpus.postings, sha256_hex(&bytes), settings).unwrap();
    let second = refit(&corpus.postings, sha256_hex(&bytes), settings).unwrap();
    // Deterministic: the same corpus and settings give the same bytes.
    assert_eq!(first.to_bytes(), second.to_bytes());
    // And the same predictions as the committed model, on every posting.
    assert_eq!(
        first.tfidf().feature_names(),
        shipped.tfidf().feature_names()
    );
    assert_eq!(first.predict_batch(&texts), shipped.predict_batch(&texts));
}
