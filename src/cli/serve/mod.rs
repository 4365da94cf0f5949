//! `rolecheck serve`: the page at `/` and the JSON API on one local HTTP
//! server (axum on tokio).
//!
//! The server is stateless — a verdict depends only on the request and the
//! model — so instances scale behind any load balancer. What keeps it
//! standing under load and bad input:
//!
//! - classification runs on `--workers` threads of its own, never on the
//!   async threads that read and write sockets;
//! - at most [`IN_FLIGHT_PER_WORKER`] × `--workers` requests are in flight;
//!   one more is answered 503 at once instead of joining a queue;
//! - every request has `--timeout` seconds: a client still sending its body
//!   then gets 408, a request still waiting for a worker 503; headers must
//!   arrive within the same time, so a slow client holds neither a worker
//!   nor, for long, a connection;
//! - bodies are read up to `--max-body` bytes (413 past it);
//! - SIGINT or SIGTERM stops accepting connections and lets the requests in
//!   flight finish (a second signal stops at once).
//!
//! Every request is logged on stderr when its response ends: method, path,
//! status, latency; stdout only gets the `listening on` line.

use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;

mod api;
mod metrics;
mod page;
mod request;
mod stream;
mod workers;

use api::ApiError;
use metrics::Metrics;

/// Requests in flight allowed per worker: enough to keep every worker busy
/// while others are being read and written, few enough that a request
/// waits a few milliseconds for a worker, not seconds.
const IN_FLIGHT_PER_WORKER: usize = 32;

/// Arguments of `rolecheck serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Where to listen: HOST:PORT (port 0 picks a free port; the line
    /// printed says which). Only this machine can connect unless told
    /// otherwise (e.g. 0.0.0.0:8080).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: String,
    /// A model file to use instead of the shipped one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The largest request body (suffixes K, M, G); a larger one is
    /// answered 413. /v1/audit streams its body: there it bounds each record
    /// (a longer one gets an error line, as with audit --max-record-bytes).
    #[arg(long, value_name = "BYTES", default_value = "4M", value_parser = super::byte_size)]
    max_body: usize,
    /// Classification threads [default: all cores]; requests in flight
    /// beyond 32 per worker are answered 503.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    workers: Option<u32>,
    /// Seconds a request may take to arrive and be answered (a streamed
    /// audit: to send or take each piece of data).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
}

/// How the server stopped.
enum Stopped {
    /// Every request in flight finished.
    Gracefully,
    /// A second signal cut requests short.
    Forced,
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let model = Arc::new(super::load_model(args.model.as_deref())?);
    let workers = match args.workers {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let timeout = Duration::from_secs(args.timeout);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("rolecheck-serve")
        .build()
        .context("starting the server's threads")?;
    let stopped = runtime.block_on(async {
        let metrics = Arc::new(Metrics::default());
        let shared = api::Shared::new(Arc::clone(&model), Arc::clone(&metrics), workers, args.max_body, timeout)
            .context("starting the worker threads")?;
        let limits = Limits {
            in_flight: Arc::new(Semaphore::new(IN_FLIGHT_PER_WORKER * workers)),
            timeout,
        };
        let app = app(Arc::new(shared), page::router(model), limits, metrics, args.max_body);
        let listener = TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        // The port is how tests and scripts find the server: say it first, at once.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}").and_then(|()| out.flush());
        drop(out);
        let _ = writeln!(
            std::io::stderr().lock(),
            "rolecheck: {workers} workers, up to {} requests in flight, bodies up to {} bytes, {} s per request; stop with Ctrl-C or SIGTERM",
            IN_FLIGHT_PER_WORKER * workers,
            args.max_body,
            args.timeout
        );
        Ok::<_, anyhow::Error>(serve(listener, app, timeout).await)
    })?;
    // Connections are closed: only a blocking task cut short by a second
    // signal could still be running.
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(match stopped {
        Stopped::Gracefully => ExitCode::SUCCESS,
        Stopped::Forced => ExitCode::FAILURE,
    })
}

/// The whole application: the page and the API behind the limits, the
/// monitoring routes beside them, compression and the request log around all.
fn app(
    shared: Arc<api::Shared>,
    page: Router,
    limits: Limits,
    metrics: Arc<Metrics>,
    max_body: usize,
) -> Router {
    Router::new()
        .merge(page)
        .merge(api::router(Arc::clone(&shared)))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(limits, limit))
        .merge(api::ops_router(shared))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(metrics, observe))
}

