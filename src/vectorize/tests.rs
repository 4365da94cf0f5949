use super::*;

const DOCS: &[&str] = &[
    "Vous pilotez la stratégie produit et la discovery avec les utilisateurs.",
    "Vous gérez le backlog produit, rédigez les user stories et animez les sprints.",
    "You own the product strategy and run discovery interviews with customers.",
    "You groom the backlog, write user stories and run sprint ceremonies.",
    "Positionnement, messaging et go-to-market : vous lancez nos produits.",
    "Gestion du backlog, recette et suivi de la delivery avec l'équipe.",
];

fn fitted() -> TfIdf {
    TfIdfParams::default().min_df(1).fit(DOCS).unwrap()
}

fn names(t: &TfIdf, v: &SparseVec) -> Vec<String> {
    v.indices
        .iter()
        .map(|&i| t.feature_name(i).unwrap())
        .collect()
}

#[test]
fn vectors_have_unit_norm_or_are_empty() {
    let t = fitted();
    for d in DOCS {
        let v = t.transform(d);
        assert!((v.norm() - 1.0).abs() < 1e-5, "{d}");
        assert!(v.indices.windows(2).all(|w| w[0] < w[1]));
    }
    assert!(t.transform("").is_empty());
    assert!(t.transform("zzz qqq 2024").is_empty());
}

#[test]
fn batch_equals_sequential_in_input_order() {
    let t = fitted();
    let docs: Vec<&str> = DOCS.iter().cycle().take(101).copied().collect();
    let batch = t.transform_batch(&docs);
    let mut scratch = Scratch::new();
    let sequential: Vec<SparseVec> = docs
        .iter()
        .map(|d| t.transform_with(&mut scratch, d))
        .collect();
    assert_eq!(batch, sequential);
    assert!(t.transform_batch::<&str>(&[]).is_empty());
}

/// The features the cached path emits for `text`, and those the full
/// analysis finds (unigrams and bigrams), both sorted.
fn fast_and_slow(t: &TfIdf, scratch: &mut Scratch, text: &str) -> (Vec<String>, Vec<String>) {
    let mut fast = Vec::new();
    t.for_each_occurrence(scratch, text, |o| {
        fast.push(t.feature_name(o.feature).unwrap())
    });
    let analysis = t.analyzer().analyze(text);
    let mut slow: Vec<String> = analysis.terms().map(String::from).collect();
    slow.extend(analysis.bigrams.into_iter().map(|b| b.term));
    fast.sort();
    slow.sort();
    (fast, slow)
}

#[test]
fn cached_path_agrees_with_the_full_analysis() {
    let t = fitted();
    let mut scratch = Scratch::new();
    for d in DOCS.iter().chain(DOCS) {
        let (fast, slow) = fast_and_slow(&t, &mut scratch, d);
        assert_eq!(fast, slow, "{d}");
    }
}

#[test]
fn one_scratch_serves_two_vocabularies_without_mixing_them() {
    let a = fitted();
    let b = TfIdfParams::default()
        .min_df(1)
        .fit(&["la roadmap du produit", "gestion du backlog et des sprints"])
        .unwrap();
    let mut scratch = Scratch::new();
    for _ in 0..2 {
        for (t, d) in [
            (&a, DOCS[0]),
            (&b, DOCS[0]),
            (&a, DOCS[1]),
            (&b, "gestion du backlog"),
        ] {
            assert_eq!(t.transform_with(&mut scratch, d), t.transform(d), "{d}");
        }
    }
    // The thread's own scratch too, as batches use it.
    assert_eq!(
        a.transform_batch(&DOCS[..2]),
        [a.transform(DOCS[0]), a.transform(DOCS[1])]
    );
    assert_eq!(b.transform_batch(&DOCS[..1]), [b.transform(DOCS[0])]);
}

#[test]
fn cached_path_masks_role_names_like_the_full_analysis() {
    let docs = [
        "En tant que Product Manager, vous gérez le backlog avec le PO et la cheffe de produit.",
        "The Head of Product and two product managers own the product discovery; PMs write the strategy.",
        "Le chef de projet et le Product Owner animent les sprints ; product marketing manager en renfort.",
    ];
    let t = TfIdfParams::default().min_df(1).fit(&docs).unwrap();
    let mut scratch = Scratch::new();
    for d in docs.iter().chain(&docs) {
        let (fast, slow) = fast_and_slow(&t, &mut scratch, d);
        assert_eq!(fast, slow, "{d}");
        assert!(
            !fast
                .iter()
                .any(|f| f.contains("manag") && f.contains("product")),
            "{fast:?}"
        );
    }
}

#[test]
fn occurrences_come_sorted_by_start_then_end() {
    let t = fitted();
    for d in DOCS {
        let mut spans = Vec::new();
        t.for_each_occurrence(&mut Scratch::new(), d, |o| {
            spans.push((o.span.start, o.span.end))
        });
        assert!(spans.len() > 3, "{d}");
        assert!(spans.windows(2).all(|w| w[0] < w[1]), "{d}: {spans:?}");
    }
}

