//! Properties of the analyzer and the vectorizer on arbitrary input.

use proptest::prelude::*;
use rolecheck::{Analyzer, Outcome, Scratch, TfIdf, TfIdfParams};

const CORPUS: &[&str] = &[
    "Vous pilotez la stratégie produit, la discovery et les OKR de l'équipe.",
    "Vous gérez le backlog, rédigez les user stories et animez les rituels Scrum.",
    "You own positioning, messaging and the go-to-market of every launch.",
    "You define how our LLM features are evaluated with the data scientists.",
    "Gouvernance des données, qualité, catalogue : la data platform est votre produit.",
    "Product Ops : outillage, rituels et insights pour toutes les équipes produit.",
];

fn vectorizer() -> TfIdf {
    TfIdfParams::default().min_df(1).fit(CORPUS).unwrap()
}

/// Text mixing posting words, French punctuation, inclusive writing and any Unicode.
fn posting_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("l’équipe ".to_string()),
        Just("développeur·se ".to_string()),
        Just("(H/F) ".to_string()),
        Just("go-to-market, ".to_string()),
        Just("collaborateur(trice) ".to_string()),
        Just("jusqu'au ".to_string()),
        Just("e\u{301}quipe ".to_string()),
        Just("backlog. ".to_string()),
        Just("PO/PM ".to_string()),
        Just("\n- ".to_string()),
        "\\PC{0,12}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn spans_lie_on_char_boundaries_inside_the_input(text in posting_like()) {
        let analysis = Analyzer::new().analyze(&text);
        let mut last_end = 0;
        for t in &analysis.tokens {
            prop_assert!(t.start < t.end && t.end <= text.len());
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            prop_assert!(t.start >= last_end, "tokens overlap or go backwards");
            prop_assert_eq!(&text[t.start..t.end], t.text);
            last_end = t.end;
            if let Outcome::Term(term) = &t.outcome {
                prop_assert!(!term.is_empty() && !term.contains(' '));
            }
        }
        for b in &analysis.bigrams {
            prop_assert!(b.start < b.end && b.end <= text.len());
            prop_assert!(text.is_char_boundary(b.start) && text.is_char_boundary(b.end));
        }
    }

    #[test]
    fn vectors_are_unit_or_empty_and_agree_with_batches(texts in proptest::collection::vec(posting_like(), 1..6)) {
        let t = vectorizer();
        let mut scratch = Scratch::new();
        let sequential: Vec<_> = texts.iter().map(|x| t.transform_with(&mut scratch, x)).collect();
        for v in &sequential {
            prop_assert!(v.is_empty() || (v.norm() - 1.0).abs() < 1e-4);
            prop_assert!(v.indices.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(v.indices.iter().all(|&i| (i as usize) < t.n_features()));
        }
        prop_assert_eq!(t.transform_batch(&texts), sequential);
    }

    #[test]
    fn html_stripping_never_panics(text in posting_like(), tags in "[<>&;a-z/ ]{0,20}") {
        let mixed = format!("{tags}{text}{tags}");
        let stripped = rolecheck::audit::html::strip_html(&mixed);
        prop_assert!(stripped.len() <= mixed.len() + mixed.matches('<').count() * 3);
    }

    #[test]
    fn occurrence_spans_lie_inside_the_input(text in posting_like()) {
        let t = vectorizer();
        t.for_each_occurrence(&mut Scratch::new(), &text, |o| {
            assert!(o.span.end <= text.len());
            assert!(text.is_char_boundary(o.span.start) && text.is_char_boundary(o.span.end));
        });
    }
}
