//! rolecheck reads job postings — French, English or franglais — and says
//! which product role each one really is.
//!
//! # Brief overview
//!
//! - [`Model`] reads a posting twice: the [`Role`] it is, from all its
//!   words (title, body, the role names it uses), and the role its duties
//!   alone describe (role names masked); every term's exact contribution
//!   and its byte spans come with it ([`Classification`]).
//!   `Model::default()` is the shipped model, compiled into the binary;
//!   [`Model::check`] adds the backlog-manager flag from the model's
//!   [`Detector`] ([`Verdict`]), and its evidence phrases when asked
//!   ([`Checked`]).
//! - [`Analyzer`] turns a posting into terms (stems, acronyms, bigrams), each
//!   with the byte span of the words it came from, following French rules:
//!   elisions, inclusive writing, `H/F` markers, accents, ligatures, masked
//!   role names.
//! - [`TfIdfParams`] fits a [`TfIdf`] vectorizer; [`TfIdf::transform`] turns
//!   a posting into an L2-normalised [`SparseVec`].
//! - [`Corpus`] reads and checks labelled postings; [`model::train`] fits and
//!   compares classifiers on them.
//!
//! ```
//! use rolecheck::{Model, Role};
//!
//! let model = Model::default();
//! let body = "En tant que Product Manager, vous gérez le backlog, rédigez les user stories \
//!             et animez les cérémonies Scrum avec les développeurs.";
//! let verdict = model.classify_posting("Product Manager (H/F)", body);
//! assert_eq!(verdict.role, Role::Po);
//! assert_eq!(verdict.duty.role, Role::Po);
//! let strongest = &verdict.evidence[0];
//! for span in &strongest.spans {
//!     println!("{} at {span:?}: {}", strongest.term, &body[span.clone()]);
//! }
//! ```
//!
//! ```
//! use rolecheck::{Analyzer, Lang};
//!
//! let analysis = Analyzer::new().analyze("L’équipe recherche un·e Product Manager (H/F) pour piloter la stratégie.");
//! assert_eq!(analysis.lang, Lang::Fr);
//! let terms: Vec<&str> = analysis.terms().collect();
//! // "Product Manager" is a role name: masked, so that only duties count.
//! assert_eq!(terms, ["equip", "recherch", "pilot", "strateg"]);
//! ```
#![deny(missing_docs)]

pub mod audit;
pub mod corpus;
pub mod detect;
mod error;
pub mod highlight;
pub mod model;
mod roles;
pub mod text;
pub mod title;
pub mod vectorize;

pub use corpus::{Corpus, CorpusRules, LabelledPosting};
pub use detect::Detector;
pub use error::{Error, Result};
pub use model::{Checked, Classification, Evidence, Model, ModelInfo, Verdict};
pub use roles::Role;
pub use text::{Analysis, Analyzer, AnalyzerParams, DropReason, Lang, Outcome, Token};
pub use vectorize::{Scratch, SparseVec, TfIdf, TfIdfParams};

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Analyzer>();
        assert_send_sync::<crate::TfIdf>();
        assert_send_sync::<crate::SparseVec>();
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::Model>();
        assert_send_sync::<crate::Verdict>();
        assert_send_sync::<crate::Detector>();
        assert_send_sync::<crate::Checked<'static>>();
        assert_send_sync::<crate::model::Calibration>();
    }
}
