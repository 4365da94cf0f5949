//! The analyzer's French rules, each on a realistic snippet.

use super::*;

/// Asserts the kept terms of `text` with their byte spans.
fn assert_tokens(text: &str, expected: &[(&str, usize, usize)]) {
    let analysis = Analyzer::new().analyze(text);
    let got: Vec<(&str, usize, usize)> = analysis
        .tokens
        .iter()
        .filter_map(|t| match &t.outcome {
            Outcome::Term(term) => Some((term.as_str(), t.start, t.end)),
            Outcome::Dropped(_) => None,
        })
        .collect();
    assert_eq!(got, expected, "terms of {text:?}");
    for t in &analysis.tokens {
        assert_eq!(&text[t.start..t.end], t.text);
    }
}

fn dropped(text: &str) -> Vec<(&str, DropReason)> {
    Analyzer::new()
        .analyze(text)
        .tokens
        .into_iter()
        .filter_map(|t| match t.outcome {
            Outcome::Dropped(r) => Some((t.text, r)),
            Outcome::Term(_) => None,
        })
        .collect()
}

fn bigrams(text: &str) -> Vec<String> {
    Analyzer::new()
        .analyze(text)
        .bigrams
        .into_iter()
        .map(|b| b.term)
        .collect()
}

#[test]
fn elided_article_leaves_the_noun_with_its_span() {
    assert_tokens("l’équipe produit", &[("equip", 4, 11), ("produit", 12, 19)]);
    assert_tokens(
        "d'une appli jusqu'au lancement",
        &[("appli", 6, 11), ("lanc", 21, 30)],
    );
}

#[test]
fn issue_example_has_no_marker_or_elision_junk() {
    let text = "L’équipe produit recherche un·e Product Manager (H/F) pour piloter la stratégie go-to-market d'une app B2B";
    let a = Analyzer::new().analyze(text);
    assert_eq!(a.lang, Lang::Fr);
    let terms: Vec<&str> = a.terms().collect();
    assert_eq!(
        terms,
        [
            "equip",
            "produit",
            "recherch",
            "pilot",
            "strateg",
            "gotomarket",
            "app",
            "b2b"
        ]
    );
    let spans: Vec<&str> = a
        .tokens
        .iter()
        .filter(|t| matches!(t.outcome, Outcome::Term(_)))
        .map(|t| &text[t.start..t.end])
        .collect();
    assert_eq!(
        spans,
        [
            "équipe",
            "produit",
            "recherche",
            "piloter",
            "stratégie",
            "go-to-market",
            "app",
            "B2B"
        ]
    );
    assert!(dropped(text).contains(&("Manager", DropReason::RoleName)));
    assert!(dropped(text).contains(&("H/F", DropReason::GenderMarker)));
    assert!(dropped(text).contains(&("·e", DropReason::GenderSuffix)));
    assert!(dropped(text).contains(&("L’", DropReason::Elision)));
}

#[test]
fn inclusive_writing_gives_the_masculine_term_only() {
    let a = Analyzer::new();
    let plain: Vec<String> = a
        .analyze("développeur collaborateur motivé")
        .terms()
        .map(String::from)
        .collect();
    for text in [
        "développeur·se collaborateur(trice) motivé.e",
        "développeur.euse collaborateur·rice motivé·e",
        "développeur·euse·s collaborateur(trice)s motivé(e)",
    ] {
        let terms: Vec<String> = a.analyze(text).terms().map(String::from).collect();
        assert_eq!(terms, plain, "{text}");
    }
}

#[test]
fn gender_markers_in_titles_are_dropped() {
    for title in [
        "Data Analyst H/F",
        "Data Analyst F/H",
        "Data Analyst (H/F)",
        "Data Analyst - (F/H/X)",
        "Data Analyst(H/F)",
    ] {
        let terms: Vec<&str> = Analyzer::new()
            .analyze(title)
            .terms()
            .map(|_| "t")
            .collect();
        assert_eq!(terms.len(), 2, "{title}");
        assert!(
            dropped(title)
                .iter()
                .any(|(_, r)| *r == DropReason::GenderMarker),
            "{title}"
        );
    }
}

#[test]
fn compounds_and_their_solid_spelling_meet() {
    let a = Analyzer::new();
    let t = |s: &str| a.analyze(s).terms().map(String::from).collect::<Vec<_>>();
    assert_eq!(t("e-commerce"), t("ecommerce"));
    assert_eq!(t("co-conception"), t("coconception"));
    assert_eq!(t("data-driven"), ["datadriven"]);
    assert_eq!(t("Go-To-Market"), ["gotomarket"]);
}

