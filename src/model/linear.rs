//! The linear classifier: class scores as a sparse dot product, softmax
//! probabilities, and each feature's exact contribution to each score.

use crate::{Role, SparseVec};

/// Number of classes: one per [`Role`].
pub(crate) const N_ROLES: usize = Role::ALL.len();

/// Intercept of a class the training data never showed: its probability is 0.
pub(crate) const ABSENT_CLASS: f32 = -1e4;

/// Scores `x · W + b` over the seven roles.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    n_features: usize,
    /// Feature-major: the seven coefficients of feature `f` are
    /// `coef[f * 7 .. f * 7 + 7]`, so a sparse row reads one contiguous block per feature.
    coef: Vec<f32>,
    intercept: [f32; N_ROLES],
}

impl LinearModel {
    /// A model from feature-major coefficients (`n_features × 7`) and intercepts.
    pub fn new(
        n_features: usize,
        coef: Vec<f32>,
        intercept: [f32; N_ROLES],
    ) -> crate::Result<LinearModel> {
        if coef.len() != n_features * N_ROLES {
            return Err(crate::Error::InvalidParam {
                name: "coefficients",
                reason: format!(
                    "{} coefficients for {n_features} features × {N_ROLES} roles",
                    coef.len()
                ),
            });
        }
        if coef.iter().chain(&intercept).any(|v| !v.is_finite()) {
            return Err(crate::Error::InvalidParam {
                name: "coefficients",
                reason: "not all finite".into(),
            });
        }
        Ok(LinearModel {
            n_features,
            coef,
            intercept,
        })
    }

    /// Number of features it reads.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Feature-major coefficients.
    pub fn coef(&self) -> &[f32] {
        &self.coef
    }

    /// One intercept per role.
    pub fn intercept(&self) -> &[f32; N_ROLES] {
        &self.intercept
    }

    /// The coefficients of one feature, one per role (zeros past the end).
    #[inline]
    pub fn coef_of(&self, feature: u32) -> [f32; N_ROLES] {
        let f = feature as usize;
        let mut out = [0.0; N_ROLES];
        if f < self.n_features {
            out.copy_from_slice(&self.coef[f * N_ROLES..(f + 1) * N_ROLES]);
        }
        out
    }

    /// Class scores (logits) of a vector.
    pub fn scores(&self, x: &SparseVec) -> [f32; N_ROLES] {
        let mut s = self.intercept;
        for (f, w) in x.iter() {
            let c = self.coef_of(f);
            for k in 0..N_ROLES {
                s[k] += w * c[k];
            }
        }
        s
    }
}

/// Softmax, stable for any finite scores: the largest is subtracted first.
pub(crate) fn softmax(scores: &[f32; N_ROLES]) -> [f32; N_ROLES] {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut p = scores.map(|s| (s - max).exp());
    let sum: f32 = p.iter().sum();
    for v in &mut p {
        *v /= sum;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_even_for_huge_scores() {
        for scores in [
            [0.0; 7],
            [1000.0, -1000.0, 3.0, 2.0, 1.0, 0.0, 88.0],
            [ABSENT_CLASS, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
        ] {
            let p = softmax(&scores);
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6, "{p:?}");
            assert!(p.iter().all(|v| v.is_finite() && *v >= 0.0));
        }
        assert_eq!(
            softmax(&[ABSENT_CLASS, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])[0],
            0.0
        );
    }

    #[test]
    fn scores_are_the_sparse_dot_product_plus_intercept() {
        let mut coef = vec![0.0; 3 * 7];
        coef[7] = 2.0; // feature 1, role 0
        coef[2 * 7 + 3] = -1.0; // feature 2, role 3
        let m = LinearModel::new(3, coef, [0.5; 7]).unwrap();
        let x = SparseVec {
            indices: vec![1, 2],
            values: vec![0.6, 0.8],
        };
        let s = m.scores(&x);
        assert!((s[0] - (0.5 + 1.2)).abs() < 1e-6);
        assert!((s[3] - (0.5 - 0.8)).abs() < 1e-6);
        assert_eq!(s[1], 0.5);
    }

    #[test]
    fn wrong_shapes_and_non_finite_values_are_refused() {
        assert!(LinearModel::new(2, vec![0.0; 13], [0.0; 7]).is_err());
        assert!(LinearModel::new(1, vec![f32::NAN; 7], [0.0; 7]).is_err());
    }
}