/// Accepts connections until a signal, then lets them finish.
async fn serve(listener: TcpListener, app: Router, timeout: Duration) -> Stopped {
    let graceful = GracefulShutdown::new();
    let mut signal = std::pin::pin!(shutdown_signal());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, most often: wait for some to close.
                    let _ = writeln!(std::io::stderr().lock(), "rolecheck: accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        // Answers are small and written whole: send them without delay.
        let _ = stream.set_nodelay(true);
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection's error is the client's (reset, bad request line).
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = writeln!(
        std::io::stderr().lock(),
        "rolecheck: stopping: finishing the requests in flight (signal again to stop at once)"
    );
    tokio::select! {
        () = graceful.shutdown() => Stopped::Gracefully,
        () = shutdown_signal() => Stopped::Forced,
    }
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// The limits every page and API request is held to.
#[derive(Clone)]
struct Limits {
    /// One permit per request in flight.
    in_flight: Arc<Semaphore>,
    timeout: Duration,
}

/// Answers 503 when too many requests are in flight, and 408 or 503 when
/// one takes longer than the timeout: 408 while its body is still coming
/// (the client is slow), 503 once it has all arrived (the server is).
async fn limit(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let Ok(_permit) = Arc::clone(&limits.in_flight).try_acquire_owned() else {
        return ApiError::saturated("too many requests in flight; retry in a moment")
            .into_response();
    };
    let received = Arc::new(AtomicBool::new(http_body::Body::is_end_stream(
        request.body(),
    )));
    let watched = Arc::clone(&received);
    let request = request.map(|body| {
        Body::new(Watched {
            body,
            received: watched,
        })
    });
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let secs = limits.timeout.as_secs();
            if received.load(Ordering::Relaxed) {
                ApiError::saturated(format!(
                    "no answer within {secs} s: the server is busy; retry later"
                ))
            } else {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "timeout",
                    format!("the request did not arrive within {secs} s"),
                )
            }
            .into_response()
        }
    }
}

/// A request body that says when it has all arrived.
struct Watched {
    body: Body,
    received: Arc<AtomicBool>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let frame = Pin::new(&mut this.body).poll_frame(cx);
        if matches!(frame, Poll::Ready(None)) || this.body.is_end_stream() {
            this.received.store(true, Ordering::Relaxed);
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Counts and logs each request once its response has ended.
async fn observe(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    metrics.request_started();
    let response = next.run(request).await;
    let done = Done {
        metrics,
        route,
        method,
        path,
        status: response.status(),
        started,
    };
    response.map(|body| Body::new(Logged { body, _done: done }))
}

/// A response body that logs and counts its request when dropped: after
/// its last byte is written, or when the client has gone.
struct Logged {
    body: Body,
    _done: Done,
}

impl http_body::Body for Logged {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// What the log line and the metrics say of a request.
struct Done {
    metrics: Arc<Metrics>,
    route: Option<MatchedPath>,
    method: Method,
    path: String,
    status: StatusCode,
    started: Instant,
}

impl Drop for Done {
    fn drop(&mut self) {
        let seconds = self.started.elapsed().as_secs_f64();
        let route = self.route.as_ref().map_or("unmatched", MatchedPath::as_str);
        self.metrics
            .request_done(route, self.status.as_u16(), seconds);
        // The log is best effort: a closed stderr must not stop the server.
        let _ = writeln!(
            std::io::stderr().lock(),
            "{} {} {} {:.1} ms",
            self.method,
            self.path,
            self.status.as_u16(),
            seconds * 1e3
        );
    }
}
