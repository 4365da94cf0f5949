//! The backlog-manager detector: the role a title claims against the role the
//! duties describe, with the evidence on the posting's own words.
//!
//! A posting is a *backlog manager* when its title claims a Product Manager
//! (`pm`, `ai-pm` or `data-pm`) and the duty reading (the body, role names
//! masked) says "PO duties" rather than the claimed role's with a
//! probability that reaches the [`Detector`]'s threshold, chosen by
//! cross-validation when the model was trained (see [`flag_score`]).
//!
//! The detector comes after the model's heads and reads only what they
//! give: the duty head's scores and coefficients, the duty vector and the
//! occurrences behind it, plain values. The model, which stores a detector
//! in its file, calls it from [`crate::Model::check`]; nothing here knows the
//! model.

mod duties;
mod fit;
mod phrases;

use serde::{Deserialize, Serialize};

use crate::{Role, TfIdfParams};
pub(crate) use duties::DutyWatch;
pub use duties::PmDuty;
pub use fit::FlagCalibration;
pub(crate) use phrases::evidence;
pub use phrases::{Phrase, Side, MAX_PHRASES};

/// One score per role, in [`Role::ALL`] order.
const N_ROLES: usize = Role::ALL.len();

/// The threshold of a detector whose training postings could not calibrate
/// one (no titles, or no backlog manager among the PM-titled postings).
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// Confidence needed before a disagreement with the title counts as a mismatch.
const MISMATCH_CONFIDENCE: f32 = 0.6;

/// The fitted backlog-manager detector: the flag's threshold, how well it
/// did when it was chosen, and the terms of each core PM duty as the model's
/// analyzer reads them. Every model has one, stored in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DetectorParts")]
pub struct Detector {
    /// A PM-titled posting whose flag score reaches this is flagged.
    threshold: f32,
    /// How the threshold was chosen (none: [`DEFAULT_THRESHOLD`]).
    calibration: Option<FlagCalibration>,
    /// Per [`PmDuty::ALL`], its terms, sorted.
    duty_terms: [Vec<String>; 4],
}

/// A detector as a model file stores it, checked before it becomes one.
#[derive(Deserialize)]
struct DetectorParts {
    threshold: f32,
    calibration: Option<FlagCalibration>,
    duty_terms: [Vec<String>; 4],
}

impl TryFrom<DetectorParts> for Detector {
    type Error = String;

    fn try_from(p: DetectorParts) -> Result<Detector, String> {
        if !(0.0..=1.0).contains(&p.threshold) {
            return Err(format!(
                "the detector's threshold is {}; it must be a probability, from 0 to 1",
                p.threshold
            ));
        }
        for (duty, terms) in PmDuty::ALL.iter().zip(&p.duty_terms) {
            if !terms.windows(2).all(|w| w[0] < w[1]) {
                return Err(format!(
                    "the detector's terms for {} are not sorted without repeats",
                    duty.name()
                ));
            }
        }
        Ok(Detector {
            threshold: p.threshold,
            calibration: p.calibration,
            duty_terms: p.duty_terms,
        })
    }
}

/// What the detector says of one posting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flag {
    /// The PM role the duties are weighed against: the one the title claims,
    /// or `pm` when it claims none.
    pub claim: Role,
    /// Probability that the duties are a Product Owner's rather than the
    /// claim's, in [0, 1] (see [`flag_score`]).
    pub score: f32,
    /// Titled as a Product Manager, reads as a backlog manager.
    pub backlog_manager: bool,
    /// A confident disagreement between the title and the duties, other than
    /// a backlog manager (a "Product Owner" doing product marketing, a
    /// "Product Manager" running a project).
    pub title_mismatch: bool,
}

/// The flag's score: the probability that the duties are a Product Owner's
/// rather than those of the role the title claims, from the duty head's
/// scores alone (divided by its `temperature`) — the question is "PO duties
/// or PM duties?", not "which of seven roles?", so duties that lean
/// elsewhere but are PO-like against the claim still score high.
pub(crate) fn flag_score(duty_scores: &[f32; N_ROLES], claim: Role, temperature: f32) -> f32 {
    let margin = (duty_scores[Role::Po.index()] - duty_scores[claim.index()]) / temperature;
    1.0 / (1.0 + (-margin).exp())
}

impl Detector {
    /// A PM-titled posting whose flag score reaches this is flagged.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// How the threshold was chosen and how well it did, cross-validated;
    /// `None` when the training postings could not calibrate it (the
    /// threshold is then [`DEFAULT_THRESHOLD`]).
    pub fn calibration(&self) -> Option<&FlagCalibration> {
        self.calibration.as_ref()
    }

    /// The terms that show `duty`, as the model's analyzer reads its words.
    pub fn duty_terms(&self, duty: PmDuty) -> &[String] {
        &self.duty_terms[duty as usize]
    }

    /// Judges a posting from the role its title claims (`claimed`, if it
    /// names one) and its duty reading: the duty head's scores and
    /// `temperature`, its most probable role `duty_role` and that role's
    /// probability `duty_confidence`.
    pub fn flag(
        &self,
        claimed: Option<Role>,
        duty_scores: &[f32; N_ROLES],
        temperature: f32,
        duty_role: Role,
        duty_confidence: f32,
    ) -> Flag {
        let claim = claimed.filter(|c| c.is_pm_family()).unwrap_or(Role::Pm);
        let score = flag_score(duty_scores, claim, temperature);
        let backlog_manager = claimed.is_some_and(Role::is_pm_family) && score >= self.threshold;
        let title_mismatch = !backlog_manager
            && claimed.is_some_and(|c| {
                c != duty_role
                    && !(c.is_pm_family() && duty_role.is_pm_family())
                    && duty_confidence >= MISMATCH_CONFIDENCE
            });
        Flag {
            claim,
            score,
            backlog_manager,
            title_mismatch,
        }
    }

    /// Its duty terms as a vectorizer built with `params` (the body
    /// vectorizer's), to find the duties a body never mentions.
    pub(crate) fn watch(&self, params: &TfIdfParams) -> crate::Result<DutyWatch> {
        DutyWatch::new(params, &self.duty_terms)
    }
}

#[cfg(test)]
mod tests;
