//! The JSON API: `POST /v1/classify`, `POST /v1/classify/batch`,
//! `POST /v1/audit`, `GET /v1/model`, and `GET /healthz`, `/metrics`,
//! `/openapi.json`. Errors are `{"error": {"code", "message"}}` with their
//! status.
//!
//! Handlers only read and check the request on the async threads; parsing,
//! judging and writing the answer run on one of the `--workers` threads,
//! with the posting read through the same
//! [`Posting`] as `rolecheck classify` and an audit run by the library's
//! [`Auditor`], as `rolecheck audit` runs it.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rolecheck::audit::{self, json_kind, Auditor, Dump, Fields, Format, Settings, WriterSink};
use rolecheck::{Model, Role, Scratch};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{oneshot, Semaphore};

use super::metrics::{AuditCounts, Metrics};
use super::request::{
    content_encoding, dump_format, json_body, parse_json, read_body, AuditOptions, Params,
};
use super::stream;
use super::workers::Workers;
use crate::cli::classify::{JsonVerdict, Judging, Posting, Refusal};

/// The most postings one `POST /v1/classify/batch` takes.
pub(super) const MAX_BATCH: usize = 1000;
/// About how many bytes of verdict JSON a byte of posting gives, all terms listed.
const JSON_BYTES_PER_TEXT_BYTE: usize = 32;
/// Audits streaming at once: each uses every worker, and holds a few
/// batches of records in memory.
pub(super) const MAX_AUDITS: usize = 2;

/// An error answered as `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub(super) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with its status, a short code for programs and a message for people.
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 503: too much work already; the answer says to retry.
    pub(super) fn saturated(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "saturated", message)
    }

    /// 500: a bug.
    fn internal(what: impl std::fmt::Display) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("{what} (a bug: please report it)"),
        )
    }

    /// 422: a posting rolecheck will not judge.
    fn refused(refusal: Refusal) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            refusal.code(),
            refusal.to_string(),
        )
    }

    /// The `{"code", "message"}` object.
    fn body(&self) -> Value {
        serde_json::json!({"code": self.code, "message": self.message})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.body() }).to_string();
        let mut response = (self.status, json_headers(), body).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            let retry = HeaderValue::from_static("1");
            response.headers_mut().insert(header::RETRY_AFTER, retry);
        }
        response
    }
}

fn json_headers() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    )]
}

/// What the handlers share: the model, the workers, the limits, the counters.
pub(super) struct Shared {
    model: Arc<Model>,
    metrics: Arc<Metrics>,
    /// The classification threads.
    workers: Workers,
    /// Their number: an audit's worker threads.
    threads: usize,
    /// Permits of the audits that may stream at once.
    audits: Arc<Semaphore>,
    max_body: usize,
    /// How long an audit waits for its client to send or take data.
    idle: Duration,
    /// `GET /v1/model`'s answer, written once.
    model_json: Bytes,
}

impl Shared {
    /// The shared state of a server judging with `model` on `threads`
    /// workers, reading bodies up to `max_body` bytes, waiting `idle` for
    /// an audit's client.
    pub(super) fn new(
        model: Arc<Model>,
        metrics: Arc<Metrics>,
        threads: usize,
        max_body: usize,
        idle: Duration,
    ) -> std::io::Result<Shared> {
        let model_json = Bytes::from(model_json(&model));
        Ok(Shared {
            workers: Workers::start(Arc::clone(&model), threads)?,
            model,
            metrics,
            threads,
            audits: Arc::new(Semaphore::new(MAX_AUDITS)),
            max_body,
            idle,
            model_json,
        })
    }
}

/// The `/v1` routes.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/classify", post(classify))
        .route("/v1/classify/batch", post(batch))
        .route("/v1/audit", post(audit))
        .route("/v1/model", get(model))
        .with_state(shared)
}

/// Routes that answer even when the server is saturated, for monitoring:
/// health, metrics and the API's description.
pub(super) fn ops_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/healthz",
            get(|| async { (json_headers(), r#"{"status":"ok"}"#) }),
        )
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(|| async { (json_headers(), OPENAPI) }))
        .with_state(shared)
}

/// The API's OpenAPI document.
const OPENAPI: &str = include_str!("openapi.json");

