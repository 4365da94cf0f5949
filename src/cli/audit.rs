//! `rolecheck audit`: a whole dump, one verdict per record, in order.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;
use rolecheck::audit::{self, AuditLine, Fields, Format, Record, Summary, REPORT_MAX_FLAGGED};
use rolecheck::Role;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// One JSON object per line.
    Jsonl,
    /// A header row and one row per record, for spreadsheets.
    Csv,
}

/// Arguments of `rolecheck audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The dump: JSONL or CSV, gzip or not; - for standard input.
    #[arg(value_name = "FILE | -", default_value = "-")]
    input: String,
    /// Where to write the verdicts [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Jsonl)]
    format: OutFormat,
    /// Also write a self-contained HTML report.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Field holding the title [default: title, intitule, job_title…].
    #[arg(long, value_name = "F")]
    title_field: Option<String>,
    /// Field holding the description [default: description, text, body, content…].
    #[arg(long, value_name = "F")]
    text_field: Option<String>,
    /// Field holding the id [default: id, job_id, reference…].
    #[arg(long, value_name = "F")]
    id_field: Option<String>,
    /// Field holding the company [default: company, entreprise…].
    #[arg(long, value_name = "F")]
    company_field: Option<String>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Keep only flagged verdicts (and errors).
    #[arg(long)]
    only_flagged: bool,
    /// Add N to every line number: the shard's first line minus one, so
    /// concatenated shard outputs number lines as one run would.
    #[arg(long, default_value_t = 0, value_name = "N")]
    line_offset: usize,
    /// Mark verdicts whose confidence is under P as unsure (0 to 1); they
    /// keep their role and are counted apart in the summary.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = super::probability)]
    min_confidence: f32,
    /// A model file to use instead of the shipped one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
}

/// Records judged per parallel batch: enough to keep every core busy,
/// few enough that memory stays flat whatever the dump's size.
const BATCH: usize = 512;

/// Counts the bytes of the dump as records are read (after decompression),
/// for progress and throughput.
struct Counting<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Judges one record; should judging it panic (a bug), the record gets an
/// error line naming the bug and the run goes on: one record never stops a dump.
fn judge(
    model: &rolecheck::Model,
    scratch: &mut rolecheck::vectorize::Scratch,
    record: Record,
    line_offset: usize,
    min_confidence: f32,
) -> (AuditLine, Option<audit::Flagged>, Option<String>) {
    let (line, id) = (record.line + line_offset, record.id.clone());
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        audit::audit_record(model, scratch, record, line_offset, min_confidence)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let error = format!("internal error while judging this record (please report it): {what}");
        (
            AuditLine::Error(audit::ErrorLine { line, id, error }),
            None,
            None,
        )
    })
}

/// What the reading thread hands to the workers.
enum Pending {
    /// A JSONL line, with its line number, to parse.
    Line(usize, Vec<u8>),
    /// A record read already (CSV), or a read error that ends the dump.
    Record(Record),
}

/// One result as a JSONL line, newline included.
fn json_line(line: &AuditLine) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    line.write_json(&mut out);
    out.push(b'\n');
    out
}

/// Where verdicts go, in the chosen format.
enum Sink<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Sink<W> {
    /// Writes one result; `json` is its JSONL line when already serialised.
    fn write(&mut self, line: &AuditLine, json: Option<Vec<u8>>) -> anyhow::Result<()> {
        match self {
            Sink::Jsonl(w) => w.write_all(&json.unwrap_or_else(|| json_line(line)))?,
            Sink::Csv(w) => csv_row(w, line)?,
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Jsonl(w) => w.flush(),
            Sink::Csv(w) => w.flush(),
        }
    }
}

