//! The shipped model is what the corpus and its recorded settings produce.

use std::path::Path;

use rolecheck::refit;
use rolecheck::sha256_hex;
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

/// The full retraining takes about two minutes on two cores: it runs when
/// `ROLECHECK_FULL` is set (`.ci/run` sets it) and says it was skipped otherwise.
fn full() -> bool {
    let full = std::env::var_os("ROLECHECK_FULL").is_some();
    if !full {
        eprintln!("retraining test skipped: set ROLECHECK_FULL=1 to run it (about 2 minutes)");
    }
    full
}

#[test]
fn retraining_with_the_recorded_settings_reproduces_the_shipped_model_byte_for_byte() {
    if !full() {
        return;
    }
    let shipped = Model::shipped().unwrap();
    let bytes = corpus_bytes();
    let corpus = Corpus::parse(&bytes).unwrap();
    let refitted = refit(&corpus.postings, sha256_hex(&bytes), shipped.info()).unwrap();
    // The flag's threshold and the temperatures come from the refit's own
    // out-of-fold scores: a refit that lost them (the default threshold, an
    // uncalibrated detector, temperatures of 1) would show here first.
    let (detector, shipped_detector) = (refitted.detector(), shipped.detector());
    assert_eq!(detector.threshold(), shipped_detector.threshold());
    assert!(
        shipped_detector.calibration().is_some(),
        "the shipped flag's threshold was calibrated"
    );
    assert_eq!(detector, shipped_detector);
    assert_eq!(refitted.info().calibration, shipped.info().calibration);
    assert_ne!(shipped.info().calibration.role_temperature, 1.0);
    // And everything else: vocabularies, weights, settings.
    assert!(
        refitted.to_bytes() == shipped.to_bytes(),
        "models/rolecheck.model is not what its recorded settings give on corpus/postings.jsonl"
    );
}