/// Answers a path that names no route.
pub(super) async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; see /openapi.json for the API",
    )
}

/// Answers a route asked with a method it does not take.
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method; see /openapi.json for the API",
    )
}

async fn metrics(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], s.metrics.render())
}

async fn model(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    (json_headers(), s.model_json.clone())
}

/// `GET /v1/model`'s answer: the roles, the model's identity, its
/// cross-validated scores, calibration and the flag's threshold.
fn model_json(model: &Model) -> Vec<u8> {
    #[derive(Serialize)]
    struct RoleName {
        id: Role,
        name: &'static str,
    }
    #[derive(Serialize)]
    struct ModelJson<'a> {
        roles: Vec<RoleName>,
        sha256: String,
        threshold: f32,
        flag: Option<&'a rolecheck::FlagCalibration>,
        #[serde(flatten)]
        info: &'a rolecheck::ModelInfo,
    }
    let roles = Role::ALL
        .into_iter()
        .map(|id| RoleName {
            id,
            name: id.name(),
        })
        .collect();
    let json = ModelJson {
        roles,
        sha256: rolecheck::sha256_hex(&model.to_bytes()),
        threshold: model.detector().threshold(),
        flag: model.detector().calibration(),
        info: model.info(),
    };
    serde_json::to_vec(&json).unwrap_or_default()
}

/// What both classify routes read first: the judging parameters of the
/// query and the JSON body, each checked.
async fn judging_request(
    s: &Shared,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Judging, Bytes), ApiError> {
    let how = Params::parse(query, &["top", "min_confidence", "force_lang"])?.judging()?;
    json_body(headers)?;
    Ok((how, read_body(body, s.max_body).await?))
}

/// `POST /v1/classify`: one posting, the verdict `classify --json` prints.
async fn classify(
    State(s): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (how, bytes) = judging_request(&s, query.as_deref(), &headers, body).await?;
    let metrics = Arc::clone(&s.metrics);
    let json = s
        .workers
        .run(move |model, scratch| {
            let value = parse_json(&bytes)?;
            let (title, text) = posting_fields(&value).map_err(|m| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_posting", m)
            })?;
            let posting = Posting::new(title, text, &how).map_err(ApiError::refused)?;
            let verdict = posting.judge(model, scratch, &how);
            metrics.verdict(verdict.verdict());
            // Every term with its seven contributions: some 25 bytes of
            // JSON per byte of posting; sized once, not grown by doubling.
            let mut json = Vec::with_capacity(JSON_BYTES_PER_TEXT_BYTE * posting.text.len() + 4096);
            serde_json::to_writer(&mut json, &verdict).map_err(ApiError::internal)?;
            Ok(json)
        })
        .await??;
    Ok((json_headers(), json).into_response())
}

/// One entry of a batch's answer: the item's id, when it has one, then its
/// verdict or its error.
#[derive(Serialize)]
struct Entry<'a, T: Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Value>,
    #[serde(flatten)]
    answer: T,
}

/// An item's error, as `{"error": {"code", "message"}}`.
#[derive(Serialize)]
struct ItemError {
    error: Value,
}

/// `POST /v1/classify/batch`: postings in, verdicts out in the same order,
/// an item that gets none answered by its own error.
async fn batch(
    State(s): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (how, bytes) = judging_request(&s, query.as_deref(), &headers, body).await?;
    let metrics = Arc::clone(&s.metrics);
    let json = s
        .workers
        .run(move |model, scratch| batch_json(model, scratch, &bytes, &how, &metrics))
        .await??;
    Ok((json_headers(), json).into_response())
}

