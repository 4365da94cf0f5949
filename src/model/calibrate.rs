//! Confidence that means what it says: each head's scores are divided by a
//! temperature fitted on out-of-fold scores (the one that minimises their
//! log-loss), so that among verdicts given with confidence 0.8, about 80 %
//! are right. Dividing every score by the same number keeps the ranking of
//! roles and the exact arithmetic of the evidence.

use serde::{Deserialize, Serialize};

use super::{softmax, N_ROLES};
use crate::Role;

/// Each reading's temperature, and how well the role reading is calibrated
/// out of fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The role head's scores are divided by this before the softmax.
    pub role_temperature: f32,
    /// The duty head's scores are divided by this before the softmax.
    pub duty_temperature: f32,
    /// Expected calibration error of the role reading's confidence, out of
    /// fold, with a temperature of 1.
    pub role_ece_before: f64,
    /// The same with the fitted temperature (itself fitted out of fold).
    pub role_ece: f64,
    /// The role reading's reliability table, out of fold.
    pub role_reliability: Vec<Reliability>,
}

impl Default for Calibration {
    /// No rescaling.
    fn default() -> Calibration {
        Calibration {
            role_temperature: 1.0,
            duty_temperature: 1.0,
            role_ece_before: 0.0,
            role_ece: 0.0,
            role_reliability: Vec::new(),
        }
    }
}

/// One bin of a reliability table: the verdicts whose confidence falls in
/// `[low, high)`, their mean confidence and how many were right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    /// Lower end of the confidence bin.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Verdicts in the bin.
    pub postings: usize,
    /// Their mean confidence.
    pub confidence: f64,
    /// The share of them that were right.
    pub accuracy: f64,
}

impl Calibration {
    /// The role reading's probabilities for these scores.
    pub fn role_probabilities(&self, scores: &[f32; N_ROLES]) -> [f32; N_ROLES] {
        scaled_softmax(scores, self.role_temperature)
    }

    /// The duty reading's probabilities for these scores.
    pub fn duty_probabilities(&self, scores: &[f32; N_ROLES]) -> [f32; N_ROLES] {
        scaled_softmax(scores, self.duty_temperature)
    }
}

/// `softmax(scores / t)`.
pub(crate) fn scaled_softmax(scores: &[f32; N_ROLES], t: f32) -> [f32; N_ROLES] {
    softmax(&scores.map(|s| s / t))
}

/// Mean negative log-likelihood of the true roles at temperature `t`.
fn log_loss(scored: &[([f32; N_ROLES], Role)], t: f32) -> f64 {
    let sum: f64 = scored
        .iter()
        .map(|(s, role)| {
            let p = scaled_softmax(s, t)[role.index()];
            -f64::from(p.max(1e-12)).ln()
        })
        .sum();
    sum / scored.len().max(1) as f64
}

/// The temperature with the least log-loss on `scored` (scores and true
/// role), searched on a log scale between 0.05 and 20: a golden-section
/// search, deterministic.
pub(crate) fn fit_temperature(scored: &[([f32; N_ROLES], Role)]) -> f32 {
    if scored.is_empty() {
        return 1.0;
    }
    let loss = |log_t: f64| log_loss(scored, log_t.exp() as f32);
    let (mut a, mut b) = (0.05f64.ln(), 20f64.ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
    let (mut fc, mut fd) = (loss(c), loss(d));
    for _ in 0..60 {
        if fc <= fd {
            (b, d, fd) = (d, c, fc);
            c = b - g * (b - a);
            fc = loss(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + g * (b - a);
            fd = loss(d);
        }
    }
    (((a + b) / 2.0).exp()) as f32
}

/// Bins of the reliability table.
const BINS: usize = 10;

/// Expected calibration error of the top role's confidence over `BINS`
/// equal-width bins, and the reliability table, for probabilities and true roles.
pub(crate) fn reliability(predicted: &[([f32; N_ROLES], Role)]) -> (f64, Vec<Reliability>) {
    let mut bins = vec![(0usize, 0f64, 0usize); BINS];
    for (p, role) in predicted {
        let top = super::argmax(p);
        let conf = f64::from(p[top.index()]);
        let bin = ((conf * BINS as f64) as usize).min(BINS - 1);
        bins[bin].0 += 1;
        bins[bin].1 += conf;
        bins[bin].2 += usize::from(top == *role);
    }
    let n = predicted.len().max(1) as f64;
    let mut ece = 0.0;
    let table = bins
        .iter()
        .enumerate()
        .filter(|(_, b)| b.0 > 0)
        .map(|(k, &(count, conf, right))| {
            let (confidence, accuracy) = (conf / count as f64, right as f64 / count as f64);
            ece += count as f64 / n * (confidence - accuracy).abs();
            Reliability {
                low: k as f64 / BINS as f64,
                high: (k + 1) as f64 / BINS as f64,
                postings: count,
                confidence,
                accuracy,
            }
        })
        .collect();
    (ece, table)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores that are right 75 % of the time but say so with a margin of 10.
    fn overconfident() -> Vec<([f32; N_ROLES], Role)> {
        (0..400)
            .map(|i| {
                let mut s = [0.0; N_ROLES];
                s[0] = 10.0;
                let truth = if i % 4 == 0 {
                    Role::ALL[1]
                } else {
                    Role::ALL[0]
                };
                (s, truth)
            })
            .collect()
    }

    #[test]
    fn an_overconfident_head_gets_a_temperature_above_one_and_a_lower_ece() {
        let scored = overconfident();
        let t = fit_temperature(&scored);
        assert!(t > 1.5, "{t}");
        let probs = |t: f32| -> Vec<([f32; N_ROLES], Role)> {
            scored
                .iter()
                .map(|(s, r)| (scaled_softmax(s, t), *r))
                .collect()
        };
        let (before, _) = reliability(&probs(1.0));
        let (after, table) = reliability(&probs(t));
        assert!(before > 0.2, "{before}");
        assert!(after < 0.02, "{after}");
        assert_eq!(table.iter().map(|b| b.postings).sum::<usize>(), 400);
        assert!((table[0].accuracy - 0.75).abs() < 1e-9 || table.len() == 1);
    }

    #[test]
    fn dividing_scores_keeps_the_ranking() {
        let s = [3.0, -1.0, 0.5, 2.0, 0.0, 1.0, -2.0];
        let (a, b) = (scaled_softmax(&s, 1.0), scaled_softmax(&s, 3.7));
        assert_eq!(super::super::argmax(&a), super::super::argmax(&b));
        assert!(b[0] < a[0]);
    }
}
