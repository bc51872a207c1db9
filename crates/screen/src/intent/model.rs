//! The intent model: one logistic regression per intent category over the hashed features, and its file format.
//!
//! File format (little-endian), version 1:
//! `b"MGIM"`, `u32` format version, `u32` header length, the header (JSON: [`ModelInfo`]), `u32` entry count, then
//! per entry a `u64` feature key and one `f32` weight per intent category, entries sorted by key. The same
//! examples and parameters always give the same bytes, so a model file can be reproduced and compared.

use serde::{Deserialize, Serialize};

use super::INTENTS;
use super::concepts::{ConceptError, Concepts};

const MAGIC: &[u8; 4] = b"MGIM";
const FORMAT: u32 = 1;
pub(crate) const N: usize = INTENTS.len();

/// What a model file says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    /// `intent-` and the first 12 hex digits of the SHA-256 of the weights and thresholds: two files with the same
    /// version score every message alike.
    pub version: String,
    /// The intent categories, in the order of the weights.
    pub categories: Vec<String>,
    /// The bias of each category's logistic regression.
    pub bias: Vec<f32>,
    /// The probability at or above which each category is reported (calibrated on the validation split).
    pub thresholds: Vec<f32>,
    /// How the model was trained, and its figures on the validation split.
    pub training: serde_json::Value,
    /// The text of the concept lexicons the model was trained with.
    pub concepts: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not a Marketguard intent model file (it does not start with MGIM)")]
    NotAModel,
    #[error("intent model format {0} is not supported by this build (it reads format 1)")]
    Format(u32),
    #[error("the intent model file is cut short or damaged: {0}")]
    Damaged(&'static str),
    #[error("the intent model's header is not valid: {0}")]
    Header(String),
    #[error("the intent model's categories are {0:?}; this build expects {1:?}")]
    Categories(Vec<String>, Vec<String>),
    #[error(transparent)]
    Concepts(#[from] ConceptError),
}

/// A loaded model: the weights in an open-addressing table keyed by the full 64-bit feature key (no collisions
/// between features the model knows), and the concepts it reads messages with.
#[derive(Debug, Clone)]
pub struct IntentModel {
    pub(crate) info: ModelInfo,
    pub(crate) concepts: Concepts,
    keys: Vec<u64>,
    weights: Vec<[f32; N]>,
    mask: usize,
    pub(crate) bias: [f32; N],
    /// The thresholds as log-odds, so screening compares scores without a sigmoid.
    pub(crate) threshold_logits: [f32; N],
}

impl IntentModel {
    /// The model built into this binary (`data/intent-model.bin`).
    pub fn built_in() -> Result<IntentModel, ModelError> {
        IntentModel::from_bytes(include_bytes!("../../data/intent-model.bin"))
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn version(&self) -> &str {
        &self.info.version
    }

    /// The number of features with a weight.
    pub fn len(&self) -> usize {
        self.keys.iter().filter(|k| **k != 0).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<&[f32; N]> {
        let mut i = (key as usize) & self.mask;
        loop {
            let k = *self.keys.get(i)?;
            if k == key {
                return self.weights.get(i);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Builds a model from its parts (the trainer's output). `entries` need not be sorted.
    pub(crate) fn from_parts(
        mut info: ModelInfo,
        mut entries: Vec<(u64, [f32; N])>,
    ) -> Result<IntentModel, ModelError> {
        entries.sort_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        info.version = version_of(&info, &entries);
        let concepts = Concepts::parse(&info.concepts)?;
        check_categories(&info)?;
        let cap = (entries.len() * 2).next_power_of_two().max(16);
        let mut keys = vec![0u64; cap];
        let mut weights = vec![[0f32; N]; cap];
        let mask = cap - 1;
        for (k, w) in entries {
            let mut i = (k as usize) & mask;
            while keys.get(i).is_some_and(|x| *x != 0) {
                i = (i + 1) & mask;
            }
            if let (Some(ks), Some(ws)) = (keys.get_mut(i), weights.get_mut(i)) {
                *ks = k;
                *ws = w;
            }
        }
        let bias = to_array(&info.bias).ok_or(ModelError::Damaged("bias"))?;
        let thresholds = to_array(&info.thresholds).ok_or(ModelError::Damaged("thresholds"))?;
        let threshold_logits = thresholds.map(logit);
        Ok(IntentModel {
            info,
            concepts,
            keys,
            weights,
            mask,
            bias,
            threshold_logits,
        })
    }

    /// The model's entries, sorted by key.
    fn entries(&self) -> Vec<(u64, [f32; N])> {
        let mut e: Vec<(u64, [f32; N])> = self
            .keys
            .iter()
            .zip(&self.weights)
            .filter(|(k, _)| **k != 0)
            .map(|(k, w)| (*k, *w))
            .collect();
        e.sort_by_key(|x| x.0);
        e
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        let header =
            serde_json::to_vec(&self.info).map_err(|e| ModelError::Header(e.to_string()))?;
        let entries = self.entries();
        let mut out = Vec::with_capacity(16 + header.len() + entries.len() * (8 + 4 * N));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(
            &u32::try_from(header.len())
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        out.extend_from_slice(&header);
        out.extend_from_slice(
            &u32::try_from(entries.len())
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        for (k, w) in entries {
            out.extend_from_slice(&k.to_le_bytes());
            for x in w {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        Ok(out)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<IntentModel, ModelError> {
        let mut r = Reader(bytes);
        if r.take(4).ok_or(ModelError::NotAModel)? != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let format = r.u32().ok_or(ModelError::Damaged("format"))?;
        if format != FORMAT {
            return Err(ModelError::Format(format));
        }
        let header_len = r.u32().ok_or(ModelError::Damaged("header length"))? as usize;
        let header = r.take(header_len).ok_or(ModelError::Damaged("header"))?;
        let info: ModelInfo =
            serde_json::from_slice(header).map_err(|e| ModelError::Header(e.to_string()))?;
        let n = r.u32().ok_or(ModelError::Damaged("entry count"))? as usize;
        if r.0.len() != n * (8 + 4 * N) {
            return Err(ModelError::Damaged(
                "the weights do not match the entry count",
            ));
        }
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let k = r.u64().ok_or(ModelError::Damaged("entry"))?;
            let mut w = [0f32; N];
            for x in &mut w {
                *x = r.f32().ok_or(ModelError::Damaged("entry"))?;
            }
            if k == 0 || w.iter().any(|x| !x.is_finite()) {
                return Err(ModelError::Damaged(
                    "an entry has key 0 or a weight that is not finite",
                ));
            }
            entries.push((k, w));
        }
        let claimed = info.version.clone();
        let model = IntentModel::from_parts(info, entries)?;
        if model.info.version != claimed {
            return Err(ModelError::Header(format!(
                "the file says it is {claimed} but its weights are {}",
                model.info.version
            )));
        }
        Ok(model)
    }
}

fn check_categories(info: &ModelInfo) -> Result<(), ModelError> {
    let expected: Vec<String> = INTENTS.iter().map(|c| c.as_str().to_string()).collect();
    if info.categories != expected {
        return Err(ModelError::Categories(info.categories.clone(), expected));
    }
    Ok(())
}

fn to_array(v: &[f32]) -> Option<[f32; N]> {
    let a: [f32; N] = v.try_into().ok()?;
    a.iter().all(|x| x.is_finite()).then_some(a)
}

pub(crate) fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// The content address of a model: what decides its scores (weights, bias, thresholds, concepts).
fn version_of(info: &ModelInfo, entries: &[(u64, [f32; N])]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (k, w) in entries {
        h.update(k.to_le_bytes());
        for x in w {
            h.update(x.to_le_bytes());
        }
    }
    for x in info.bias.iter().chain(&info.thresholds) {
        h.update(x.to_le_bytes());
    }
    h.update(info.concepts.as_bytes());
    let digest = h.finalize();
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("intent-{hex}")
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = b;
        Some(a)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}
