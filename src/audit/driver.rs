//! The audit driver: a dump's records in, one result per record out to a
//! [`Sink`], in input order, judged on worker threads.
//!
//! The shape is ripgrep's searcher and sinks. The [`Auditor`] reads a
//! [`Dump`] on the calling thread, hands batches of raw records to its
//! workers and pushes every record's result, in order, into the sink. The
//! workers parse, judge and write each result in the forms the sink wants
//! (a JSON line, a CSV row) into byte buffers that travel with the batch
//! and are reused from batch to batch: no per-verdict object crosses
//! threads unless a sink asks for the verdicts themselves (the report
//! does). The calling thread only reads, writes and counts.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::{mpsc, Mutex};

use super::input::{parse_json_line, CsvRecords, Fields, Format, JsonArrayRecords, JsonlRecords};
use super::sink::{write_csv_row, Judged, Sink, Wants};
use super::{audit_record, AuditLine, Card, ErrorLine, Record, Settings, Summary, Tally};
use crate::vectorize::Scratch;
use crate::Model;

/// Records per batch: enough to keep every worker busy between two visits
/// to the queue, few enough that the first results come out at once.
const BATCH_RECORDS: usize = 512;
/// Bytes of raw records per batch: with a handful of batches in flight,
/// memory stays flat whatever the dump's size (a batch always takes at
/// least one record, however long, up to the reader's record limit).
const BATCH_BYTES: usize = 4 << 20;

/// A dump being read: JSONL, a JSON array or CSV, from any reader.
pub struct Dump<'r> {
    reader: Reader<'r>,
    fields: Fields,
}

enum Reader<'r> {
    Jsonl(JsonlRecords<Box<dyn BufRead + 'r>>),
    JsonArray(JsonArrayRecords<Box<dyn BufRead + 'r>>),
    Csv(Box<CsvRecords<Box<dyn BufRead + 'r>>>),
}

impl<'r> Dump<'r> {
    /// Reads `reader` as a dump in `format` (see [`super::input::open`] to
    /// open a file and sniff its format), taking each record's fields from
    /// `fields`; a record over `max_record_bytes` becomes an error of its
    /// own. A CSV dump's header is read now: an error says what is wrong
    /// with it.
    pub fn new(
        reader: impl BufRead + 'r,
        format: Format,
        fields: Fields,
        max_record_bytes: usize,
    ) -> Result<Dump<'r>, String> {
        let reader: Box<dyn BufRead + 'r> = Box::new(reader);
        let reader = match format {
            Format::Jsonl => Reader::Jsonl(
                JsonlRecords::new(reader, fields.clone()).max_record_bytes(max_record_bytes),
            ),
            Format::JsonArray => Reader::JsonArray(
                JsonArrayRecords::new(reader, fields.clone()).max_record_bytes(max_record_bytes),
            ),
            Format::Csv => Reader::Csv(Box::new(CsvRecords::with_max_record_bytes(
                reader,
                fields.clone(),
                max_record_bytes,
            )?)),
        };
        Ok(Dump { reader, fields })
    }
}

impl Reader<'_> {
    /// Reads the next record into `batch`; false at the end of the dump.
    /// JSON records are only copied here, and parsed on the workers.
    fn read_into(&mut self, batch: &mut Batch) -> bool {
        let next = match self {
            Reader::Jsonl(r) => r.next_line(),
            Reader::JsonArray(r) => r.next_element(),
            Reader::Csv(r) => r.next().map(Err),
        };
        match next {
            None => return false,
            Some(Ok((line, raw))) => {
                let start = batch.raw.len();
                batch.raw.extend_from_slice(raw);
                batch.items.push(Item::Json {
                    line,
                    raw: start..batch.raw.len(),
                });
            }
            Some(Err(record)) => batch.items.push(Item::Record(record)),
        }
        true
    }
}

/// A record waiting in a batch.
enum Item {
    /// A JSON record's bytes in the batch's `raw`, parsed by the worker.
    Json {
        line: usize,
        raw: std::ops::Range<usize>,
    },
    /// A record read already (CSV), or an error that the reader found.
    Record(Record),
}

