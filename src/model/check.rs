//! The check of one posting: both readings, then the backlog-manager
//! detector on the duty reading and the title's claim. The verdict comes
//! first; its evidence — phrases, per-term contributions, missing PM duties —
//! is computed when asked for, from the same analysis and vectors.

use serde::Serialize;

use super::{Classification, Model, Vectors};
use crate::detect::{self, Phrase, PmDuty};
use crate::title::claimed_role;
use crate::vectorize::Scratch;
use crate::Role;

/// The verdict on one posting: what it is, the role its title claims, and
/// whether it is a backlog manager.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The role the title claims, if it names one.
    pub claimed_role: Option<Role>,
    /// The classifier's verdict on the body (role, probabilities, scores).
    /// Its per-term evidence is empty unless [`Checked::explain`] filled it.
    #[serde(flatten)]
    pub classification: Classification,
    /// Titled as a Product Manager, reads as a backlog manager.
    pub backlog_manager: bool,
    /// Probability that the duties are a Product Owner's rather than the
    /// claimed role's (a Product Manager's when the title claims none), in [0, 1].
    pub score: f32,
    /// The flag's threshold.
    pub threshold: f32,
    /// A confident disagreement between the title and the duties, other than
    /// a backlog manager (a "Product Owner" doing product marketing, a
    /// "Product Manager" running a project).
    pub title_mismatch: bool,
}

/// A checked posting: its [`Verdict`], and what its evidence is computed
/// from when asked for (the posting's vectors and occurrences, kept from the
/// one pass over its text).
///
/// ```
/// use rolecheck::{Model, Role, Scratch, Side};
///
/// let model = Model::default();
/// let body = "Vous gérez le backlog, rédigez les user stories, animez les cérémonies Scrum \
///             et suivez la recette avec les développeurs.";
/// let checked = model.check("Senior Product Manager", body);
/// let verdict = checked.verdict();
/// assert_eq!(verdict.claimed_role, Some(Role::Pm));
/// assert!(verdict.backlog_manager);
/// // Evidence only when asked: the phrases behind the flag, in the posting's words.
/// let phrases = checked.phrases(3);
/// assert!(phrases.iter().any(|p| p.side == Side::Po && body[p.span.clone()].contains("backlog")));
/// // And the Product Manager's duties the posting never mentions.
/// assert!(!checked.missing_pm_duties(&mut Scratch::new()).is_empty());
/// ```
#[derive(Debug)]
pub struct Checked<'a> {
    model: &'a Model,
    title: &'a str,
    text: &'a str,
    verdict: Verdict,
    vectors: Vectors,
    /// The PM role the duties were weighed against.
    claim: Role,
}

impl<'a> Checked<'a> {
    /// The verdict.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// The verdict, the evidence no longer needed.
    pub fn into_verdict(self) -> Verdict {
        self.verdict
    }

    /// The `limit` strongest phrases of the body that pushed towards `po`
    /// or towards the claimed PM role, strongest first, read off the vectors
    /// kept from the check (no second pass over the text). Fewer asked for:
    /// the first of the same list; `classify` shows
    /// [`detect::MAX_PHRASES`], an audit line keeps five.
    pub fn phrases(&self, limit: usize) -> Vec<Phrase> {
        let v = &self.vectors;
        let duty = self.model.duty_head();
        detect::evidence(
            self.text,
            &v.duty,
            &v.body_spans,
            self.claim,
            |f| duty.coef_of(f),
            limit,
        )
    }

    /// The core Product Manager duties the body never mentions, read in
    /// the body's language: a second walk over the body, with a vocabulary
    /// of the duty terms alone, through a chunk cache that `scratch` keeps
    /// for it — reuse one scratch across postings and a word met in an
    /// earlier one is not stemmed again.
    pub fn missing_pm_duties(&self, scratch: &mut Scratch) -> Vec<PmDuty> {
        self.model
            .duties
            .missing(scratch, self.text, self.vectors.lang)
    }

    /// Fills in the role reading's per-term evidence
    /// (`verdict.classification.evidence`), strongest push towards the role
    /// reading's own verdict (against its runner-up) first, before any
    /// backlog-manager flag made the role `po`.
    pub fn explain(&mut self) {
        let ranked = &self.verdict.classification.probabilities;
        let (role, other) = (ranked[0].role, ranked[1].role);
        self.verdict.classification.evidence =
            self.model
                .terms(&mut self.vectors, self.title, self.text, role, other);
    }
}

impl Model {
    /// Classifies a posting and sets the role its title claims against what
    /// its duties describe.
    pub fn check<'a>(&'a self, title: &'a str, text: &'a str) -> Checked<'a> {
        self.check_with(&mut Scratch::new(), title, text)
    }

    /// [`Model::check`] with caller-owned working memory. Only the verdict is
    /// computed; ask the [`Checked`] for the evidence needed.
    pub fn check_with<'a>(
        &'a self,
        scratch: &mut Scratch,
        title: &'a str,
        text: &'a str,
    ) -> Checked<'a> {
        let claimed = claimed_role(title);
        let (mut classification, vectors) = self.read(scratch, title, text);
        let duty = &classification.duty;
        let temperature = self.info.calibration.duty_temperature;
        let flag = self.detector.flag(
            claimed,
            &duty.scores,
            temperature,
            duty.role,
            duty.confidence,
        );
        if flag.backlog_manager {
            // Its duties are a PO's, whatever its title: so is its role,
            // against what the role reading had first if that was not `po`.
            let first = classification.probabilities[0];
            if first.role != Role::Po {
                classification.runner_up = first;
            }
            classification.role = Role::Po;
            classification.confidence = flag.score;
        }
        Checked {
            model: self,
            title,
            text,
            verdict: Verdict {
                claimed_role: claimed,
                classification,
                backlog_manager: flag.backlog_manager,
                score: flag.score,
                threshold: self.detector.threshold(),
                title_mismatch: flag.title_mismatch,
            },
            vectors,
            claim: flag.claim,
        }
    }
}

#[cfg(test)]
mod tests;
