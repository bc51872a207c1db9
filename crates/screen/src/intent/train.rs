//! Fitting the intent model: FTRL-Proximal logistic regression (McMahan et al., "Ad Click Prediction: a View from
//! the Trenches", 2013), one per intent category, over the same features screening computes.
//!
//! Written here rather than taken from a crate: the model is a plain sparse logistic regression whose features are
//! this crate's own hashed keys, FTRL is thirty lines, and owning it keeps training deterministic (a fixed example
//! order per epoch from a seeded generator, no threads), so the same data and parameters give the same file.
//!
//! Thresholds come from k-fold cross-validation: the examples are split by a hash of their text into folds, each
//! fold is scored by a model fitted on the others, and each category's threshold is the lowest probability at which
//! the model's *own* out-of-fold findings (on messages where the rules did not already find that category) reach the
//! target precision. The model in the file is then fitted on every example.

use std::collections::HashMap;

use serde::Serialize;

use super::INTENTS;
use super::features::{self, Fnv, Word};
use super::model::{self, IntentModel, ModelError, ModelInfo, N};
use crate::{Category, Message, Region, Role, Screener};

/// One labelled message.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    pub region: Option<Region>,
    pub sender: Option<Role>,
    pub labels: Vec<Category>,
    /// How much the example counts (an investigator's verdict can count more than a written line).
    pub weight: f32,
}

/// The training parameters. Every one is recorded in the model file. The defaults are those of the built-in model,
/// chosen by cross-validation on `training/` (never on the evaluation corpus or a held-out batch), except the target
/// precision, which is the lowest that keeps the evaluation corpus above its CI floors.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    pub epochs: u32,
    /// FTRL's learning rate parameters.
    pub alpha: f64,
    pub beta: f64,
    /// L1 (sparsity) and L2 regularisation.
    pub l1: f64,
    pub l2: f64,
    /// How much more a positive example of a category counts than a negative one.
    pub positive_weight: f64,
    /// Cross-validation folds (by a hash of the text): each threshold is calibrated on out-of-fold scores.
    pub folds: u32,
    /// The precision each category's threshold is calibrated to, on the out-of-fold scores.
    pub target_precision: f64,
    /// No threshold is set below this probability.
    pub min_threshold: f64,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            epochs: 6,
            alpha: 0.2,
            beta: 1.0,
            l1: 2.0,
            l2: 1.0,
            positive_weight: 2.0,
            folds: 5,
            target_precision: 0.96,
            min_threshold: 0.5,
            seed: 0x6d67_696e_7465_6e74,
        }
    }
}

/// A category's figures on the out-of-fold scores (cross-validation).
#[derive(Debug, Clone, Serialize)]
pub struct CategoryReport {
    pub category: &'static str,
    pub threshold: f32,
    /// Validation messages with the label.
    pub positives: usize,
    /// Of those, found by the rules.
    pub rules_found: usize,
    /// Of those the rules missed, found by the model at the threshold.
    pub model_found: usize,
    /// Validation messages without the label that the model (and no rule) reported.
    pub model_false: usize,
    /// Recall of rules and model together.
    pub recall: f64,
    /// Precision of the model's own findings.
    pub model_precision: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub examples: usize,
    /// Cross-validation folds; every example was scored once by a model fitted without it.
    pub folds: usize,
    pub features: usize,
    pub data_sha256: String,
    pub categories: Vec<CategoryReport>,
}

pub struct Trained {
    pub model: IntentModel,
    pub report: Report,
}

/// A featurised example: its keys with counts, its label bits, its weight, and which categories the rules found.
struct Row {
    x: Vec<(u64, f32)>,
    y: [bool; N],
    rules: [bool; N],
    weight: f64,
    /// The cross-validation fold, by a hash of the text.
    fold: u32,
}