/// Where one record's results lie in its batch's buffers.
struct Placed {
    tally: Tally,
    json_end: usize,
    csv_end: usize,
    company: Option<std::ops::Range<usize>>,
    card: Option<usize>,
}

/// Records on their way to the workers and their results on the way back;
/// every buffer is kept and reused for the next batch.
#[derive(Default)]
struct Batch {
    seq: usize,
    wants: Wants,
    raw: Vec<u8>,
    items: Vec<Item>,
    placed: Vec<Placed>,
    json: Vec<u8>,
    csv: Vec<u8>,
    companies: String,
    lines: Vec<AuditLine>,
    cards: Vec<Card>,
}

impl Batch {
    fn clear(&mut self) {
        self.raw.clear();
        self.items.clear();
        self.placed.clear();
        self.json.clear();
        self.csv.clear();
        self.companies.clear();
        self.lines.clear();
        self.cards.clear();
    }

    /// Pushes the batch's results into the sink, in order.
    fn deliver(&self, summary: &mut Summary, sink: &mut impl Sink) -> std::io::Result<()> {
        let (mut json_start, mut csv_start) = (0, 0);
        for (k, p) in self.placed.iter().enumerate() {
            let company = p.company.clone().map(|r| &self.companies[r]);
            summary.add_tally(&p.tally, company);
            sink.record(&Judged {
                tally: p.tally,
                json: &self.json[json_start..p.json_end],
                csv: &self.csv[csv_start..p.csv_end],
                line: self.lines.get(k),
                card: p.card.map(|c| &self.cards[c]),
                company,
            })?;
            (json_start, csv_start) = (p.json_end, p.csv_end);
        }
        sink.batch_done(summary)
    }
}

/// Runs audits: settings, a model and a number of worker threads.
///
/// ```
/// use rolecheck::audit::{Auditor, Dump, Fields, Format, Settings, WriterSink};
/// use rolecheck::Model;
///
/// let model = Model::default();
/// let dump = "{\"id\": \"a1\", \"title\": \"Product Owner\", \"description\": \"Vous gérez le backlog et animez les rituels Scrum.\"}\n\
///             not json\n";
/// let dump = Dump::new(dump.as_bytes(), Format::Jsonl, Fields::default(), 1 << 20).unwrap();
/// let mut out = WriterSink::jsonl(Vec::new());
/// let summary = Auditor::new(&model, Settings::default()).threads(1).run(dump, &mut out).unwrap();
/// assert_eq!((summary.records, summary.errors), (2, 1));
/// let lines = String::from_utf8(out.into_inner()).unwrap();
/// assert!(lines.starts_with("{\"line\":1,\"id\":\"a1\""));
/// assert!(lines.lines().nth(1).unwrap().contains("\"error\""));
/// ```
pub struct Auditor<'m> {
    model: &'m Model,
    settings: Settings,
    threads: usize,
}

impl<'m> Auditor<'m> {
    /// An auditor judging with `model` under `settings`, on all cores.
    pub fn new(model: &'m Model, settings: Settings) -> Auditor<'m> {
        Auditor {
            model,
            settings,
            threads: 0,
        }
    }

    /// Sets the number of worker threads; 0 (the default) is one per core.
    /// The calling thread reads and writes besides them.
    pub fn threads(mut self, threads: usize) -> Auditor<'m> {
        self.threads = threads;
        self
    }

    fn workers(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }

