//! `rolecheck audit`: a whole dump, one verdict per record, in order.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use rolecheck::audit::{
    self, Auditor, Dump, Fields, Judged, OutputFormat, ReportData, RunInfo, Sink, Summary, Wants,
    WriterSink,
};
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
    /// Also write a self-contained HTML report: the run, the roles, the
    /// companies, every flagged posting and title mismatch with its
    /// evidence, the unreadable records and a table of all verdicts that
    /// sorts and filters in the browser.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Companies with fewer postings are left out of the report's companies table.
    #[arg(long, value_name = "N", default_value_t = 2)]
    report_min_postings: usize,
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
    /// Field holding the posting's URL, carried into its line and linked
    /// from the report [default: url, link, lien, job_url].
    #[arg(long, value_name = "F")]
    url_field: Option<String>,
    /// Field holding the publication date [default: date, published_at, date_publication…].
    #[arg(long, value_name = "F")]
    date_field: Option<String>,
    /// Field holding the location [default: location, city, lieu, ville].
    #[arg(long, value_name = "F")]
    location_field: Option<String>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Keep only flagged verdicts (and errors).
    #[arg(long)]
    only_flagged: bool,
    /// Add N to every line number: the shard's first line minus one, so
    /// concatenated shard outputs number lines as one run would.
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = line_offset)]
    line_offset: usize,
    /// The largest record read, in bytes (suffixes K, M, G): a longer one
    /// becomes an error line and is skipped without being held in memory.
    #[arg(long, value_name = "BYTES", default_value = "16M", value_parser = super::byte_size)]
    max_record_bytes: usize,
    /// Mark verdicts whose confidence is under P as unsure (0 to 1); they
    /// keep their role and are counted apart in the summary.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = super::probability)]
    min_confidence: f32,
    /// Read every posting as French or English, even one whose words say
    /// it is in another language (by default such a posting gets an
    /// `unsupported language` error line).
    #[arg(long, value_name = "fr|en")]
    force_lang: Option<rolecheck::Lang>,
    /// A model file to use instead of the shipped one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
}

/// The largest `--line-offset`: line numbers stay exact in any JSON reader
/// (up to 2^53) for dumps of up to 2^52 records.
const MAX_LINE_OFFSET: usize = 1 << 52;

/// Parses a line offset: a whole number up to [`MAX_LINE_OFFSET`].
pub fn line_offset(s: &str) -> Result<usize, String> {
    match s.parse::<u64>() {
        Ok(n) if n <= MAX_LINE_OFFSET as u64 => Ok(n as usize),
        Ok(_) => Err(format!(
            "{s} is too large: line numbers past 2^53 are not exact in JSON; the limit is {MAX_LINE_OFFSET}"
        )),
        Err(_) => Err(format!("`{s}` is not a line count (a whole number from 0)")),
    }
}

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

/// An output file, written under a temporary name beside it and renamed
/// into place at the end: an interrupted run never leaves a truncated file
/// where a good one was. Devices and pipes (`/dev/null`) are written directly.
struct OutputFile {
    path: PathBuf,
    temp: Option<tempfile::NamedTempFile>,
}

impl OutputFile {
    /// Creates the temporary file now, so a missing directory or a
    /// read-only one stops the run before the first record is read.
    fn create(path: &Path) -> anyhow::Result<OutputFile> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        let temp = if special {
            None
        } else {
            let dir = directory_of(path);
            if !dir.is_dir() {
                anyhow::bail!(
                    "cannot write {}: the directory {} does not exist",
                    path.display(),
                    dir.display()
                );
            }
            let mut builder = tempfile::Builder::new();
            // Like any file the user creates (the umask applies), not 0600.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            Some(
                builder
                    .prefix(".rolecheck-")
                    .suffix(".part")
                    .tempfile_in(dir)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            )
        };
        Ok(OutputFile {
            path: path.to_path_buf(),
            temp,
        })
    }

    fn writer(&self) -> anyhow::Result<std::fs::File> {
        match &self.temp {
            Some(t) => Ok(t.reopen()?),
            None => std::fs::OpenOptions::new()
                .write(true)
                .open(&self.path)
                .with_context(|| format!("opening {}", self.path.display())),
        }
    }

    /// Moves the finished file into place.
    fn finish(self) -> anyhow::Result<()> {
        if let Some(t) = self.temp {
            t.persist(&self.path)
                .with_context(|| format!("writing {}", self.path.display()))?;
        }
        Ok(())
    }
}