fn csv_row(w: &mut csv::Writer<impl Write>, line: &AuditLine) -> csv::Result<()> {
    match line {
        AuditLine::Verdict(v) => {
            let evidence: Vec<String> = v
                .evidence
                .iter()
                .map(|p| format!("{:?}: {}", p.side, p.text))
                .collect();
            w.write_record([
                v.line.to_string(),
                v.id.clone().unwrap_or_default(),
                v.title.clone(),
                v.role.id().to_string(),
                format!("{:.4}", v.confidence),
                v.unsure.to_string(),
                v.duty_role.id().to_string(),
                format!("{:.4}", v.duty_confidence),
                v.claimed_role
                    .map(|r| r.id().to_string())
                    .unwrap_or_default(),
                v.backlog_manager.to_string(),
                format!("{:.4}", v.score),
                v.title_mismatch.to_string(),
                v.lang.to_string(),
                evidence.join(" | "),
                String::new(),
            ])
        }
        AuditLine::Error(e) => w.write_record([
            e.line.to_string(),
            e.id.clone().unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            e.error.clone(),
        ]),
    }
}

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let model = super::load_model(args.model.as_deref())?;
    let mut fields = Fields::default();
    for (flag, target) in [
        (&args.title_field, &mut fields.title),
        (&args.text_field, &mut fields.text),
        (&args.id_field, &mut fields.id),
        (&args.company_field, &mut fields.company),
    ] {
        if let Some(f) = flag {
            *target = vec![f.clone()];
        }
    }
    let (reader, format) =
        audit::input::open(&args.input).with_context(|| format!("opening {}", args.input))?;
    let bytes = Arc::new(AtomicU64::new(0));
    let reader = std::io::BufReader::new(Counting {
        inner: reader,
        bytes: Arc::clone(&bytes),
    });
    // JSONL lines are parsed on the worker threads, with the judging; the
    // CSV reader splits records itself, here.
    let mut next: Box<dyn FnMut() -> Option<Pending>> = match format {
        Format::Jsonl => {
            let mut lines = audit::input::JsonlRecords::new(reader, fields.clone());
            Box::new(move || {
                lines.next_line().map(|l| match l {
                    Ok((line, raw)) => Pending::Line(line, raw),
                    Err(record) => Pending::Record(record),
                })
            })
        }
        Format::Csv => {
            let mut records = audit::input::CsvRecords::new(reader, fields.clone())
                .map_err(|e| anyhow::anyhow!("{}: {e}", args.input))?;
            Box::new(move || records.next().map(Pending::Record))
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting worker threads")?;
    let out: Box<dyn Write> = match &args.output {
        Some(p) => {
            Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut sink = match args.format {
        OutFormat::Jsonl => Sink::Jsonl(out),
        OutFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
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
                "evidence",
                "error",
            ])?;
            Sink::Csv(Box::new(w))
        }
    };
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });

    let mut summary = Summary::default();
    let mut flagged = Vec::new();
    let jsonl_out = matches!(args.format, OutFormat::Jsonl);
    loop {
        let batch: Vec<Pending> = std::iter::from_fn(&mut next).take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        // Parsing, judging and (for JSONL) serialising run on the workers;
        // this thread only reads lines and writes results, in input order.
        let judged: Vec<_> = pool.install(|| {
            batch
                .into_par_iter()
                .map(|p| {
                    let record = match p {
                        Pending::Line(line, raw) => {
                            audit::input::parse_json_line(&fields, line, &raw)
                        }
                        Pending::Record(r) => r,
                    };
                    let (line, flag, company) =
                        rolecheck::vectorize::Scratch::with_thread_local(|scratch| {
                            judge(
                                &model,
                                scratch,
                                record,
                                args.line_offset,
                                args.min_confidence,
                            )
                        });
                    let json = jsonl_out.then(|| json_line(&line));
                    (line, json, flag, company)
                })
                .collect()
        });
        for (line, json, flag, company) in judged {
            summary.add(&line, company.as_deref());
            let keep = !args.only_flagged
                || matches!(&line, AuditLine::Error(_))
                || matches!(&line, AuditLine::Verdict(v) if v.backlog_manager);
            if keep {
                sink.write(&line, json)?;
            }
            if let Some(f) = flag {
                if flagged.len() < REPORT_MAX_FLAGGED {
                    flagged.push(f);
                }
            }
        }
        if let Some(bar) = &progress {
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            let mb = bytes.load(Ordering::Relaxed) as f64 / 1e6;
            bar.set_message(format!(
                "{} postings, {mb:.1} MB read, {:.0} postings/s, {:.1} MB/s",
                summary.records,
                summary.records as f64 / secs,
                mb / secs
            ));
            bar.tick();
        }
    }
    sink.flush()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(path) = &args.report {
        let html = audit::render_report(&args.input, &summary, &flagged, elapsed);
        std::fs::write(path, html).with_context(|| format!("writing {}", path.display()))?;
    }
    print_summary(
        &summary,
        bytes.load(Ordering::Relaxed),
        elapsed,
        args.report.as_deref(),
    );
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_summary(s: &Summary, bytes: u64, secs: f64, report: Option<&std::path::Path>) {
    let mut e = std::io::stderr().lock();
    if s.records == 0 {
        let _ = writeln!(e, "rolecheck: the input holds no records");
        return;
    }
    let _ = writeln!(
        e,
        "rolecheck: {} records read: {} verdicts, {} unreadable",
        s.records,
        s.verdicts(),
        s.errors
    );
    for role in Role::ALL {
        let _ = writeln!(e, "  {:<28} {:>7}", role.name(), s.per_role[role.index()]);
    }
    let _ = writeln!(
        e,
        "  backlog managers flagged: {} ({:.1}% of verdicts); title mismatches: {}",
        s.flagged,
        s.flag_rate() * 100.0,
        s.mismatches
    );
    if s.unsure > 0 {
        let _ = writeln!(e, "  unsure (under the confidence asked for): {}", s.unsure);
    }
    let _ = writeln!(
        e,
        "  {:.1} MB in {secs:.2}s: {:.1} MB/s, {:.0} postings/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs.max(1e-9),
        s.records as f64 / secs.max(1e-9)
    );
    if let Some(r) = report {
        let _ = writeln!(e, "  report: {}", r.display());
    }
}