#[test]
fn slash_pairs() {
    let a = AnalyzerParams::default()
        .mask_role_names(false)
        .build()
        .unwrap();
    let t = |s: &str| a.analyze(s).terms().map(String::from).collect::<Vec<_>>();
    assert_eq!(t("PO/PM"), ["po", "pm"]);
    assert_eq!(t("A/B tests"), ["ab", "test"]);
    assert_eq!(t("UX/UI"), ["ux", "ui"]);
}

#[test]
fn acronyms_that_matter_survive() {
    let text = "PO, PM, PMM, IA, AI, ML, LLM, B2B, B2C, OKR, KPI, UX";
    let unmasked = AnalyzerParams::default()
        .mask_role_names(false)
        .build()
        .unwrap();
    let terms: Vec<String> = unmasked.analyze(text).terms().map(String::from).collect();
    assert_eq!(
        terms,
        ["po", "pm", "pmm", "ai", "ai", "ml", "llm", "b2b", "b2c", "okr", "kpi", "ux"]
    );
    // With role names masked (the default), PO, PM and PMM are role names, not duties.
    let terms: Vec<String> = Analyzer::new()
        .analyze(text)
        .terms()
        .map(String::from)
        .collect();
    assert_eq!(
        terms,
        ["ai", "ai", "ml", "llm", "b2b", "b2c", "okr", "kpi", "ux"]
    );
}

#[test]
fn stop_words_go_in_both_languages() {
    let d = dropped("Vous serez the owner of la roadmap");
    let stops: Vec<&str> = d
        .iter()
        .filter(|(_, r)| *r == DropReason::StopWord)
        .map(|(w, _)| *w)
        .collect();
    assert_eq!(stops, ["Vous", "serez", "the", "of", "la"]);
}

#[test]
fn language_is_detected_per_posting() {
    let a = Analyzer::new();
    assert_eq!(
        a.detect_lang("Vous serez responsable de la roadmap et du backlog avec les équipes."),
        Lang::Fr
    );
    assert_eq!(
        a.detect_lang("You will own the roadmap and work with our engineers."),
        Lang::En
    );
    // Franglais: English product words, French grammar.
    assert_eq!(
        a.detect_lang(
            "Tu seras owner de la roadmap, tu vas driver la discovery avec les stakeholders."
        ),
        Lang::Fr
    );
    assert_eq!(
        a.detect_lang("Product Manager"),
        Lang::Fr,
        "no clue: the default"
    );
    assert_eq!(
        AnalyzerParams::default()
            .default_lang(Lang::En)
            .build()
            .unwrap()
            .detect_lang("Product Manager"),
        Lang::En
    );
}

#[test]
fn language_chooses_the_stemmer() {
    let a = Analyzer::new();
    let fr: Vec<String> = a
        .analyze("Les équipes priorisent les fonctionnalités")
        .terms()
        .map(String::from)
        .collect();
    assert_eq!(fr, ["equip", "priorisent", "fonctionnal"]);
    let en: Vec<String> = a
        .analyze("The teams are prioritizing the features")
        .terms()
        .map(String::from)
        .collect();
    assert_eq!(en, ["team", "priorit", "featur"]);
}

#[test]
fn numbers_urls_and_emails_are_not_vocabulary() {
    let d = dropped(
        "Salaire 45-55K€, 5 ans d'XP. Postulez : https://careers.example.com ou rh@example.fr",
    );
    let reasons: Vec<DropReason> = d.iter().map(|(_, r)| *r).collect();
    assert!(reasons.contains(&DropReason::Number));
    assert!(reasons.contains(&DropReason::Url));
    assert!(reasons.contains(&DropReason::Email));
    let terms: Vec<String> = Analyzer::new()
        .analyze(
            "Salaire 45-55K€, 5 ans d'XP. Postulez : https://careers.example.com ou rh@example.fr",
        )
        .terms()
        .map(String::from)
        .collect();
    assert!(
        terms
            .iter()
            .all(|t| !t.chars().any(|c| c.is_ascii_digit()) && !t.contains("example")),
        "{terms:?}"
    );
}

#[test]
fn bigrams_skip_stop_words_but_not_punctuation() {
    assert_eq!(bigrams("gestion du backlog"), ["gestion backlog"]);
    assert_eq!(bigrams("le backlog. La vision"), Vec::<String>::new());
    assert_eq!(bigrams("- backlog\n- user stories"), ["user stori"]);
    assert_eq!(bigrams("roadmap 2025 produit"), Vec::<String>::new());
}

#[test]
fn bigram_spans_cover_both_words() {
    let text = "la gestion du backlog";
    let a = Analyzer::new().analyze(text);
    assert_eq!(
        &text[a.bigrams[0].start..a.bigrams[0].end],
        "gestion du backlog"
    );
}

