//! Term frequencies of one document, counted in a dense array.
//!
//! A posting has a few hundred feature occurrences over ~150 distinct
//! features. Counting them in a feature-indexed array (reset after each
//! document through the list of features touched) replaced a sort of every
//! occurrence followed by a duplicate-summing pass, which took a tenth of the
//! transform when profiled. The distinct ids come out in order from a bitmap
//! of the vocabulary when it is small next to them (a scan of 200 words for
//! the shipped model), and from sorting them otherwise.

use super::SparseVec;

/// Reusable counters, sized to the vocabulary on first use.
#[derive(Debug, Default)]
pub(super) struct Counts {
    /// Per feature id: occurrences in the current document.
    tf: Vec<u32>,
    /// Feature ids with a non-zero count, in first-seen order: the first
    /// `n_touched` of a buffer as long as the vocabulary, so that adding an
    /// occurrence needs no branch on whether its feature is new (which of
    /// the two it is cannot be predicted).
    touched: Vec<u32>,
    n_touched: usize,
    /// One bit per feature id: set for those in `touched`.
    bits: Vec<u64>,
}

impl Counts {
    /// Prepares for a document over `n_features` features.
    #[inline]
    pub(super) fn start(&mut self, n_features: usize) {
        if self.tf.len() < n_features {
            self.tf.resize(n_features, 0);
            self.touched.resize(n_features, 0);
            self.bits.resize(n_features.div_ceil(64), 0);
        }
        debug_assert_eq!(self.n_touched, 0);
    }

    /// Counts one occurrence of `feature` (below the `n_features` given to [`Counts::start`]).
    #[inline]
    pub(super) fn add(&mut self, feature: u32) {
        let c = &mut self.tf[feature as usize];
        self.touched[self.n_touched] = feature;
        self.n_touched += usize::from(*c == 0);
        *c += 1;
        self.bits[feature as usize / 64] |= 1 << (feature % 64);
    }

    /// The counts as a sparse vector, each weighted by `weight(id, count)`;
    /// the counters are left at zero for the next document.
    pub(super) fn finish(&mut self, mut weight: impl FnMut(u32, u32) -> f32) -> SparseVec {
        let touched = &mut self.touched[..std::mem::take(&mut self.n_touched)];
        let mut v = SparseVec {
            indices: Vec::with_capacity(touched.len()),
            values: Vec::with_capacity(touched.len()),
        };
        let mut push = |f: u32, tf: &mut [u32]| {
            let c = std::mem::take(&mut tf[f as usize]);
            v.indices.push(f);
            v.values.push(weight(f, c));
        };
        // Scanning the bitmap costs a step per 64 features; sorting, about
        // log2(n) steps per distinct feature.
        let words = self.bits.len();
        if words <= touched.len() * 8 {
            for (w, bits) in self.bits.iter_mut().enumerate() {
                let mut b = std::mem::take(bits);
                while b != 0 {
                    push(w as u32 * 64 + b.trailing_zeros(), &mut self.tf);
                    b &= b - 1;
                }
            }
        } else {
            touched.sort_unstable();
            for &f in touched.iter() {
                self.bits[f as usize / 64] = 0;
                push(f, &mut self.tf);
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_sorted_summed_and_reset() {
        let mut c = Counts::default();
        c.start(10);
        for f in [5, 2, 5, 0, 5] {
            c.add(f);
        }
        let v = c.finish(|_, n| n as f32);
        assert_eq!(v.indices, [0, 2, 5]);
        assert_eq!(v.values, [1.0, 1.0, 3.0]);
        c.start(10);
        c.add(9);
        let v = c.finish(|f, n| (f * 10 + n) as f32);
        assert_eq!(v.indices, [9]);
        assert_eq!(
            v.values,
            [91.0],
            "counts of the previous document were reset"
        );
    }
}
