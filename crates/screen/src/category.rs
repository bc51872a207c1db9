use serde::{Serialize, Serializer};

/// The screening categories of `shared/spec/screening.md`. The order of the variants is the sort order of
/// `categories` in the output (alphabetical by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    ContactEmail,
    ContactHandle,
    ContactPhone,
    ContactRequest,
    CredentialRequest,
    LinkPhishing,
    PaymentOffPlatform,
    PressureUrgency,
    ShippingRedirect,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::ContactEmail,
        Category::ContactHandle,
        Category::ContactPhone,
        Category::ContactRequest,
        Category::CredentialRequest,
        Category::LinkPhishing,
        Category::PaymentOffPlatform,
        Category::PressureUrgency,
        Category::ShippingRedirect,
    ];

    /// The name used on the wire, e.g. `contact.phone`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ContactEmail => "contact.email",
            Category::ContactHandle => "contact.handle",
            Category::ContactPhone => "contact.phone",
            Category::ContactRequest => "contact.request",
            Category::CredentialRequest => "credential.request",
            Category::LinkPhishing => "link.phishing",
            Category::PaymentOffPlatform => "payment.off_platform",
            Category::PressureUrgency => "pressure.urgency",
            Category::ShippingRedirect => "shipping.redirect",
        }
    }

    pub fn parse(s: &str) -> Result<Category, UnknownCategory> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCategory(s.chars().take(64).collect()))
    }

    /// The label that replaces a finding of this category in the redacted text, or `None` when findings of this
    /// category describe the message as a whole (a request, pressure) and nothing is cut out.
    pub fn redaction_label(self) -> Option<&'static str> {
        match self {
            Category::ContactPhone => Some("[phone number removed]"),
            Category::ContactEmail => Some("[email address removed]"),
            Category::ContactHandle => Some("[contact handle removed]"),
            Category::PaymentOffPlatform => Some("[payment details removed]"),
            Category::LinkPhishing => Some("[link removed]"),
            Category::ContactRequest
            | Category::CredentialRequest
            | Category::PressureUrgency
            | Category::ShippingRedirect => None,
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a screening category; the categories are those of spec/screening.md, e.g. `contact.phone`"
)]
pub struct UnknownCategory(pub String);