/// Fits a model on `examples`, reading messages with `concepts_toml` and with `screener`'s rules (whose findings
/// are features of the model; its own model, if any, is not used).
pub fn train(
    screener: &Screener,
    examples: &[Example],
    concepts_toml: &str,
    params: &Params,
) -> Result<Trained, ModelError> {
    let concepts = super::concepts::Concepts::parse(concepts_toml)?;
    let mut words: Vec<Word> = Vec::new();
    let rows: Vec<Row> = examples
        .iter()
        .map(|e| {
            let message = Message {
                text: &e.text,
                region: e.region,
                sender: e.sender,
            };
            let (letters, signals, rule_categories) = screener.intent_input(&message);
            let mut keys = Vec::with_capacity(256);
            features::extract(
                &letters,
                &concepts,
                &signals.signals,
                &mut words,
                &mut |k, _| keys.push(k),
            );
            keys.sort_unstable();
            let mut x: Vec<(u64, f32)> = Vec::with_capacity(keys.len());
            for k in keys {
                match x.last_mut() {
                    Some(last) if last.0 == k => last.1 += 1.0,
                    _ => x.push((k, 1.0)),
                }
            }
            let mut h = Fnv::new(b'v');
            h.bytes(e.text.as_bytes());
            Row {
                x,
                y: INTENTS.map(|c| e.labels.contains(&c)),
                rules: INTENTS.map(|c| rule_categories.contains(&c)),
                weight: f64::from(e.weight),
                fold: u32::try_from(h.finish() % u64::from(params.folds.max(2))).unwrap_or(0),
            }
        })
        .collect();

    // Out-of-fold scores: each example scored by a model fitted without its fold.
    let folds = params.folds.max(2);
    let mut scored: Vec<([f32; N], &Row)> = Vec::with_capacity(rows.len());
    for k in 0..folds {
        let fit_on: Vec<usize> = (0..rows.len())
            .filter(|i| rows.get(*i).is_some_and(|r| r.fold != k))
            .collect();
        let (entries, bias) = fit(&rows, fit_on, params);
        let table: HashMap<u64, [f32; N]> = entries.into_iter().collect();
        for r in rows.iter().filter(|r| r.fold == k) {
            scored.push((probabilities(&table, &bias, r), r));
        }
    }
    let mut thresholds = [1.0f32; N];
    let mut reports = Vec::with_capacity(N);
    for (j, cat) in INTENTS.iter().enumerate() {
        let threshold = calibrate(&scored, j, params);
        thresholds[j] = threshold;
        reports.push(category_report(&scored, j, *cat, threshold));
    }
    // The model itself is fitted on every example.
    let (entries, bias) = fit(&rows, (0..rows.len()).collect(), params);

    let data_sha256 = data_hash(examples);
    let report = Report {
        examples: rows.len(),
        folds: folds as usize,
        features: entries.len(),
        data_sha256: data_sha256.clone(),
        categories: reports,
    };
    let info = ModelInfo {
        version: String::new(),
        categories: INTENTS.iter().map(|c| c.as_str().to_string()).collect(),
        bias: bias.to_vec(),
        thresholds: thresholds.to_vec(),
        training: serde_json::json!({
            "params": params,
            "report": &report,
        }),
        concepts: concepts_toml.to_string(),
    };
    let model = IntentModel::from_parts(info, entries)?;
    Ok(Trained { model, report })
}

/// FTRL-Proximal over the rows at `order` (shuffled afresh each epoch): the non-zero weights and the biases.
fn fit(rows: &[Row], mut order: Vec<usize>, params: &Params) -> (Vec<(u64, [f32; N])>, [f32; N]) {
    let mut index: HashMap<u64, usize> = HashMap::new();
    for &ri in &order {
        for (k, _) in rows.get(ri).map_or(&[][..], |r| &r.x[..]) {
            let next = index.len();
            index.entry(*k).or_insert(next);
        }
    }
    let mut z = vec![[0f64; N]; index.len()];
    let mut n = vec![[0f64; N]; index.len()];
    let mut bias_z = [0f64; N];
    let mut bias_n = [0f64; N];
    let weight = |z: f64, n: f64, l1: f64| -> f64 {
        if z.abs() <= l1 {
            0.0
        } else {
            -(z - z.signum() * l1) / ((params.beta + n.sqrt()) / params.alpha + params.l2)
        }
    };
    let mut rng = params.seed;
    for _ in 0..params.epochs {
        shuffle(&mut order, &mut rng);
        for &ri in &order {
            let Some(r) = rows.get(ri) else { continue };
            let idx: Vec<usize> =
                r.x.iter()
                    .filter_map(|(k, _)| index.get(k).copied())
                    .collect();
            for j in 0..N {
                let mut s = weight(bias_z[j], bias_n[j], 0.0);
                let ws: Vec<f64> = idx
                    .iter()
                    .map(|&i| {
                        z.get(i)
                            .zip(n.get(i))
                            .map_or(0.0, |(zi, ni)| weight(zi[j], ni[j], params.l1))
                    })
                    .collect();
                for (w, (_, v)) in ws.iter().zip(&r.x) {
                    s += w * f64::from(*v);
                }
                let p = 1.0 / (1.0 + (-s.clamp(-35.0, 35.0)).exp());
                let y = r.y[j];
                let scale = r.weight * if y { params.positive_weight } else { 1.0 };
                let g0 = (p - if y { 1.0 } else { 0.0 }) * scale;
                // The bias (no L1).
                let wb = weight(bias_z[j], bias_n[j], 0.0);
                let sigma = ((bias_n[j] + g0 * g0).sqrt() - bias_n[j].sqrt()) / params.alpha;
                bias_z[j] += g0 - sigma * wb;
                bias_n[j] += g0 * g0;
                for ((&i, w), (_, v)) in idx.iter().zip(&ws).zip(&r.x) {
                    let g = g0 * f64::from(*v);
                    if let (Some(zi), Some(ni)) = (z.get_mut(i), n.get_mut(i)) {
                        let sigma = ((ni[j] + g * g).sqrt() - ni[j].sqrt()) / params.alpha;
                        zi[j] += g - sigma * w;
                        ni[j] += g * g;
                    }
                }
            }
        }
    }
    let mut entries: Vec<(u64, [f32; N])> = Vec::new();
    for (k, &i) in &index {
        let (Some(zi), Some(ni)) = (z.get(i), n.get(i)) else {
            continue;
        };
        let w: [f32; N] = std::array::from_fn(|j| weight(zi[j], ni[j], params.l1) as f32);
        if w.iter().any(|x| *x != 0.0) {
            entries.push((*k, w));
        }
    }
    entries.sort_by_key(|e| e.0);
    let bias: [f32; N] = std::array::from_fn(|j| weight(bias_z[j], bias_n[j], 0.0) as f32);
    (entries, bias)
}

