//! The model file: a versioned, checksummed binary format.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "RCHKMODL"
//! 8       4     format version (u32 LE)
//! 12      8     payload length (u64 LE)
//! 20      4     CRC-32 of the payload (u32 LE)
//! 24      …     payload:
//!                 header length (u32 LE), header (JSON: roles, analyzer and
//!                 vectorizer settings and feature names of the body and of
//!                 the title, metadata and calibration, and the
//!                 backlog-manager detector: its threshold, how it was
//!                 calibrated, and its PM duty terms),
//!                 body idf (f32 LE × body features),
//!                 title idf (f32 LE × title features),
//!                 role head: coefficients (f32 LE × (body features + role
//!                   names + title features) × 7, feature-major), intercepts (f32 LE × 7),
//!                 duty head: coefficients (f32 LE × body features × 7), intercepts (f32 LE × 7)
//! ```
//!
//! Weights are raw little-endian floats, so loading is a copy, not a parse;
//! only the header (names and settings) goes through JSON.
//!
//! Version 3 stores the detector as its own part of the header; version 2
//! kept an optional threshold inside the metadata. Files of other versions
//! are refused with both versions named: retrain the model.

use serde::{Deserialize, Serialize};

use super::{LinearModel, Model, ModelInfo, N_ROLES, N_ROLE_NAMES};
use crate::detect::Detector;
use crate::{Error, Result, Role, TfIdf, TfIdfParams};

const MAGIC: &[u8; 8] = b"RCHKMODL";
/// The version of the format this build writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 3;
const PREAMBLE: usize = 24;
/// The largest model file read: 64 MiB, far above any model the corpus
/// could train (the shipped one is about 1 MiB).
pub const MAX_MODEL_BYTES: u64 = 64 << 20;

#[derive(Serialize, Deserialize)]
struct Header {
    roles: Vec<Role>,
    tfidf: TfIdfParams,
    n_docs: usize,
    features: Vec<String>,
    titles: TfIdfParams,
    title_docs: usize,
    title_features: Vec<String>,
    info: ModelInfo,
    /// Always written; read as an option so that a header without it gets
    /// its own message.
    detector: Option<Detector>,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::ModelFormat(reason.into())
}

/// Reads little-endian f32 values, advancing `pos`.
fn read_f32s(payload: &[u8], pos: &mut usize, n: usize, what: &str) -> Result<Vec<f32>> {
    let len = n
        .checked_mul(4)
        .ok_or_else(|| bad(format!("{what}: size overflows")))?;
    let end = pos
        .checked_add(len)
        .filter(|&e| e <= payload.len())
        .ok_or_else(|| bad(format!("{what}: payload ends early")))?;
    let values = payload[*pos..end]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    *pos = end;
    Ok(values)
}

/// The payload of a model file's bytes, once its magic bytes, format
/// version, length and checksum are checked.
fn payload(bytes: &[u8]) -> Result<&[u8]> {
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(bad(
            "not a rolecheck model (the file does not start with RCHKMODL)",
        ));
    }
    if bytes.len() < PREAMBLE {
        return Err(bad(format!(
            "truncated: {} bytes, the preamble alone is {PREAMBLE}",
            bytes.len()
        )));
    }
    let u32_at =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let version = u32_at(8);
    if version > FORMAT_VERSION {
        return Err(bad(format!(
            "format version {version} is newer than this rolecheck reads ({FORMAT_VERSION}); upgrade rolecheck"
        )));
    }
    if version < FORMAT_VERSION {
        return Err(bad(format!(
            "format version {version} is no longer supported (this rolecheck reads {FORMAT_VERSION}); retrain the model"
        )));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[12..20]);
    let len = u64::from_le_bytes(len);
    let payload = &bytes[PREAMBLE..];
    if (payload.len() as u64) < len {
        return Err(bad(format!(
            "truncated: payload should be {len} bytes, found {}",
            payload.len()
        )));
    }
    if (payload.len() as u64) > len {
        return Err(bad(format!(
            "{} unexpected bytes after the payload",
            payload.len() as u64 - len
        )));
    }
    if crc32fast::hash(payload) != u32_at(20) {
        return Err(bad("corrupted: the checksum does not match the content"));
    }
    Ok(payload)
}

