//! Properties of the analyzer and the vectorizer on arbitrary input.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use proptest::prelude::*;
use rolecheck::{Analyzer, AnalyzerParams, Lang, Outcome, Scratch, SparseVec, TfIdf, TfIdfParams};

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
        let stripped = rolecheck::strip_html(&mixed);
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

/// Postings in both languages, for vectorizers whose vocabulary holds what
/// the cached path could get wrong: English and French stems of the same
/// words (a wrong language gives other terms), the words of role names in
/// other roles too (`manager une équipe`, `product discovery`, `the owner`:
/// unmasked role names would count), and bigrams that punctuation between
/// the two words must prevent (`backlog produit`, `gestion backlog`).
const READING_CORPUS: &[&str] = &[
    "Vous pilotez la stratégie produit et la discovery avec les utilisateurs ; gestion du backlog produit.",
    "Le Product Owner gère le backlog, rédige les user stories et anime les rituels avec l'équipe.",
    "En tant que Product Manager (H/F), vous managez une équipe et la roadmap produit.",
    "La cheffe de produit et le chef de projet suivent la recette ; responsable produit senior.",
    "You own the product strategy and run product discovery with our users and stakeholders.",
    "The Product Owner manages the backlog, writes user stories and runs sprint ceremonies with the team.",
    "As a Product Manager you manage the roadmap; the owner of the product vision is the Head of Product.",
    "Our PM and PO work with the PMM on positioning, messaging and go-to-market.",
    "Développeur·se, collaborateur(trice), un.e manager : l’équipe recrute pour la data platform.",
    "product ops manager, Product Marketing Manager, CPO, chief product officer, VP product.",
];

/// The two vectorizers a model reads a posting with: role names masked
/// (the duty reading) and kept.
static READERS: LazyLock<[TfIdf; 2]> = LazyLock::new(|| {
    [true, false].map(|mask| {
        TfIdfParams::default()
            .min_df(1)
            .analyzer(AnalyzerParams::default().mask_role_names(mask))
            .fit(READING_CORPUS)
            .unwrap()
    })
});

/// Text built from posting words, French or English in the main or mixed,
/// with elisions, inclusive writing, role names, punctuation, Unicode spaces
/// and line breaks between them (or nothing: `l'` then glues to its word).
fn posting_words() -> impl Strategy<Value = String> {
    let fr = prop::sample::select(vec![
        "la",
        "le",
        "les",
        "des",
        "du",
        "et",
        "vous",
        "nous",
        "pour",
        "avec",
        "une",
        "de",
        "gestion",
        "backlog",
        "produit",
        "stratégie",
        "équipe",
        "roadmap",
        "discovery",
        "recette",
        "utilisateurs",
        "pilotez",
        "managez",
        "manager",
        "rituels",
        "chef",
        "projet",
    ]);
    let en = prop::sample::select(vec![
        "the",
        "and",
        "you",
        "we",
        "our",
        "with",
        "of",
        "to",
        "is",
        "product",
        "strategy",
        "backlog",
        "manager",
        "manages",
        "owner",
        "discovery",
        "stakeholders",
        "users",
        "stories",
        "team",
        "roadmap",
        "sprint",
        "ceremonies",
        "vision",
    ]);
    let other = prop::sample::select(vec![
        "l'",
        "d’",
        "qu'",
        "jusqu'",
        "lʼ",
        "s’",
        "L’",
        "développeur·se",
        "un.e",
        "collaborateur(trice)",
        "motivé·e·s",
        "H/F",
        "F/H",
        "(H/F)",
        "M/W/D",
        "Product Owner",
        "Product Manager",
        "PO",
        "PM",
        "PMs",
        "PO/PM",
        "chef de produit",
        "cheffe du produit",
        "responsable produit",
        "Head of Product",
        "product ops manager",
        "Product Marketing Manager",
        "CPO",
        "go-to-market",
        "A/B",
        "B2B",
        "2024",
        "45k€",
        "https://jobs.example.fr/pm",
        "rh@example.fr",
        "x",
    ]);
    let word = |weights: (u32, u32)| {
        prop_oneof![
            weights.0 => fr.clone(),
            weights.1 => en.clone(),
            2 => other.clone(),
        ]
    };
    let sep = prop::sample::select(vec![
        " ", " ", " ", " ", "", ", ", ". ", " ; ", ": ", "\n", "\n- ", " (", ") ", "\u{a0}",
        "\u{202f}", "\u{2009}", " – ", "… ", "/", "-", "'", "’", " * ", "!\n",
    ]);
    let text = |weights: (u32, u32)| {
        proptest::collection::vec((word(weights), sep.clone()), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|(w, s)| format!("{w}{s}"))
                .collect::<String>()
        })
    };
    prop_oneof![text((6, 1)), text((1, 6)), text((3, 3))]
}

/// The occurrences and the vector [`Analyzer::analyze`] gives `text` under
/// `t`'s vocabulary: every term and bigram that is a feature, counted, each
/// weighted by its sublinear tf times its idf, the whole L2-normalised.
fn from_analysis(
    t: &TfIdf,
    ids: &HashMap<String, u32>,
    text: &str,
) -> (Vec<(u32, Range<usize>)>, SparseVec, Lang) {
    let analysis = t.analyzer().analyze(text);
    let mut occurrences = Vec::new();
    for token in &analysis.tokens {
        if let Outcome::Term(term) = &token.outcome {
            if let Some(&f) = ids.get(term) {
                occurrences.push((f, token.start..token.end));
            }
        }
    }
    for b in &analysis.bigrams {
        if let Some(&f) = ids.get(&b.term) {
            occurrences.push((f, b.start..b.end));
        }
    }
    occurrences.sort_by_key(|(_, span)| (span.start, span.end));
    let mut counts: BTreeMap<u32, u32> = BTreeMap::new();
    for (f, _) in &occurrences {
        *counts.entry(*f).or_default() += 1;
    }
    let mut v = SparseVec {
        indices: counts.keys().copied().collect(),
        values: counts
            .iter()
            .map(|(&f, &n)| (1.0 + (n as f32).ln()) * t.idf()[f as usize])
            .collect(),
    };
    let norm = v.norm();
    if norm > 0.0 {
        v.values.iter_mut().for_each(|x| *x /= norm);
    }
    (occurrences, v, analysis.lang)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The vectorizer reads a text through its chunk cache, the analyzer
    /// afresh; both must come to the same features, language, masked role
    /// names and bigram breaks, whether the cache is cold or warm.
    #[test]
    fn cached_transform_equals_the_analysis(texts in proptest::collection::vec(posting_words(), 1..4)) {
        for t in READERS.iter() {
            let ids: HashMap<String, u32> = (0..t.n_features() as u32)
                .map(|f| (t.feature_name(f).unwrap(), f))
                .collect();
            let mut scratch = Scratch::new();
            for pass in ["cold", "warm"] {
                for text in &texts {
                    let (occurrences, v, lang) = from_analysis(t, &ids, text);
                    let mut cached = Vec::new();
                    let cached_lang = t.for_each_occurrence(&mut scratch, text, |o| cached.push((o.feature, o.span)));
                    prop_assert_eq!(&cached, &occurrences, "{}, {:?}", pass, text);
                    prop_assert_eq!(cached_lang, lang, "{}, {:?}", pass, text);
                    prop_assert_eq!(t.transform_with(&mut scratch, text), v, "{}, {:?}", pass, text);
                }
            }
        }
    }
}
