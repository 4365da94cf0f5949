//! CSV dumps: a header row, then one row per posting. Read with `csv-core`
//! so that the reader counts lines itself (LF, CRLF and newlines inside
//! quoted fields), holds at most one record's worth of bytes, and can tell
//! a quoted field that never closes from a long one.

use std::io::BufRead;

use super::{posting_from, quote, too_long, Fields, Record, DEFAULT_MAX_RECORD_BYTES};

/// Fields per row past which a row counts as over the size limit.
const MAX_FIELDS: usize = 1 << 16;

/// Records of a CSV dump (header row first).
pub struct CsvRecords<R> {
    input: Input<R>,
    core: csv_core::Reader,
    fields: Fields,
    header: Vec<String>,
    row: Row,
    max_record_bytes: usize,
    done: bool,
}

/// The bytes still to read: a tail of the input to read again (after a
/// quoted field that never closed), then the reader.
struct Input<R> {
    replay: Vec<u8>,
    at: usize,
    reader: R,
    /// The 1-based line of the next byte.
    line: usize,
}

impl<R: BufRead> Input<R> {
    fn fill(&mut self) -> std::io::Result<&[u8]> {
        if self.at < self.replay.len() {
            return Ok(&self.replay[self.at..]);
        }
        loop {
            match self.reader.fill_buf() {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                _ => break,
            }
        }
        self.reader.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.at < self.replay.len() {
            self.at += n;
        } else {
            self.reader.consume(n);
        }
    }
}

/// Follows a row's quoting as csv-core reads it: a quote opens a quoted
/// field only at the start of a field (elsewhere it is a plain character),
/// and inside one every quote flips in and out (`""` is a flip and back).
#[derive(Default)]
struct Quoting {
    /// Not at the start of a field (the row's first field starts at once).
    in_field: bool,
    /// The current field started with a quote.
    quoted_field: bool,
    /// Inside the quotes of a quoted field.
    open: bool,
}

impl Quoting {
    /// Takes one byte; true when it opens a quoted field.
    fn step(&mut self, b: u8) -> bool {
        match b {
            b'"' if !self.in_field => {
                *self = Quoting {
                    in_field: true,
                    quoted_field: true,
                    open: true,
                };
                return true;
            }
            b'"' if self.quoted_field => self.open = !self.open,
            b',' if !self.open => *self = Quoting::default(),
            _ => self.in_field = true,
        }
        false
    }
}

/// The current row as parsed: its fields' bytes and ends, its raw bytes
/// (for re-reading after an unterminated quote), and where its last
/// quoted field opened.
#[derive(Default)]
struct Row {
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nends: usize,
    raw: Vec<u8>,
    quoting: Quoting,
    /// The raw offset and line of the quote that opened the last quoted field.
    open: Option<(usize, usize)>,
    /// Bytes beyond the limit were seen: fields and raw bytes are not kept.
    too_long: bool,
    bytes: u64,
}

impl Row {
    /// Ready for the next row, its buffers kept.
    fn reset(&mut self) {
        *self = Row {
            out: std::mem::take(&mut self.out),
            ends: std::mem::take(&mut self.ends),
            raw: std::mem::take(&mut self.raw),
            ..Row::default()
        };
        self.raw.clear();
        if self.out.is_empty() {
            self.out.resize(4096, 0);
        }
        if self.ends.is_empty() {
            self.ends.resize(64, 0);
        }
    }

    /// More room for the fields' bytes, up to `max`; past it the row is
    /// parsed to its end with its bytes dropped.
    fn grow_out(&mut self, max: usize) {
        if self.out.len() < max {
            let grown = (self.out.len() * 2).min(max.max(1));
            self.out.resize(grown.max(self.out.len() + 1), 0);
        } else {
            self.too_long = true;
            self.nout = 0;
        }
    }

    /// More room for the fields' ends, up to [`MAX_FIELDS`].
    fn grow_ends(&mut self) {
        if self.ends.len() < MAX_FIELDS {
            let grown = self.ends.len() * 2;
            self.ends.resize(grown, 0);
        } else {
            self.too_long = true;
            self.nends = 0;
        }
    }
}