#[test]
fn occurrence_spans_point_at_their_words() {
    let t = fitted();
    let text = "Gestion du backlog produit";
    let mut spans = Vec::new();
    t.for_each_occurrence(&mut Scratch::new(), text, |o| {
        spans.push((t.feature_name(o.feature).unwrap(), &text[o.span]))
    });
    assert!(spans.contains(&("backlog".to_string(), "backlog")));
    assert!(spans.contains(&("gestion backlog".to_string(), "Gestion du backlog")));
}

#[test]
fn unknown_word_blocks_the_bigram_around_it() {
    let t = fitted();
    let with_gap = names(&t, &t.transform("gestion xyzzy backlog"));
    assert!(
        !with_gap.contains(&"gestion backlog".to_string()),
        "{with_gap:?}"
    );
    let adjacent = names(&t, &t.transform("gestion backlog"));
    assert!(adjacent.contains(&"gestion backlog".to_string()));
}

#[test]
fn idf_is_smooth_and_rarer_terms_weigh_more() {
    let t = fitted();
    let n = DOCS.len() as f32;
    for (f, &idf) in t.idf().iter().enumerate() {
        assert!(
            idf >= 1.0 && idf <= ((1.0 + n) / 2.0).ln() + 1.0 + 1e-6,
            "{:?}",
            t.feature_name(f as u32)
        );
    }
    // "backlog" is in 3 documents, "discovery" in 2: one posting alone keeps the corpus idf.
    let v = t.transform("backlog discovery");
    let w: Vec<(String, f32)> = names(&t, &v)
        .into_iter()
        .zip(v.values.iter().copied())
        .collect();
    let weight = |name: &str| w.iter().find(|(n, _)| n.starts_with(name)).unwrap().1;
    assert!(weight("discov") > weight("backlog"), "{w:?}");
}

#[test]
fn sublinear_tf_dampens_repetition() {
    let raw = TfIdfParams::default()
        .min_df(1)
        .sublinear_tf(false)
        .fit(DOCS)
        .unwrap();
    let sub = fitted();
    let text = "backlog backlog backlog backlog stratégie";
    let ratio = |t: &TfIdf| {
        let v = t.transform(text);
        let n = names(t, &v);
        let get = |p: &str| v.values[n.iter().position(|x| x == p).unwrap()];
        get("backlog") / get("strateg")
    };
    assert!(ratio(&raw) > ratio(&sub));
}

#[test]
fn min_df_max_df_and_max_features_prune() {
    let all = TfIdfParams::default().min_df(1).fit(DOCS).unwrap();
    let common = TfIdfParams::default().min_df(2).fit(DOCS).unwrap();
    assert!(common.n_features() < all.n_features());
    let not_everywhere = TfIdfParams::default()
        .min_df(1)
        .max_df(0.4)
        .fit(DOCS)
        .unwrap();
    let has = |t: &TfIdf, name: &str| {
        (0..t.n_features() as u32).any(|f| t.feature_name(f).as_deref() == Some(name))
    };
    assert!(has(&all, "backlog") && !has(&not_everywhere, "backlog"));
    let capped = TfIdfParams::default()
        .min_df(1)
        .max_features(Some(5))
        .fit(DOCS)
        .unwrap();
    assert_eq!(capped.n_features(), 5);
    assert!(has(&capped, "backlog"), "the most frequent terms are kept");
}

