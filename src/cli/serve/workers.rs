//! The classification workers: `--workers` threads of their own, each with
//! its warm [`Scratch`] (the vectorizer's chunk cache), taking jobs from the
//! async handlers.
//!
//! Not tokio's blocking pool: that one starts a thread whenever none is
//! idle at the instant a job arrives and lets threads go after a few idle
//! seconds, so the number of caches — the server's memory — and how warm
//! they are would follow the load's accidents. Here both are fixed: memory
//! stays flat under sustained load. A semaphore with one permit per thread
//! keeps the queue empty: a request waits for a permit (cancellably, within
//! its timeout), never behind jobs whose requests have gone.

use std::panic::AssertUnwindSafe;
use std::sync::{mpsc, Arc, Mutex};

use axum::http::StatusCode;
use rolecheck::{Model, Scratch};
use tokio::sync::{oneshot, Semaphore};

use super::api::ApiError;

/// A piece of work for a worker thread.
type Job = Box<dyn FnOnce(&Model, &mut Scratch) + Send>;

/// The worker threads and the permits to use them.
pub(super) struct Workers {
    queue: mpsc::Sender<Job>,
    permits: Arc<Semaphore>,
}

impl Workers {
    /// Starts `n` threads judging with `model`.
    pub(super) fn start(model: Arc<Model>, n: usize) -> std::io::Result<Workers> {
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        for i in 0..n {
            let (model, jobs) = (Arc::clone(&model), Arc::clone(&jobs));
            std::thread::Builder::new()
                .name(format!("rolecheck-worker-{i}"))
                .spawn(move || work(&model, &jobs))?;
        }
        Ok(Workers {
            queue,
            permits: Arc::new(Semaphore::new(n)),
        })
    }

    /// Runs `job` on a worker once one is free, with the model and the
    /// worker's scratch.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Model, &mut Scratch) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = Arc::clone(&self.permits).acquire_owned().await;
        let permit = permit.map_err(|_| stopped())?;
        let (done, answer) = oneshot::channel();
        let job: Job = Box::new(move |model, scratch| {
            let _permit = permit;
            let _ = done.send(job(model, scratch));
        });
        self.queue.send(job).map_err(|_| stopped())?;
        // No answer: the job panicked (the worker goes on with a new scratch).
        answer.await.map_err(|_| stopped())
    }
}

fn stopped() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "judging this request stopped short (a bug: please report it)",
    )
}

/// A worker's loop: jobs until the queue closes.
fn work(model: &Model, jobs: &Mutex<mpsc::Receiver<Job>>) {
    let mut scratch = Scratch::new();
    loop {
        let next = jobs.lock().map(|j| j.recv());
        let Ok(Ok(job)) = next else { return };
        if std::panic::catch_unwind(AssertUnwindSafe(|| job(model, &mut scratch))).is_err() {
            // The scratch may be half-updated: start again from an empty one.
            scratch = Scratch::new();
        }
    }
}
