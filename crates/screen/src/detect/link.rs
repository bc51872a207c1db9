//! SKELETON: not implemented yet.
use super::Context;
use crate::{Config, ConfigError, Finding};

#[derive(Debug)]
pub(crate) struct LinkDetector {}

impl LinkDetector {
    pub fn new(_config: &Config) -> Result<Self, ConfigError> {
        Ok(LinkDetector {})
    }

    pub fn find(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
