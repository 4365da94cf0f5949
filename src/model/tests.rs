use super::*;

const BACKLOG: &str = "En tant que Product Manager, vous gérez le backlog : recueil des demandes, \
    rédaction des user stories et des critères d'acceptation, animation des cérémonies Scrum \
    (sprint planning, revue), recette fonctionnelle et suivi des mises en production.";

fn shipped() -> Model {
    Model::shipped().expect("the shipped model loads")
}

#[test]
fn probabilities_sum_to_one_and_are_ranked() {
    let m = shipped();
    for text in [
        BACKLOG,
        "",
        "zzz",
        "You will own positioning and the go-to-market of our launches.",
    ] {
        let v = m.classify(text);
        let sum: f32 = v.probabilities.iter().map(|p| p.probability).sum();
        assert!((sum - 1.0).abs() < 1e-5, "{text}: {sum}");
        assert!(v
            .probabilities
            .windows(2)
            .all(|w| w[0].probability >= w[1].probability));
        assert_eq!(v.role, v.probabilities[0].role);
        assert_eq!(v.runner_up, v.probabilities[1]);
        assert_eq!(v.probabilities.len(), 7);
    }
}

#[test]
fn contributions_add_up_to_the_score_minus_the_intercept() {
    let m = shipped();
    let v = m.classify(BACKLOG);
    assert!(!v.evidence.is_empty());
    for role in Role::ALL {
        let k = role.index();
        let sum: f32 = v.evidence.iter().map(|e| e.contributions[k]).sum();
        let expected = v.scores[k] - m.role_head().intercept()[k];
        assert!((sum - expected).abs() < 1e-4, "{role}: {sum} vs {expected}");
    }
    // And the probabilities are the softmax of those scores over the temperature.
    let p = m.info().calibration.role_probabilities(&v.scores);
    assert!((p[v.role.index()] - v.confidence).abs() < 1e-6);
    let t = m.info().calibration.role_temperature;
    assert!((softmax(&v.scores.map(|s| s / t))[v.role.index()] - v.confidence).abs() < 1e-6);
}

#[test]
fn title_words_count_apart_from_the_body_and_point_into_the_title() {
    let m = shipped();
    let title = "Product Owner Paiements (H/F)";
    let v = m.classify_posting(title, BACKLOG);
    let from_title: Vec<&Evidence> = v
        .evidence
        .iter()
        .filter(|e| e.field == Field::Title)
        .collect();
    assert!(!from_title.is_empty(), "{:?}", v.evidence);
    for e in from_title {
        for s in &e.spans {
            assert!(s.end <= title.len(), "{} at {s:?}", e.term);
        }
    }
    // "Product Manager" in the body is a role-name feature, not a duty term.
    let names: Vec<&str> = v
        .evidence
        .iter()
        .filter(|e| e.field == Field::RoleName)
        .map(|e| e.term.as_str())
        .collect();
    assert_eq!(names, ["product manager"]);
    let span = &v
        .evidence
        .iter()
        .find(|e| e.field == Field::RoleName)
        .unwrap()
        .spans[0];
    assert_eq!(&BACKLOG[span.clone()], "Product Manager");
    // Without the title, no title evidence, and the duty reading is the same.
    let body_only = m.classify(BACKLOG);
    assert!(body_only.evidence.iter().all(|e| e.field != Field::Title));
    assert_eq!(body_only.duty, v.duty);
}

#[test]
fn evidence_spans_point_at_the_words_of_their_term() {
    let m = shipped();
    let v = m.classify(BACKLOG);
    let analyzer = m.tfidf().analyzer();
    // Role names are masked by the analyzer: their spans are checked in
    // `title_words_count_apart_from_the_body_and_point_into_the_title`.
    for e in v.evidence.iter().filter(|e| e.field == Field::Text) {
        assert!(!e.spans.is_empty(), "{}", e.term);
        for s in &e.spans {
            let words = &BACKLOG[s.clone()];
            let terms: Vec<String> = analyzer.analyze(words).terms().map(String::from).collect();
            assert_eq!(terms.join(" "), e.term, "span {s:?} = {words:?}");
        }
    }
}

#[test]
fn a_backlog_job_titled_product_manager_reads_as_po() {
    let v = shipped().classify(BACKLOG);
    assert_eq!(v.role, Role::Po, "{:?}", v.probabilities);
    let top: Vec<&str> = v.evidence.iter().take(5).map(|e| e.term.as_str()).collect();
    assert!(
        top.iter()
            .any(|t| t.contains("backlog") || t.contains("stori") || t.contains("recet")),
        "{top:?}"
    );
}