#[test]
fn fitting_is_deterministic() {
    let a = serde_json::to_string(&fitted()).unwrap();
    let b = serde_json::to_string(&fitted()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn serde_round_trip_transforms_the_same() {
    let t = fitted();
    let json = serde_json::to_string(&t).unwrap();
    let back: TfIdf = serde_json::from_str(&json).unwrap();
    for d in DOCS {
        assert_eq!(t.transform(d), back.transform(d));
    }
    assert_eq!(back.n_docs(), DOCS.len());
}

#[test]
fn corrupted_vocabulary_is_an_error_not_a_panic() {
    let json = serde_json::to_string(&fitted()).unwrap();
    let broken = json.replacen("\"idf\":[", "\"idf\":[1.0,", 1);
    let err = serde_json::from_str::<TfIdf>(&broken)
        .unwrap_err()
        .to_string();
    assert!(err.contains("idf weights"), "{err}");
}

#[test]
fn duplicate_features_are_refused_by_name() {
    let parts = |names: &[&str]| {
        TfIdf::from_parts(
            TfIdfParams::default(),
            3,
            names.iter().map(|n| n.to_string()).collect(),
            vec![1.0; names.len()],
        )
    };
    assert!(parts(&["backlog", "gestion", "gestion backlog"]).is_ok());
    for names in [
        &["backlog", "gestion", "gestion backlog", "gestion backlog"][..],
        &["backlog", "gestion", "backlog"],
    ] {
        let err = parts(names).unwrap_err().to_string();
        assert!(err.contains("appears twice"), "{err}");
    }
}

#[test]
fn bigrams_of_a_term_with_many_partners_are_all_found() {
    // "gestion" starts more bigrams than a linear scan handles: the lookup
    // switches to a binary search and must still find every one.
    let words = [
        "backlog", "budget", "contrat", "crise", "données", "équipe", "flux", "parc", "projet",
        "risques", "stock", "tiers",
    ];
    let term = |w: &str| {
        Analyzer::new()
            .analyze(w)
            .terms()
            .next()
            .unwrap()
            .to_string()
    };
    let objects: Vec<String> = words.iter().map(|w| term(w)).collect();
    let gestion = term("gestion");
    let mut names: Vec<String> = vec![gestion.clone()];
    names.extend(objects.iter().cloned());
    names.extend(objects.iter().map(|o| format!("{gestion} {o}")));
    names.sort();
    let t = TfIdf::from_parts(
        TfIdfParams::default(),
        3,
        names.clone(),
        vec![1.0; names.len()],
    )
    .unwrap();
    let text: String = words.iter().map(|w| format!("gestion des {w}. ")).collect();
    let mut found = Vec::new();
    t.for_each_occurrence(&mut Scratch::new(), &text, |o| {
        let name = t.feature_name(o.feature).unwrap();
        if name.contains(' ') {
            found.push(name);
        }
    });
    let expected: Vec<String> = objects.iter().map(|o| format!("{gestion} {o}")).collect();
    assert_eq!(objects.len(), 12);
    assert_eq!(found, expected);
}

#[test]
fn bad_params_are_refused_with_their_name() {
    let err = |p: TfIdfParams| p.fit(DOCS).unwrap_err().to_string();
    assert!(err(TfIdfParams::default().min_df(0)).contains("min_df"));
    assert!(err(TfIdfParams::default().max_df(0.0)).contains("max_df"));
    assert!(err(TfIdfParams::default().max_df(1.5)).contains("max_df"));
    assert!(err(TfIdfParams::default().max_features(Some(0))).contains("max_features"));
    assert!(TfIdfParams::default()
        .fit::<&str>(&[])
        .unwrap_err()
        .to_string()
        .contains("no documents"));
    assert!(err(TfIdfParams::default().min_df(50)).contains("at least 50"));
}

#[test]
fn one_pass_gives_the_vector_and_the_occurrences() {
    let t = fitted();
    let mut scratch = Scratch::new();
    for d in DOCS {
        let mut both = Vec::new();
        let (v, lang) = t.transform_with_occurrences(&mut scratch, d, |o| both.push(o));
        let mut apart = Vec::new();
        let lang_apart = t.for_each_occurrence(&mut scratch, d, |o| apart.push(o));
        assert_eq!(v, t.transform_with(&mut scratch, d));
        assert_eq!((both, lang), (apart, lang_apart));
    }
}

#[test]
fn a_panic_leaves_the_thread_scratch_empty() {
    let t = fitted();
    let caught = std::panic::catch_unwind(|| {
        Scratch::with_thread_local(|s| {
            t.transform_with(s, DOCS[0]);
            assert_eq!(s.owner, t.id);
            panic!("a bug while judging a record");
        })
    });
    assert!(caught.is_err());
    Scratch::with_thread_local(|s| assert_eq!(s.owner, 0, "reset after the panic"));
    // Reentrant use gets a scratch of its own instead of a borrow error.
    let v = Scratch::with_thread_local(|_| {
        Scratch::with_thread_local(|s| t.transform_with(s, DOCS[0]))
    });
    assert_eq!(v, t.transform(DOCS[0]));
}

#[test]
fn sublinear_tf_from_the_table_equals_the_formula() {
    for n in 1..200u32 {
        assert_eq!(sublinear_tf(n), 1.0 + (n as f32).ln(), "{n}");
    }
}

#[test]
fn each_vectorizer_beside_keeps_its_own_warm_scratch() {
    let body = fitted();
    let others: Vec<TfIdf> = (0..=MAX_BESIDE).map(|_| body.clone()).collect();
    let mut scratch = Scratch::new();
    scratch.read_as(Some(Lang::En));
    let text = DOCS[0];
    let expected = body.transform(text);
    // Read in the language the scratch is told, and the same one from one
    // call to the next.
    let aside = scratch.beside(&others[0]);
    assert_eq!(aside.read_as, Some(Lang::En));
    others[0].transform_with(aside, text);
    scratch.read_as(None);
    assert_eq!(scratch.beside(&others[0]).read_as, None);
    assert_eq!(scratch.beside.len(), 1);
    assert_eq!(
        others[0].transform_with(scratch.beside(&others[0]), text),
        expected
    );
    // One per vectorizer, the first dropped past the bound.
    for t in &others[1..] {
        t.transform_with(scratch.beside(t), text);
    }
    assert_eq!(scratch.beside.len(), MAX_BESIDE);
    assert!(scratch.beside.iter().all(|s| s.owner != others[0].id));
    assert!(scratch.beside.iter().all(|s| s.owner != body.id));
}
