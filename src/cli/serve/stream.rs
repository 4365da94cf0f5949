//! Bridges between the async server and an audit, which reads its dump and
//! writes its lines on a thread of its own (the library's [`Auditor`] is
//! blocking code): the request body read as a [`std::io::Read`], and a
//! [`std::io::Write`] whose bytes become the response body as they come.
//!
//! Both ends wait for the client at most the idle time: a client that stops
//! sending its dump ends it (the audit writes an `input ends early` line, as
//! for a truncated file), and one that stops reading stops the audit, so a
//! slow client never holds the audit's threads for longer than that.
//!
//! [`Auditor`]: rolecheck::audit::Auditor

use std::io::{Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::Frame;
use http_body_util::BodyExt;
use tokio::runtime::Handle;
use tokio::sync::mpsc;

/// Bytes gathered before they are sent to the client: the lines come out
/// in pieces of this size (and at the end), not one write per line.
const CHUNK_BYTES: usize = 64 << 10;
/// Chunks waiting for the client: with the audit's own batches in flight,
/// what a slow reader makes the server hold stays small.
const CHUNKS_QUEUED: usize = 4;

/// A request body read from a blocking thread.
pub(super) struct BodyReader {
    body: Body,
    chunk: Bytes,
    ended: bool,
    handle: Handle,
    idle: Duration,
}

impl BodyReader {
    /// Reads `body`, waiting at most `idle` for each piece of it. Must be
    /// made on the server's runtime (it keeps a handle to it).
    pub(super) fn new(body: Body, idle: Duration) -> BodyReader {
        BodyReader {
            body,
            chunk: Bytes::new(),
            ended: false,
            handle: Handle::current(),
            idle,
        }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() && !self.ended {
            let next = self
                .handle
                .block_on(tokio::time::timeout(self.idle, self.body.frame()));
            match next {
                Err(_) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no data received for {} s", self.idle.as_secs()),
                    ))
                }
                Ok(None) => self.ended = true,
                Ok(Some(Err(e))) => return Err(std::io::Error::other(e)),
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        self.chunk = data;
                    }
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk.split_to(n));
        Ok(n)
    }
}

/// The writing end of a streamed response body, used from a blocking thread.
pub(super) struct ChunkWriter {
    buf: Vec<u8>,
    tx: mpsc::Sender<Bytes>,
    handle: Handle,
    idle: Duration,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        let sent = self
            .handle
            .block_on(tokio::time::timeout(self.idle, self.tx.send(chunk)));
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the client went away",
            )),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the client took no data for {} s", self.idle.as_secs()),
            )),
        }
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// The response body fed by a [`ChunkWriter`]; it ends when the writer is
/// dropped.
struct ChunkBody {
    rx: mpsc::Receiver<Bytes>,
}

impl http_body::Body for ChunkBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.get_mut()
            .rx
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// A writer for a blocking thread and the response body that streams what
/// it writes, the writer waiting at most `idle` for the client to take a
/// chunk. Must be called on the server's runtime.
pub(super) fn chunked(idle: Duration) -> (ChunkWriter, Body) {
    let (tx, rx) = mpsc::channel(CHUNKS_QUEUED);
    let writer = ChunkWriter {
        buf: Vec::with_capacity(CHUNK_BYTES),
        tx,
        handle: Handle::current(),
        idle,
    };
    (writer, Body::new(ChunkBody { rx }))
}