/// The directory a file path is in (`.` for a bare name).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Where a path points, for comparing paths that may not exist yet: the
/// canonical directory joined with the file name.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let dir = directory_of(path);
    Some(dir.canonicalize().ok()?.join(path.file_name()?))
}

/// Refuses an output that is the input or the other output: same path,
/// or the same file under another name (a link).
fn check_distinct(input: &str, output: Option<&Path>, report: Option<&Path>) -> anyhow::Result<()> {
    let input = (input != "-").then(|| Path::new(input));
    let named = [
        ("the input", input),
        ("the output (-o)", output),
        ("the report (--report)", report),
    ];
    for (i, (what_a, a)) in named.iter().enumerate() {
        for (what_b, b) in &named[i + 1..] {
            let (Some(a), Some(b)) = (a, b) else { continue };
            let same = same_file::is_same_file(a, b).unwrap_or(false)
                || resolved(a).is_some_and(|ra| Some(ra) == resolved(b));
            if same {
                anyhow::bail!(
                    "{what_a} and {what_b} are the same file ({}): writing one would destroy the other; choose another name",
                    b.display()
                );
            }
        }
    }
    Ok(())
}

fn fields(args: &AuditArgs) -> Fields {
    let mut fields = Fields::default();
    for (flag, target) in [
        (&args.title_field, &mut fields.title),
        (&args.text_field, &mut fields.text),
        (&args.id_field, &mut fields.id),
        (&args.company_field, &mut fields.company),
        (&args.url_field, &mut fields.url),
        (&args.date_field, &mut fields.date),
        (&args.location_field, &mut fields.location),
    ] {
        if let Some(f) = flag {
            *target = vec![f.clone()];
        }
    }
    fields
}

/// Opens the dump, counting its bytes (after decompression) as they are read.
fn open_dump(args: &AuditArgs, bytes: &Arc<AtomicU64>) -> anyhow::Result<Dump<'static>> {
    if args.input == "-" && std::io::stdin().is_terminal() {
        anyhow::bail!(
            "no dump given and standard input is a terminal: name a file (rolecheck audit dump.jsonl) or pipe one in (… | rolecheck audit -)"
        );
    }
    let (reader, format) =
        audit::open(&args.input).with_context(|| format!("opening {}", args.input))?;
    let reader = std::io::BufReader::new(Counting {
        inner: reader,
        bytes: Arc::clone(bytes),
    });
    Dump::new(reader, format, fields(args), args.max_record_bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.input))
}

/// The verdicts' sink, in the chosen format.
fn output_sink<'w>(
    args: &AuditArgs,
    out: Box<dyn Write + 'w>,
) -> anyhow::Result<WriterSink<std::io::BufWriter<Box<dyn Write + 'w>>>> {
    let out = std::io::BufWriter::with_capacity(1 << 16, out);
    let format = match args.format {
        OutFormat::Jsonl => OutputFormat::Jsonl,
        OutFormat::Csv => OutputFormat::Csv,
    };
    Ok(WriterSink::new(out, format)?.only_flagged(args.only_flagged))
}

/// The progress line on a terminal, after each batch.
struct Progress {
    bar: indicatif::ProgressBar,
    bytes: Arc<AtomicU64>,
    started: Instant,
}

impl Progress {
    fn on_terminal(bytes: &Arc<AtomicU64>, started: Instant) -> Option<Progress> {
        std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            Progress {
                bar,
                bytes: Arc::clone(bytes),
                started,
            }
        })
    }
}

