//! Reading a job-board dump: JSONL or CSV, gzip or not, file or stdin, one
//! record at a time, every record numbered by its line.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::html::strip_html_owned;

/// One posting as read from a dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPosting {
    /// Its id, when the dump has one.
    pub id: Option<String>,
    /// Its title (empty when the dump has none).
    pub title: String,
    /// Its description, HTML stripped.
    pub text: String,
    /// Its company, when the dump has one.
    pub company: Option<String>,
}

/// A record of the dump: its first line and the posting, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: usize,
    /// Its id when known, even if the record is bad.
    pub id: Option<String>,
    /// The posting, or a message a person can act on.
    pub posting: Result<RawPosting, String>,
}

/// Which fields hold what, in the order they are looked for.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Title fields.
    pub title: Vec<String>,
    /// Description fields.
    pub text: Vec<String>,
    /// Id fields.
    pub id: Vec<String>,
    /// Company fields.
    pub company: Vec<String>,
}

impl Default for Fields {
    fn default() -> Fields {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        Fields {
            title: v(&[
                "title",
                "intitule",
                "intitulé",
                "job_title",
                "jobtitle",
                "name",
            ]),
            text: v(&["description", "text", "body", "content", "job_description"]),
            id: v(&["id", "job_id", "reference", "ref"]),
            company: v(&[
                "company",
                "entreprise",
                "company_name",
                "employer",
                "societe",
                "société",
            ]),
        }
    }
}

impl Fields {
    /// Every list of names: id, title, description, company.
    fn lists(&self) -> [&[String]; 4] {
        [&self.id, &self.title, &self.text, &self.company]
    }
}

/// The format of a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// A header row, then one row per posting.
    Csv,
}

/// Opens a dump: `-` is stdin; gzip is recognised by its magic bytes; the
/// format comes from the extension (`.jsonl`, `.json`, `.ndjson`, `.csv`,
/// with or without `.gz`) or, failing that, from the first byte (`{` is JSONL).
pub fn open(path: &str) -> std::io::Result<(Box<dyn BufRead + Send>, Format)> {
    let raw: Box<dyn Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path)?)
    };
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let gz = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    let name = path.trim_end_matches(".gz").to_ascii_lowercase();
    let format = if name.ends_with(".csv") {
        Format::Csv
    } else if name.ends_with(".jsonl") || name.ends_with(".json") || name.ends_with(".ndjson") {
        Format::Jsonl
    } else {
        // Sniff: an empty or truncated start is read as JSONL, whose errors are per line.
        let head = reader.fill_buf().unwrap_or(&[]);
        let first = head
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(head)
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        if matches!(first, Some(b'{') | None) {
            Format::Jsonl
        } else {
            Format::Csv
        }
    };
    Ok((reader, format))
}

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

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The first of `names` present in `obj`, with its name.
fn find<'a>(
    obj: &'a serde_json::Map<String, Value>,
    names: &'a [String],
) -> Option<(&'a str, &'a Value)> {
    names
        .iter()
        .find_map(|n| obj.get(n).map(|v| (n.as_str(), v)))
}

