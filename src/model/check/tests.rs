use super::*;
use crate::detect::{Side, MAX_PHRASES};

const BACKLOG: &str = "En tant que Product Manager, vous êtes le point d'entrée des demandes de la direction. \
    Vous gérez le backlog de l'application, rédigez les user stories et les critères d'acceptation, \
    animez les cérémonies Scrum (sprint planning, daily, revue) avec les six développeurs, \
    réalisez la recette fonctionnelle et suivez les mises en production.";

const GENUINE_PM: &str = "You will talk to customers every week, frame the problems worth solving and set the \
    product vision and strategy with leadership. You define OKRs, measure the impact of what ships and \
    own the business case and pricing. The squad's backlog lives in Jira and the PO runs the sprints; \
    you join sprint reviews and keep the roadmap honest.";

fn model() -> Model {
    Model::shipped().unwrap()
}

#[test]
fn a_backlog_body_that_calls_itself_product_manager_is_flagged() {
    let m = model();
    let check = m.check("Product Manager (H/F)", BACKLOG);
    let v = check.verdict();
    assert_eq!(v.claimed_role, Some(Role::Pm));
    assert_eq!(v.classification.role, Role::Po);
    assert!(v.backlog_manager, "score {}", v.score);
    assert!(v.score >= v.threshold && v.score <= 1.0);
    assert_eq!(v.threshold, m.detector().threshold());
    // Flagged: its role is po with the flag's score, against another role.
    assert_eq!(v.classification.confidence, v.score);
    assert_ne!(v.classification.runner_up.role, Role::Po);
    assert_eq!(v.classification.duty.role, Role::Po);
    assert!(!v.title_mismatch);
    assert_eq!(check.missing_pm_duties(&mut Scratch::new()), PmDuty::ALL);
    let evidence = check.phrases(MAX_PHRASES);
    assert!(
        evidence
            .iter()
            .any(|p| p.side == Side::Po && p.text.contains("backlog")),
        "{evidence:?}"
    );
}

#[test]
fn a_genuine_pm_who_mentions_the_backlog_is_not_flagged() {
    let m = model();
    let check = m.check("Senior Product Manager", GENUINE_PM);
    let v = check.verdict();
    assert_eq!(
        v.classification.role,
        Role::Pm,
        "{:?}",
        v.classification.probabilities
    );
    assert!(!v.backlog_manager && !v.title_mismatch);
    let missing = check.missing_pm_duties(&mut Scratch::new());
    assert!(missing.is_empty(), "{missing:?}");
    assert!(check
        .phrases(MAX_PHRASES)
        .iter()
        .any(|p| p.side == Side::Pm));
}

#[test]
fn the_same_backlog_body_under_a_po_title_is_no_mismatch() {
    let m = model();
    let v = m.check("Product Owner (F/H)", BACKLOG).into_verdict();
    assert_eq!(v.claimed_role, Some(Role::Po));
    assert!(!v.backlog_manager && !v.title_mismatch);
}

#[test]
fn a_product_owner_doing_product_marketing_is_a_title_mismatch() {
    let body = "Vous construisez le positionnement et le messaging de nos offres, préparez les lancements \
        avec les équipes commerciales, produisez les argumentaires, les études de cas clients et la veille \
        concurrentielle, et suivez l'adoption après chaque lancement.";
    let m = model();
    let v = m
        .check("Product Owner – Offres & Lancements", body)
        .into_verdict();
    assert_eq!(
        v.classification.role,
        Role::Pmm,
        "{:?}",
        v.classification.probabilities
    );
    assert!(v.title_mismatch && !v.backlog_manager);
}

#[test]
fn evidence_spans_quote_the_text_and_sit_in_their_sentence() {
    let m = model();
    for (title, body) in [
        ("Product Manager", BACKLOG),
        ("Product Manager", GENUINE_PM),
    ] {
        let evidence = m.check(title, body).phrases(MAX_PHRASES);
        assert!(!evidence.is_empty());
        for p in &evidence {
            assert_eq!(&body[p.span.clone()], p.text);
            assert!(
                p.sentence.contains(&p.text),
                "{:?} not in {:?}",
                p.text,
                p.sentence
            );
            assert_eq!(p.side == Side::Po, p.weight > 0.0);
        }
        assert!(evidence
            .windows(2)
            .all(|w| w[0].weight.abs() >= w[1].weight.abs()));
    }
}

#[test]
fn phrase_weights_add_up_to_the_terms_push() {
    let m = model();
    let evidence = m.check("Product Manager", BACKLOG).phrases(MAX_PHRASES);
    let (po, pm) = (Role::Po.index(), Role::Pm.index());
    // Phrases come from the duty reading: each duty term's weight times
    // the duty head's coefficients.
    let terms: f32 = m
        .tfidf()
        .transform(BACKLOG)
        .iter()
        .map(|(f, w)| {
            let c = m.duty_head().coef_of(f);
            w * (c[po] - c[pm])
        })
        .filter(|p| p.abs() >= 1e-4)
        .sum();
    assert!(
        evidence.len() < MAX_PHRASES,
        "a short posting keeps all its phrases"
    );
    let phrases: f32 = evidence.iter().map(|p| p.weight).sum();
    assert!((terms - phrases).abs() < 1e-3, "{terms} vs {phrases}");
}

#[test]
fn sentences_around_multibyte_bullets_regression() {
    // Found auditing a dump: "•" bullets split a sentence mid-character.
    let body = "Vos missions :\n• gérer le backlog et rédiger les user stories\n• animer les cérémonies Scrum • faire la recette";
    let m = model();
    let evidence = m.check("Product Manager", body).phrases(MAX_PHRASES);
    assert!(!evidence.is_empty());
    for p in &evidence {
        assert!(p.sentence.contains(&p.text), "{p:?}");
        assert!(!p.sentence.starts_with('•'));
    }
}

