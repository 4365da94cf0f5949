//! The `rolecheck` binary, driven as a user would.

use std::process::Output;

use crate::common::{rolecheck, temp_dir};

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

const ISSUE_EXAMPLE: &str = "L’équipe produit recherche un·e Product Manager (H/F) pour piloter la stratégie go-to-market d'une app B2B";

#[test]
fn tokens_table_shows_terms_spans_and_reasons() {
    let o = rolecheck(&["tokens", ISSUE_EXAMPLE], None);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with("language: fr"), "{out}");
    assert!(out.contains("4..11  équipe"), "{out}");
    assert!(out.contains("→ strateg"), "{out}");
    assert!(
        out.contains("H/F") && out.contains("(gender marker)"),
        "{out}"
    );
    assert!(out.contains("(elision)"), "{out}");
    assert!(!out.contains("→ h\n") && !out.contains("→ f\n"), "{out}");
}

#[test]
fn tokens_json_spans_point_at_the_words() {
    let o = rolecheck(&["tokens", "--json", ISSUE_EXAMPLE], None);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["lang"], "fr");
    let tokens = v["tokens"].as_array().expect("tokens array");
    for t in tokens {
        let (s, e) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&ISSUE_EXAMPLE[s..e], t["text"].as_str().unwrap());
        assert!(t.get("term").is_some() != t.get("dropped").is_some(), "{t}");
    }
    let terms: Vec<&str> = tokens.iter().filter_map(|t| t["term"].as_str()).collect();
    assert!(
        terms.contains(&"gotomarket") && terms.contains(&"b2b"),
        "{terms:?}"
    );
}

