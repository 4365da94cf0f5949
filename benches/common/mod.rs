//! Bench input shared by the benches: the corpus's postings, which ship with
//! the repo (French and English, 0.5–4 KB each), read with the library's reader.

use rolecheck::{Corpus, LabelledPosting};

/// Every posting of `corpus/postings.jsonl`.
pub fn corpus_postings() -> Vec<LabelledPosting> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/postings.jsonl");
    Corpus::read(&path)
        .expect("corpus/postings.jsonl ships with the repo")
        .postings
}
