//! The shipped corpus obeys its rules, and the analyzer reads its languages right.

use std::path::Path;

use rolecheck::{Analyzer, Corpus, CorpusRules, Role};

fn shipped() -> Corpus {
    Corpus::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/postings.jsonl"))
        .expect("the corpus parses")
}

#[test]
fn shipped_corpus_passes_its_checks() {
    let corpus = shipped();
    if let Err(e) = corpus.check(&CorpusRules::shipped()) {
        panic!("{e}");
    }
}

#[test]
fn readme_counts_match_the_file() {
    let corpus = shipped();
    let stats = corpus.stats();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/README.md"))
            .unwrap();
    let total = format!("| **total** | **{}** |", stats.postings);
    assert!(
        readme.contains(&total),
        "corpus/README.md should contain `{total}`"
    );
    for role in Role::ALL {
        let fr = stats
            .per_label_lang
            .get(&(role, Some(rolecheck::Lang::Fr)))
            .copied()
            .unwrap_or(0);
        let en = stats
            .per_label_lang
            .get(&(role, Some(rolecheck::Lang::En)))
            .copied()
            .unwrap_or(0);
        let row = format!("| `{}` | {} | {fr} | {en} |", role.id(), fr + en);
        assert!(
            readme.contains(&row),
            "corpus/README.md should contain `{row}`"
        );
    }
    let bm = format!("backlog managers: **{}**", stats.backlog_managers);
    assert!(
        readme.contains(&bm),
        "corpus/README.md should contain `{bm}`"
    );
}

#[test]
fn language_detection_agrees_with_the_labels() {
    let corpus = shipped();
    let analyzer = Analyzer::new();
    let wrong: Vec<&str> = corpus
        .postings
        .iter()
        .filter(|p| Some(analyzer.detect_lang(&p.text)) != p.lang)
        .map(|p| p.id.as_str())
        .collect();
    assert!(
        wrong.len() * 100 <= corpus.postings.len(),
        "language detection disagrees with the label on more than 1% of postings: {wrong:?}"
    );
}
