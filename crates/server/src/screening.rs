//! Building the screener at the edge: the one place that reads a configured intent model file (the `screen` crate
//! does no I/O).

use screen::{ConfigError, IntentModel, Screener};

/// The screener for this configuration: the rules, and the intent model from `screening.intent.model_file` when it
/// is set, the model built into the binary otherwise, or none when `screening.intent.enabled` is false.
pub fn build_screener(config: &screen::Config) -> Result<Screener, ConfigError> {
    let model = match (&config.intent.enabled, &config.intent.model_file) {
        (false, _) => None,
        (true, None) => Some(IntentModel::built_in().map_err(ConfigError::Model)?),
        (true, Some(path)) => Some(load_model(path)?),
    };
    Screener::with_model(config.clone(), model)
}

/// Reads and checks a model file made by `marketguard model train`.
pub fn load_model(path: &str) -> Result<IntentModel, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError::Build {
        detector: "intent",
        reason: format!("could not read the model file {path}: {e}"),
    })?;
    IntentModel::from_bytes(&bytes).map_err(|e| ConfigError::Build {
        detector: "intent",
        reason: format!("{path}: {e}"),
    })
}