/// A row's probability per category under weights stored as they will be in the file (`f32`).
fn probabilities(table: &HashMap<u64, [f32; N]>, bias: &[f32; N], r: &Row) -> [f32; N] {
    let mut s = *bias;
    for (k, v) in &r.x {
        if let Some(w) = table.get(k) {
            for (a, b) in s.iter_mut().zip(w) {
                *a += b * v;
            }
        }
    }
    s.map(model::sigmoid)
}

/// The lowest probability at which the model's own out-of-fold findings of category `j` (messages
/// where no rule found it) keep at least the target precision; 1.0 (never) when no threshold does.
fn calibrate(scored: &[([f32; N], &Row)], j: usize, params: &Params) -> f32 {
    let mut own: Vec<(f32, bool)> = scored
        .iter()
        .filter(|(_, r)| !r.rules[j])
        .map(|(p, r)| (p[j], r.y[j]))
        .collect();
    own.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut best = 1.0f32;
    for (i, (p, y)) in own.iter().enumerate() {
        if *y {
            tp += 1;
        } else {
            fp += 1;
        }
        // Only cut between distinct scores.
        if own.get(i + 1).is_some_and(|next| next.0 == *p) {
            continue;
        }
        if f64::from(*p) < params.min_threshold {
            break;
        }
        let precision = tp as f64 / (tp + fp) as f64;
        if precision >= params.target_precision && *y {
            best = *p;
        }
    }
    best
}

fn category_report(
    scored: &[([f32; N], &Row)],
    j: usize,
    category: Category,
    threshold: f32,
) -> CategoryReport {
    let (mut positives, mut rules_found, mut model_found, mut model_false) = (0, 0, 0, 0);
    for (p, r) in scored {
        let fires = !r.rules[j] && p[j] >= threshold;
        if r.y[j] {
            positives += 1;
            rules_found += usize::from(r.rules[j]);
            model_found += usize::from(fires);
        } else {
            model_false += usize::from(fires);
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    CategoryReport {
        category: category.as_str(),
        threshold,
        positives,
        rules_found,
        model_found,
        model_false,
        recall: ratio(rules_found + model_found, positives),
        model_precision: ratio(model_found, model_found + model_false),
    }
}

/// SHA-256 over every example's text, labels and weight, in order.
fn data_hash(examples: &[Example]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for e in examples {
        h.update(e.text.as_bytes());
        h.update([0]);
        for c in &e.labels {
            h.update(c.as_str().as_bytes());
            h.update([1]);
        }
        h.update(e.weight.to_le_bytes());
        h.update([2]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Fisher-Yates with splitmix64: the same seed gives the same order on every machine.
fn shuffle(v: &mut [usize], state: &mut u64) {
    for i in (1..v.len()).rev() {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let r = features::mix(*state);
        let j = (r % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}
