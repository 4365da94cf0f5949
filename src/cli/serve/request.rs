//! What a request says, checked before any work: its query parameters
//! (the CLI's flags under the same names — `top`, `min_confidence`,
//! `force_lang`, `only_flagged`, `line_offset` — checked as strictly, an
//! unknown or bad one answered 400), its content type and encoding (415),
//! and its body, read up to a limit (413) and parsed as JSON (400 naming
//! the position).

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use http_body_util::BodyExt;
use rolecheck::audit::Format;
use rolecheck::Lang;
use serde_json::Value;

use super::api::ApiError;
use crate::cli::classify::Judging;

/// A request's query parameters, each one known to its route.
pub(super) struct Params {
    pairs: Vec<(String, String)>,
}

/// How an audit is run: the options of `rolecheck audit` a request may set.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct AuditOptions {
    /// Verdicts under this confidence are marked unsure.
    pub(super) min_confidence: f32,
    /// Read every posting in this language.
    pub(super) force_lang: Option<Lang>,
    /// Keep only flagged verdicts (and errors).
    pub(super) only_flagged: bool,
    /// Added to every line number.
    pub(super) line_offset: usize,
}

impl AuditOptions {
    /// The parameters `/v1/audit` takes.
    pub(super) const NAMES: &'static [&'static str] = &[
        "min_confidence",
        "force_lang",
        "only_flagged",
        "line_offset",
    ];
}

fn bad_query(name: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_query",
        format!("query parameter `{name}`: {message}"),
    )
}

impl Params {
    /// Parses `query`, refusing a parameter not in `known` and one given twice.
    pub(super) fn parse(query: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            if !known.contains(&name.as_ref()) {
                return Err(bad_query(
                    &name,
                    format!("unknown; this route takes {}", known.join(", ")),
                ));
            }
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(bad_query(&name, "given twice"));
            }
            pairs.push((name.into_owned(), value.into_owned()));
        }
        Ok(Params { pairs })
    }

    /// The value of `name`, parsed by `parse`, if given.
    fn get<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ApiError> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| parse(v).map_err(|m| bad_query(name, m)))
            .transpose()
    }

    /// `top`, `min_confidence` and `force_lang`, as `classify` takes them.
    pub(super) fn judging(&self) -> Result<Judging, ApiError> {
        Ok(Judging {
            min_confidence: self
                .get("min_confidence", crate::cli::probability)?
                .unwrap_or(0.0),
            top: self.get("top", whole_number)?,
            force_lang: self.get("force_lang", lang)?,
        })
    }

    /// The audit's options, as `rolecheck audit` takes them.
    pub(super) fn audit_options(&self) -> Result<AuditOptions, ApiError> {
        Ok(AuditOptions {
            min_confidence: self
                .get("min_confidence", crate::cli::probability)?
                .unwrap_or(0.0),
            force_lang: self.get("force_lang", lang)?,
            only_flagged: self.get("only_flagged", boolean)?.unwrap_or(false),
            line_offset: self
                .get("line_offset", crate::cli::audit::line_offset)?
                .unwrap_or(0),
        })
    }
}

fn whole_number(s: &str) -> Result<usize, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a whole number"))
}

fn lang(s: &str) -> Result<Lang, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a language rolecheck reads; choose from fr, en"))
}

fn boolean(s: &str) -> Result<bool, String> {
    match s {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("`{s}` is not a boolean; give true or false")),
    }
}

/// Reads a whole body of at most `limit` bytes.
pub(super) async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is over {limit} bytes (--max-body)"),
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            format!("reading the body: {e}"),
        )),
    }
}

/// The body as JSON, or a 400 naming where it stops being JSON.
pub(super) fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not valid JSON: {e}"),
        )
    })
}

/// The media type of the body (`Content-Type` without its parameters), lowercase.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or("").trim();
    Some(essence.to_ascii_lowercase())
}

fn unsupported(message: String) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        message,
    )
}

/// Checks that the body is JSON, not encoded.
pub(super) fn json_body(headers: &HeaderMap) -> Result<(), ApiError> {
    match media_type(headers) {
        Some(t) if t == "application/json" || t.ends_with("+json") => {
            content_encoding(headers, false)
        }
        other => Err(unsupported(format!(
            "send the posting as JSON (Content-Type: application/json), not {}",
            other.as_deref().unwrap_or("a body without a Content-Type")
        ))),
    }
}

/// Checks the body's `Content-Encoding`: none, or gzip where `gzip` is taken.
pub(super) fn content_encoding(headers: &HeaderMap, gzip: bool) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_ENCODING) else {
        return Ok(());
    };
    let encoding = value.to_str().unwrap_or("").trim().to_ascii_lowercase();
    match encoding.as_str() {
        "identity" => Ok(()),
        "gzip" | "x-gzip" if gzip => Ok(()),
        _ if gzip => Err(unsupported(format!(
            "a dump may be sent gzip-compressed (Content-Encoding: gzip), not `{encoding}`"
        ))),
        _ => Err(unsupported(format!(
            "this route takes an uncompressed body, not `{encoding}` (only /v1/audit takes gzip)"
        ))),
    }
}

/// A dump's format from its `Content-Type`.
pub(super) fn dump_format(headers: &HeaderMap) -> Result<Format, ApiError> {
    match media_type(headers).as_deref() {
        Some(
            "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines"
            | "application/json",
        ) => Ok(Format::Jsonl),
        Some("text/csv") => Ok(Format::Csv),
        other => Err(unsupported(format!(
            "send the dump as application/x-ndjson (JSONL), application/json (JSONL or one array) or text/csv, not {}",
            other.unwrap_or("a body without a Content-Type")
        ))),
    }
}