#[test]
fn evidence_asked_for_in_any_order_is_the_same() {
    // The verdict does not depend on the evidence asked for; the phrases
    // are the same before and after the per-term evidence (which reorders
    // the occurrences), and fewer asked for are the first of the same list.
    let m = model();
    for (title, body) in [
        ("Product Manager", BACKLOG),
        ("Senior PM", GENUINE_PM),
        ("Data Product Manager", BACKLOG),
    ] {
        let mut check = m.check_with(&mut Scratch::new(), title, body);
        let before = check.phrases(MAX_PHRASES);
        let flag = check.verdict().clone();
        assert!(flag.classification.evidence.is_empty());
        check.explain();
        let explained = check.verdict();
        assert!(!explained.classification.evidence.is_empty());
        assert_eq!(explained.backlog_manager, flag.backlog_manager);
        assert_eq!(explained.score, flag.score);
        assert_eq!(
            explained.classification.probabilities,
            flag.classification.probabilities
        );
        assert_eq!(check.phrases(MAX_PHRASES), before);
        for limit in [0, 1, 5] {
            let few = m
                .check_with(&mut Scratch::new(), title, body)
                .phrases(limit);
            assert_eq!(few, &before[..limit.min(before.len())], "{limit} phrases");
        }
    }
}

#[test]
fn the_per_term_evidence_of_a_check_is_the_classification_s() {
    // Ranked against the role reading's own verdict, before the flag made
    // the role `po`: the same list `classify_posting` gives.
    let m = model();
    let title = "Product Manager (H/F)";
    let mut check = m.check(title, BACKLOG);
    assert!(check.verdict().backlog_manager);
    check.explain();
    let classified = m.classify_posting(title, BACKLOG);
    assert_eq!(check.verdict().classification.evidence, classified.evidence);
}

#[test]
fn the_shipped_detector_reads_the_duty_words_with_the_model_s_analyzer() {
    // Stored in the model file, they are what its analyzer makes of the words.
    let m = model();
    let fitted = crate::Detector::fit(m.tfidf().analyzer(), &[], 5);
    for duty in PmDuty::ALL {
        assert!(!m.detector().duty_terms(duty).is_empty(), "{duty:?}");
        assert_eq!(m.detector().duty_terms(duty), fitted.duty_terms(duty));
    }
    let check = m.check("", "Vous pilotez la discovery.");
    assert_eq!(
        check.missing_pm_duties(&mut Scratch::new()),
        [PmDuty::Strategy, PmDuty::Outcomes, PmDuty::Business]
    );
}

/// The duties a body mentions as the analyzer reads it: every term and
/// bigram of its analysis, looked up in the detector's terms.
fn missing_by_analysis(m: &Model, text: &str) -> Vec<PmDuty> {
    let analysis = m.tfidf().analyzer().analyze(text);
    let mut present: Vec<String> = analysis.terms().map(String::from).collect();
    present.extend(analysis.bigrams.into_iter().map(|b| b.term));
    PmDuty::ALL
        .into_iter()
        .filter(|&d| {
            let terms = m.detector().duty_terms(d);
            !present.iter().any(|t| terms.binary_search(t).is_ok())
        })
        .collect()
}

#[test]
fn missing_duties_are_the_analysis_s_on_every_corpus_and_dev_text() {
    // The watch walks the body through the chunk cache with a vocabulary of
    // the duty terms alone; the analysis reads every term and bigram. One
    // scratch for all texts, as a batch uses it, so cached words are read
    // back too.
    let m = model();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut scratch = Scratch::new();
    let mut seen = 0;
    for file in ["postings.jsonl", "dev.jsonl"] {
        let corpus = crate::Corpus::read(&root.join(file)).unwrap();
        for p in &corpus.postings {
            let check = m.check_with(&mut scratch, "", &p.text);
            let missing = check.missing_pm_duties(&mut scratch);
            assert_eq!(missing, missing_by_analysis(&m, &p.text), "{}", p.id);
            seen += missing.len();
        }
    }
    assert!(seen > 0, "some text lacks some duty");
}

#[test]
fn a_duty_term_outside_the_body_vocabulary_still_counts() {
    // Franglais and anglicisms: a duty word written in a French sentence is
    // stemmed as French, often a term too rare in the corpus to be a
    // feature of the body vectorizer; yet it shows its duty.
    let m = model();
    let features: std::collections::HashSet<String> =
        m.tfidf().feature_names().into_iter().collect();
    let mut outside = 0;
    for duty in PmDuty::ALL {
        for word in duty.words() {
            let body = format!("Vous suivez la {word} de la gamme avec la direction.");
            let analysis = m.tfidf().analyzer().analyze(&body);
            let mut terms: Vec<String> = analysis.terms().map(String::from).collect();
            terms.extend(analysis.bigrams.into_iter().map(|b| b.term));
            let shown = terms
                .iter()
                .any(|t| m.detector().duty_terms(duty).contains(t));
            if !shown
                || terms
                    .iter()
                    .any(|t| features.contains(t) && m.detector().duty_terms(duty).contains(t))
            {
                continue;
            }
            outside += 1;
            let missing = m.check("", &body).missing_pm_duties(&mut Scratch::new());
            assert!(!missing.contains(&duty), "{body}: {missing:?}");
            assert_eq!(missing, missing_by_analysis(&m, &body));
        }
    }
    assert!(
        outside > 0,
        "every duty word in a French sentence is a body feature"
    );
}
