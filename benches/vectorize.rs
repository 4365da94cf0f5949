//! Throughput of the analyzer and the vectorizer on the corpus's postings
//! (French and English, 0.5–4 KB each), with a naive baseline in the same
//! group so the speed-up reads as a ratio from one run.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rolecheck::{Analyzer, Scratch, SparseVec, TfIdf, TfIdfParams};

mod common;

/// Title and body of each corpus posting, as a dump would hold them.
fn postings() -> Vec<String> {
    common::corpus_postings()
        .into_iter()
        .map(|p| format!("{}\n{}", p.title, p.text))
        .collect()
}

/// The textbook way: a new String per token, every token normalised and
/// stemmed, bigrams built as strings and looked up in a string-keyed map.
struct Naive {
    analyzer: Analyzer,
    ids: HashMap<String, u32>,
    idf: Vec<f32>,
}

impl Naive {
    fn new(t: &TfIdf) -> Naive {
        let ids = (0..t.n_features() as u32)
            .map(|f| (t.feature_name(f).expect("feature ids are dense"), f))
            .collect();
        Naive {
            analyzer: t
                .params()
                .analyzer
                .build()
                .expect("fitted params are valid"),
            ids,
            idf: t.idf().to_vec(),
        }
    }

    fn transform(&self, text: &str) -> SparseVec {
        let analysis = self.analyzer.analyze(text);
        let mut counts: HashMap<u32, f32> = HashMap::new();
        let names = analysis
            .terms()
            .map(str::to_string)
            .chain(analysis.bigrams.iter().map(|b| b.term.clone()));
        for name in names {
            if let Some(&id) = self.ids.get(&name) {
                *counts.entry(id).or_default() += 1.0;
            }
        }
        let mut pairs: Vec<(u32, f32)> = counts.into_iter().collect();
        pairs.sort_by_key(|p| p.0);
        let mut v = SparseVec {
            indices: pairs.iter().map(|p| p.0).collect(),
            values: pairs
                .iter()
                .map(|p| (1.0 + p.1.ln()) * self.idf[p.0 as usize])
                .collect(),
        };
        let norm = v.norm();
        if norm > 0.0 {
            v.values.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }
}

fn bench(c: &mut Criterion) {
    let docs = postings();
    let bytes: usize = docs.iter().map(String::len).sum();
    let tfidf = TfIdfParams::default().fit(&docs).expect("the corpus fits");
    let naive = Naive::new(&tfidf);
    let nnz = |vs: &[SparseVec]| vs.iter().map(SparseVec::len).sum::<usize>();
    let expected: Vec<SparseVec> = docs.iter().map(|d| tfidf.transform(d)).collect();
    let baseline: Vec<SparseVec> = docs.iter().map(|d| naive.transform(d)).collect();
    assert_eq!(expected.len(), baseline.len());
    for (a, b) in expected.iter().zip(&baseline) {
        assert_eq!(
            a.indices, b.indices,
            "the baseline computes the same vectors"
        );
    }
    let expected_nnz = nnz(&expected);
    let n = docs.len();

    let mut g = c.benchmark_group("analyzer");
    g.throughput(Throughput::Bytes(bytes as u64));
    let analyzer = Analyzer::new();
    g.bench_function(BenchmarkId::new("analyze", format!("{n}_postings")), |b| {
        b.iter(|| {
            let terms: usize = docs
                .iter()
                .map(|d| analyzer.analyze(d).terms().count())
                .sum();
            assert!(terms > 0);
            black_box(terms)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("transform");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::new("cached", format!("{n}_postings")), |b| {
        let mut scratch = Scratch::new();
        // Warm the cache as a long audit would.
        docs.iter()
            .for_each(|d| drop(tfidf.transform_with(&mut scratch, d)));
        b.iter(|| {
            let vs: Vec<SparseVec> = docs
                .iter()
                .map(|d| tfidf.transform_with(&mut scratch, d))
                .collect();
            assert_eq!(nnz(&vs), expected_nnz);
            black_box(vs)
        })
    });
    g.bench_function(
        BenchmarkId::new("naive_baseline", format!("{n}_postings")),
        |b| {
            b.iter(|| {
                let vs: Vec<SparseVec> = docs.iter().map(|d| naive.transform(d)).collect();
                assert_eq!(nnz(&vs), expected_nnz);
                black_box(vs)
            })
        },
    );
    g.bench_function(
        BenchmarkId::new("batch_all_cores", format!("{n}_postings")),
        |b| {
            b.iter(|| {
                let vs = tfidf.transform_batch(&docs);
                assert_eq!(nnz(&vs), expected_nnz);
                black_box(vs)
            })
        },
    );
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
