//! The model: a fitted vectorizer and a linear classifier over the seven
//! roles, with what it was trained on and how well it did.
//!
//! Inference needs no training stack: a sparse dot product and a softmax. The
//! contribution of a term to a role is exactly its tf-idf weight times its
//! coefficient, so the evidence shown to people is the model's own arithmetic.

mod artefact;
mod linear;
pub mod metrics;
pub mod train;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::vectorize::Scratch;
use crate::{Lang, Role, SparseVec, TfIdf};

pub use artefact::FORMAT_VERSION;
pub use linear::{softmax, LinearModel, N_ROLES};
pub use metrics::{Confusion, RoleScores, Scores};

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
    /// The backlog-manager flag's threshold and cross-validated precision and
    /// recall, when the training postings had titles to calibrate it on.
    #[serde(default)]
    pub detector: Option<crate::detect::DetectorInfo>,
}

/// A trained classifier.
#[derive(Debug, Clone)]
pub struct Model {
    tfidf: TfIdf,
    linear: LinearModel,
    info: ModelInfo,
}

/// How much one feature of the posting pushed each role's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The feature: a term, or two terms for a bigram.
    pub term: String,
    /// Its tf-idf weight in this posting.
    pub weight: f32,
    /// `weight × coefficient` for each role, in [`Role::ALL`] order
    /// (serialised as an object keyed by role id).
    #[serde(serialize_with = "per_role")]
    pub contributions: [f32; N_ROLES],
    /// Every byte range of the text where it occurs.
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

/// The verdict on one posting's duties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The most probable role.
    pub role: Role,
    /// Its probability.
    pub confidence: f32,
    /// The second most probable role.
    pub runner_up: RoleProbability,
    /// Every role's probability, most probable first.
    pub probabilities: Vec<RoleProbability>,
    /// The posting's detected language.
    pub lang: Lang,
    /// Class scores (logits) in [`Role::ALL`] order: intercept plus the sum of
    /// the evidence's contributions (serialised as an object keyed by role id).
    #[serde(serialize_with = "per_role")]
    pub scores: [f32; N_ROLES],
    /// Every feature of the posting known to the model, strongest push
    /// towards `role` (against the runner-up) first (serialised as `terms`).
    #[serde(rename = "terms")]
    pub evidence: Vec<Evidence>,
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
    /// Builds a model from its parts.
    pub fn new(tfidf: TfIdf, linear: LinearModel, info: ModelInfo) -> crate::Result<Model> {
        if tfidf.n_features() != linear.n_features() {
            return Err(crate::Error::InvalidParam {
                name: "model",
                reason: format!(
                    "vectorizer has {} features but the classifier reads {}",
                    tfidf.n_features(),
                    linear.n_features()
                ),
            });
        }
        Ok(Model {
            tfidf,
            linear,
            info,
        })
    }

    /// The model shipped inside the binary.
    pub fn shipped() -> crate::Result<Model> {
        Model::from_bytes(SHIPPED)
    }

    /// Its vectorizer.
    pub fn tfidf(&self) -> &TfIdf {
        &self.tfidf
    }

    /// Its classifier.
    pub fn linear(&self) -> &LinearModel {
        &self.linear
    }

    /// What it was trained on and how well it did.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The role the duties in `text` describe. Use the body of the posting:
    /// the title is what the posting claims, not what it asks.
    pub fn classify(&self, text: &str) -> Classification {
        self.classify_with(&mut Scratch::new(), text)
    }

    /// [`Model::classify`] with caller-owned working memory.
    pub fn classify_with(&self, scratch: &mut Scratch, text: &str) -> Classification {
        let (mut c, x, mut spans) = self.classify_parts(scratch, text);
        spans.sort_by_key(|(f, s)| (*f, s.start));
        let mut evidence: Vec<Evidence> = x
            .iter()
            .map(|(f, w)| {
                let coef = self.linear.coef_of(f);
                let first = spans.partition_point(|(g, _)| *g < f);
                let last = spans.partition_point(|(g, _)| *g <= f);
                Evidence {
                    term: self.tfidf.feature_name(f).unwrap_or_default(),
                    weight: w,
                    contributions: coef.map(|c| c * w),
                    spans: spans[first..last].iter().map(|(_, s)| s.clone()).collect(),
                }
            })
            .collect();
        let (role, other) = (c.role, c.runner_up.role);
        evidence.sort_by(|a, b| b.push(role, other).total_cmp(&a.push(role, other)));
        c.evidence = evidence;
        c
    }

    /// The verdict without per-term evidence (left empty), the posting's
    /// vector, and every occurrence (feature, span) in text order: what
    /// [`Model::classify_with`] and the batch audit build on.
    pub(crate) fn classify_parts(
        &self,
        scratch: &mut Scratch,
        text: &str,
    ) -> (Classification, SparseVec, Vec<(u32, Range<usize>)>) {
        // About one occurrence per eight bytes of posting text: one allocation, no regrowth.
        let mut spans: Vec<(u32, Range<usize>)> = Vec::with_capacity(text.len() / 8 + 16);
        let (x, lang) = self
            .tfidf
            .transform_with_occurrences(scratch, text, |o| spans.push((o.feature, o.span)));
        let scores = self.linear.scores(&x);
        let probs = softmax(&scores);
        let mut ranked: Vec<RoleProbability> = Role::ALL
            .iter()
            .map(|&role| RoleProbability {
                role,
                probability: probs[role.index()],
            })
            .collect();
        // Stable sort: ties keep the roles' order, so the verdict is deterministic.
        ranked.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        let (role, runner_up) = (ranked[0].role, ranked[1]);
        let c = Classification {
            role,
            confidence: ranked[0].probability,
            runner_up,
            probabilities: ranked,
            lang,
            scores,
            evidence: Vec::new(),
        };
        (c, x, spans)
    }

    /// The most probable role of each text, on all cores, in input order (no evidence).
    pub fn predict_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Role> {
        self.tfidf
            .transform_batch(texts)
            .iter()
            .map(|x| argmax(&self.linear.scores(x)))
            .collect()
    }
}

/// The role with the highest score; ties go to the earlier role.
pub(crate) fn argmax(scores: &[f32; N_ROLES]) -> Role {
    let mut best = 0;
    for k in 1..N_ROLES {
        if scores[k] > scores[best] {
            best = k;
        }
    }
    Role::ALL[best]
}

impl Default for Model {
    /// The shipped model.
    fn default() -> Model {
        Model::shipped().expect("the embedded model is checked by the test suite")
    }
}

#[cfg(test)]
mod tests;