/// What reading one row gave.
enum Read {
    /// The input is over.
    End,
    /// A row, starting on this line, is in `row`.
    Row(usize),
    /// A row over the size limit, skipped.
    TooLong(usize, u64),
    /// A quoted field opened on line `.1` of the row starting on line `.0`
    /// never closes: the rest of the input was swallowed into it.
    Unterminated(usize, usize),
}

impl<R: BufRead> CsvRecords<R> {
    /// Reads the header; a dump without a description column cannot be audited.
    pub fn new(reader: R, fields: Fields) -> Result<Self, String> {
        CsvRecords::with_max_record_bytes(reader, fields, DEFAULT_MAX_RECORD_BYTES)
    }

    /// As [`CsvRecords::new`], with the largest record kept, in bytes: a
    /// longer row becomes an error record and is skipped without being held.
    pub fn with_max_record_bytes(
        reader: R,
        fields: Fields,
        max_record_bytes: usize,
    ) -> Result<Self, String> {
        let mut records = CsvRecords {
            input: Input {
                replay: Vec::new(),
                at: 0,
                reader,
                line: 1,
            },
            core: csv_core::Reader::new(),
            fields,
            header: Vec::new(),
            row: Row::default(),
            max_record_bytes,
            done: false,
        };
        match records.read_row(true) {
            Err(e) => return Err(format!("reading the CSV header: {e}")),
            Ok(Read::End) => return Err("the input is empty: no CSV header".into()),
            Ok(Read::TooLong(_, bytes)) => {
                return Err(format!(
                    "the CSV header is {bytes} bytes, over the limit of {max_record_bytes} (--max-record-bytes)"
                ))
            }
            Ok(Read::Unterminated(_, open)) => {
                return Err(format!(
                    "the CSV header has a quoted field, opened on line {open}, that never closes"
                ))
            }
            Ok(Read::Row(_)) => {}
        }
        records.header = records
            .row_fields()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        let fields = &records.fields;
        if !fields.text.iter().any(|t| records.header.contains(t)) {
            let shown: Vec<String> = records
                .header
                .iter()
                .take(20)
                .map(|h| quote(h, 40))
                .collect();
            return Err(format!(
                "no description column: looked for {}; the header has {}{}",
                fields.text.join(", "),
                shown.join(", "),
                if records.header.len() > 20 {
                    ", …"
                } else {
                    ""
                }
            ));
        }
        Ok(records)
    }

    /// The fields of the row just read.
    fn row_fields(&self) -> impl Iterator<Item = &[u8]> {
        let row = &self.row;
        let ends = &row.ends[..row.nends];
        ends.iter().enumerate().map(move |(i, &end)| {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &row.out[start..end]
        })
    }

