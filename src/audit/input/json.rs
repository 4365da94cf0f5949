//! JSON dumps: one object per line (JSONL), or one array of objects.

use std::borrow::Cow;
use std::io::BufRead;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::{
    find, json_kind, posting_from, too_long, value_text, Fields, RawPosting, Record,
    DEFAULT_MAX_RECORD_BYTES,
};

/// A JSON line as read: an object with only the fields some list names
/// (the others are checked and skipped, never copied), or the kind of value
/// it is instead.
enum Parsed {
    Object(serde_json::Map<String, Value>),
    Other(&'static str),
}

/// Reads a JSON line into [`Parsed`], keeping the fields `Fields` names.
struct WantedFields<'f>(&'f Fields);

impl WantedFields<'_> {
    fn wants(&self, key: &str) -> bool {
        self.0
            .lists()
            .iter()
            .flat_map(|names| names.iter())
            .any(|n| n == key)
    }
}

/// An object key, borrowed from the line when it has no escapes.
#[derive(Deserialize)]
struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'de> DeserializeSeed<'de> for WantedFields<'_> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for WantedFields<'_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let mut obj = serde_json::Map::new();
        while let Some(Key(key)) = map.next_key()? {
            if self.wants(&key) {
                // A repeated key keeps its last value, as a parsed `Value` does.
                obj.insert(key.into_owned(), map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Parsed::Object(obj))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Parsed::Other("an array"))
    }

    fn visit_unit<E>(self) -> Result<Parsed, E> {
        Ok(Parsed::Other("null"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Parsed, E> {
        Ok(Parsed::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Parsed, E> {
        Ok(Parsed::Other("text"))
    }
}

/// Records of a JSONL dump.
pub struct JsonlRecords<R> {
    reader: R,
    fields: Fields,
    line: usize,
    buf: Vec<u8>,
    max_record_bytes: usize,
    done: bool,
}

/// What one bounded read of a line gave.
enum LineRead {
    /// The input is over.
    End,
    /// A whole line is in the buffer.
    Line,
    /// The line was longer than the limit: this many bytes, newline
    /// excluded, were skipped and not kept.
    TooLong(u64),
}

/// Reads up to the next `\n` (kept) into `buf`, holding at most `max`
/// bytes: past them the rest of the line is read and dropped, so one
/// endless line costs no more memory than the limit.
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    let mut skipped: u64 = 0;
    let mut read_any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        read_any = true;
        let (take, ends) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if skipped == 0 && buf.len() + take <= max.saturating_add(1) {
            buf.extend_from_slice(&chunk[..take]);
        } else {
            skipped += (buf.len() + take) as u64;
            buf.clear();
        }
        reader.consume(take);
        if ends {
            break;
        }
    }
    Ok(match (read_any, skipped) {
        (false, _) => LineRead::End,
        (true, 0) => LineRead::Line,
        (true, n) => LineRead::TooLong(n.saturating_sub(1)),
    })
}

impl<R: BufRead> JsonlRecords<R> {
    /// Reads records from `reader`.
    pub fn new(reader: R, fields: Fields) -> Self {
        JsonlRecords {
            reader,
            fields,
            line: 0,
            buf: Vec::new(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            done: false,
        }
    }

    /// Sets the largest record kept, in bytes; a longer line becomes an
    /// error record and is skipped without being held in memory.
    pub fn max_record_bytes(mut self, max: usize) -> Self {
        self.max_record_bytes = max;
        self
    }

    /// The next non-blank line, BOM and line ending removed, with its line
    /// number; not parsed yet (see [`parse_json_line`]), so that a caller
    /// can parse lines on several threads. A read error ends the dump with
    /// an error record.
    pub fn next_line(&mut self) -> Option<Result<(usize, &[u8]), Record>> {
        Some(match self.next_range()? {
            Ok((line, range)) => Ok((line, &self.buf[range])),
            Err(record) => Err(record),
        })
    }

    /// [`JsonlRecords::next_line`], the line as a range of `self.buf`.
    fn next_range(&mut self) -> Option<Result<(usize, std::ops::Range<usize>), Record>> {
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            self.line += 1;
            let error = |line, posting| {
                Some(Err(Record {
                    line,
                    id: None,
                    posting: Err(posting),
                }))
            };
            match read_line_bounded(&mut self.reader, &mut self.buf, self.max_record_bytes) {
                Ok(LineRead::End) => return None,
                Ok(LineRead::Line) => {}
                Ok(LineRead::TooLong(bytes)) => {
                    return error(self.line, too_long(bytes, self.max_record_bytes))
                }
                Err(e) => {
                    self.done = true;
                    return error(self.line, format!("input ends early: {e}"));
                }
            }
            let mut raw = &self.buf[..];
            if self.line == 1 {
                raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
            }
            let start = self.buf.len() - raw.len();
            while let Some(r) = raw.strip_suffix(b"\n").or_else(|| raw.strip_suffix(b"\r")) {
                raw = r;
            }
            if raw.len() > self.max_record_bytes {
                return error(self.line, too_long(raw.len() as u64, self.max_record_bytes));
            }
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok((self.line, start..start + raw.len())));
        }
    }
}

/// The record on line `line` of a JSONL dump, whose text (line ending
/// removed) is `raw`.
pub fn parse_json_line(fields: &Fields, line: usize, raw: &[u8]) -> Record {
    let (id, posting) = parse_json(fields, raw);
    Record { line, id, posting }
}

pub(super) fn parse_json(
    fields: &Fields,
    raw: &[u8],
) -> (Option<String>, Result<RawPosting, String>) {
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => {
            return (
                None,
                Err(format!(
                    "not UTF-8 text (invalid byte at column {})",
                    e.valid_up_to() + 1
                )),
            )
        }
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = WantedFields(fields)
        .deserialize(&mut de)
        .and_then(|p| de.end().map(|()| p));
    let mut obj = match parsed {
        Ok(Parsed::Object(obj)) => obj,
        Ok(Parsed::Other(kind)) => {
            return (None, Err(format!("expected a JSON object, found {kind}")))
        }
        Err(e) => {
            let msg = e.to_string();
            let msg = msg
                .rsplit_once(" at line ")
                .map_or(msg.as_str(), |(h, _)| h)
                .to_string();
            return (
                None,
                Err(format!("not valid JSON: {msg} (column {})", e.column())),
            );
        }
    };
    let id = find(&obj, &fields.id).and_then(|(_, v)| value_text(v));
    // Fields are moved out of the record, not copied, unless a field
    // name is asked for twice (`--title-field body --text-field body`).
    let lists = fields.lists();
    let mut get = |names: &[String]| {
        let name = names.iter().find(|n| obj.contains_key(n.as_str()))?;
        let asked_twice = lists.iter().filter(|l| l.contains(name)).count() > 1;
        let v = if asked_twice {
            obj.get(name.as_str())?.clone()
        } else {
            obj.remove(name.as_str())?
        };
        let kind = json_kind(&v);
        let text = match v {
            Value::String(s) => Some(s),
            _ => None,
        };
        Some((name.clone(), text, kind))
    };
    (id.clone(), posting_from(id, &mut get, fields))
}

impl<R: BufRead> Iterator for JsonlRecords<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        Some(match self.next_range()? {
            Ok((line, range)) => parse_json_line(&self.fields, line, &self.buf[range]),
            Err(record) => record,
        })
    }
}

