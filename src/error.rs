//! The library's error type.

use std::path::PathBuf;

/// What can go wrong in rolecheck's library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting is out of range or unknown.
    #[error("invalid {name}: {reason}")]
    InvalidParam {
        /// The setting's name.
        name: &'static str,
        /// What was wrong and what is expected.
        reason: String,
    },
    /// A role id that is not one of the seven.
    #[error("unknown role `{0}`; choose from pm, po, pmm, ai-pm, data-pm, product-ops, other")]
    UnknownRole(String),
    /// A line of a labelled file could not be read.
    #[error("line {line}: {reason}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What was wrong with it.
        reason: String,
    },
    /// A labelled file breaks the corpus rules; one message per problem.
    #[error("{} problem(s) in the labelled data:\n  {}", .0.len(), .0.join("\n  "))]
    Corpus(Vec<String>),
    /// A model file is damaged, truncated, of another version, or not a model.
    #[error("invalid model: {0}")]
    ModelFormat(String),
    /// Training failed in the solver.
    #[error("training failed: {0}")]
    Training(String),
    /// Fitting needs data that was not given.
    #[error("cannot fit: {0}")]
    EmptyInput(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `Result` with rolecheck's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
