//! What the chosen candidate's out-of-fold scores give: each head's
//! temperature, the role reading's calibration measured out of fold, the
//! duty reading's scores, and the backlog-manager detector.

use super::super::calibrate::{fit_temperature, reliability, scaled_softmax};
use super::super::{argmax, Calibration, Confusion, Scores, N_ROLES};
use super::FoldResult;
use crate::corpus::LabelledPosting;
use crate::detect::{flag_score, Detector};
use crate::title::claimed_role;
use crate::{Analyzer, Role};

/// One head's seven scores (or probabilities) for a posting.
type Scored = [f32; N_ROLES];

/// What the chosen candidate's out-of-fold scores give: each head's
/// temperature, the role reading's calibration out of fold, the duty
/// reading's scores, and the backlog-manager detector (fitted on the flag
/// scores of the PM-titled postings, its duty terms read by `analyzer`, the
/// analyzer of the model's body vectorizer).
pub(super) fn calibrate_out_of_fold(
    postings: &[&LabelledPosting],
    outer: &[FoldResult],
    analyzer: &Analyzer,
) -> (Calibration, Scores, Detector) {
    let k = outer.len();
    let truth = |i: usize| postings[i].label;
    // Each head's out-of-fold scores and true roles, per fold.
    let per_fold = |head: fn(&(usize, Scored, Scored)) -> Scored| -> Vec<Vec<(Scored, Role)>> {
        outer
            .iter()
            .map(|f| f.scores.iter().map(|s| (head(s), truth(s.0))).collect())
            .collect()
    };
    let role_folds = per_fold(|s| s.1);
    let duty: Vec<(Scored, Role)> = per_fold(|s| s.2).concat();
    let role = role_folds.concat();
    let role_temperature = fit_temperature(&role);
    let duty_temperature = fit_temperature(&duty);
    let probabilities = |scored: &[(Scored, Role)], t: f32| -> Vec<(Scored, Role)> {
        scored
            .iter()
            .map(|(s, r)| (scaled_softmax(s, t), *r))
            .collect()
    };
    // Calibration measured honestly: each fold's temperature fitted on the others.
    let mut held_out = Vec::new();
    for (f, fold) in role_folds.iter().enumerate() {
        let others: Vec<(Scored, Role)> = role_folds
            .iter()
            .enumerate()
            .filter(|(g, _)| *g != f)
            .flat_map(|(_, o)| o.iter().copied())
            .collect();
        held_out.extend(probabilities(fold, fit_temperature(&others)));
    }
    let (role_ece_before, _) = reliability(&probabilities(&role, 1.0));
    let (role_ece, role_reliability) = reliability(&held_out);
    let calibration = Calibration {
        role_temperature,
        duty_temperature,
        role_ece_before,
        role_ece,
        role_reliability,
    };
    let mut duty_confusion = Confusion::default();
    for (s, r) in &duty {
        duty_confusion.add(*r, argmax(s));
    }
    // The backlog-manager flag, on the duty reading of the PM-titled postings.
    let mut scored = Vec::new();
    for (f, fold) in outer.iter().enumerate() {
        for &(i, _, d) in &fold.scores {
            if let Some(claim) = claimed_role(&postings[i].title).filter(|r| r.is_pm_family()) {
                let score = flag_score(&d, claim, duty_temperature);
                scored.push((score, postings[i].backlog_manager, f));
            }
        }
    }
    let detector = Detector::fit(analyzer, &scored, k);
    (calibration, duty_confusion.scores(), detector)
}

/// Tells `progress` the temperatures and the backlog-manager flag's threshold.
pub(super) fn show_calibration(
    progress: &mut dyn FnMut(&str),
    calibration: &Calibration,
    detector: &Detector,
) {
    progress(&format!(
        "calibration: temperatures {:.2} (role) and {:.2} (duty); role ECE {:.3} before, {:.3} after (out of fold)",
        calibration.role_temperature,
        calibration.duty_temperature,
        calibration.role_ece_before,
        calibration.role_ece
    ));
    progress(&match detector.calibration() {
        Some(d) => format!(
            "backlog-manager flag: threshold {:.2}, cross-validated precision {:.3}, recall {:.3} ({} flagged postings, {} others titled PM)",
            detector.threshold(), d.precision, d.recall, d.positives, d.negatives
        ),
        None => format!(
            "backlog-manager flag: not calibrated (no backlog managers and other PM titles to tell apart), default threshold {:.2}",
            detector.threshold()
        ),
    });
}
