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

/// The kind under which an activated intent model is kept among the policy versions (with its activation audited
/// as `policy.activate`, subject `policy:intent_model`).
pub const MODEL_KIND: &str = "intent_model";

/// The model an operator activated in this database (`marketguard model activate FILE`), with its activation
/// record; `None` when none was. It takes precedence over `screening.intent.model_file` and the built-in model.
pub async fn activated_model(
    store: &store::Store,
) -> Result<Option<(IntentModel, store::policies::PolicyVersionRecord)>, ConfigError> {
    use base64::Engine as _;
    let Some(record) = store
        .active_policy_version(MODEL_KIND)
        .await
        .map_err(|e| model_error(format!("could not read the activated model: {e}")))?
    else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(record.content.as_bytes())
        .map_err(|e| {
            model_error(format!(
                "the activated model {} cannot be decoded: {e}",
                record.version
            ))
        })?;
    if sha256_hex(&bytes) != record.content_sha256 {
        return Err(model_error(format!(
            "the activated model {} does not match its recorded SHA-256: the database was changed by hand",
            record.version
        )));
    }
    let model = IntentModel::from_bytes(&bytes)
        .map_err(|e| model_error(format!("the activated model {}: {e}", record.version)))?;
    Ok(Some((model, record)))
}

/// Makes this model file's model the active one in this database, audited; answers the activation record and
/// whether anything changed (activating the active model again writes nothing). The server uses it from its next
/// start.
pub async fn activate_model(
    store: &store::Store,
    bytes: &[u8],
    actor: &str,
    now: time::OffsetDateTime,
) -> Result<(store::policies::PolicyVersionRecord, bool), ConfigError> {
    use base64::Engine as _;
    let model = IntentModel::from_bytes(bytes).map_err(|e| model_error(e.to_string()))?;
    let content = base64::engine::general_purpose::STANDARD.encode(bytes);
    store
        .activate_policy_version(
            MODEL_KIND,
            model.version(),
            &content,
            &sha256_hex(bytes),
            actor,
            now,
        )
        .await
        .map_err(|e| model_error(format!("could not activate the model: {e}")))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

fn model_error(reason: String) -> ConfigError {
    ConfigError::Build {
        detector: "intent",
        reason,
    }
}
