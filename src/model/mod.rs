//! The model: fitted vectorizers, two linear heads over the seven roles and
//! the backlog-manager [`Detector`] that reads their output, with what it was
//! trained on and how well it did.
//!
//! Inference needs no training stack: a sparse dot product and a softmax. The
//! contribution of a term to a role is exactly its tf-idf weight times its
//! coefficient, so the evidence shown to people is the model's own arithmetic.
//!
//! The detector is a part of the model (fitted by training, stored in the
//! model file) but knows nothing of it: [`Model::check`] hands it the duty
//! reading and the title's claim (`check.rs`), so `model` uses `detect` and
//! never the reverse.

mod artefact;
mod calibrate;
mod check;
mod evaluate;
mod linear;
mod metrics;
mod reading;
mod train;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::detect::{Detector, DutyWatch};
use crate::vectorize::Scratch;
use crate::{Lang, Role, TfIdf};

#[cfg(test)]
use artefact::FORMAT_VERSION;
pub use artefact::MAX_MODEL_BYTES;
pub use calibrate::{Calibration, Reliability};
pub use check::{Checked, Verdict};
pub use evaluate::{evaluate, Evaluation, FlagScores};
pub(crate) use linear::{softmax, LinearModel, N_ROLES};
pub use metrics::{Confusion, RoleScores, Scores};
pub(crate) use reading::Vectors;
use reading::{feature_name, Layout};
pub use reading::{BlockWeights, Field, N_ROLE_NAMES};
pub use train::{
    refit, train, Candidate, CandidateReport, Classifier, TrainParams, TrainReport, TrainSettings,
};

/// The shipped model, trained on `corpus/postings.jsonl` (see `models/README.md`).
static SHIPPED: &[u8] = include_bytes!("../../models/rolecheck.model");

/// What a model was trained on and how well it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The rolecheck version that trained it.
    pub crate_version: String,
    /// SHA-256 of the training file's bytes, hex.
    pub corpus_sha256: String,
    /// Number of training postings.
    pub corpus_postings: usize,
    /// The chosen candidate and the training settings.
    pub settings: train::TrainSettings,
    /// Cross-validated scores of the whole procedure (choice included).
    pub cv: Option<Scores>,
    /// How each reading's scores become probabilities (temperatures fitted
    /// on out-of-fold scores), and how well they are calibrated.
    pub calibration: Calibration,
}

/// A trained classifier: two vectorizers (the body with role names masked,
/// the title with them kept), two linear heads, one per reading, and the
/// backlog-manager detector over the duty reading.
#[derive(Debug, Clone)]
pub struct Model {
    tfidf: TfIdf,
    titles: TfIdf,
    role: LinearModel,
    duty: LinearModel,
    detector: Detector,
    /// The detector's duty terms, watched for in a body.
    duties: DutyWatch,
    info: ModelInfo,
}

/// How much one feature of the posting pushed each role's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The feature: a term, two terms for a bigram, or a role name, as the
    /// model knows it (stemmed).
    pub term: String,
    /// The same feature in the posting's own words: the most frequent of
    /// the ways it is written there ("user stories" for `user stori`).
    pub surface: String,
    /// Where it comes from: the body's duties, a role name in the body, or the title.
    pub field: Field,
    /// Its weight in this posting's vector.
    pub weight: f32,
    /// `weight × coefficient` for each role, in [`Role::ALL`] order
    /// (serialised as an object keyed by role id).
    #[serde(serialize_with = "per_role")]
    pub contributions: [f32; N_ROLES],
    /// Every byte range where it occurs: of the title for a title term, of
    /// the text otherwise.
    pub spans: Vec<Range<usize>>,
}

/// A role and its probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoleProbability {
    /// The role.
    pub role: Role,
    /// Its probability.
    pub probability: f32,
}

/// What the duties alone describe: the body with role names masked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DutyReading {
    /// The most probable role of the duties.
    pub role: Role,
    /// Its probability.
    pub confidence: f32,
    /// Every role's probability, in [`Role::ALL`] order (serialised as an object keyed by role id).
    #[serde(serialize_with = "per_role")]
    pub probabilities: [f32; N_ROLES],
    /// Class scores (logits) of the duty head, in [`Role::ALL`] order.
    #[serde(serialize_with = "per_role")]
    pub scores: [f32; N_ROLES],
}

/// The verdict on one posting: the role it is, from all its words, and the
/// role its duties alone describe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The most probable role.
    pub role: Role,
    /// Its probability.
    pub confidence: f32,
    /// The second most probable role.
    pub runner_up: RoleProbability,
    /// Every role's probability, most probable first (serialised as an
    /// object keyed by role id, as in the audit's lines).
    #[serde(serialize_with = "ranked_per_role")]
    pub probabilities: Vec<RoleProbability>,
    /// The posting's detected language.
    pub lang: Lang,
    /// Class scores (logits) in [`Role::ALL`] order: intercept plus the sum of
    /// the evidence's contributions (serialised as an object keyed by role
    /// id). The probabilities are the softmax of these divided by the
    /// calibration temperature.
    #[serde(serialize_with = "per_role")]
    pub scores: [f32; N_ROLES],
    /// Every feature of the posting known to the model, strongest push
    /// towards `role` (against the runner-up) first (serialised as `terms`).
    #[serde(rename = "terms")]
    pub evidence: Vec<Evidence>,
    /// The duty reading.
    pub duty: DutyReading,
}

