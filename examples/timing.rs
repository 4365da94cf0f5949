use rolecheck::{Corpus, Scratch, TfIdfParams};
use std::time::Instant;
fn main() {
    let p = Corpus::read(std::path::Path::new("corpus/postings.jsonl"))
        .unwrap()
        .postings;
    let docs: Vec<String> = p
        .iter()
        .map(|p| format!("{}\n{}", p.title, p.text))
        .collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let t = TfIdfParams::default().fit(&docs).unwrap();
    let mut s = Scratch::new();
    let mut times = vec![];
    for _ in 0..300 {
        let t0 = Instant::now();
        let mut n = 0;
        for d in &docs {
            n += t.transform_with(&mut s, d).len();
        }
        std::hint::black_box(n);
        times.push(t0.elapsed().as_secs_f64());
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mbs = |x: f64| bytes as f64 / x / 1e6;
    println!(
        "min {:.1} MB/s  p10 {:.1}  median {:.1}",
        mbs(times[0]),
        mbs(times[30]),
        mbs(times[150])
    );
}
