//! Sparse vectors: sorted feature ids and their weights.

use serde::{Deserialize, Serialize};

/// A sparse vector: `indices` strictly increasing, one weight per index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SparseVec {
    /// Feature ids, strictly increasing.
    pub indices: Vec<u32>,
    /// The weight of each feature id.
    pub values: Vec<f32>,
}

impl SparseVec {
    /// Number of non-zero entries.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// True when no feature is present.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The (feature id, weight) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.indices
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }

    /// Euclidean norm.
    pub fn norm(&self) -> f32 {
        self.values.iter().map(|v| v * v).sum::<f32>().sqrt()
    }

    /// Dot product with a dense vector indexed by feature id; ids past its end count as zero.
    pub fn dot(&self, dense: &[f32]) -> f32 {
        self.iter()
            .map(|(i, v)| dense.get(i as usize).map_or(0.0, |d| d * v))
            .sum()
    }

    /// Scales to unit norm; an empty (or all-zero) vector stays as it is.
    /// Divides by the L2 norm (when not zero), and returns that norm.
    pub(crate) fn l2_normalize(&mut self) -> f32 {
        let norm = self.norm();
        if norm > 0.0 {
            for v in &mut self.values {
                *v /= norm;
            }
        }
        norm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_vector_has_unit_norm() {
        let mut v = SparseVec {
            indices: vec![1, 4],
            values: vec![3.0, 4.0],
        };
        v.l2_normalize();
        assert!((v.norm() - 1.0).abs() < 1e-6);
        assert_eq!(v.values, [0.6, 0.8]);
        let mut empty = SparseVec::default();
        empty.l2_normalize();
        assert!(empty.is_empty());
    }

    #[test]
    fn dot_ignores_ids_past_the_dense_end() {
        let v = SparseVec {
            indices: vec![0, 2, 9],
            values: vec![1.0, 2.0, 5.0],
        };
        assert_eq!(v.dot(&[1.0, 0.0, 0.5]), 2.0);
    }
}
