//! The whole audit path on a dump made of the corpus's postings: read →
//! parse → analyze → vectorize → classify → detect → serialise, on one
//! core, then through the library's `Auditor` with one and two workers.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rolecheck::audit::{audit_record, Auditor, Dump, Format, Settings, Summary, WriterSink};
use rolecheck::audit::{Fields, JsonlRecords};
use rolecheck::Model;
use rolecheck::Scratch;

mod common;

/// The corpus as a job-board export: {"id", "title", "description"} per line.
fn dump() -> Vec<u8> {
    let mut out = Vec::new();
    for p in common::corpus_postings() {
        let row = serde_json::json!({"id": p.id, "title": p.title, "description": p.text});
        out.extend_from_slice(row.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let model = Model::shipped().expect("the shipped model loads");
    let input = dump();
    let settings = Settings::default();
    let n = input.iter().filter(|&&b| b == b'\n').count();
    let mut g = c.benchmark_group("audit");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.bench_function(BenchmarkId::new("one_core", format!("{n}_postings")), |b| {
        // Warm the chunk cache as a long audit would.
        let mut scratch = Scratch::new();
        for record in JsonlRecords::new(&input[..], Fields::default()) {
            audit_record(&model, &mut scratch, record, &settings);
        }
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len());
            let mut summary = Summary::default();
            for record in JsonlRecords::new(&input[..], Fields::default()) {
                let (line, _, company) = audit_record(&model, &mut scratch, record, &settings);
                summary.add(&line, company.as_deref());
                line.write_json(&mut out);
                out.push(b'\n');
            }
            assert_eq!(summary.records, n);
            black_box(out)
        })
    });
    // The library's driver, as `rolecheck audit` runs it: the calling
    // thread reads and writes, the workers judge and serialise.
    for threads in [1, 2] {
        let id = BenchmarkId::new(
            format!("auditor_{threads}_workers"),
            format!("{n}_postings"),
        );
        g.bench_function(id, |b| {
            let auditor = Auditor::new(&model, Settings::default()).threads(threads);
            b.iter(|| {
                let dump = Dump::new(&input[..], Format::Jsonl, Fields::default(), 1 << 24)
                    .expect("a JSONL dump needs no header");
                let mut out = WriterSink::jsonl(Vec::with_capacity(input.len()));
                let summary = auditor.run(dump, &mut out).expect("writing into memory");
                assert_eq!(summary.records, n);
                black_box(out.into_inner())
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
