//! Fitting one candidate: the two vectorizers, then the two linear heads
//! with linfa, both linear in the features, so either becomes a
//! [`LinearModel`] and inference never needs linfa.

use linfa::prelude::*;
use linfa_bayes::{MultinomialNb, NaiveBayes};
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use rayon::prelude::*;

use super::{Candidate, Classifier};
use crate::corpus::LabelledPosting;
use crate::model::linear::ABSENT_CLASS;
use crate::model::reading::{self, Vectors};
use crate::model::{BlockWeights, LinearModel, N_ROLES, N_ROLE_NAMES};
use crate::vectorize::Scratch;
use crate::{AnalyzerParams, Error, Result, Role, SparseVec, TfIdf, TfIdfParams};

fn dense(vectors: &[&SparseVec], n_features: usize) -> Array2<f64> {
    let mut x = Array2::<f64>::zeros((vectors.len(), n_features));
    for (r, v) in vectors.iter().enumerate() {
        for (f, w) in v.iter() {
            x[[r, f as usize]] = f64::from(w);
        }
    }
    x
}

/// The title vectorizer's settings: role names kept (a title's role name is
/// its strongest clue), unigrams and bigrams, seen in at least two titles.
pub(crate) fn title_params() -> TfIdfParams {
    TfIdfParams::default().analyzer(AnalyzerParams::default().mask_role_names(false))
}

/// Both readings' vectors of each `(title, body)`, on all cores.
pub(super) fn vectorize_all(
    tfidf: &TfIdf,
    titles: &TfIdf,
    weights: BlockWeights,
    postings: &[(&str, &str)],
) -> Vec<Vectors> {
    postings
        .par_iter()
        .map(|&(title, text)| {
            Scratch::with_thread_local(|scratch| {
                reading::vectorize(tfidf, titles, scratch, title, text, weights)
            })
        })
        .collect()
}

/// A posting's title and body as read to judge it.
pub(super) fn as_read(p: &LabelledPosting) -> (&str, &str) {
    (&p.title, &p.text)
}

/// A training posting's title and body as the role head learns from them:
/// a backlog manager's title is the claim under test, not evidence of its
/// role, so it is left out. Otherwise the head would learn that the titles
/// writers gave backlog managers ("Head of Product", "Responsable produit",
/// "Chef de produit digital"…) mean `po`, and read the honest postings
/// under those titles as `po` too; a backlog manager is `po` by the
/// detector's flag, from its duties.
fn as_learnt(p: &LabelledPosting) -> (&str, &str) {
    let title = if p.backlog_manager { "" } else { &p.title };
    (title, &p.text)
}