/// The most frequent of the strings `spans` cut from `source` (the first
/// of equals), with runs of whitespace shown as one space.
fn most_frequent(source: &str, spans: &[Range<usize>]) -> Option<String> {
    let mut best: Option<(&str, usize)> = None;
    for (i, s) in spans.iter().enumerate() {
        let Some(word) = source.get(s.clone()) else {
            continue;
        };
        if best.is_some_and(|(b, _)| b == word) {
            continue;
        }
        let n = spans[i..]
            .iter()
            .filter(|t| source.get((*t).clone()) == Some(word))
            .count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((word, n));
        }
    }
    best.map(|(w, _)| w.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Serialises ranked probabilities as `{"pm": …, "po": …}`, most probable first.
fn ranked_per_role<S: serde::Serializer>(
    ranked: &[RoleProbability],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(ranked.len()))?;
    for p in ranked {
        map.serialize_entry(p.role.id(), &p.probability)?;
    }
    map.end()
}

/// Serialises one value per role as `{"pm": …, "po": …}`.
fn per_role<S: serde::Serializer>(values: &[f32; N_ROLES], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(N_ROLES))?;
    for role in Role::ALL {
        map.serialize_entry(role.id(), &values[role.index()])?;
    }
    map.end()
}

impl Evidence {
    /// How much it favours `a` over `b`: positive when it pushed towards `a`.
    pub fn push(&self, a: Role, b: Role) -> f32 {
        self.contributions[a.index()] - self.contributions[b.index()]
    }
}

impl Model {
    /// Builds a model from its parts: the body and title vectorizers, the
    /// role head (over the role reading's features), the duty head (over
    /// the body's) and the detector.
    pub fn new(
        tfidf: TfIdf,
        titles: TfIdf,
        role: LinearModel,
        duty: LinearModel,
        detector: Detector,
        info: ModelInfo,
    ) -> crate::Result<Model> {
        let layout = Layout {
            body: tfidf.n_features(),
            title: titles.n_features(),
        };
        for (head, reads, expected) in [
            ("role head", role.n_features(), layout.len()),
            ("duty head", duty.n_features(), layout.body),
        ] {
            if reads != expected {
                return Err(crate::Error::InvalidParam {
                    name: "model",
                    reason: format!(
                        "the vectorizers give {expected} features but the {head} reads {reads}"
                    ),
                });
            }
        }
        let c = &info.calibration;
        for (name, t) in [
            ("role_temperature", c.role_temperature),
            ("duty_temperature", c.duty_temperature),
        ] {
            if !(t.is_finite() && t > 0.0) {
                return Err(crate::Error::InvalidParam {
                    name: "calibration",
                    reason: format!("{name} is {t}; a temperature must be a positive number"),
                });
            }
        }
        let duties = detector.watch(tfidf.params())?;
        Ok(Model {
            tfidf,
            titles,
            role,
            duty,
            detector,
            duties,
            info,
        })
    }

    /// The model shipped inside the binary.
    pub fn shipped() -> crate::Result<Model> {
        Model::from_bytes(SHIPPED)
    }

    /// Its body vectorizer (role names masked).
    pub fn tfidf(&self) -> &TfIdf {
        &self.tfidf
    }

    /// Its title vectorizer (role names kept).
    pub fn titles(&self) -> &TfIdf {
        &self.titles
    }

    /// The role head: the role from all of a posting's words.
    pub fn role_head(&self) -> &LinearModel {
        &self.role
    }

    /// The duty head: the role from the body's duties alone.
    pub fn duty_head(&self) -> &LinearModel {
        &self.duty
    }

