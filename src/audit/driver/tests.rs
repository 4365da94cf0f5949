use super::*;
use crate::audit::{ReportData, VerdictLine, WriterSink, CSV_HEADER};

/// A JSONL dump of `n` records: postings of several roles, with a bad
/// line every 97 and a blank line every 101.
fn dump(n: usize) -> String {
    let bodies = [
        "Vous gérez le backlog, rédigez les user stories et animez les rituels Scrum.",
        "Vous pilotez la discovery, la vision produit et les OKR de l'équipe.",
        "You own positioning, messaging and the go-to-market of every launch.",
        "Gouvernance des données, qualité et catalogue : la data platform est votre produit.",
    ];
    let mut out = String::new();
    for i in 0..n {
        if i % 97 == 5 {
            out.push_str("{not json\n");
        } else if i % 101 == 7 {
            out.push('\n');
        } else {
            let row = serde_json::json!({
                "id": format!("r{i}"),
                "title": if i % 3 == 0 { "Product Manager (H/F)" } else { "Product Owner" },
                "description": bodies[i % bodies.len()],
                "company": format!("C{}", i % 5),
            });
            out.push_str(&row.to_string());
            out.push('\n');
        }
    }
    out
}

fn audit_jsonl(text: &str, threads: usize) -> (Vec<u8>, Summary) {
    let model = Model::shipped().unwrap();
    let dump = Dump::new(text.as_bytes(), Format::Jsonl, Fields::default(), 1 << 20).unwrap();
    let mut sink = WriterSink::jsonl(Vec::new());
    let summary = Auditor::new(&model, Settings::default())
        .threads(threads)
        .run(dump, &mut sink)
        .unwrap();
    (sink.into_inner(), summary)
}

#[test]
fn results_come_in_input_order_whatever_the_number_of_workers() {
    // Several batches, so that workers finish them out of order.
    let text = dump(3 * BATCH_RECORDS + 17);
    let (one, summary) = audit_jsonl(&text, 1);
    let (three, summary3) = audit_jsonl(&text, 3);
    assert_eq!(one, three);
    assert_eq!(summary, summary3);
    let lines: Vec<serde_json::Value> = one
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let non_blank = text.lines().filter(|l| !l.is_empty()).count();
    assert_eq!(lines.len(), non_blank);
    assert_eq!(summary.records, non_blank);
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "lines out of order"
    );
    assert_eq!(
        summary.errors,
        lines.iter().filter(|l| l.get("error").is_some()).count()
    );
    assert_eq!(
        summary
            .companies
            .values()
            .map(|c| c.postings)
            .sum::<usize>(),
        summary.verdicts()
    );
}

/// A writer that fails once it has taken `room` bytes.
struct Full {
    room: usize,
}

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.room {
            return Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ));
        }
        self.room -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_sink_error_stops_the_run_and_comes_back_from_it() {
    let model = Model::shipped().unwrap();
    let text = dump(4 * BATCH_RECORDS);
    let dump = Dump::new(text.as_bytes(), Format::Jsonl, Fields::default(), 1 << 20).unwrap();
    let sink = WriterSink::jsonl(Full { room: 10_000 });
    let err = Auditor::new(&model, Settings::default())
        .threads(2)
        .run(dump, sink)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

#[test]
fn a_batch_is_cut_by_its_bytes_as_well_as_by_its_records() {
    let big = format!("{{\"description\": \"{}\"}}\n", "backlog ".repeat(1 << 17));
    let text = big.repeat(10);
    let mut dump = Dump::new(text.as_bytes(), Format::Jsonl, Fields::default(), 8 << 20).unwrap();
    let mut batch = Batch::default();
    assert!(fill(&mut dump.reader, &mut batch));
    let expected = BATCH_BYTES.div_ceil(big.len() - 1);
    assert_eq!(batch.items.len(), expected);
    assert!(batch.raw.len() < BATCH_BYTES + big.len());
}

#[test]
fn the_csv_columns_are_fields_of_the_one_verdict_line() {
    // The CSV row is the verdict line flattened: every column but the
    // evidence (flattened) and the error (the error line's) is a key of
    // the verdict's JSON, and carries its value.
    let model = Model::shipped().unwrap();
    let text = dump(40);
    let run = |sink: &mut dyn Sink| {
        let dump = Dump::new(text.as_bytes(), Format::Jsonl, Fields::default(), 1 << 20).unwrap();
        Auditor::new(&model, Settings::default())
            .threads(1)
            .run(dump, sink)
            .unwrap()
    };
    let mut csv_sink = WriterSink::csv(Vec::new()).unwrap();
    let mut report = ReportData::default();
    run(&mut (&mut csv_sink, &mut report));
    let csv_bytes = csv_sink.into_inner();
    let mut rows = csv::Reader::from_reader(&csv_bytes[..]);
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_HEADER
    );
    let mut json_sink = WriterSink::jsonl(Vec::new());
    run(&mut json_sink);
    let json = json_sink.into_inner();
    let mut checked = 0;
    for (row, line) in rows.records().zip(json.split(|&b| b == b'\n')) {
        let (row, line) = (
            row.unwrap(),
            serde_json::from_slice::<serde_json::Value>(line).unwrap(),
        );
        if line.get("error").is_some() {
            assert_eq!(&row[17], line["error"].as_str().unwrap());
            continue;
        }
        for (column, cell) in CSV_HEADER.iter().zip(row.iter()) {
            if matches!(*column, "evidence" | "error") {
                continue;
            }
            let value = &line[*column];
            let expected = match value {
                serde_json::Value::Number(n) if *column != "line" => {
                    format!("{:.4}", n.as_f64().unwrap())
                }
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                v => v.to_string(),
            };
            assert_eq!(cell, expected, "column {column}");
        }
        checked += 1;
    }
    assert!(checked > 30);
    // And the verdict line has no field the two forms leave out unseen.
    let full = VerdictLine {
        line: 1,
        id: Some("a".into()),
        title: "t".into(),
        role: crate::Role::Pm,
        confidence: 0.5,
        unsure: false,
        probabilities: Default::default(),
        duty_role: crate::Role::Pm,
        duty_confidence: 0.5,
        claimed_role: None,
        backlog_manager: false,
        score: 0.0,
        title_mismatch: false,
        evidence: Vec::new(),
        lang: crate::Lang::Fr,
        url: Some("u".into()),
        date: Some("d".into()),
        location: Some("l".into()),
    };
    let fields: Vec<String> = serde_json::to_value(full)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for field in fields {
        assert!(
            CSV_HEADER.contains(&field.as_str()) || field == "probabilities",
            "`{field}` is in the JSON line but not in the CSV"
        );
    }
}

#[test]
fn the_report_gets_the_lines_and_the_cards_it_asks_for() {
    let model = Model::shipped().unwrap();
    let text = dump(300);
    let dump = Dump::new(text.as_bytes(), Format::Jsonl, Fields::default(), 1 << 20).unwrap();
    let mut report = ReportData::default();
    let summary = Auditor::new(&model, Settings::default())
        .threads(2)
        .run(dump, &mut report)
        .unwrap();
    assert!(summary.flagged > 0);
    assert_eq!(report.cards_held(), (summary.flagged, summary.mismatches));
}