impl Sink for Progress {
    fn wants(&self) -> Wants {
        Wants::default()
    }

    fn record(&mut self, _: &Judged<'_>) -> std::io::Result<()> {
        Ok(())
    }

    fn batch_done(&mut self, summary: &Summary) -> std::io::Result<()> {
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let mb = self.bytes.load(Ordering::Relaxed) as f64 / 1e6;
        self.bar.set_message(format!(
            "{} postings, {mb:.1} MB read, {:.0} postings/s, {:.1} MB/s",
            summary.records,
            summary.records as f64 / secs,
            mb / secs
        ));
        self.bar.tick();
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.bar.finish_and_clear();
        Ok(())
    }
}

/// The run as the report describes it: input, settings, time.
fn run_info(args: &AuditArgs, input_bytes: u64, started_unix: u64, elapsed_secs: f64) -> RunInfo {
    let mut settings = vec![
        (
            "--format".to_string(),
            format!("{:?}", args.format).to_lowercase(),
        ),
        (
            "--min-confidence".to_string(),
            args.min_confidence.to_string(),
        ),
        (
            "--max-record-bytes".to_string(),
            args.max_record_bytes.to_string(),
        ),
    ];
    let optional = [
        ("--force-lang", args.force_lang.map(|l| l.to_string())),
        (
            "--model",
            args.model.as_ref().map(|m| m.display().to_string()),
        ),
        ("--title-field", args.title_field.clone()),
        ("--text-field", args.text_field.clone()),
        ("--id-field", args.id_field.clone()),
        ("--company-field", args.company_field.clone()),
        ("--url-field", args.url_field.clone()),
        ("--date-field", args.date_field.clone()),
        ("--location-field", args.location_field.clone()),
        ("--threads", args.threads.map(|t| t.to_string())),
        (
            "--line-offset",
            (args.line_offset > 0).then(|| args.line_offset.to_string()),
        ),
        (
            "--only-flagged",
            args.only_flagged.then(|| "yes".to_string()),
        ),
    ];
    settings.extend(
        optional
            .into_iter()
            .filter_map(|(flag, value)| value.map(|v| (flag.to_string(), v))),
    );
    RunInfo {
        input: args.input.clone(),
        input_bytes,
        settings,
        started_unix,
        elapsed_secs,
        min_company_postings: args.report_min_postings,
    }
}

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let started_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Everything that can stop the run is checked before the first record.
    check_distinct(&args.input, args.output.as_deref(), args.report.as_deref())?;
    let model = super::load_model(args.model.as_deref())?;
    let settings = audit::Settings {
        line_offset: args.line_offset,
        min_confidence: args.min_confidence,
        force_lang: args.force_lang,
        cards: false,
    };
    let bytes = Arc::new(AtomicU64::new(0));
    let dump = open_dump(&args, &bytes)?;
    let output = args.output.as_deref().map(OutputFile::create).transpose()?;
    let report = args.report.as_deref().map(OutputFile::create).transpose()?;
    let out: Box<dyn Write> = match &output {
        Some(o) => Box::new(o.writer()?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut report_data = report.is_some().then(ReportData::default);
    let sinks = (
        output_sink(&args, out)?,
        (&mut report_data, Progress::on_terminal(&bytes, started)),
    );
    let summary = Auditor::new(&model, settings)
        .threads(args.threads.unwrap_or(0))
        .run(dump, sinks)
        .context("writing the verdicts")?;
    if let Some(o) = output {
        o.finish()?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let (Some(r), Some(data)) = (report, report_data) {
        let run = run_info(&args, bytes.load(Ordering::Relaxed), started_unix, elapsed);
        let html = audit::render_report(&run, &model, &summary, &data);
        let mut w = r.writer()?;
        w.write_all(html.as_bytes())
            .with_context(|| format!("writing {}", r.path.display()))?;
        r.finish()?;
    }
    let read = bytes.load(Ordering::Relaxed);
    print_summary(&summary, read, elapsed, args.report.as_deref());
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
