//! The two readings of a posting, from one pass over its body.
//!
//! The **duty reading** is the body's tf-idf vector with product-role names
//! masked: what the duties alone describe, which the backlog-manager detector
//! needs ("are these a PM's duties?" must not be answered by the words
//! "Product Manager"). The **role reading** is what the posting is, from
//! everything it says: the same duty vector, plus the role names the body
//! mentions (one feature per entry of [`ROLE_NAMES`]) and the title's own
//! terms (a vectorizer of their own, role names kept). So "Product Owner" in
//! a title is not the same feature as in the body, and neither is a duty term.
//!
//! The role reading is one tf-idf vector over the three blocks, normalised
//! as a whole, as a posting's words would be; the duty reading is the duty
//! block alone, normalised on its own. A posting without a title or without
//! role names simply has that block empty.

use std::ops::Range;

use crate::text::ROLE_NAMES;
use crate::vectorize::{sublinear_tf, Scratch};
use crate::{Lang, SparseVec, TfIdf};

/// Number of role-name features.
pub const N_ROLE_NAMES: usize = ROLE_NAMES.len();

/// Where a feature of the role reading comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// A duty term of the body (role names masked).
    Text,
    /// A product-role name the body mentions.
    RoleName,
    /// A term of the title.
    Title,
}

/// The feature layout of the role reading: body duty features first, then
/// the role names, then the title's features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Body (duty) features.
    pub body: usize,
    /// Title features.
    pub title: usize,
}

impl Layout {
    /// Number of features of the role reading.
    pub(crate) fn len(self) -> usize {
        self.body + N_ROLE_NAMES + self.title
    }

    /// The first role-name feature.
    pub(crate) fn role_names(self) -> u32 {
        self.body as u32
    }

    /// The first title feature.
    pub(crate) fn titles(self) -> u32 {
        (self.body + N_ROLE_NAMES) as u32
    }

    /// Which block feature `f` belongs to, and its index inside it.
    pub(crate) fn field(self, f: u32) -> (Field, u32) {
        if f < self.role_names() {
            (Field::Text, f)
        } else if f < self.titles() {
            (Field::RoleName, f - self.role_names())
        } else {
            (Field::Title, f - self.titles())
        }
    }
}

/// How much the role names and the title weigh in the role reading against
/// the body's duty terms: a role name's `1 + ln(count)` and a title term's
/// tf-idf are multiplied by these before the whole vector is normalised.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockWeights {
    /// Weight of a role name (defaults to 4, about the idf of a term met in
    /// one posting in fifty).
    pub role_names: f32,
    /// Multiplier of the title's terms (defaults to 2).
    pub title: f32,
}

impl Default for BlockWeights {
    fn default() -> BlockWeights {
        BlockWeights {
            role_names: 4.0,
            title: 2.0,
        }
    }
}

/// Both readings' vectors and every occurrence behind them.
#[derive(Debug)]
pub(crate) struct Vectors {
    /// The duty reading: the body, role names masked.
    pub duty: SparseVec,
    /// The role reading, in [`Layout`] order.
    pub role: SparseVec,
    /// The body's language.
    pub lang: Lang,
    /// Every occurrence in the body, role-reading feature ids (a duty
    /// feature keeps its id): the duty terms' in text order, then the role
    /// names' in text order.
    pub body_spans: Vec<(u32, Range<usize>)>,
    /// Every occurrence in the title, role-reading feature ids.
    pub title_spans: Vec<(u32, Range<usize>)>,
}

/// One pass over the body (and one over the title) into both vectors.
pub(crate) fn vectorize(
    body_tfidf: &TfIdf,
    title_tfidf: &TfIdf,
    scratch: &mut Scratch,
    title: &str,
    text: &str,
    weights: BlockWeights,
) -> Vectors {
    let layout = Layout {
        body: body_tfidf.n_features(),
        title: title_tfidf.n_features(),
    };
    // About one occurrence per eight bytes of posting text: one allocation, no regrowth.
    let mut body_spans: Vec<(u32, Range<usize>)> = Vec::with_capacity(text.len() / 8 + 16);
    let mut name_spans: Vec<(u32, Range<usize>)> = Vec::new();
    let (duty, lang, duty_norm) = body_tfidf.transform_with_role_names(
        scratch,
        text,
        |o| body_spans.push((o.feature, o.span)),
        |id, span| name_spans.push((layout.role_names() + id as u32, span)),
    );
    let mut names = [0u32; N_ROLE_NAMES];
    for (f, _) in &name_spans {
        names[(f - layout.role_names()) as usize] += 1;
    }
    body_spans.append(&mut name_spans);
    // The role reading: the raw tf-idf of the body's duty terms, of its role
    // names and of the title's terms, L2-normalised together.
    let mut role = SparseVec {
        indices: duty.indices.clone(),
        values: duty.values.iter().map(|w| w * duty_norm).collect(),
    };
    for (id, &n) in names.iter().enumerate() {
        if n > 0 {
            role.indices.push(layout.role_names() + id as u32);
            role.values.push(weights.role_names * sublinear_tf(n));
        }
    }
    let mut title_spans = Vec::new();
    if !title.is_empty() {
        let (t, _, title_norm) = title_tfidf.transform_with_role_names(
            scratch.beside(title_tfidf),
            title,
            |o| title_spans.push((layout.titles() + o.feature, o.span)),
            |_, _| {},
        );
        for (f, w) in t.iter() {
            role.indices.push(layout.titles() + f);
            role.values.push(weights.title * w * title_norm);
        }
    }
    role.l2_normalize();
    Vectors {
        duty,
        role,
        lang,
        body_spans,
        title_spans,
    }
}

/// A role-reading feature's text: a duty term, a role name, or a title term.
pub(crate) fn feature_name(body: &TfIdf, title: &TfIdf, layout: Layout, f: u32) -> String {
    match layout.field(f) {
        (Field::Text, k) => body.feature_name(k),
        (Field::RoleName, k) => ROLE_NAMES.get(k as usize).map(|s| s.to_string()),
        (Field::Title, k) => title.feature_name(k),
    }
    .unwrap_or_default()
}
