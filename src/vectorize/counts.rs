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
    /// `n_touched` of a buffer as long as the vocabulary (and [`SPARE`]
    /// more), so that adding an occurrence needs no branch on whether its
    /// feature is new (which of the two it is cannot be predicted).
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
            self.touched.resize(n_features + SPARE, 0);
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
        let n = std::mem::take(&mut self.n_touched);
        // Scanning the bitmap costs a step per 64 features; sorting, about
        // log2(n) steps per distinct feature.
        if self.bits.len() <= n * 8 {
            self.flatten_bits(n);
        } else {
            self.touched[..n].sort_unstable();
            for &f in &self.touched[..n] {
                self.bits[f as usize / 64] = 0;
            }
        }
        let touched = &self.touched[..n];
        let tf = &mut self.tf;
        SparseVec {
            indices: touched.to_vec(),
            values: touched
                .iter()
                .map(|&f| weight(f, std::mem::take(&mut tf[f as usize])))
                .collect(),
        }
    }

    /// Writes the ids of the `n` set bits to the start of `touched`, in
    /// order, and clears the bitmap. Which bitmap words are empty, and how
    /// many bits the others hold, cannot be predicted, so each word writes
    /// [`SPARE`] ids whatever it holds (`touched` has room past the
    /// vocabulary's length) and only those it has are kept; only the rare
    /// word with more bits loops. The loop this replaced, a test per bit,
    /// mispredicted about once per word.
    fn flatten_bits(&mut self, n: usize) {
        let mut k = 0;
        for (w, bits) in self.bits.iter_mut().enumerate() {
            let mut b = std::mem::take(bits);
            let base = w as u32 * 64;
            let count = b.count_ones() as usize;
            let out: &mut [u32; SPARE] = (&mut self.touched[k..k + SPARE])
                .try_into()
                .expect("a window of SPARE ids");
            for id in out.iter_mut() {
                // Past the last bit: 64 trailing zeros, an id that is not kept.
                *id = base + b.trailing_zeros();
                b &= b.wrapping_sub(1);
            }
            let mut j = k + SPARE;
            while b != 0 {
                self.touched[j] = base + b.trailing_zeros();
                b &= b - 1;
                j += 1;
            }
            k += count;
        }
        debug_assert_eq!(k, n);
    }
}

/// Ids each bitmap word writes whatever it holds (see [`Counts::flatten_bits`]):
/// a posting's ~150 features over a vocabulary of ~12,000 put two or fewer
/// in 95% of the words. Four measured slower than two.
const SPARE: usize = 2;

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

    #[test]
    fn ids_come_out_sorted_whatever_the_bits_per_word() {
        // Words with 0, 1, 2, 3, 4, 5 and 64 bits set, and the last feature.
        let ids: Vec<u32> = [3, 64, 65, 66, 67, 128, 130, 131, 133, 190, 193, 194]
            .into_iter()
            .chain(256..320)
            .chain([320, 321, 322])
            .chain([460])
            .collect();
        let mut c = Counts::default();
        for n_features in [461, 100_000] {
            // 461 features (the word of 384..447 empty): the bitmap is
            // scanned; 100,000: the ids are sorted.
            c.start(n_features);
            for &f in ids.iter().rev() {
                c.add(f);
                c.add(f);
            }
            let v = c.finish(|_, n| n as f32);
            assert_eq!(v.indices, ids, "{n_features} features");
            assert!(v.values.iter().all(|&x| x == 2.0));
        }
    }
}
