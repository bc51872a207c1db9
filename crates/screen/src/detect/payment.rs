//! SKELETON: not implemented yet.
use super::Context;
use crate::{Config, ConfigError, Finding};

#[derive(Debug)]
pub(crate) struct PaymentDetector {}

impl PaymentDetector {
    pub fn new(_config: &Config) -> Result<Self, ConfigError> {
        Ok(PaymentDetector {})
    }

    pub fn find(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