#[test]
fn a_role_s_score_is_its_evidence_alone() {
    // No intercept: without a word it knows, the model has no opinion.
    let m = shipped();
    for head in [m.role_head(), m.duty_head()] {
        assert_eq!(head.intercept(), &[0.0; N_ROLES]);
    }
    let v = m.classify("zzz qqq");
    assert!(v.evidence.is_empty() && v.scores == [0.0; N_ROLES]);
    // Every role as likely; the tie goes to `other`, in the ranking too.
    assert_eq!(v.role, Role::Other);
    assert_eq!(v.probabilities[0].role, Role::Other);
    assert!((v.confidence - 1.0 / N_ROLES as f32).abs() < 1e-6);
    assert_eq!(v.runner_up.role, Role::Pm);
    assert_eq!(v.duty.role, Role::Other);
}

#[test]
fn ties_go_to_other_then_to_the_roles_order() {
    assert_eq!(argmax(&[0.0; N_ROLES]), Role::Other);
    let mut s = [0.0; N_ROLES];
    s[Role::Po.index()] = 1.0;
    s[Role::Pmm.index()] = 1.0;
    assert_eq!(argmax(&s), Role::Po);
    s[Role::Other.index()] = 1.0;
    assert_eq!(argmax(&s), Role::Other);
    s[Role::Pmm.index()] = 1.5;
    assert_eq!(argmax(&s), Role::Pmm);
}

#[test]
fn a_product_title_over_words_that_say_nothing_of_the_job_is_not_called_other() {
    // The first lines of many ads and accounts say nothing of the job: the
    // title must decide, not a default towards `other`, and nothing there
    // contradicts the title.
    let m = shipped();
    for (title, body) in [
        (
            "Cheffe de produit",
            "On m'a demandé de raconter une journée type pour le blog de l'équipe. Mardi, \
             8h30, je prends le tram à Lille avec un café et je relis mes notes de la veille.",
        ),
        (
            "Platform PM",
            "Our engineers ship code hundreds of times a day, and the tools they rely on \
             are built by a small internal team in Berlin.",
        ),
        (
            "Product Lead",
            "We are a 40-person startup in Amsterdam building software for independent \
             pharmacies. We raised our Series A last spring.",
        ),
    ] {
        let check = m.check(title, body);
        let v = check.verdict();
        assert_ne!(
            v.classification.role,
            Role::Other,
            "{title}: {:?}",
            v.classification.probabilities
        );
        assert!(!v.title_mismatch, "{title}: {:?}", v.classification.duty);
    }
}

#[test]
fn the_titles_backlog_managers_were_given_still_read_as_a_product_manager_s() {
    // In the corpus, half the "Head of Product" and most "Responsable
    // produit" postings are backlog managers: the role head does not learn
    // their titles, so an honest posting under them is not read as `po`.
    let m = shipped();
    let intro = "We are a 40-person startup in Amsterdam building software for independent \
                 pharmacies. We raised our Series A last spring.";
    for title in [
        "Head of Product",
        "Responsable produit (H/F)",
        "Chef de produit digital",
    ] {
        let v = m.classify_posting(title, intro);
        assert_eq!(v.role, Role::Pm, "{title}: {:?}", v.probabilities);
    }
}

#[test]
fn batch_prediction_agrees_with_classify() {
    let m = shipped();
    let texts = [
        BACKLOG,
        "Positioning, messaging and sales enablement for our launches.",
        "",
    ];
    let postings: Vec<(&str, &str)> = texts.iter().map(|t| ("Product Manager", *t)).collect();
    let batch = m.predict_batch(&postings);
    for (t, r) in texts.iter().zip(batch) {
        assert_eq!(m.classify_posting("Product Manager", t).role, r);
    }
}

mod artefact {
    use super::*;

    fn bytes() -> Vec<u8> {
        shipped().to_bytes()
    }

    fn err(b: &[u8]) -> String {
        Model::from_bytes(b).unwrap_err().to_string()
    }

