use super::json::parse_json;
use super::*;

fn parse(line: &str) -> (Option<String>, Result<RawPosting, String>) {
    parse_json(&Fields::default(), line.as_bytes())
}

#[test]
fn a_line_that_is_no_object_says_what_it_is() {
    for (line, kind) in [
        ("[1, {\"a\": 2}]", "an array"),
        ("\"description\"", "text"),
        ("-3.5", "a number"),
        ("null", "null"),
        ("true", "a boolean"),
    ] {
        assert_eq!(
            parse(line).1,
            Err(format!("expected a JSON object, found {kind}")),
            "{line}"
        );
    }
}

#[test]
fn only_named_fields_are_kept_and_the_rest_is_still_checked() {
    let (id, posting) = parse(
        r#"{"url": "https://x", "tags": [1, {"k": [true, null]}], "id": "7", "descr\u0069ption": "Roadmap", "title": "PM", "title": "Product Owner"}"#,
    );
    assert_eq!(id.as_deref(), Some("7"));
    let posting = posting.unwrap();
    assert_eq!(posting.text, "Roadmap", "an escaped key is read");
    assert_eq!(
        posting.title, "Product Owner",
        "a repeated key keeps its last value"
    );
    // Skipped values are parsed all the same: bad JSON anywhere is an error.
    let err = parse(r#"{"tags": [1, }], "description": "x"}"#)
        .1
        .unwrap_err();
    assert!(err.starts_with("not valid JSON: "), "{err}");
    let err = parse(r#"{"description": "x"} trailing"#).1.unwrap_err();
    assert!(
        err.starts_with("not valid JSON: trailing characters"),
        "{err}"
    );
}

fn csv_records(csv: &str, max: usize) -> Vec<Record> {
    CsvRecords::with_max_record_bytes(csv.as_bytes(), Fields::default(), max)
        .unwrap()
        .collect()
}

fn outcome(r: &Record) -> (usize, Result<&str, &str>) {
    (
        r.line,
        match &r.posting {
            Ok(p) => Ok(p.text.as_str()),
            Err(e) => Err(e.as_str()),
        },
    )
}

#[test]
fn csv_lines_are_right_with_lf_crlf_and_quoted_newlines() {
    for eol in ["\n", "\r\n"] {
        let csv = [
            "id,title,description",
            "a,PM,one",
            "b,PM,\"two",
            "lines\"",
            "",
            "c,PM,three",
            "",
        ]
        .join(eol);
        let got: Vec<_> = csv_records(&csv, 1 << 20).iter().map(|r| r.line).collect();
        assert_eq!(got, [2, 3, 6], "line ends {eol:?}");
    }
}

#[test]
fn an_unterminated_quote_is_an_error_and_the_rows_it_swallowed_are_read_again() {
    let csv = "id,title,description\nc1,PM,\"Vous tenez le backlog\nc2,PM,Vous animez les rituels\nc3,PM,x\n";
    let records = csv_records(csv, 1 << 20);
    let got: Vec<_> = records.iter().map(outcome).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0, 2);
    assert!(
        got[0]
            .1
            .is_err_and(|e| e.contains("unterminated quote") && e.contains("line 2")),
        "{got:?}"
    );
    assert_eq!(got[1], (3, Ok("Vous animez les rituels")));
    assert_eq!(got[2], (4, Ok("x")));
    assert_eq!(records[1].id.as_deref(), Some("c2"));
}

#[test]
fn a_csv_row_over_the_limit_is_skipped_and_the_next_one_read() {
    let long = "y".repeat(5000);
    let csv = format!("id,title,description\na,PM,short\nb,PM,\"{long}\nmore\"\nc,PM,after\n");
    let got: Vec<_> = csv_records(&csv, 1000)
        .iter()
        .map(|r| (r.line, r.posting.clone()))
        .collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].1.as_ref().map(|p| p.text.as_str()), Ok("short"));
    assert_eq!(got[1].0, 3);
    assert!(
        got[1]
            .1
            .as_ref()
            .is_err_and(|e| e.contains("over the limit of 1000")),
        "{got:?}"
    );
    assert_eq!(
        (got[2].0, got[2].1.as_ref().map(|p| p.text.as_str())),
        (5, Ok("after"))
    );
}

