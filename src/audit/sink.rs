//! Where an audit's results go: the [`Sink`] trait, and the outputs as
//! sinks — JSON lines, CSV rows for spreadsheets, the report's data.
//!
//! [`VerdictLine`](super::VerdictLine) is the one definition of a result:
//! the JSON line is its serde form (written by hand, byte-equal, see
//! `json.rs`) and each CSV column is one of its fields, flattened.

use std::io::Write;

use super::{AuditLine, Card, ReportData, Summary, Tally};

/// What each record's result must carry for a sink; the workers prepare
/// only what is wanted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wants {
    /// The result as a JSON line ([`AuditLine::write_json`], newline included).
    pub json: bool,
    /// The result as a CSV row under [`super::CSV_HEADER`].
    pub csv: bool,
    /// The [`AuditLine`] itself.
    pub lines: bool,
    /// A [`Card`] for each flagged posting and title mismatch (it costs a
    /// second look at those postings).
    pub cards: bool,
}

impl Wants {
    /// What either of two sinks wants.
    pub fn or(self, other: Wants) -> Wants {
        Wants {
            json: self.json || other.json,
            csv: self.csv || other.csv,
            lines: self.lines || other.lines,
            cards: self.cards || other.cards,
        }
    }
}

/// One record's result as a sink sees it; the forms not wanted are empty.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    /// What the summary counts of it.
    pub tally: Tally,
    /// Its JSON line, newline included, when wanted.
    pub json: &'a [u8],
    /// Its CSV row, line ending included, when wanted.
    pub csv: &'a [u8],
    /// The result itself, when wanted.
    pub line: Option<&'a AuditLine>,
    /// Its card, when wanted and the posting is flagged or mismatched.
    pub card: Option<&'a Card>,
    /// The record's company, when it has one.
    pub company: Option<&'a str>,
}

/// Where an audit's results go, record by record in input order, on the
/// thread that called [`super::Auditor::run`].
pub trait Sink {
    /// What the sink needs of each result. Asked before each batch is
    /// judged, so a sink can stop wanting something (the report, once it
    /// holds as many cards as it shows).
    fn wants(&self) -> Wants;

    /// One record's result.
    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()>;

    /// After each batch, with the counts so far (for progress).
    fn batch_done(&mut self, _summary: &Summary) -> std::io::Result<()> {
        Ok(())
    }

    /// At the end of the dump.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<A: Sink, B: Sink> Sink for (A, B) {
    fn wants(&self) -> Wants {
        self.0.wants().or(self.1.wants())
    }
    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()> {
        self.0.record(judged)?;
        self.1.record(judged)
    }
    fn batch_done(&mut self, summary: &Summary) -> std::io::Result<()> {
        self.0.batch_done(summary)?;
        self.1.batch_done(summary)
    }
    fn finish(&mut self) -> std::io::Result<()> {
        self.0.finish()?;
        self.1.finish()
    }
}

