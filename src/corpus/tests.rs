use super::*;

fn line(id: &str, label: &str, bm: bool, text: &str) -> String {
    serde_json::json!({"id": id, "lang": "fr", "title": "t", "text": text, "label": label, "backlog_manager": bm})
        .to_string()
}

const A: &str = "Vous pilotez la discovery avec les utilisateurs, définissez la vision et suivez les OKR de votre périmètre chaque trimestre.";
const B: &str = "Vous gérez le backlog, écrivez les user stories, animez les cérémonies Scrum et faites la recette des livraisons avec l'équipe.";

fn parse(lines: &[String]) -> Corpus {
    Corpus::parse(lines.join("\n").as_bytes()).unwrap()
}

#[test]
fn reads_postings_with_their_lines_skipping_blanks_bom_and_crlf() {
    let data = format!(
        "\u{FEFF}{}\r\n\n{}\n",
        line("a", "pm", false, A),
        line("b", "po", true, B)
    );
    let c = Corpus::parse(data.as_bytes()).unwrap();
    assert_eq!(c.lines, [1, 3]);
    assert_eq!(c.postings[1].label, Role::Po);
    assert!(c.postings[1].backlog_manager);
    assert_eq!(c.postings[0].lang, Some(Lang::Fr));
}

#[test]
fn bad_lines_are_named() {
    let err = |data: &[u8]| Corpus::parse(data).unwrap_err().to_string();
    let ok = line("a", "pm", false, A);
    assert_eq!(
        err(format!("{ok}\n{{\"id\": \"b\", \"title\": \"t\", \"text\": \"x\"}}").as_bytes()),
        "line 2: missing field `label`"
    );
    let e = err(format!("{ok}\n{ok}\n{}", ok.replace("\"pm\"", "\"pdm\"")).as_bytes());
    assert!(
        e.starts_with("line 3: unknown role `pdm`; choose from pm, po"),
        "{e}"
    );
    let e = err(format!("{ok}\n{{\"id\": \"b\",").as_bytes());
    assert!(e.starts_with("line 2: not valid JSON"), "{e}");
    let e = err(b"{\"id\": \"\xff\"}");
    assert!(e.starts_with("line 1: not UTF-8"), "{e}");
    let e = err(ok.replace("\"t\"", "42").as_bytes());
    assert!(
        e.starts_with("line 1: invalid type: integer `42`, expected a string"),
        "{e}"
    );
}

#[test]
fn backlog_manager_only_on_po() {
    let c = parse(&[line("a", "pm", true, A)]);
    let p = c.problems(&CorpusRules::any_file());
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("line 1 (id a): backlog_manager is true but the label is `pm`"),
        "{p:?}"
    );
}

#[test]
fn duplicate_ids_name_both_lines() {
    let c = parse(&[line("a", "pm", false, A), line("a", "po", false, B)]);
    assert_eq!(
        c.problems(&CorpusRules::any_file()),
        ["line 2 (id a): id already used on line 1"]
    );
}

#[test]
fn near_duplicates_are_found_and_named() {
    let edited = A.replace("chaque trimestre", "tous les trimestres");
    let c = parse(&[
        line("a", "pm", false, A),
        line("b", "po", false, B),
        line("c", "pm", false, &edited),
    ]);
    let dups = c.near_duplicates(0.5);
    assert_eq!(dups.len(), 1);
    assert_eq!((dups[0].0, dups[0].1), (0, 2));
    let p = c.problems(&CorpusRules::any_file());
    assert!(
        p[0].starts_with("line 3 (id c): near-duplicate of line 1 (id a)"),
        "{p:?}"
    );
    assert!(
        parse(&[line("a", "pm", false, A), line("b", "po", false, B)])
            .problems(&CorpusRules::any_file())
            .is_empty()
    );
}

#[test]
fn shared_paragraphs_are_found() {
    let para = "Nous offrons deux jours de télétravail par semaine et une mutuelle prise en charge à cent pour cent.";
    let c = parse(&[
        line("a", "pm", false, &format!("{A}\n{para}")),
        line("b", "po", false, &format!("{B}\n{para}")),
    ]);
    let mut rules = CorpusRules::any_file();
    assert!(c.problems(&rules).is_empty());
    rules.no_shared_paragraphs = true;
    let p = c.problems(&rules);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("line 2 (id b): shares a paragraph with line 1 (id a)"),
        "{p:?}"
    );
}

#[test]
fn shipped_rules_count_labels_languages_and_lengths() {
    let c = parse(&[line("a", "pm", false, A)]);
    let p = c.problems(&CorpusRules::shipped());
    assert!(
        p.iter()
            .any(|m| m.contains("text has 19 words; expected 80 to 600")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m == "label `po` has 0 postings; at least 80 are needed"),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m == "label `other` has 0 postings; at least 120 are needed"),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("backlog managers; at least 50")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("0 of 1 postings are in en; at least 25%")),
        "{p:?}"
    );
    assert!(c.check(&CorpusRules::shipped()).is_err());
}

#[test]
fn stats_count_per_label_and_language() {
    let c = parse(&[
        line("a", "pm", false, &format!("{A} Jira")),
        line("b", "po", true, B),
    ]);
    let s = c.stats();
    assert_eq!(s.postings, 2);
    assert_eq!(s.per_label[&Role::Pm], 1);
    assert_eq!(s.per_label_lang[&(Role::Po, Some(Lang::Fr))], 1);
    assert_eq!(s.backlog_managers, 1);
    assert_eq!(s.pm_mentioning_backlog, 1);
}
