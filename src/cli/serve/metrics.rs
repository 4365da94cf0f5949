//! `GET /metrics`: the server's counters in Prometheus's text format —
//! requests by route and status, a latency histogram per route, requests in
//! flight, and the verdicts given (by role, backlog managers flagged, title
//! mismatches, records left without a verdict).
//!
//! A few atomics and one mutex held for a map update per request, written
//! out by hand: no metrics crate for a dozen series.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rolecheck::audit::{Judged, Sink, Tally, Wants};
use rolecheck::{Role, Verdict};

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// One route's requests.
#[derive(Debug, Default)]
struct RouteStats {
    /// Requests answered, by status.
    statuses: BTreeMap<u16, u64>,
    /// Requests per latency bucket (not cumulative; the last is `+Inf`).
    buckets: [u64; BUCKETS.len() + 1],
    /// Total latency, in seconds.
    seconds: f64,
}

/// The server's counters, shared by every request.
#[derive(Debug, Default)]
pub(super) struct Metrics {
    /// By route (the route's pattern, or `unmatched`).
    routes: Mutex<BTreeMap<String, RouteStats>>,
    in_flight: AtomicI64,
    /// Verdicts given, by role (in [`Role::ALL`] order).
    verdicts: [AtomicU64; Role::ALL.len()],
    backlog_managers: AtomicU64,
    title_mismatches: AtomicU64,
    /// Audit records and batch items that got an error instead of a verdict.
    unjudged: AtomicU64,
}

impl Metrics {
    /// A request has come in.
    pub(super) fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    /// A request's response has been sent (or abandoned) after `seconds`.
    pub(super) fn request_done(&self, route: &str, status: u16, seconds: f64) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let bucket = BUCKETS
            .iter()
            .position(|&le| seconds <= le)
            .unwrap_or(BUCKETS.len());
        // A panic elsewhere while holding the lock leaves counts that are still counts.
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let stats = match routes.get_mut(route) {
            Some(s) => s,
            None => routes.entry(route.to_string()).or_default(),
        };
        *stats.statuses.entry(status).or_default() += 1;
        stats.buckets[bucket] += 1;
        stats.seconds += seconds;
    }

    /// A verdict was given (by `/v1/classify` or a batch).
    pub(super) fn verdict(&self, v: &Verdict) {
        self.count(v.classification.role, v.backlog_manager, v.title_mismatch);
    }

    /// A batch item or audit record got an error instead of a verdict.
    pub(super) fn unjudged(&self) {
        self.unjudged.fetch_add(1, Ordering::Relaxed);
    }

    fn count(&self, role: Role, backlog_manager: bool, title_mismatch: bool) {
        self.verdicts[role.index()].fetch_add(1, Ordering::Relaxed);
        if backlog_manager {
            self.backlog_managers.fetch_add(1, Ordering::Relaxed);
        }
        if title_mismatch {
            self.title_mismatches.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Everything, in Prometheus's text exposition format (version 0.0.4).
    pub(super) fn render(&self) -> String {
        let mut out = String::new();
        self.render_requests(&mut out);
        let gauge = self.in_flight.load(Ordering::Relaxed).max(0);
        header(
            &mut out,
            "rolecheck_http_requests_in_flight",
            "gauge",
            "Requests being answered.",
        );
        let _ = writeln!(out, "rolecheck_http_requests_in_flight {gauge}");
        header(
            &mut out,
            "rolecheck_verdicts_total",
            "counter",
            "Verdicts given, by role (a flagged backlog manager is po).",
        );
        for role in Role::ALL {
            let n = self.verdicts[role.index()].load(Ordering::Relaxed);
            let _ = writeln!(out, "rolecheck_verdicts_total{{role=\"{role}\"}} {n}");
        }
        for (name, help, counter) in [
            (
                "rolecheck_backlog_managers_total",
                "Postings titled as a PM whose duties are a backlog manager's.",
                &self.backlog_managers,
            ),
            (
                "rolecheck_title_mismatches_total",
                "Postings whose title and duties confidently disagree.",
                &self.title_mismatches,
            ),
            (
                "rolecheck_unjudged_total",
                "Batch items and audit records answered with an error instead of a verdict.",
                &self.unjudged,
            ),
        ] {
            header(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", counter.load(Ordering::Relaxed));
        }
        out
    }

    fn render_requests(&self, out: &mut String) {
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let name = "rolecheck_http_requests_total";
        header(
            out,
            name,
            "counter",
            "Requests answered, by route and status.",
        );
        for (route, stats) in routes.iter() {
            let route = label(route);
            for (status, n) in &stats.statuses {
                let _ = writeln!(out, "{name}{{route=\"{route}\",status=\"{status}\"}} {n}");
            }
        }
        let name = "rolecheck_http_request_duration_seconds";
        header(
            out,
            name,
            "histogram",
            "Time from a request's arrival to the end of its response, by route.",
        );
        for (route, stats) in routes.iter() {
            let route = label(route);
            let mut cumulative = 0;
            for (i, n) in stats.buckets.iter().enumerate() {
                cumulative += n;
                let le = BUCKETS.get(i).map_or("+Inf".to_string(), |b| b.to_string());
                let _ = writeln!(
                    out,
                    "{name}_bucket{{route=\"{route}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {}", stats.seconds);
            let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {cumulative}");
        }
    }
}

/// A metric's `# HELP` and `# TYPE` lines.
fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value escaped as the text format wants it.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// An audit's sink that counts its verdicts into the server's metrics.
pub(super) struct AuditCounts(pub(super) Arc<Metrics>);

impl Sink for AuditCounts {
    fn wants(&self) -> Wants {
        Wants::default()
    }

    fn record(&mut self, judged: &Judged<'_>) -> std::io::Result<()> {
        match judged.tally {
            Tally::Error { .. } => self.0.unjudged(),
            Tally::Verdict {
                role,
                backlog_manager,
                title_mismatch,
                ..
            } => self.0.count(role, backlog_manager, title_mismatch),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_count_every_request() {
        let m = Metrics::default();
        for seconds in [0.0001, 0.003, 0.003, 20.0] {
            m.request_started();
            m.request_done("/v1/classify", 200, seconds);
        }
        m.request_done("/v1/classify", 422, 0.0001);
        let text = m.render();
        let line = |prefix: &str| {
            text.lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no line {prefix} in\n{text}"))
                .rsplit(' ')
                .next()
                .unwrap()
                .to_string()
        };
        let b = "rolecheck_http_request_duration_seconds_bucket{route=\"/v1/classify\",";
        assert_eq!(line(&format!("{b}le=\"0.0005\"}}")), "2");
        assert_eq!(line(&format!("{b}le=\"0.005\"}}")), "4");
        assert_eq!(line(&format!("{b}le=\"10\"}}")), "4");
        assert_eq!(line(&format!("{b}le=\"+Inf\"}}")), "5");
        assert_eq!(line("rolecheck_http_request_duration_seconds_count{"), "5");
        assert_eq!(
            line("rolecheck_http_requests_total{route=\"/v1/classify\",status=\"422\"}"),
            "1"
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