/// A field found in a record: its name, its text if it is text, and its type
/// for messages ("a number", "null", "text").
type FieldValue = (String, Option<String>, &'static str);

/// Builds a posting from named fields (its id already read by the caller,
/// which also needs it for error lines), or says what is wrong.
fn posting_from(
    id: Option<String>,
    get: &mut dyn FnMut(&[String]) -> Option<FieldValue>,
    fields: &Fields,
) -> Result<RawPosting, String> {
    let text = match get(&fields.text) {
        None => {
            return Err(format!(
                "no description: none of the fields {} is present",
                fields.text.join(", ")
            ))
        }
        Some((name, None, kind)) => return Err(format!("field `{name}` is {kind}, expected text")),
        Some((_, Some(t), _)) => t,
    };
    let title = match get(&fields.title) {
        None | Some((_, None, "null")) => String::new(),
        Some((name, None, kind)) => return Err(format!("field `{name}` is {kind}, expected text")),
        Some((_, Some(t), _)) => t,
    };
    let text = strip_html_owned(text);
    if text.trim().is_empty() {
        return Err("empty description: nothing to classify".into());
    }
    Ok(RawPosting {
        id,
        title: strip_html_owned(title),
        text,
        company: get(&fields.company)
            .and_then(|(_, t, _)| t)
            .filter(|c| !c.trim().is_empty()),
    })
}

/// Records of a JSONL dump.
pub struct JsonlRecords<R> {
    reader: R,
    fields: Fields,
    line: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlRecords<R> {
    /// Reads records from `reader`.
    pub fn new(reader: R, fields: Fields) -> Self {
        JsonlRecords {
            reader,
            fields,
            line: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    /// The next non-blank line, BOM and line ending removed, with its line
    /// number; not parsed yet (see [`parse_json_line`]), so that a caller
    /// can parse lines on several threads. A read error ends the dump with
    /// an error record.
    pub fn next_line(&mut self) -> Option<Result<(usize, Vec<u8>), Record>> {
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(Record {
                        line: self.line,
                        id: None,
                        posting: Err(format!("input ends early: {e}")),
                    }));
                }
            }
            let mut raw = &self.buf[..];
            if self.line == 1 {
                raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
            }
            while let Some(r) = raw.strip_suffix(b"\n").or_else(|| raw.strip_suffix(b"\r")) {
                raw = r;
            }
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok((self.line, raw.to_vec())));
        }
    }
}

/// The record on line `line` of a JSONL dump, whose text (line ending
/// removed) is `raw`.
pub fn parse_json_line(fields: &Fields, line: usize, raw: &[u8]) -> Record {
    let (id, posting) = parse_json(fields, raw);
    Record { line, id, posting }
}

fn parse_json(fields: &Fields, raw: &[u8]) -> (Option<String>, Result<RawPosting, String>) {
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
        let kind = type_name(&v);
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
        Some(match self.next_line()? {
            Ok((line, raw)) => parse_json_line(&self.fields, line, &raw),
            Err(record) => record,
        })
    }
}

/// Records of a CSV dump (header row first).
pub struct CsvRecords<R: Read> {
    reader: csv::Reader<R>,
    fields: Fields,
    header: Vec<String>,
    record: csv::ByteRecord,
    done: bool,
}

impl<R: Read> CsvRecords<R> {
    /// Reads the header; a dump without a description column cannot be audited.
    pub fn new(reader: R, fields: Fields) -> Result<Self, String> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(reader);
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(|e| format!("reading the CSV header: {e}"))?
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        if !fields.text.iter().any(|t| header.contains(t)) {
            return Err(format!(
                "no description column: looked for {}; the header has {}",
                fields.text.join(", "),
                header.join(", ")
            ));
        }
        Ok(CsvRecords {
            reader,
            fields,
            header,
            record: csv::ByteRecord::new(),
            done: false,
        })
    }
}

impl<R: Read> Iterator for CsvRecords<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.done {
            return None;
        }
        let line = self.reader.position().line() as usize;
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Err(e) => {
                // An I/O error (a truncated gzip stream) ends the dump; a CSV
                // syntax error ends it too, since the rest cannot be trusted to align.
                self.done = true;
                Some(Record {
                    line: line.max(1),
                    id: None,
                    posting: Err(format!("input ends early: {e}")),
                })
            }
            Ok(true) => {
                let line = self.record.position().map_or(line, |p| p.line() as usize);
                let header = &self.header;
                let record = &self.record;
                let column = |name: &str| header.iter().position(|h| h == name);
                let id = self
                    .fields
                    .id
                    .iter()
                    .find_map(|n| column(n).and_then(|i| record.get(i)))
                    .map(|b| String::from_utf8_lossy(b).into_owned());
                if record.len() != header.len() {
                    return Some(Record {
                        line,
                        id,
                        posting: Err(format!(
                            "row has {} fields, the header has {}",
                            record.len(),
                            header.len()
                        )),
                    });
                }
                let mut get = |names: &[String]| {
                    let (name, i) = names
                        .iter()
                        .find_map(|n| column(n).map(|i| (n.clone(), i)))?;
                    let bytes = record.get(i)?;
                    match std::str::from_utf8(bytes) {
                        Ok(t) => Some((name, Some(t.to_string()), "text")),
                        Err(_) => Some((name, None, "not UTF-8 text")),
                    }
                };
                Some(Record {
                    line,
                    id: id.clone(),
                    posting: posting_from(id, &mut get, &self.fields),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
}
