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
//!
//! # One path per type
//!
//! Every type has one public path. The modules are private; what a user
//! needs is re-exported here, flat, except the batch audit, whose names
//! (`Settings`, `Format`, `Summary`, `Sink`…) only mean something next to
//! each other: they live in the one public module, [`audit`].

pub mod audit;
mod corpus;
mod detect;
mod error;
mod highlight;
mod model;
mod roles;
mod text;
mod title;
mod vectorize;

pub use audit::html::strip_html;
pub use corpus::{sha256_hex, Corpus, CorpusRules, CorpusStats, LabelledPosting};
pub use detect::{Detector, FlagCalibration, Phrase, PmDuty, Side, DEFAULT_THRESHOLD, MAX_PHRASES};
pub use error::{Error, Result};
pub use highlight::{highlight_runs, Mark};
pub use model::{
    evaluate, refit, train, BlockWeights, Calibration, Candidate, CandidateReport, Checked,
    Classification, Classifier, Confusion, DutyReading, Evaluation, Evidence, Field, FlagScores,
    Model, ModelInfo, Reliability, RoleProbability, RoleScores, Scores, TrainParams, TrainReport,
    TrainSettings, Verdict, MAX_MODEL_BYTES, N_ROLE_NAMES,
};
pub use roles::Role;
pub use text::{
    unsupported_language, Analysis, Analyzer, AnalyzerParams, Bigram, DropReason, Lang, Outcome,
    Token, ANALYZER_RULES, ROLE_NAMES,
};
pub use title::claimed_role;
pub use vectorize::{Occurrence, Scratch, SparseVec, TfIdf, TfIdfParams};

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    /// Every public type can be shared between threads: a server or a batch
    /// job holds one model (and one analyzer, one corpus…) for all of them.
    /// `audit::Dump` is the exception: it holds any reader, `Send` or not,
    /// and is read on the thread that runs the audit.
    #[test]
    fn public_types_are_send_and_sync() {
        use crate::audit::*;
        use crate::*;
        macro_rules! all_send_sync {
            ($($t:ty),* $(,)?) => { $(assert_send_sync::<$t>();)* };
        }
        all_send_sync!(
            // The model and what it returns.
            Model,
            ModelInfo,
            Verdict,
            Checked<'static>,
            Classification,
            Evidence,
            Field,
            RoleProbability,
            DutyReading,
            Calibration,
            Reliability,
            Detector,
            FlagCalibration,
            Phrase,
            PmDuty,
            Side,
            Role,
            Lang,
            Error,
            Mark,
            // Reading a text.
            Analyzer,
            AnalyzerParams,
            Analysis<'static>,
            Outcome,
            Token<'static>,
            Bigram,
            DropReason,
            TfIdf,
            TfIdfParams,
            SparseVec,
            Scratch,
            Occurrence,
            // Training and measuring.
            Corpus,
            CorpusRules,
            CorpusStats,
            LabelledPosting,
            TrainParams,
            TrainReport,
            TrainSettings,
            Candidate,
            CandidateReport,
            Classifier,
            Evaluation,
            FlagScores,
            Scores,
            RoleScores,
            Confusion,
            BlockWeights,
            // The batch audit.
            Auditor<'static>,
            Settings,
            Summary,
            CompanyCounts,
            Tally,
            Fields,
            Format,
            Record,
            RawPosting,
            VerdictLine,
            ErrorLine,
            AuditLine,
            Card,
            Wants,
            Judged<'static>,
            WriterSink<Vec<u8>>,
            OutputFormat,
            ReportData,
            RunInfo,
            JsonlRecords<&'static [u8]>,
            JsonArrayRecords<&'static [u8]>,
            CsvRecords<&'static [u8]>,
        );
    }
}