    /// Reads the next row into `self.row`, counting lines; a row over the
    /// limit is read to its end and dropped, or, with `give_up`, abandoned
    /// there (the header: nothing can be read after it anyway).
    fn read_row(&mut self, give_up: bool) -> std::io::Result<Read> {
        if !self.skip_blank_lines()? {
            return Ok(Read::End);
        }
        let start = self.input.line;
        let max = self.max_record_bytes;
        let row = &mut self.row;
        row.reset();
        let mut at_end = false;
        loop {
            let mut line = self.input.line;
            let input = self.input.fill()?;
            at_end |= input.is_empty();
            let (res, nin, nout, nends) =
                self.core
                    .read_record(input, &mut row.out[row.nout..], &mut row.ends[row.nends..]);
            for (i, &b) in input[..nin].iter().enumerate() {
                line += usize::from(b == b'\n');
                if row.quoting.step(b) {
                    row.open = Some((row.raw.len() + i, line));
                }
            }
            row.bytes += nin as u64;
            if !row.too_long && row.raw.len() + nin <= max {
                row.raw.extend_from_slice(&input[..nin]);
            } else {
                row.too_long = true;
                row.raw.clear();
            }
            self.input.consume(nin);
            self.input.line = line;
            if row.too_long && give_up {
                return Ok(Read::TooLong(start, row.bytes));
            }
            row.nout += nout;
            row.nends += nends;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => row.grow_out(max),
                csv_core::ReadRecordResult::OutputEndsFull => row.grow_ends(),
                csv_core::ReadRecordResult::Record => {
                    if row.too_long {
                        return Ok(Read::TooLong(start, row.bytes));
                    }
                    if at_end && row.quoting.open {
                        if let Some((_, open_line)) = row.open {
                            return Ok(Read::Unterminated(start, open_line));
                        }
                    }
                    return Ok(Read::Row(start));
                }
                csv_core::ReadRecordResult::End => return Ok(Read::End),
            }
        }
    }

    /// Skips the blank lines before a row, counting them, so the row's
    /// first line is known before csv-core sees it; false at the end.
    fn skip_blank_lines(&mut self) -> std::io::Result<bool> {
        loop {
            let chunk = self.input.fill()?;
            if chunk.is_empty() {
                return Ok(false);
            }
            let blank = chunk
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            let newlines = chunk[..blank].iter().filter(|&&b| b == b'\n').count();
            let rest = chunk.len() - blank;
            self.input.line += newlines;
            self.input.consume(blank);
            if rest > 0 {
                return Ok(true);
            }
        }
    }

    /// After an unterminated quote: the lines after the one where the quote
    /// opened are read again as rows.
    fn replay_after_open(&mut self) {
        let row = &mut self.row;
        let Some((at, line)) = row.open else { return };
        let rest = match memchr::memchr(b'\n', &row.raw[at..]) {
            Some(nl) => row.raw[at + nl + 1..].to_vec(),
            None => Vec::new(),
        };
        self.input.replay = rest;
        self.input.at = 0;
        self.input.line = line + 1;
        self.core.reset();
    }

    /// The record of the row just read.
    fn record(&self, line: usize) -> Record {
        let header = &self.header;
        let column = |name: &str| header.iter().position(|h| h == name);
        let cells: Vec<&[u8]> = self.row_fields().collect();
        let id = self
            .fields
            .id
            .iter()
            .find_map(|n| column(n).and_then(|i| cells.get(i)))
            .map(|b| String::from_utf8_lossy(b).into_owned());
        if cells.len() != header.len() {
            return Record {
                line,
                id,
                posting: Err(format!(
                    "row has {} fields, the header has {}",
                    cells.len(),
                    header.len()
                )),
            };
        }
        let mut get = |names: &[String]| {
            let (name, i) = names
                .iter()
                .find_map(|n| column(n).map(|i| (n.clone(), i)))?;
            match std::str::from_utf8(cells[i]) {
                Ok(t) => Some((name, Some(t.to_string()), "text")),
                Err(_) => Some((name, None, "not UTF-8 text")),
            }
        };
        Record {
            line,
            id: id.clone(),
            posting: posting_from(id, &mut get, &self.fields),
        }
    }
}

impl<R: BufRead> Iterator for CsvRecords<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.done {
            return None;
        }
        let error = |line: usize, why: String| Record {
            line,
            id: None,
            posting: Err(why),
        };
        match self.read_row(false) {
            Ok(Read::End) => None,
            Ok(Read::Row(line)) => Some(self.record(line)),
            Ok(Read::TooLong(line, bytes)) => {
                Some(error(line, too_long(bytes, self.max_record_bytes)))
            }
            Ok(Read::Unterminated(line, open)) => {
                self.replay_after_open();
                Some(error(
                    line,
                    format!(
                        "unterminated quote: the quoted field opened on line {open} never closes; \
                         the lines after it are read as rows of their own"
                    ),
                ))
            }
            Err(e) => {
                // An I/O error (a truncated gzip stream) ends the dump.
                self.done = true;
                Some(error(self.input.line, format!("input ends early: {e}")))
            }
        }
    }
}
