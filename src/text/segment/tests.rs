//! The French segmentation rules, each on a realistic snippet.

use super::*;
use crate::text::walk::{segments, Segmented};
use crate::text::Analyzer;

/// The segments of `text`, clause breaks between chunks included.
fn segment(text: &str) -> Vec<Segment> {
    segments(&mut Segmented::new(&Analyzer::new(), text))
}

/// Segments of `text` as (slice, kind) pairs.
fn segs(text: &str) -> Vec<(&str, SegmentKind)> {
    segment(text)
        .iter()
        .map(|s| (&text[s.start as usize..s.end as usize], s.kind))
        .collect()
}

fn words(text: &str) -> Vec<&str> {
    segs(text)
        .into_iter()
        .filter(|(_, k)| *k == SegmentKind::Word)
        .map(|(w, _)| w)
        .collect()
}

fn dropped(text: &str, reason: DropReason) -> Vec<&str> {
    segs(text)
        .into_iter()
        .filter(|(_, k)| *k == SegmentKind::Dropped(reason))
        .map(|(w, _)| w)
        .collect()
}

#[test]
fn elisions_with_every_apostrophe() {
    let t = "l'équipe d’un produit qu'il faut, jusqu'au lancement, lorsqu’on s\u{2BC}engage";
    assert_eq!(
        words(t),
        [
            "équipe",
            "un",
            "produit",
            "il",
            "faut",
            "au",
            "lancement",
            "on",
            "engage"
        ]
    );
    assert_eq!(
        dropped(t, DropReason::Elision),
        ["l'", "d’", "qu'", "jusqu'", "lorsqu’", "s\u{2BC}"]
    );
}

#[test]
fn apostrophe_inside_a_word_joins() {
    assert_eq!(
        words("aujourd'hui the company's roadmap, don't"),
        ["aujourd'hui", "the", "company's", "roadmap", "don't"]
    );
}

#[test]
fn inclusive_writing_leaves_the_base_word() {
    let t = "un·e développeur·se, un.e collaborateur(trice) motivé.e, acteur·rice·s et client(e)s";
    assert_eq!(
        words(t),
        [
            "un",
            "développeur",
            "un",
            "collaborateur",
            "motivé",
            "acteur",
            "et",
            "client"
        ]
    );
    assert_eq!(
        dropped(t, DropReason::GenderSuffix),
        ["·e", "·se", ".e", "(trice)", ".e", "·rice·s", "(e)s"]
    );
}

#[test]
fn gender_markers_are_dropped_whole() {
    let t = "Product Manager H/F - Chef de produit (F/H) Lead PM (H/F/X) Manager(H/F) m/w/d";
    assert_eq!(
        words(t),
        ["Product", "Manager", "Chef", "de", "produit", "Lead", "PM", "Manager"]
    );
    assert_eq!(
        dropped(t, DropReason::GenderMarker),
        ["H/F", "F/H", "H/F/X", "H/F", "m/w/d"]
    );
}

#[test]
fn hyphenated_compounds_stay_one_word() {
    assert_eq!(
        words("stratégie go-to-market, co-conception data-driven e‑commerce"),
        [
            "stratégie",
            "go-to-market",
            "co-conception",
            "data-driven",
            "e‑commerce"
        ]
    );
}

#[test]
fn slashes_split_alternatives_but_join_letter_pairs() {
    assert_eq!(
        words("PO/PM, UX/UI, A/B testing, R&D"),
        ["PO", "PM", "UX", "UI", "A/B", "testing", "R&D"]
    );
}

#[test]
fn numbers_urls_and_emails_are_dropped() {
    let t = "45-55K€ brut, 3 ans, 2024 : postulez sur https://jobs.example.fr/pm?id=3 ou jobs@example.fr (www.example.com)";
    assert_eq!(dropped(t, DropReason::Number), ["45-55K", "3", "2024"]);
    assert_eq!(
        dropped(t, DropReason::Url),
        ["https://jobs.example.fr/pm?id=3", "www.example.com"]
    );
    assert_eq!(dropped(t, DropReason::Email), ["jobs@example.fr"]);
    assert_eq!(words(t), ["brut", "ans", "postulez", "sur", "ou"]);
}

#[test]
fn dotted_words_that_are_not_inclusive_split() {
    assert_eq!(
        words("Node.js et Vue.js"),
        ["Node", "js", "et", "Vue", "js"]
    );
}

#[test]
fn clause_breaks_follow_punctuation_and_lines() {
    let t = "gestion du backlog. Vision produit\n- roadmap, OKR";
    let starts: Vec<&str> = segment(t)
        .iter()
        .filter(|s| s.clause_start)
        .map(|s| &t[s.start as usize..s.end as usize])
        .collect();
    assert_eq!(starts, ["gestion", "Vision", "roadmap", "OKR"]);
}

#[test]
fn decomposed_accents_stay_inside_the_word() {
    assert_eq!(
        words("strate\u{301}gie produit"),
        ["strate\u{301}gie", "produit"]
    );
}
