//! The shipped corpus obeys its rules, and the analyzer reads its languages right.

use std::path::Path;

use rolecheck::{Analyzer, Corpus, CorpusRules, Role};

/// A labelled file of `corpus/`, parsed.
fn read(name: &str) -> Corpus {
    Corpus::read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("corpus/{name} parses: {e}"))
}

fn shipped() -> Corpus {
    read("postings.jsonl")
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

fn dev() -> Corpus {
    read("dev.jsonl")
}

#[test]
fn no_corpus_or_dev_posting_is_taken_for_another_language() {
    // French, English and franglais, in every voice the two files hold:
    // the check for Spanish, German… postings must never refuse one of them.
    for corpus in [shipped(), dev()] {
        let refused: Vec<(&str, &str)> = corpus
            .postings
            .iter()
            .filter_map(|p| rolecheck::unsupported_language(&p.text).map(|l| (p.id.as_str(), l)))
            .collect();
        assert!(refused.is_empty(), "{refused:?}");
    }
}

#[test]
fn dev_set_has_what_the_model_report_relies_on() {
    let dev = dev();
    let rules = CorpusRules {
        min_per_label: Role::ALL.iter().map(|&r| (r, 30)).collect(),
        min_backlog_managers: 10,
        min_pm_mentioning_backlog: 0,
        min_lang_share: vec![(rolecheck::Lang::Fr, 0.4), (rolecheck::Lang::En, 0.25)],
        require_lang: true,
        words: (25, 900),
        max_jaccard: 0.5,
        no_shared_paragraphs: true,
    };
    if let Err(e) = dev.check(&rules) {
        panic!("corpus/dev.jsonl: {e}");
    }
    let pm_titled = dev
        .postings
        .iter()
        .filter(|p| rolecheck::claimed_role(&p.title).is_some_and(Role::is_pm_family))
        .count();
    assert!(pm_titled >= 30, "{pm_titled} PM-titled dev postings");
}

/// The lowercased words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn no_dev_text_shares_a_twelve_word_run_with_the_corpus() {
    const RUN: usize = 12;
    let corpus = shipped();
    let mut seen = std::collections::HashSet::new();
    for p in &corpus.postings {
        for w in words(&p.text).windows(RUN) {
            seen.insert(w.join(" "));
        }
    }
    let corpus_ids: std::collections::HashSet<&str> =
        corpus.postings.iter().map(|p| p.id.as_str()).collect();
    let mut shared = Vec::new();
    for p in &dev().postings {
        assert!(
            !corpus_ids.contains(p.id.as_str()),
            "{} is also a corpus id",
            p.id
        );
        if let Some(w) = words(&p.text)
            .windows(RUN)
            .map(|w| w.join(" "))
            .find(|run| seen.contains(run))
        {
            shared.push(format!("{}: “{w}”", p.id));
        }
    }
    assert!(
        shared.is_empty(),
        "dev texts sharing a 12-word run with the corpus: {shared:#?}"
    );
}
