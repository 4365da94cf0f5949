//! The shipped model: loading it, and classifying postings with and without
//! evidence, on the corpus's postings.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rolecheck::Model;
use rolecheck::Scratch;

mod common;

/// (title, body) of every corpus posting.
fn postings() -> Vec<(String, String)> {
    common::corpus_postings()
        .into_iter()
        .map(|p| (p.title, p.text))
        .collect()
}

fn bench(c: &mut Criterion) {
    let bytes = Model::shipped()
        .expect("the shipped model loads")
        .to_bytes();
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("load_shipped", |b| {
        b.iter(|| {
            let m = Model::from_bytes(black_box(&bytes)).expect("loads");
            assert!(m.tfidf().n_features() > 0);
            m
        })
    });
    g.finish();

    let model = Model::shipped().expect("the shipped model loads");
    let docs = postings();
    let total: usize = docs.iter().map(|(t, d)| t.len() + d.len()).sum();
    let n = docs.len();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function(
        BenchmarkId::new("with_evidence", format!("{n}_postings")),
        |b| {
            let mut scratch = Scratch::new();
            b.iter(|| {
                let evidence: usize = docs
                    .iter()
                    .map(|(t, d)| model.classify_with(&mut scratch, t, d).evidence.len())
                    .sum();
                assert!(evidence > 0);
                evidence
            })
        },
    );
    g.bench_function(
        BenchmarkId::new("predict_batch", format!("{n}_postings")),
        |b| {
            b.iter(|| {
                let roles = model.predict_batch(&docs);
                assert_eq!(roles.len(), n);
                roles
            })
        },
    );
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