#[test]
fn a_csv_header_error_quotes_the_header_with_its_control_characters_escaped() {
    let err = CsvRecords::new(&b"id,\x1b]0;PWNED\x07\n1,2\n"[..], Fields::default())
        .err()
        .unwrap();
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("\\u{1b}]0;PWNED\\u{7}"), "{err}");
}

#[test]
fn a_jsonl_line_over_the_limit_is_an_error_and_is_not_kept() {
    let dump = format!(
        "{{\"description\": \"a\"}}\n{{\"description\": \"{}\"}}\n{{\"description\": \"c\"}}\n",
        "x".repeat(10_000)
    );
    let got: Vec<_> = JsonlRecords::new(dump.as_bytes(), Fields::default())
        .max_record_bytes(1000)
        .map(|r| (r.line, r.posting.map(|p| p.text)))
        .collect();
    assert_eq!(got[0], (1, Ok("a".to_string())));
    assert_eq!(got[1].0, 2);
    assert!(
        got[1]
            .1
            .as_ref()
            .is_err_and(|e| e.contains("record of 10019 bytes")),
        "{got:?}"
    );
    assert_eq!(got[2], (3, Ok("c".to_string())));
}

#[test]
fn a_json_array_is_read_element_by_element() {
    let dump = "\u{feff}[\n  {\"id\": \"a\", \"description\": \"un [crochet], une \\\"virgule\\\", {accolade}\"},\n  {\"id\": \"b\"},\n  3,\n  {\"id\": \"d\", \"description\": \"dernier\"}\n]\n";
    let got: Vec<_> = JsonArrayRecords::new(dump.as_bytes(), Fields::default())
        .map(|r| (r.line, r.id, r.posting.map(|p| p.text)))
        .collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(
        got[0],
        (
            1,
            Some("a".into()),
            Ok("un [crochet], une \"virgule\", {accolade}".into())
        )
    );
    assert!(got[1]
        .2
        .as_ref()
        .is_err_and(|e| e.starts_with("no description")));
    assert_eq!(
        got[2].2,
        Err("expected a JSON object, found a number".into())
    );
    assert_eq!(got[3], (4, Some("d".into()), Ok("dernier".into())));
    assert_eq!(
        JsonArrayRecords::new(&b" [ ] "[..], Fields::default()).count(),
        0
    );
}

#[test]
fn a_json_array_cut_short_ends_with_an_error() {
    let got: Vec<_> = JsonArrayRecords::new(
        &b"[{\"description\": \"a\"}, {\"descr"[..],
        Fields::default(),
    )
    .map(|r| (r.line, r.posting.map(|p| p.text)))
    .collect();
    assert_eq!(got[0], (1, Ok("a".into())));
    assert_eq!(got.len(), 2);
    assert!(
        got[1]
            .1
            .as_ref()
            .is_err_and(|e| e.contains("no closing `]`")),
        "{got:?}"
    );
}

#[test]
fn quoting_input_escapes_controls_and_bidi_and_cuts_long_text() {
    assert_eq!(quote("a\u{1b}[31mb", 20), "a\\u{1b}[31mb");
    assert_eq!(quote("x\u{202e}y", 20), "x\\u{202e}y");
    assert_eq!(quote("abcdef", 3), "abc…");
}

#[test]
fn a_quote_inside_an_unquoted_field_is_a_plain_character_even_on_the_last_row() {
    let csv = "id,title,description\na,PM,\"quoted, with \"\"escapes\"\"\"\nb,PM,an 27\" screen";
    let got: Vec<_> = csv_records(csv, 1 << 20)
        .iter()
        .map(|r| r.posting.clone().map(|p| p.text))
        .collect();
    assert_eq!(
        got,
        [
            Ok("quoted, with \"escapes\"".to_string()),
            Ok("an 27\" screen".to_string())
        ]
    );
}
