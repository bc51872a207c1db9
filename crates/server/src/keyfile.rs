//! The data key (`security.encryption_key`) of an embedded deployment. TOTP secrets, console accounts' second
//! factors and contact grants' numbers are encrypted under it, so a server without one refuses them. On SQLite
//! with no key configured, `serve` keeps one in a file beside the database (`marketguard.db` → `marketguard.key`):
//! made on first start (32 random bytes in base64, mode 0600), read on every later start, refused when others
//! may read it or it does not hold a key. PostgreSQL deployments configure the key; `serve` warns without one.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Config;
use crate::security::config::ConfigSecret;

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("could not read the key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("could not create the key file {path}: {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the key file {path} may be read by other users (mode {mode:04o}); it holds the data key, so it must be \
         readable by its owner only: chmod 600 {path}"
    )]
    TooOpen { path: String, mode: u32 },
    #[error(
        "the key file {path} does not hold a data key: it must be 32 random bytes in base64 (44 characters, \
         e.g. from `openssl rand -base64 32`). Restore the file from a backup; a new key cannot read what the \
         old one encrypted"
    )]
    Invalid { path: String },
}

/// Where the data key came from, for `serve` to say at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataKeySource {
    /// `security.encryption_key` is set (file, environment).
    Configured,
    /// Made now, in this file.
    Created(PathBuf),
    /// Read from this file, made by an earlier start.
    Read(PathBuf),
    /// No key: a PostgreSQL deployment (or an in-memory SQLite database) must configure one; on SQLite, no key
    /// file yet and none to be made.
    Missing,
}

/// The key file of a SQLite database URL (`sqlite://PATH[?...]`): the database's path with the extension `key`.
/// `None` for PostgreSQL and in-memory databases.
pub fn key_file_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(Path::new(path).with_extension("key"))
}

/// Gives `config` a data key when it has none: on SQLite from the key file beside the database, made when missing
/// if `make` (`serve` makes it; the admin commands only read it). Answers where the key came from.
pub fn ensure_data_key(config: &mut Config, make: bool) -> Result<DataKeySource, KeyFileError> {
    if config.security.encryption_key.is_some() {
        return Ok(DataKeySource::Configured);
    }
    let Some(path) = key_file_path(&config.database_url) else {
        return Ok(DataKeySource::Missing);
    };
    if !make && !path.exists() {
        return Ok(DataKeySource::Missing);
    }
    let (key, created) = read_or_create(&path)?;
    config.security.encryption_key = Some(key);
    Ok(if created {
        DataKeySource::Created(path)
    } else {
        DataKeySource::Read(path)
    })
}

/// Reads the key file, or makes it (mode 0600 from the start) when it does not exist; answers the key and whether
/// it was made now.
pub fn read_or_create(path: &Path) -> Result<(ConfigSecret, bool), KeyFileError> {
    let shown = || path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(KeyFileError::TooOpen {
                        path: shown(),
                        mode,
                    });
                }
            }
            #[cfg(not(unix))]
            let _ = meta;
            let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Read {
                path: shown(),
                source,
            })?;
            let key = ConfigSecret::new(text.trim());
            security::DataKey::from_base64(&key.0)
                .map_err(|_| KeyFileError::Invalid { path: shown() })?;
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let create = |source| KeyFileError::Create {
                path: shown(),
                source,
            };
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                options.mode(0o600);
            }
            let key = security::DataKey::generate_base64();
            let mut file = options.open(path).map_err(create)?;
            file.write_all(format!("{key}\n").as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(create)?;
            Ok((ConfigSecret::new(key), true))
        }
        Err(source) => Err(KeyFileError::Read {
            path: shown(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests;
