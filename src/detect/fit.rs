//! Fitting the detector: the threshold with the best F0.5 on out-of-fold
//! scores, and its precision and recall measured with thresholds chosen
//! without the fold scored.

use serde::{Deserialize, Serialize};

use super::{duties::duty_terms, Detector, DEFAULT_THRESHOLD};
use crate::Analyzer;

/// How well the flag's threshold did when it was chosen, cross-validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagCalibration {
    /// Cross-validated precision of the flag (threshold chosen without the fold scored).
    pub precision: f64,
    /// Cross-validated recall of the flag.
    pub recall: f64,
    /// PM-titled postings labelled backlog managers.
    pub positives: usize,
    /// PM-titled postings that are not.
    pub negatives: usize,
}

/// Thresholds tried, from lenient to strict.
const THRESHOLDS: [f32; 18] = [
    0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98,
    0.99,
];

/// F-beta with β = 0.5: precision counts four times as much as recall, since
/// a false accusation is worse than a miss.
fn f_half(tp: usize, fp: usize, fn_: usize) -> f64 {
    let (tp, fp, fn_) = (tp as f64, fp as f64, fn_ as f64);
    let denom = 1.25 * tp + 0.25 * fn_ + fp;
    if denom == 0.0 {
        0.0
    } else {
        1.25 * tp / denom
    }
}

fn counts(scored: &[(f32, bool)], threshold: f32) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for &(s, positive) in scored {
        match (s >= threshold, positive) {
            (true, true) => c.0 += 1,
            (true, false) => c.1 += 1,
            (false, true) => c.2 += 1,
            (false, false) => {}
        }
    }
    c
}

/// The threshold with the best F0.5 on `scored`; ties go to the stricter one.
fn best_threshold(scored: &[(f32, bool)]) -> f32 {
    let mut best = (f64::MIN, THRESHOLDS[0]);
    for t in THRESHOLDS {
        let (tp, fp, fn_) = counts(scored, t);
        let f = f_half(tp, fp, fn_);
        if f >= best.0 {
            best = (f, t);
        }
    }
    best.1
}

/// Chooses the threshold from out-of-fold scores: `(flag score, is a
/// backlog manager, fold)` of every PM-titled posting. The precision and
/// recall reported are those of thresholds chosen without the fold scored.
pub(super) fn calibrate(scored: &[(f32, bool, usize)], folds: usize) -> (f32, FlagCalibration) {
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for f in 0..folds {
        let others: Vec<(f32, bool)> = scored
            .iter()
            .filter(|s| s.2 != f)
            .map(|s| (s.0, s.1))
            .collect();
        let held: Vec<(f32, bool)> = scored
            .iter()
            .filter(|s| s.2 == f)
            .map(|s| (s.0, s.1))
            .collect();
        let c = counts(&held, best_threshold(&others));
        tp += c.0;
        fp += c.1;
        fn_ += c.2;
    }
    let all: Vec<(f32, bool)> = scored.iter().map(|s| (s.0, s.1)).collect();
    let ratio = |a: usize, b: usize| {
        if a + b == 0 {
            0.0
        } else {
            a as f64 / (a + b) as f64
        }
    };
    let calibration = FlagCalibration {
        precision: ratio(tp, fp),
        recall: ratio(tp, fn_),
        positives: all.iter().filter(|s| s.1).count(),
        negatives: all.iter().filter(|s| !s.1).count(),
    };
    (best_threshold(&all), calibration)
}

impl Detector {
    /// Fits the detector that reads postings with `analyzer` (the model's
    /// body analyzer, which turns each PM duty's words into its terms) from
    /// out-of-fold scores: `(flag score, is a backlog manager, fold)` of
    /// every PM-titled training posting, over `folds` folds. Postings that
    /// do not show both kinds (no titles, or no backlog manager among them)
    /// cannot calibrate a threshold: the detector then has the documented
    /// default, [`DEFAULT_THRESHOLD`], and no calibration.
    pub fn fit(analyzer: &Analyzer, scored: &[(f32, bool, usize)], folds: usize) -> Detector {
        let both = scored.iter().any(|s| s.1) && scored.iter().any(|s| !s.1);
        let (threshold, calibration) = if both {
            let (threshold, calibration) = calibrate(scored, folds);
            (threshold, Some(calibration))
        } else {
            (DEFAULT_THRESHOLD, None)
        };
        Detector {
            threshold,
            calibration,
            duty_terms: duty_terms(analyzer),
        }
    }
}