impl Model {
    /// The model as bytes of the model file format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            roles: Role::ALL.to_vec(),
            tfidf: self.tfidf.params().clone(),
            n_docs: self.tfidf.n_docs(),
            features: self.tfidf.feature_names(),
            titles: self.titles.params().clone(),
            title_docs: self.titles.n_docs(),
            title_features: self.titles.feature_names(),
            info: self.info.clone(),
            detector: Some(self.detector.clone()),
        };
        let json = serde_json::to_vec(&header)
            .expect("the header serialises: plain data with string keys");
        let heads = [&self.role, &self.duty];
        let floats = self.tfidf.n_features()
            + self.titles.n_features()
            + heads
                .iter()
                .map(|h| h.coef().len() + N_ROLES)
                .sum::<usize>();
        let mut payload = Vec::with_capacity(4 + json.len() + 4 * floats);
        payload.extend_from_slice(&(json.len() as u32).to_le_bytes());
        payload.extend_from_slice(&json);
        let idf = self.tfidf.idf().iter().chain(self.titles.idf());
        let weights = heads
            .iter()
            .flat_map(|h| h.coef().iter().chain(h.intercept()));
        for v in idf.chain(weights) {
            payload.extend_from_slice(&v.to_le_bytes());
        }
        let mut out = Vec::with_capacity(PREAMBLE + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        out
    }

    /// Reads a model file's bytes; any damage is an error that says what is wrong.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        let payload = payload(bytes)?;
        if payload.len() < 4 {
            return Err(bad("payload too short for its header"));
        }
        let header_len =
            u32::from_le_bytes([payload[0], payload[1], payload[2], payload[3]]) as usize;
        let header_end = 4usize
            .checked_add(header_len)
            .filter(|&e| e <= payload.len())
            .ok_or_else(|| bad("header longer than the payload"))?;
        let header: Header = serde_json::from_slice(&payload[4..header_end])
            .map_err(|e| bad(format!("unreadable header: {e}")))?;
        let detector = header.detector.ok_or_else(|| {
            bad("no backlog-manager detector in the header; every model has one: retrain the model")
        })?;
        if header.roles != Role::ALL {
            return Err(bad(format!(
                "roles {:?} differ from this rolecheck's {:?}",
                header.roles.iter().map(|r| r.id()).collect::<Vec<_>>(),
                Role::ALL.map(|r| r.id())
            )));
        }
        let (n, nt) = (header.features.len(), header.title_features.len());
        let mut pos = header_end;
        let idf = read_f32s(payload, &mut pos, n, "idf")?;
        let title_idf = read_f32s(payload, &mut pos, nt, "title idf")?;
        let mut head = |name: &str, features: usize| -> Result<LinearModel> {
            let coef = read_f32s(payload, &mut pos, features * N_ROLES, name)?;
            let intercept = read_f32s(payload, &mut pos, N_ROLES, name)?;
            let mut b = [0.0f32; N_ROLES];
            b.copy_from_slice(&intercept);
            LinearModel::new(features, coef, b).map_err(|e| bad(format!("{name}: {e}")))
        };
        let role = head("role head", n + N_ROLE_NAMES + nt)?;
        let duty = head("duty head", n)?;
        if pos != payload.len() {
            return Err(bad("payload longer than its header announces"));
        }
        let tfidf = TfIdf::from_parts(header.tfidf, header.n_docs, header.features, idf)
            .map_err(|e| bad(format!("vectorizer: {e}")))?;
        let titles = TfIdf::from_parts(
            header.titles,
            header.title_docs,
            header.title_features,
            title_idf,
        )
        .map_err(|e| bad(format!("title vectorizer: {e}")))?;
        Model::new(tfidf, titles, role, duty, detector, header.info)
    }

    /// Reads a model file; a file past [`MAX_MODEL_BYTES`] is refused after
    /// reading only that much (`/dev/zero` cannot fill the memory).
    pub fn load(path: &std::path::Path) -> Result<Model> {
        use std::io::Read;
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .map_err(io)?
            .take(MAX_MODEL_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_MODEL_BYTES {
            return Err(Error::ModelFormat(format!(
                "{}: larger than {} MiB, so not a rolecheck model",
                path.display(),
                MAX_MODEL_BYTES >> 20
            )));
        }
        Model::from_bytes(&bytes).map_err(|e| match e {
            Error::ModelFormat(reason) => {
                Error::ModelFormat(format!("{}: {reason}", path.display()))
            }
            other => other,
        })
    }

    /// Writes the model file.
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}