#[test]
fn unigrams_only_when_bigrams_are_off() {
    let a = AnalyzerParams::default().bigrams(false).build().unwrap();
    assert!(a.analyze("gestion du backlog produit").bigrams.is_empty());
}

#[test]
fn other_rules_version_is_refused() {
    let params = AnalyzerParams {
        rules: ANALYZER_RULES + 1,
        ..AnalyzerParams::default()
    };
    let err = params.build().unwrap_err().to_string();
    assert!(err.contains("rules version"), "{err}");
}

#[test]
fn role_names_are_masked_in_all_their_forms() {
    let text = "En tant que Product Manager (H/F), vous aidez le PO et les PMs ; le chef de produit, \
                la Responsable Produit, le Head of Product, la product ops manager et le Product Marketing Manager.";
    let masked: Vec<&str> = dropped(text)
        .into_iter()
        .filter(|(_, r)| *r == DropReason::RoleName)
        .map(|(w, _)| w)
        .collect();
    assert_eq!(
        masked,
        [
            "Product",
            "Manager",
            "PO",
            "PMs",
            "chef",
            "de",
            "produit",
            "Responsable",
            "Produit",
            "Head",
            "of",
            "Product",
            "product",
            "ops",
            "manager",
            "Product",
            "Marketing",
            "Manager"
        ]
    );
}

#[test]
fn duty_words_near_role_names_survive() {
    let a = Analyzer::new();
    let terms: Vec<String> = a
        .analyze("Le Data Product Manager pilote la product discovery et le product marketing.")
        .terms()
        .map(String::from)
        .collect();
    assert_eq!(
        terms,
        ["data", "pilot", "product", "discoveri", "product", "market"]
    );
    let unmasked = AnalyzerParams::default()
        .mask_role_names(false)
        .build()
        .unwrap();
    assert!(unmasked
        .analyze("le Product Owner")
        .terms()
        .any(|t| t == "owner"));
}

#[test]
fn every_wording_of_a_role_name_meets_its_canonical_name() {
    // The role reading counts role names by their entry in ROLE_NAMES: the
    // masked words of the body, vectorized, report which entry they are.
    let tfidf = crate::TfIdfParams::default()
        .min_df(1)
        .fit(&["backlog recette"])
        .unwrap();
    for (text, name) in [
        ("our Product Owners write stories", "product owner"),
        ("la cheffe de produit anime", "chef de produit"),
        ("Chefs du produit et responsables", "chef de produit"),
        ("un Responsable Produit senior", "responsable produit"),
        ("Directrice du produit", "directeur produit"),
        ("the PMs and the designers", "pm"),
        ("our CPO decides", "chief product officer"),
        ("Head of Product Europe", "head of product"),
        ("Product Marketing Manager", "product marketing manager"),
        ("product ops lead", "product ops"),
        ("produit manager", "product manager"),
    ] {
        let mut found = Vec::new();
        tfidf.transform_with_role_names(
            &mut crate::vectorize::Scratch::new(),
            text,
            |_| {},
            |id, span| found.push((ROLE_NAMES[id], &text[span])),
        );
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].0, name, "{text}");
    }
}

#[test]
fn postings_in_languages_rolecheck_does_not_read_are_told_apart() {
    let cases = [
        ("es", "Buscamos un Product Owner para nuestro equipo de pagos en Madrid. Serás responsable del backlog y trabajarás con los desarrolladores para priorizar las historias de usuario."),
        ("de", "Wir suchen eine Product Ownerin (m/w/d) für unser Team in Berlin. Du pflegst das Backlog und arbeitest eng mit den Entwicklern zusammen, die das Produkt bauen."),
        ("it", "Siamo alla ricerca di un Product Manager che guidi la strategia della nostra piattaforma. Lavorerai con gli sviluppatori e con il team di design."),
        ("pt", "Estamos procurando um Product Owner para o nosso time de crédito. Você vai cuidar do backlog e escrever histórias de usuário com os desenvolvedores da equipa."),
        ("nl", "Wij zoeken een Product Owner voor ons team in Amsterdam. Je beheert de backlog en werkt nauw samen met de ontwikkelaars van het platform."),
    ];
    for (lang, text) in cases {
        assert_eq!(
            crate::text::unsupported_language(text),
            Some(lang),
            "{text}"
        );
    }
    for text in [
        "Au sein de la squad Paiements, vous pilotez la roadmap, menez la discovery et travaillez avec nos équipes de Madrid, Berlin et Lisboa.",
        "You will own the roadmap for our payments platform and run discovery with merchants in Spain and Germany. Fluent Spanish is a plus.",
        "Product Owner (H/F) - CDI. Missions : backlog, user stories, rituels agiles avec la team dev.",
        "PO",
        "",
    ] {
        assert_eq!(crate::text::unsupported_language(text), None, "{text}");
    }
}