/// Fits one linear head on vectors and their roles.
fn fit_head(
    classifier: &Classifier,
    vectors: &[&SparseVec],
    n_features: usize,
    labels: &[Role],
    max_iterations: u64,
) -> Result<LinearModel> {
    let x = dense(vectors, n_features);
    let y: Array1<usize> = labels.iter().map(|r| r.index()).collect();
    let dataset = Dataset::new(x, y);
    let mut coef = vec![0.0f32; n_features * N_ROLES];
    let mut intercept = [ABSENT_CLASS; N_ROLES];
    match *classifier {
        Classifier::Logistic { alpha } => {
            // No intercept: a role's score is the evidence for it and
            // nothing else. With one, `other` — the most varied class, told
            // apart mostly by the absence of product words — learnt a large
            // intercept, and every posting short of product words (a
            // company's introduction, a short ad, wording the corpus lacks)
            // fell to `other` with high confidence. Without one, such a
            // posting gets spread, low-confidence scores.
            let fitted = MultiLogisticRegression::default()
                .alpha(alpha)
                .with_intercept(false)
                .max_iterations(max_iterations)
                .fit(&dataset)
                .map_err(|e| Error::Training(format!("logistic regression: {e}")))?;
            let params = fitted.params();
            for (j, &class) in fitted.classes().iter().enumerate() {
                intercept[class] = 0.0;
                for f in 0..n_features {
                    coef[f * N_ROLES + class] = params[[f, j]] as f32;
                }
            }
        }
        Classifier::NaiveBayes { alpha } => {
            // linfa-bayes 0.8.1 prints every class histogram with `dbg!` while
            // fitting: silence stderr for the duration, so the tool's own
            // stderr stays clean. The redirection is process-wide, so naive
            // Bayes fits run one at a time: a fit finishing on one thread must
            // not restore stderr while another is still printing. (If stderr is
            // already redirected by someone else, the noise goes through.)
            static SILENCE: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let fitted = {
                let _one_at_a_time = SILENCE.lock().unwrap_or_else(|e| e.into_inner());
                let _gag = gag::Gag::stderr().ok();
                MultinomialNb::params()
                    .alpha(alpha)
                    .fit(&dataset)
                    .map_err(|e| Error::Training(format!("naive Bayes: {e}")))
            };
            let fitted = fitted?;
            // Naive Bayes is linear in the features: the joint log-likelihood
            // of the zero vector gives the intercepts (log priors), and of each
            // unit vector the intercept plus that feature's coefficient.
            let zero = Array2::<f64>::zeros((1, n_features));
            for (&class, v) in fitted.joint_log_likelihood(zero.view()) {
                intercept[class] = v[0] as f32;
            }
            const BLOCK: usize = 256;
            for start in (0..n_features).step_by(BLOCK) {
                let rows = BLOCK.min(n_features - start);
                let mut eye = Array2::<f64>::zeros((rows, n_features));
                for r in 0..rows {
                    eye[[r, start + r]] = 1.0;
                }
                for (&class, v) in fitted.joint_log_likelihood(eye.view()) {
                    for r in 0..rows {
                        coef[(start + r) * N_ROLES + class] = v[r] as f32 - intercept[class];
                    }
                }
            }
        }
    }
    LinearModel::new(n_features, coef, intercept)
}

/// A fitted candidate: both vectorizers and both heads.
pub(crate) struct Fitted {
    /// The body vectorizer (role names masked).
    pub tfidf: TfIdf,
    /// The title vectorizer (role names kept).
    pub titles: TfIdf,
    /// The role head.
    pub role: LinearModel,
    /// The duty head.
    pub duty: LinearModel,
}

impl Fitted {
    /// Both heads' raw scores (logits) for a posting.
    pub(super) fn scores(&self, v: &Vectors) -> ([f32; N_ROLES], [f32; N_ROLES]) {
        (self.role.scores(&v.role), self.duty.scores(&v.duty))
    }
}

/// Fits one candidate on labelled postings: the vectorizers on their bodies
/// and titles, the role head on all their words (a backlog manager's
/// title left out, see [`as_learnt`]), the duty head on their bodies alone.
pub(crate) fn fit_candidate(
    candidate: &Candidate,
    postings: &[&LabelledPosting],
    max_iterations: u64,
) -> Result<Fitted> {
    let learnt: Vec<(&str, &str)> = postings.iter().map(|p| as_learnt(p)).collect();
    let texts: Vec<&str> = learnt.iter().map(|&(_, text)| text).collect();
    let title_texts: Vec<&str> = learnt.iter().map(|&(title, _)| title).collect();
    let labels: Vec<Role> = postings.iter().map(|p| p.label).collect();
    let tfidf = candidate.tfidf.fit(&texts)?;
    let titles = title_params().fit(&title_texts)?;
    let vectors = vectorize_all(&tfidf, &titles, candidate.weights, &learnt);
    let n_role = tfidf.n_features() + N_ROLE_NAMES + titles.n_features();
    let role_x: Vec<&SparseVec> = vectors.iter().map(|v| &v.role).collect();
    let duty_x: Vec<&SparseVec> = vectors.iter().map(|v| &v.duty).collect();
    let clf = &candidate.classifier;
    let (role, duty) = rayon::join(
        || fit_head(clf, &role_x, n_role, &labels, max_iterations),
        || fit_head(clf, &duty_x, tfidf.n_features(), &labels, max_iterations),
    );
    Ok(Fitted {
        tfidf,
        titles,
        role: role?,
        duty: duty?,
    })
}
