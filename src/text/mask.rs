//! Masking product-role names, so a posting is judged by its duties.
//!
//! "En tant que Product Manager, vous gérez le backlog" must read as backlog
//! work, not as a Product Manager because it says so. Role names in the body
//! ("product manager", "PO", "chef de produit", "head of product", "product
//! ops"…) are therefore dropped before they can become terms; seniority words
//! ("senior", "lead") and the domain ("data", "IA") stay, since they are not
//! the role's name.
//!
//! The names and their spellings are the table in [`super::names`], which
//! the title parser reads too.

use super::names::IN_BODY;
use super::segment::{Segment, SegmentKind};

pub use super::names::ROLE_NAMES;
pub(crate) use super::names::ROLE_NAME_WORDS;

/// Can a role name start with this word? Only then is [`role_name_len`]
/// worth calling; the vectorizer caches the answer per surface form, so the
/// masking costs nothing for the other words.
pub(crate) fn is_role_start(word: &str) -> bool {
    IN_BODY.is_first_word(word.as_bytes())
}

/// The longest role name in the words from segment `i` on: how many words
/// it has and its entry in [`ROLE_NAMES`].
fn role_name_at(text: &str, segs: &[Segment], i: usize) -> Option<(usize, usize)> {
    let word = |k: usize| {
        segs.get(i + k)
            .filter(|s| s.kind == SegmentKind::Word)
            .map(|s| &text.as_bytes()[s.start as usize..s.end as usize])
    };
    let mut longest = None;
    IN_BODY.find(word, |n, name| {
        if let Some(feature) = name.body_feature() {
            longest = Some((n, feature));
        }
    });
    longest
}

/// How many word segments from `i` on form a role name (0 if none).
pub(crate) fn role_name_len(text: &str, segs: &[Segment], i: usize) -> usize {
    role_name_at(text, segs, i).map_or(0, |(n, _)| n)
}

/// Which of [`ROLE_NAMES`] the `n` words from segment `i` name, `n` being
/// what [`role_name_len`] found there.
pub(crate) fn role_name_id(text: &str, segs: &[Segment], i: usize, n: usize) -> usize {
    let (words, feature) = role_name_at(text, segs, i)
        .expect("role_name_id is called where role_name_len found a role name");
    debug_assert_eq!(
        words, n,
        "role_name_id is told the length role_name_len found"
    );
    feature
}
