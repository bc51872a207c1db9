//! SKELETON: not implemented yet.
use super::Context;
use crate::{Config, ConfigError, Finding};

#[derive(Debug)]
pub(crate) struct ShippingDetector {}

impl ShippingDetector {
    pub fn new(_config: &Config) -> Result<Self, ConfigError> {
        Ok(ShippingDetector {})
    }

    pub fn find(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
