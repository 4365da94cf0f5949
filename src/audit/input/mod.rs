//! Reading a job-board dump: JSONL, a JSON array or CSV, gzip or not, file
//! or stdin, one record at a time, every record numbered by its line (by
//! its position, in a JSON array), with memory bounded by the largest record
//! allowed, whatever the input.

use std::io::{BufRead, BufReader, Read};

use serde_json::Value;

use super::html::{is_bidi_control, strip_html_owned};

mod csv;
mod json;

pub use self::csv::CsvRecords;
pub use json::{parse_json_line, JsonArrayRecords, JsonlRecords};

/// The largest record read by default: 16 MiB. A longer one becomes an
/// error line of its own and is skipped without being held in memory.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;

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
    /// The posting's address on the board, when the dump has one.
    pub url: Option<String>,
    /// Its publication date, as the dump writes it.
    pub date: Option<String>,
    /// Where the job is.
    pub location: Option<String>,
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
    /// Fields holding the posting's URL.
    pub url: Vec<String>,
    /// Fields holding its publication date.
    pub date: Vec<String>,
    /// Fields holding its location.
    pub location: Vec<String>,
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
            url: v(&["url", "link", "lien", "job_url"]),
            date: v(&[
                "date",
                "published_at",
                "date_publication",
                "publication_date",
            ]),
            location: v(&["location", "city", "lieu", "ville"]),
        }
    }
}

impl Fields {
    /// Every list of names: id, title, description, company, URL, date, location.
    fn lists(&self) -> [&[String]; 7] {
        [
            &self.id,
            &self.title,
            &self.text,
            &self.company,
            &self.url,
            &self.date,
            &self.location,
        ]
    }
}

/// The format of a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// One JSON array of objects, pretty-printed or not.
    JsonArray,
    /// A header row, then one row per posting.
    Csv,
}

/// Opens a dump: `-` is stdin; gzip is recognised by its magic bytes; the
/// format comes from the extension (`.csv`; `.jsonl`, `.json`, `.ndjson`,
/// with or without `.gz`) and the first byte (`[` is a JSON array, `{`
/// JSONL; anything else without a JSON extension is CSV).
pub fn open(path: &str) -> std::io::Result<(Box<dyn BufRead + Send>, Format)> {
    let raw: Box<dyn Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else if std::path::Path::new(path).is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "is a directory, not a dump",
        ));
    } else {
        Box::new(std::fs::File::open(path)?)
    };
    let name = path.trim_end_matches(".gz").to_ascii_lowercase();
    let hint = if name.ends_with(".csv") {
        Some(Format::Csv)
    } else if [".jsonl", ".json", ".ndjson"]
        .iter()
        .any(|ext| name.ends_with(ext))
    {
        Some(Format::Jsonl)
    } else {
        None
    };
    open_reader(raw, hint)
}

/// Opens a dump read from any reader (a socket, a request body), as
/// [`open`] opens a file: gzip is recognised by its magic bytes; `hint` is
/// what the name or a content type says — [`Format::Csv`] is CSV whatever
/// the content, a JSON format is a JSON array when the first byte is `[`
/// and JSONL otherwise, and without a hint the first byte decides (`[` a
/// JSON array, `{` JSONL, anything else CSV).
pub fn open_reader(
    raw: Box<dyn Read + Send>,
    hint: Option<Format>,
) -> std::io::Result<(Box<dyn BufRead + Send>, Format)> {
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
    // Sniff: an empty or truncated start is read as JSONL, whose errors are per line.
    let head = reader.fill_buf().unwrap_or(&[]);
    let first = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    let format = match first {
        _ if hint == Some(Format::Csv) => Format::Csv,
        Some(b'[') => Format::JsonArray,
        Some(b'{') | None => Format::Jsonl,
        Some(_) if hint.is_some() => Format::Jsonl,
        Some(_) => Format::Csv,
    };
    Ok((reader, format))
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What kind of JSON value `v` is, as messages name it ("a number",
/// "an array"…): the audit's and the server's say it alike.
pub fn json_kind(v: &Value) -> &'static str {
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
        company: optional(get(&fields.company)),
        url: optional(get(&fields.url)),
        date: optional(get(&fields.date)),
        location: optional(get(&fields.location)),
    })
}

/// The error of a record longer than the limit, whatever the format.
fn too_long(bytes: u64, max: usize) -> String {
    format!("record of {bytes} bytes, over the limit of {max} (--max-record-bytes): skipped")
}

/// An optional field's text: absent, not text, or blank all give `None`.
fn optional(found: Option<FieldValue>) -> Option<String> {
    found
        .and_then(|(_, t, _)| t)
        .filter(|t| !t.trim().is_empty())
}

/// Input text quoted in a message: control characters (terminal escape
/// sequences among them) and bidirectional overrides shown escaped, at most
/// `max` characters kept, a cut marked with `…`.
pub fn quote(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() || is_bidi_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