impl<S: Sink> Sink for Option<S> {
    fn wants(&self) -> Wants {
        self.as_ref().map(S::wants).unwrap_or_default()
    }
    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()> {
        self.as_mut().map_or(Ok(()), |s| s.record(judged))
    }
    fn batch_done(&mut self, summary: &Summary) -> std::io::Result<()> {
        self.as_mut().map_or(Ok(()), |s| s.batch_done(summary))
    }
    fn finish(&mut self) -> std::io::Result<()> {
        self.as_mut().map_or(Ok(()), S::finish)
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn wants(&self) -> Wants {
        (**self).wants()
    }
    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()> {
        (**self).record(judged)
    }
    fn batch_done(&mut self, summary: &Summary) -> std::io::Result<()> {
        (**self).batch_done(summary)
    }
    fn finish(&mut self) -> std::io::Result<()> {
        (**self).finish()
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn wants(&self) -> Wants {
        (**self).wants()
    }
    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()> {
        (**self).record(judged)
    }
    fn batch_done(&mut self, summary: &Summary) -> std::io::Result<()> {
        (**self).batch_done(summary)
    }
    fn finish(&mut self) -> std::io::Result<()> {
        (**self).finish()
    }
}

/// The CSV output's columns: the verdict line's fields, with the
/// probabilities left out and the evidence flattened to one cell, and the
/// error's message last.
pub const CSV_HEADER: [&str; 18] = [
    "line",
    "id",
    "title",
    "role",
    "confidence",
    "unsure",
    "duty_role",
    "duty_confidence",
    "claimed_role",
    "backlog_manager",
    "score",
    "title_mismatch",
    "lang",
    "url",
    "date",
    "location",
    "evidence",
    "error",
];

/// A cell of text from the dump, made inert for spreadsheets (OWASP's
/// advice on CSV injection): one starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is prefixed with `'`, so it cannot run as a formula.
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The cells of `line`'s CSV row, in [`CSV_HEADER`] order.
fn csv_cells(line: &AuditLine) -> [String; 18] {
    let mut cells: [String; 18] = Default::default();
    match line {
        AuditLine::Verdict(v) => {
            let evidence: Vec<String> = v
                .evidence
                .iter()
                .map(|p| format!("{:?}: {}", p.side, p.text))
                .collect();
            let optional = |s: &Option<String>| inert(s.as_deref().unwrap_or_default());
            cells[0] = v.line.to_string();
            cells[1] = optional(&v.id);
            cells[2] = inert(&v.title);
            cells[3] = v.role.id().to_string();
            cells[4] = format!("{:.4}", v.confidence);
            cells[5] = v.unsure.to_string();
            cells[6] = v.duty_role.id().to_string();
            cells[7] = format!("{:.4}", v.duty_confidence);
            cells[8] = v
                .claimed_role
                .map(|r| r.id().to_string())
                .unwrap_or_default();
            cells[9] = v.backlog_manager.to_string();
            cells[10] = format!("{:.4}", v.score);
            cells[11] = v.title_mismatch.to_string();
            cells[12] = v.lang.to_string();
            cells[13] = optional(&v.url);
            cells[14] = optional(&v.date);
            cells[15] = optional(&v.location);
            cells[16] = inert(&evidence.join(" | "));
        }
        AuditLine::Error(e) => {
            cells[0] = e.line.to_string();
            cells[1] = inert(e.id.as_deref().unwrap_or_default());
            cells[17] = inert(&e.error);
        }
    }
    cells
}

/// Appends `line`'s CSV row (line ending included) to the buffer the writer writes into.
pub(super) fn write_csv_row(w: &mut csv::Writer<&mut Vec<u8>>, line: &AuditLine) {
    // Into memory, every row with the header's width: neither can fail.
    w.write_record(csv_cells(line))
        .and_then(|()| Ok(w.flush()?))
        .expect("a CSV row of fixed width is written into memory");
}

/// Whether a sink that keeps only flagged verdicts keeps this result:
/// errors are always kept, so nothing is lost silently.
fn kept(tally: &Tally, only_flagged: bool) -> bool {
    !only_flagged || tally.is_error() || tally.flagged()
}

/// The two formats a [`WriterSink`] writes: the audit's verdict line, as
/// JSON or as a CSV row under [`CSV_HEADER`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per line.
    Jsonl,
    /// A header row, then one row per result.
    Csv,
}

/// Writes every result in one [`OutputFormat`], the bytes the workers
/// prepared: the CLI's `--format jsonl` and `--format csv`.
#[derive(Debug)]
pub struct WriterSink<W: Write> {
    out: W,
    format: OutputFormat,
    only_flagged: bool,
}

impl<W: Write> WriterSink<W> {
    /// Writes JSON lines into `out` (wrap a file in a `BufWriter`).
    pub fn jsonl(out: W) -> WriterSink<W> {
        WriterSink {
            out,
            format: OutputFormat::Jsonl,
            only_flagged: false,
        }
    }

    /// Writes CSV rows into `out` (wrap a file in a `BufWriter`), the
    /// header now.
    pub fn csv(mut out: W) -> std::io::Result<WriterSink<W>> {
        let mut header = csv::Writer::from_writer(Vec::new());
        header.write_record(CSV_HEADER)?;
        out.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;
        Ok(WriterSink {
            out,
            format: OutputFormat::Csv,
            only_flagged: false,
        })
    }

    /// Writes `format` into `out`: [`WriterSink::jsonl`] or [`WriterSink::csv`].
    pub fn new(out: W, format: OutputFormat) -> std::io::Result<WriterSink<W>> {
        match format {
            OutputFormat::Jsonl => Ok(WriterSink::jsonl(out)),
            OutputFormat::Csv => WriterSink::csv(out),
        }
    }

    /// Keeps only the flagged verdicts, and the errors; defaults to false.
    pub fn only_flagged(mut self, yes: bool) -> WriterSink<W> {
        self.only_flagged = yes;
        self
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> Sink for WriterSink<W> {
    fn wants(&self) -> Wants {
        Wants {
            json: self.format == OutputFormat::Jsonl,
            csv: self.format == OutputFormat::Csv,
            ..Wants::default()
        }
    }

    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()> {
        if kept(&judged.tally, self.only_flagged) {
            self.out.write_all(match self.format {
                OutputFormat::Jsonl => judged.json,
                OutputFormat::Csv => judged.csv,
            })?;
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The report keeps every result it shows (bounded) as the audit runs;
/// [`super::render_report`] writes the page at the end.
impl Sink for ReportData {
    fn wants(&self) -> Wants {
        Wants {
            lines: true,
            cards: self.wants_cards(),
            ..Wants::default()
        }
    }

    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()> {
        if let Some(line) = judged.line {
            self.add(line, judged.card.cloned(), judged.company);
        }
        Ok(())
    }
}