/// Records of a dump that is one JSON array of objects (`[{…}, {…}]`,
/// pretty-printed or not), read element by element: a record's `line` is
/// its position in the array, from 1.
pub struct JsonArrayRecords<R> {
    reader: R,
    fields: Fields,
    index: usize,
    buf: Vec<u8>,
    max_record_bytes: usize,
    state: ArrayState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayState {
    /// Before the opening `[`.
    Start,
    /// Inside the array, between elements.
    Inside,
    /// After the closing `]`, an error, or the end of the input.
    Done,
}

/// Where an element ended.
enum ElementEnd {
    /// At a `,`: more elements follow.
    Comma,
    /// At the closing `]`.
    Close,
    /// The input ended inside the array.
    Eof,
}

impl<R: BufRead> JsonArrayRecords<R> {
    /// Reads the elements of the array `reader` holds.
    pub fn new(reader: R, fields: Fields) -> Self {
        JsonArrayRecords {
            reader,
            fields,
            index: 0,
            buf: Vec::new(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            state: ArrayState::Start,
        }
    }

    /// Sets the largest element kept, in bytes; a longer one becomes an
    /// error record and is skipped without being held in memory.
    pub fn max_record_bytes(mut self, max: usize) -> Self {
        self.max_record_bytes = max;
        self
    }

    /// The next element's bytes with its position, not parsed yet (see
    /// [`parse_json_line`]); a broken array ends with an error record.
    pub fn next_element(&mut self) -> Option<Result<(usize, &[u8]), Record>> {
        Some(match self.advance()? {
            Ok(index) => Ok((index, &self.buf)),
            Err(record) => Err(record),
        })
    }

    /// [`JsonArrayRecords::next_element`], the element left in `self.buf`.
    fn advance(&mut self) -> Option<Result<usize, Record>> {
        loop {
            match self.state {
                ArrayState::Done => return None,
                ArrayState::Start => match self.skip_to_open() {
                    Ok(true) => self.state = ArrayState::Inside,
                    Ok(false) => {
                        self.state = ArrayState::Done;
                        return None;
                    }
                    Err(e) => return Some(Err(self.fail(1, e))),
                },
                ArrayState::Inside => {
                    self.index += 1;
                    self.buf.clear();
                    let (end, skipped) = match self.read_element() {
                        Ok(r) => r,
                        Err(e) => return Some(Err(self.fail(self.index, e.to_string()))),
                    };
                    let blank = self.buf.iter().all(u8::is_ascii_whitespace) && skipped == 0;
                    match end {
                        ElementEnd::Comma => {}
                        ElementEnd::Close => self.state = ArrayState::Done,
                        ElementEnd::Eof => {
                            let why =
                                "input ends inside the JSON array (no closing `]`)".to_string();
                            return Some(Err(self.fail(self.index, why)));
                        }
                    }
                    if skipped > 0 {
                        let posting = Err(too_long(skipped, self.max_record_bytes));
                        return Some(Err(Record {
                            line: self.index,
                            id: None,
                            posting,
                        }));
                    }
                    if blank {
                        // `[]`, or a trailing comma before `]`.
                        if matches!(end, ElementEnd::Close) && self.index == 1 {
                            return None;
                        }
                        let posting =
                            Err("empty element in the JSON array (two commas in a row?)".into());
                        return Some(Err(Record {
                            line: self.index,
                            id: None,
                            posting,
                        }));
                    }
                    return Some(Ok(self.index));
                }
            }
        }
    }

    fn fail(&mut self, line: usize, why: String) -> Record {
        self.state = ArrayState::Done;
        Record {
            line,
            id: None,
            posting: Err(why),
        }
    }

    /// Skips the BOM and blanks before `[`: false when the input is empty.
    fn skip_to_open(&mut self) -> Result<bool, String> {
        let mut first = true;
        loop {
            let chunk = self
                .reader
                .fill_buf()
                .map_err(|e| format!("input ends early: {e}"))?;
            if chunk.is_empty() {
                return Ok(false);
            }
            let mut i = 0;
            if first && chunk.starts_with(b"\xEF\xBB\xBF") {
                i = 3;
            }
            first = false;
            while i < chunk.len() && chunk[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < chunk.len() {
                let found = chunk[i] == b'[';
                self.reader.consume(i + 1);
                return if found {
                    Ok(true)
                } else {
                    Err("expected a JSON array".into())
                };
            }
            let n = chunk.len();
            self.reader.consume(n);
        }
    }

    /// Reads one element into `buf` up to the `,` or `]` that ends it at
    /// the array's own depth, strings and nesting followed; past the limit
    /// the element's bytes are counted and dropped.
    fn read_element(&mut self) -> std::io::Result<(ElementEnd, u64)> {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let mut skipped: u64 = 0;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok((ElementEnd::Eof, skipped));
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                if in_string {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b']' => {
                        end = Some((i, ElementEnd::Close));
                        break;
                    }
                    b',' if depth == 0 => {
                        end = Some((i, ElementEnd::Comma));
                        break;
                    }
                    _ => {}
                }
            }
            let (take, consumed) = match &end {
                Some((i, _)) => (*i, i + 1),
                None => (chunk.len(), chunk.len()),
            };
            if skipped == 0 && self.buf.len() + take <= self.max_record_bytes {
                self.buf.extend_from_slice(&chunk[..take]);
            } else {
                skipped += (self.buf.len() + take) as u64;
                self.buf.clear();
            }
            self.reader.consume(consumed);
            if let Some((_, how)) = end {
                return Ok((how, skipped));
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonArrayRecords<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        Some(match self.advance()? {
            Ok(index) => parse_json_line(&self.fields, index, &self.buf),
            Err(record) => record,
        })
    }
}