    /// The backlog-manager detector.
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    /// What it was trained on and how well it did.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn layout(&self) -> Layout {
        Layout {
            body: self.tfidf.n_features(),
            title: self.titles.n_features(),
        }
    }

    /// The name of a feature of the role reading (as in [`Evidence::term`]).
    pub fn feature_name(&self, feature: u32) -> String {
        feature_name(&self.tfidf, &self.titles, self.layout(), feature)
    }

    /// The role of a posting known only by its body.
    pub fn classify(&self, text: &str) -> Classification {
        self.classify_with(&mut Scratch::new(), "", text)
    }

    /// The role of a posting from its title and body (an empty title: the body alone).
    pub fn classify_posting(&self, title: &str, text: &str) -> Classification {
        self.classify_with(&mut Scratch::new(), title, text)
    }

    /// [`Model::classify_posting`] with caller-owned working memory.
    pub fn classify_with(&self, scratch: &mut Scratch, title: &str, text: &str) -> Classification {
        let (mut c, mut v) = self.read(scratch, title, text);
        c.evidence = self.terms(&mut v, title, text, c.role, c.runner_up.role);
        c
    }

    /// The role reading's per-term evidence: every feature of its vector,
    /// with its contributions and spans, strongest push towards `role`
    /// (against `other`) first.
    /// Sorts `v`'s occurrences by feature (they were in text order).
    fn terms(
        &self,
        v: &mut Vectors,
        title: &str,
        text: &str,
        role: Role,
        other: Role,
    ) -> Vec<Evidence> {
        let layout = self.layout();
        for spans in [&mut v.body_spans, &mut v.title_spans] {
            spans.sort_unstable_by_key(|(f, s)| (*f, s.start));
        }
        let (body, title_spans) = (&v.body_spans, &v.title_spans);
        let mut evidence: Vec<Evidence> = v
            .role
            .iter()
            .map(|(f, w)| {
                let (field, _) = layout.field(f);
                let (spans, source) = if field == Field::Title {
                    (title_spans, title)
                } else {
                    (body, text)
                };
                let first = spans.partition_point(|(g, _)| *g < f);
                let last = spans.partition_point(|(g, _)| *g <= f);
                let spans: Vec<Range<usize>> =
                    spans[first..last].iter().map(|(_, s)| s.clone()).collect();
                let term = self.feature_name(f);
                Evidence {
                    surface: most_frequent(source, &spans).unwrap_or_else(|| term.clone()),
                    term,
                    field,
                    weight: w,
                    contributions: self.role.coef_of(f).map(|c| c * w),
                    spans,
                }
            })
            .collect();
        evidence.sort_by(|a, b| b.push(role, other).total_cmp(&a.push(role, other)));
        evidence
    }

    /// Both readings without per-term evidence (left empty), and the vectors
    /// and occurrences they come from: what [`Model::classify_with`] and
    /// [`Model::check_with`] build on.
    pub(crate) fn read(
        &self,
        scratch: &mut Scratch,
        title: &str,
        text: &str,
    ) -> (Classification, Vectors) {
        let weights = self.info.settings.chosen.weights;
        let v = reading::vectorize(&self.tfidf, &self.titles, scratch, title, text, weights);
        let scores = self.role.scores(&v.role);
        let probs = self.info.calibration.role_probabilities(&scores);
        let mut ranked: Vec<RoleProbability> = Role::ALL
            .iter()
            .map(|&role| RoleProbability {
                role,
                probability: probs[role.index()],
            })
            .collect();
        ranked.sort_by(|a, b| by_score(a.probability, a.role, b.probability, b.role));
        let duty_scores = self.duty.scores(&v.duty);
        let duty_probs = self.info.calibration.duty_probabilities(&duty_scores);
        let duty_role = argmax(&duty_scores);
        let c = Classification {
            role: ranked[0].role,
            confidence: ranked[0].probability,
            runner_up: ranked[1],
            probabilities: ranked,
            lang: v.lang,
            scores,
            evidence: Vec::new(),
            duty: DutyReading {
                role: duty_role,
                confidence: duty_probs[duty_role.index()],
                probabilities: duty_probs,
                scores: duty_scores,
            },
        };
        (c, v)
    }

    /// The most probable role of each `(title, text)` posting, on all cores,
    /// in input order (no evidence).
    pub fn predict_batch<T: AsRef<str> + Sync, S: AsRef<str> + Sync>(
        &self,
        postings: &[(T, S)],
    ) -> Vec<Role> {
        use rayon::prelude::*;
        postings
            .par_iter()
            .map(|(title, text)| {
                Scratch::with_thread_local(|scratch| {
                    self.read(scratch, title.as_ref(), text.as_ref()).0.role
                })
            })
            .collect()
    }
}

/// The role with the highest score; ties go by [`tie_order`].
pub(crate) fn argmax(scores: &[f32; N_ROLES]) -> Role {
    Role::ALL
        .into_iter()
        .min_by(|&a, &b| by_score(scores[a.index()], a, scores[b.index()], b))
        .expect("there are roles")
}

/// Higher scores first, ties by [`tie_order`]: how roles are ranked.
fn by_score(a: f32, ra: Role, b: f32, rb: Role) -> std::cmp::Ordering {
    b.total_cmp(&a)
        .then_with(|| tie_order(ra).cmp(&tie_order(rb)))
}

/// The order of roles whose scores tie: `other` first (a posting
/// that gives no evidence either way — no known term — is not called a
/// product role), then [`Role::ALL`]'s order.
fn tie_order(role: Role) -> usize {
    match role {
        Role::Other => 0,
        r => r.index() + 1,
    }
}

impl Default for Model {
    /// The shipped model.
    fn default() -> Model {
        Model::shipped().expect("the embedded model is checked by the test suite")
    }
}

#[cfg(test)]
mod tests;