    #[test]
    fn round_trip_predicts_the_same() {
        let m = shipped();
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.info(), m.info());
        assert_eq!(back.detector(), m.detector());
        assert_eq!(back.classify(BACKLOG), m.classify(BACKLOG));
        assert_eq!(back.to_bytes(), m.to_bytes());
    }

    #[test]
    fn not_a_model() {
        assert!(err(b"").contains("not a rolecheck model"));
        assert!(err(b"{\"hello\": 1}").contains("not a rolecheck model"));
        assert!(err(b"RCHKMODL").contains("truncated"));
    }

    #[test]
    fn truncated() {
        let b = bytes();
        let e = err(&b[..b.len() / 2]);
        assert!(e.contains("truncated: payload should be"), "{e}");
        let mut longer = b.clone();
        longer.push(0);
        assert!(err(&longer).contains("1 unexpected bytes"));
    }

    #[test]
    fn corrupted() {
        let mut b = bytes();
        let at = b.len() - 10;
        b[at] ^= 0x40;
        assert!(err(&b).contains("corrupted: the checksum does not match"));
    }

    #[test]
    fn newer_and_older_versions() {
        let mut b = bytes();
        b[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        let e = err(&b);
        assert!(
            e.contains("newer than this rolecheck reads") && e.contains("upgrade"),
            "{e}"
        );
        b[8..12].copy_from_slice(&0u32.to_le_bytes());
        assert!(err(&b).contains("no longer supported"));
    }

    /// A model file around `payload`, of format `version`.
    fn file(version: u32, payload: &[u8]) -> Vec<u8> {
        let mut b = b"RCHKMODL".to_vec();
        b.extend_from_slice(&version.to_le_bytes());
        b.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        b.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn valid_checksum_over_a_bad_header() {
        let payload = [&5u32.to_le_bytes()[..], b"{oops"].concat();
        assert!(err(&file(FORMAT_VERSION, &payload)).contains("unreadable header"));
    }

    #[test]
    fn a_saved_model_loads_with_its_detector() {
        let m = shipped();
        let calibrated = m
            .detector()
            .calibration()
            .expect("the shipped flag is calibrated");
        assert!(calibrated.positives > 0 && calibrated.negatives > 0);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("copy.model");
        m.save(&path).unwrap();
        let back = Model::load(&path).unwrap();
        assert_eq!(back.detector().threshold(), m.detector().threshold());
        assert_eq!(back.detector(), m.detector());
        let title = "Product Manager (H/F)";
        assert!(back.check(title, BACKLOG).verdict().backlog_manager);
        assert_eq!(
            back.check(title, BACKLOG).into_verdict(),
            m.check(title, BACKLOG).into_verdict()
        );
    }

    #[test]
    fn a_file_of_the_previous_format_is_refused_naming_both_versions() {
        // Version 2 kept the detector, optional, inside the metadata: this
        // rolecheck does not guess a detector for it.
        let previous = FORMAT_VERSION - 1;
        let mut b = bytes();
        b[8..12].copy_from_slice(&previous.to_le_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.model");
        std::fs::write(&path, &b).unwrap();
        let e = Model::load(&path).unwrap_err().to_string();
        assert!(e.contains("old.model"), "{e}");
        assert!(
            e.contains(&format!("format version {previous} is no longer supported"))
                && e.contains(&format!("this rolecheck reads {FORMAT_VERSION}"))
                && e.contains("retrain"),
            "{e}"
        );
    }

    #[test]
    fn a_header_without_its_detector_is_refused() {
        let m = shipped();
        let b = m.to_bytes();
        let payload = &b[24..];
        let len = u32::from_le_bytes(payload[..4].try_into().unwrap()) as usize;
        let mut header: serde_json::Value = serde_json::from_slice(&payload[4..4 + len]).unwrap();
        header.as_object_mut().unwrap().remove("detector");
        let header = serde_json::to_vec(&header).unwrap();
        let mut without = (header.len() as u32).to_le_bytes().to_vec();
        without.extend_from_slice(&header);
        without.extend_from_slice(&payload[4 + len..]);
        let e = err(&file(FORMAT_VERSION, &without));
        assert!(e.contains("no backlog-manager detector"), "{e}");
    }
}

#[test]
fn a_temperature_that_is_not_a_positive_number_is_refused() {
    let m = shipped();
    for bad in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let mut info = m.info().clone();
        info.calibration.duty_temperature = bad;
        let err = Model::new(
            m.tfidf().clone(),
            m.titles().clone(),
            m.role_head().clone(),
            m.duty_head().clone(),
            m.detector().clone(),
            info,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("duty_temperature"), "{bad}: {err}");
    }
    let same = Model::new(
        m.tfidf().clone(),
        m.titles().clone(),
        m.role_head().clone(),
        m.duty_head().clone(),
        m.detector().clone(),
        m.info().clone(),
    )
    .unwrap();
    assert_eq!(same.to_bytes(), m.to_bytes());
}
