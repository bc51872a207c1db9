//! Contact details and requests to move off the platform: `contact.phone`, `contact.email`, `contact.handle`,
//! `contact.request`.

mod email;
mod handle;
mod phone;
mod request;

use super::Context;
use super::lexicon::LexiconsBuilder;
use crate::{Config, ConfigError, Finding};

#[derive(Debug)]
pub(crate) struct ContactDetector {
    phone: phone::PhoneFinder,
    email: email::EmailFinder,
    handle: handle::HandleFinder,
    request: request::RequestFinder,
}

impl ContactDetector {
    pub fn new(config: &Config, lex: &mut LexiconsBuilder) -> Result<Self, ConfigError> {
        Ok(ContactDetector {
            phone: phone::PhoneFinder::new()?,
            email: email::EmailFinder::new()?,
            handle: handle::HandleFinder::new(config, lex)?,
            request: request::RequestFinder::new(config, lex)?,
        })
    }

    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let first = out.len();
        self.phone.find(cx, out);
        self.email.find(cx, out);
        let emails: Vec<(usize, usize)> = out
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .filter(|f| f.category == crate::Category::ContactEmail)
            .map(|f| (f.start, f.end))
            .collect();
        let has_phone = out
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .any(|f| f.category == crate::Category::ContactPhone);
        self.handle.find(cx, &emails, has_phone, out);
        let has_detail = out.get(first..).unwrap_or(&[]).iter().any(|f| {
            matches!(
                f.category,
                crate::Category::ContactPhone
                    | crate::Category::ContactEmail
                    | crate::Category::ContactHandle
            )
        });
        if has_detail {
            // An invitation to an app ("message me on WhatsApp") only points at the detail given.
            out.retain(|f| f.rule != "request.app_invite");
        }
        self.request.find(cx, has_detail, out);
        // A bare "<app>?" the request lexicon also read ("¿Tienes WhatsApp?"): one finding is enough.
        let requests: Vec<(usize, usize)> = out
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .filter(|f| {
                f.category == crate::Category::ContactRequest && f.rule != "request.app_question"
            })
            .map(|f| (f.start, f.end))
            .collect();
        let mut i = first;
        while i < out.len() {
            let drop = out.get(i).is_some_and(|f| {
                f.rule == "request.app_question"
                    && requests.iter().any(|&r| overlaps(r, (f.start, f.end)))
            });
            if drop {
                out.remove(i);
            } else {
                i += 1;
            }
        }
    }
}

/// True when the original spans `a` and `b` overlap.
fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests;