#[test]
fn tokens_reads_files_and_stdin() {
    let dir = std::env::temp_dir().join(format!("rolecheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("posting.txt");
    std::fs::write(&file, "You will own the product roadmap.").unwrap();
    let from_file = rolecheck(&["tokens", file.to_str().unwrap()], None);
    assert!(stdout(&from_file).starts_with("language: en"));
    let from_stdin = rolecheck(&["tokens", "-"], Some(b"You will own the product roadmap."));
    assert_eq!(stdout(&from_file), stdout(&from_stdin));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn tokens_refuses_a_file_that_is_not_utf8_naming_it() {
    let dir = std::env::temp_dir().join(format!("rolecheck-cli-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("garbage.bin");
    std::fs::write(&file, b"Product \xff\xfe Manager").unwrap();
    let o = rolecheck(&["tokens", file.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("rolecheck: ") && err.contains("garbage.bin") && err.contains("offset 8"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let o = rolecheck(&["tokenz"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tokens"));
}

const BACKLOG_JOB: &str = "En tant que Product Manager, vous gérez le backlog : recueil des demandes métier, \
    rédaction des user stories et des critères d'acceptation, animation des cérémonies Scrum (sprint planning, \
    revue, rétro), recette fonctionnelle et suivi des mises en production.";

#[test]
fn classify_reads_duties_not_the_title_and_highlights_them() {
    let o = rolecheck(
        &[
            "classify",
            "--title",
            "Product Manager (H/F)",
            "--color",
            "never",
            BACKLOG_JOB,
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("Product Manager (H/F)"));
    let banner = lines.next().unwrap();
    assert!(
        banner.starts_with("⚑ Titled Product Manager — reads as a backlog manager, score "),
        "{out}"
    );
    assert!(
        lines.next().unwrap().starts_with("Product Owner (po) "),
        "{out}"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("duties alone: Product Owner (po) "),
        "{out}"
    );
    // The title's words count for the role, shown apart from the body's,
    // and every term in the posting's own words, not as a stem.
    assert!(out.contains("title “Product Manager”"), "{out}");
    assert!(
        out.contains("user stories +") && !out.contains("user stori "),
        "{out}"
    );
    assert!(
        out.contains("PM duties never mentioned: discovery / user research"),
        "{out}"
    );
    assert!(out.contains("**recette**"), "{out}");
    assert!(!out.contains("\x1b["), "no colour when asked for none");
    let coloured = rolecheck(&["classify", "--color", "always", BACKLOG_JOB], None);
    assert!(stdout(&coloured).contains("\x1b[1;32mbacklog\x1b[0m"));
}

#[test]
fn classify_json_has_the_verdict_the_evidence_and_the_spans() {
    let o = rolecheck(
        &[
            "classify",
            "--json",
            "--title",
            "Product Manager (H/F)",
            "-",
        ],
        Some(BACKLOG_JOB.as_bytes()),
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["title"], "Product Manager (H/F)");
    assert_eq!(v["claimed_role"], "pm");
    assert_eq!(v["role"], "po");
    assert_eq!(v["backlog_manager"], true);
    assert!(v["score"]
        .as_f64()
        .is_some_and(|s| (0.0..=1.0).contains(&s)));
    assert_eq!(v["title_mismatch"], false);
    let missing: Vec<&str> = v["missing_pm_duties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(missing, ["discovery", "strategy", "outcomes", "business"]);
    // The same shape as in the audit's lines: an object keyed by role.
    let probs = v["probabilities"].as_object().unwrap();
    assert_eq!(probs.len(), 7);
    let sum: f64 = probs.values().map(|p| p.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-4);
    assert!(probs["po"].as_f64().unwrap() > 0.5, "{probs:?}");
    let evidence = v["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    for p in evidence {
        let (a, b) = (
            p["span"]["start"].as_u64().unwrap() as usize,
            p["span"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&BACKLOG_JOB[a..b], p["text"].as_str().unwrap());
        assert!(p["side"] == "po" || p["side"] == "pm", "{p}");
        assert!(p["weight"].is_number() && p["sentence"].is_string(), "{p}");
    }
    for t in v["terms"].as_array().unwrap() {
        assert!(
            t["contributions"]["po"].is_number() && t["contributions"]["pm"].is_number(),
            "{t}"
        );
        assert!(t["term"].is_string() && t["surface"].is_string(), "{t}");
        for s in t["spans"].as_array().unwrap() {
            let (a, b) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            assert!(BACKLOG_JOB.get(a..b).is_some_and(|w| !w.is_empty()), "{s}");
        }
    }
}

#[test]
fn classify_without_a_title_claims_nothing_and_flags_nothing() {
    let o = rolecheck(&["classify", "--json", BACKLOG_JOB], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["claimed_role"], serde_json::Value::Null);
    assert_eq!(v["backlog_manager"], false);
    assert_eq!(v["title_mismatch"], false);
}

#[test]
fn missing_or_damaged_model_file_is_a_clear_error() {
    let dir = temp_dir("badmodel");
    let missing = dir.join("nope.model");
    let o = rolecheck(
        &["classify", "--model", missing.to_str().unwrap(), "text"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope.model"));
    let garbage = dir.join("garbage.model");
    std::fs::write(&garbage, b"\x00\x01binary garbage").unwrap();
    let o = rolecheck(
        &["classify", "--model", garbage.to_str().unwrap(), "text"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("garbage.model") && err.contains("not a rolecheck model"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A small labelled file: the first `per_label` corpus postings of each role.
fn small_corpus(per_label: usize) -> String {
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/postings.jsonl"
    ))
    .unwrap();
    let mut counts = std::collections::HashMap::new();
    let mut out = String::new();
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let n = counts
            .entry(v["label"].as_str().unwrap().to_string())
            .or_insert(0);
        if *n < per_label {
            *n += 1;
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn train_then_eval_a_small_corpus() {
    let dir = temp_dir("train");
    let corpus = dir.join("small.jsonl");
    std::fs::write(&corpus, small_corpus(8)).unwrap();
    let model = dir.join("small.model");
    let o = rolecheck(
        &[
            "train",
            "--corpus",
            corpus.to_str().unwrap(),
            "-o",
            model.to_str().unwrap(),
            "--folds",
            "2",
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(
        out.contains("logistic") && out.contains("naive-bayes") && out.contains("nested CV"),
        "{out}"
    );
    let report = std::fs::read_to_string(dir.join("small.model.report.md")).unwrap();
    assert!(
        report.contains("Confusion matrix") && report.contains("| `po` |"),
        "{report}"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains("ClassHistogram"),
        "linfa-bayes debug output leaked: {stderr}"
    );

    let o = rolecheck(
        &[
            "eval",
            corpus.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scores: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(scores["role"]["macro_f1"].as_f64().unwrap() > 0.5);
    assert!(scores["duty"]["macro_f1"].as_f64().unwrap() > 0.5);
    assert!(scores["ece"].as_f64().unwrap() < 0.5);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not held-out"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn train_refuses_a_bad_corpus_naming_the_line() {
    let dir = temp_dir("badcorpus");
    let corpus = dir.join("bad.jsonl");
    let mut data = small_corpus(2);
    data.push_str(
        "{\"id\": \"x\", \"title\": \"t\", \"text\": \"some text\", \"label\": \"pdm\"}\n",
    );
    std::fs::write(&corpus, &data).unwrap();
    let o = rolecheck(
        &[
            "train",
            "--corpus",
            corpus.to_str().unwrap(),
            "-o",
            dir.join("m").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 15: unknown role `pdm`; choose from pm, po"),
        "{err}"
    );
    assert!(!dir.join("m").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn classify_marks_a_verdict_under_the_asked_confidence_unsure() {
    let text = "Vous rejoignez une équipe produit à Lyon.";
    let sure = rolecheck(&["classify", "--json", text], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&sure)).unwrap();
    assert_eq!(v["unsure"], false);
    assert!(v["duty"]["role"].is_string());
    let c = v["confidence"].as_f64().unwrap();
    // Asked for just above and just below the confidence given.
    for (p, unsure) in [(c + 1e-3, true), (c - 1e-3, false)] {
        let p = format!("{}", p.clamp(0.0, 1.0));
        let o = rolecheck(&["classify", "--json", "--min-confidence", &p, text], None);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["unsure"], unsure && c + 1e-3 <= 1.0, "{p}: {v}");
        let o = rolecheck(
            &["classify", "--color", "never", "--min-confidence", &p, text],
            None,
        );
        let first = stdout(&o);
        assert_eq!(
            first.lines().next().unwrap().contains("(unsure)"),
            v["unsure"] == true,
            "{first}"
        );
    }
}