fn batch_json(
    model: &Model,
    scratch: &mut Scratch,
    bytes: &[u8],
    how: &Judging,
    metrics: &Metrics,
) -> Result<Vec<u8>, ApiError> {
    let items = match parse_json(bytes)? {
        Value::Array(items) => items,
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_batch",
                format!("expected an array of postings, found {}", json_kind(&other)),
            ))
        }
    };
    if items.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_items",
            format!(
                "{} postings in one batch; the most is {MAX_BATCH}: send several batches",
                items.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let id = item.get("id").filter(|v| v.is_string() || v.is_number());
        let posting = posting_fields(item)
            .map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_posting", m))
            .and_then(|(title, text)| Posting::new(title, text, how).map_err(ApiError::refused));
        let written = match posting {
            Ok(posting) => {
                let answer = posting.judge(model, scratch, how);
                metrics.verdict(answer.verdict());
                serde_json::to_writer(&mut out, &Entry::<JsonVerdict> { id, answer })
            }
            Err(e) => {
                metrics.unjudged();
                let answer = ItemError { error: e.body() };
                serde_json::to_writer(&mut out, &Entry { id, answer })
            }
        };
        written.map_err(ApiError::internal)?;
    }
    out.push(b']');
    Ok(out)
}

/// `POST /v1/audit`: a dump in, its JSONL verdict lines streamed out as they
/// are judged, exactly what `rolecheck audit` writes for the same input.
async fn audit(
    State(s): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let options = Params::parse(query.as_deref(), AuditOptions::NAMES)?.audit_options()?;
    let hint = dump_format(&headers)?;
    content_encoding(&headers, true)?;
    let permit = Arc::clone(&s.audits).try_acquire_owned().map_err(|_| {
        ApiError::saturated(format!(
            "{MAX_AUDITS} audits are streaming already; retry when one ends"
        ))
    })?;
    let input = stream::BodyReader::new(body, s.idle);
    let (output, response_body) = stream::chunked(s.idle);
    let (started_tx, started) = oneshot::channel();
    let shared = Arc::clone(&s);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        shared.run_audit(input, hint, options, output, started_tx);
    });
    match started.await {
        Ok(Ok(())) => {
            let ndjson = HeaderValue::from_static("application/x-ndjson");
            Ok(([(header::CONTENT_TYPE, ndjson)], response_body).into_response())
        }
        Ok(Err(e)) => Err(e),
        Err(_) => Err(ApiError::internal("the audit stopped before it started")),
    }
}

impl Shared {
    /// Opens the dump (says through `started` whether it could), then audits
    /// it into `output`: on a blocking thread.
    fn run_audit(
        &self,
        input: stream::BodyReader,
        hint: Format,
        options: AuditOptions,
        output: stream::ChunkWriter,
        started: oneshot::Sender<Result<(), ApiError>>,
    ) {
        let opened = audit::open_reader(Box::new(input), Some(hint))
            .map_err(|e| read_error(&e))
            .and_then(|(reader, format)| {
                Dump::new(reader, format, Fields::default(), self.max_body)
                    .map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_dump", m))
            });
        let dump = match opened {
            Ok(dump) => dump,
            Err(e) => {
                let _ = started.send(Err(e));
                return;
            }
        };
        if started.send(Ok(())).is_err() {
            return;
        }
        let sinks = (
            WriterSink::jsonl(output).only_flagged(options.only_flagged),
            AuditCounts(Arc::clone(&self.metrics)),
        );
        let settings = Settings {
            line_offset: options.line_offset,
            min_confidence: options.min_confidence,
            force_lang: options.force_lang,
            cards: false,
        };
        // An error here is the client's connection (gone, or not reading):
        // nobody is left to tell.
        let _ = Auditor::new(&self.model, settings)
            .threads(self.threads)
            .run(dump, sinks);
    }
}

/// The status of a body that could not be read.
fn read_error(e: &std::io::Error) -> ApiError {
    if e.kind() == std::io::ErrorKind::TimedOut {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!("reading the body: {e}"),
        )
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            format!("reading the body: {e}"),
        )
    }
}

/// A posting's title and text, from `{"title"?, "text"}`.
fn posting_fields(item: &Value) -> Result<(Option<&str>, &str), String> {
    let Value::Object(fields) = item else {
        return Err(format!(
            "expected a posting object {{\"title\"?, \"text\"}}, found {}",
            json_kind(item)
        ));
    };
    let text = match fields.get("text") {
        Some(Value::String(t)) => t.as_str(),
        None => return Err("no `text`: the posting's body is required".into()),
        Some(v) => return Err(format!("field `text` is {}, expected text", json_kind(v))),
    };
    let title = match fields.get("title") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(t.as_str()),
        Some(v) => return Err(format!("field `title` is {}, expected text", json_kind(v))),
    };
    Ok((title, text))
}