    /// Audits every record of `dump` into `sink`, in input order, and
    /// returns the counts. Only the sink's errors stop a run (a bad record
    /// gets an error result and the run goes on); the sink's `finish` is
    /// called at the end.
    pub fn run(&self, dump: Dump<'_>, mut sink: impl Sink) -> std::io::Result<Summary> {
        let Dump { mut reader, fields } = dump;
        let workers = self.workers();
        let in_flight = 2 * workers + 2;
        let (to_workers, queue) = mpsc::sync_channel::<Batch>(in_flight);
        let (to_writer, results) = mpsc::channel::<Batch>();
        let queue = Mutex::new(queue);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let (queue, to_writer, fields) = (&queue, to_writer.clone(), &fields);
                scope.spawn(move || self.work(queue, &to_writer, fields));
            }
            drop(to_writer);
            let mut free: Vec<Batch> = (0..in_flight).map(|_| Batch::default()).collect();
            let mut waiting = BTreeMap::new();
            let (mut sent, mut written, mut more) = (0, 0, true);
            let mut summary = Summary::default();
            loop {
                while more {
                    let Some(mut batch) = free.pop() else { break };
                    batch.clear();
                    more = fill(&mut reader, &mut batch);
                    if batch.items.is_empty() {
                        free.push(batch);
                        break;
                    }
                    batch.seq = sent;
                    batch.wants = sink.wants();
                    sent += 1;
                    to_workers.send(batch).map_err(|_| worker_died())?;
                }
                if written == sent {
                    break;
                }
                let batch = results.recv().map_err(|_| worker_died())?;
                waiting.insert(batch.seq, batch);
                while let Some(batch) = waiting.remove(&written) {
                    batch.deliver(&mut summary, &mut sink)?;
                    written += 1;
                    free.push(batch);
                }
            }
            drop(to_workers);
            sink.finish()?;
            Ok(summary)
        })
    }

    /// A worker: judges batches until the queue closes.
    fn work(
        &self,
        queue: &Mutex<mpsc::Receiver<Batch>>,
        done: &mpsc::Sender<Batch>,
        fields: &Fields,
    ) {
        loop {
            let next = queue.lock().map(|q| q.recv());
            let Ok(Ok(mut batch)) = next else { return };
            self.judge_batch(&mut batch, fields);
            if done.send(batch).is_err() {
                return;
            }
        }
    }

    fn judge_batch(&self, batch: &mut Batch, fields: &Fields) {
        let Batch {
            wants,
            raw,
            items,
            placed,
            json,
            csv,
            companies,
            lines,
            cards,
            ..
        } = batch;
        let settings = Settings {
            cards: wants.cards,
            ..self.settings.clone()
        };
        let mut csv = wants.csv.then(|| csv::Writer::from_writer(csv));
        for item in items.drain(..) {
            let record = match item {
                Item::Json { line, raw: range } => parse_json_line(fields, line, &raw[range]),
                Item::Record(record) => record,
            };
            let (line, card, company) = judge(self.model, record, &settings);
            if wants.json {
                line.write_json(json);
                json.push(b'\n');
            }
            if let Some(w) = &mut csv {
                write_csv_row(w, &line);
            }
            let company = company.map(|c| {
                let start = companies.len();
                companies.push_str(&c);
                start..companies.len()
            });
            let card = card.filter(|_| wants.cards).map(|c| {
                cards.push(c);
                cards.len() - 1
            });
            placed.push(Placed {
                tally: Tally::of(&line),
                json_end: json.len(),
                csv_end: csv.as_ref().map_or(0, |w| w.get_ref().len()),
                company,
                card,
            });
            if wants.lines {
                lines.push(line);
            }
        }
    }
}

/// Reads records into `batch` until it is full; false at the end of the dump.
fn fill(reader: &mut Reader<'_>, batch: &mut Batch) -> bool {
    while batch.items.len() < BATCH_RECORDS && batch.raw.len() < BATCH_BYTES {
        if !reader.read_into(batch) {
            return false;
        }
    }
    true
}

fn worker_died() -> std::io::Error {
    std::io::Error::other("an audit worker thread stopped (a bug: please report it)")
}

/// Judges one record; should judging it panic (a bug), the record gets an
/// error line naming the bug and the run goes on: one record never stops a
/// dump. The panic is caught outside the thread's scratch, which is emptied
/// as the panic leaves it.
fn judge(
    model: &Model,
    record: Record,
    settings: &Settings,
) -> (AuditLine, Option<Card>, Option<String>) {
    let (line, id) = (record.line + settings.line_offset, record.id.clone());
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Scratch::with_thread_local(|scratch| audit_record(model, scratch, record, settings))
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let error = format!("internal error while judging this record (please report it): {what}");
        let line = ErrorLine {
            line,
            id,
            lang: None,
            error,
        };
        (AuditLine::Error(line), None, None)
    })
}

#[cfg(test)]
mod tests;
