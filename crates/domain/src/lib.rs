//! The shared vocabulary, one type per idea, so that no enum travels between crates as a `String`.
//!
//! - [`tokens!`] defines a closed set of snake_case tokens (`as_str`, `parse`, `ALL`, `Display`, serde as the
//!   token); the enums below are the ones more than one crate reads or stores.
//! - The typed JSON columns ([`StoredFindings`], [`Reasons`]) are what the store keeps as JSON text.
//!
//! Parse, don't validate: every type here is read from text once, at the edge (a request, a policy file, a stored
//! row), and a text that is not one of the tokens is an error there, never a default.

mod json;
mod tokens;

#[cfg(test)]
mod tests;

pub use json::{JsonColumn, Reason, Reasons, StoredFinding, StoredFindings};
pub use tokens::{Token, UnknownToken};

#[doc(hidden)]
pub use serde as __serde;

tokens! {
    /// What happens to a message. The order of the variants is their severity (a later one wins).
    Action {
        Deliver => "deliver",
        DeliverWithWarning => "deliver_with_warning",
        DeliverRedacted => "deliver_redacted",
        Block => "block",
        Hold => "hold",
    }
}

impl Action {
    /// Whether the recipient gets (a version of) the message.
    pub fn delivers(self) -> bool {
        matches!(
            self,
            Action::Deliver | Action::DeliverWithWarning | Action::DeliverRedacted
        )
    }
}

tokens! {
    /// A rung's level on the enforcement ladder. The order of the variants is their severity.
    Level {
        Warning => "warning",
        Restricted => "restricted",
        Suspended => "suspended",
        Removed => "removed",
    }
}

tokens! {
    /// What an enforcement step is: a level of the ladder, or `reinstated`, the reversal of an earlier step.
    StepLevel {
        Warning => "warning",
        Restricted => "restricted",
        Suspended => "suspended",
        Removed => "removed",
        Reinstated => "reinstated",
    }
}

impl StepLevel {
    /// The ladder level of a step; `None` for a reinstatement.
    pub fn ladder(self) -> Option<Level> {
        match self {
            StepLevel::Warning => Some(Level::Warning),
            StepLevel::Restricted => Some(Level::Restricted),
            StepLevel::Suspended => Some(Level::Suspended),
            StepLevel::Removed => Some(Level::Removed),
            StepLevel::Reinstated => None,
        }
    }
}

impl From<Level> for StepLevel {
    fn from(level: Level) -> StepLevel {
        match level {
            Level::Warning => StepLevel::Warning,
            Level::Restricted => StepLevel::Restricted,
            Level::Suspended => StepLevel::Suspended,
            Level::Removed => StepLevel::Removed,
        }
    }
}

tokens! {
    /// A user's standing.
    Status {
        Active => "active",
        Warned => "warned",
        Restricted => "restricted",
        Suspended => "suspended",
        Removed => "removed",
    }
}

impl Status {
    /// Whether the user may send messages.
    pub fn may_send(self) -> bool {
        matches!(self, Status::Active | Status::Warned)
    }
}

tokens! {
    /// What a marketplace user is: `buyer`, `seller` or `both`.
    UserRole {
        Buyer => "buyer",
        Seller => "seller",
        Both => "both",
    }
}

tokens! {
    /// A party's side in a conversation or an order.
    Side {
        Buyer => "buyer",
        Seller => "seller",
    }
}

tokens! {
    /// A case's state.
    CaseState {
        Open => "open",
        InReview => "in_review",
        Waiting => "waiting",
        Resolved => "resolved",
        Appealed => "appealed",
    }
}

impl CaseState {
    /// Whether the case still needs an investigator (everything but `resolved`).
    pub fn is_active(self) -> bool {
        self != CaseState::Resolved
    }
}

tokens! {
    /// What a buyer or seller reports.
    ReportCategory {
        PhoneRequest => "phone_request",
        OffPlatformPayment => "off_platform_payment",
        Phishing => "phishing",
        CredentialRequest => "credential_request",
        Harassment => "harassment",
        Counterfeit => "counterfeit",
        Other => "other",
    }
}

impl ReportCategory {
    /// A plain-language label for pages and notices.
    pub fn label(self) -> &'static str {
        match self {
            ReportCategory::PhoneRequest => "asked for a phone number",
            ReportCategory::OffPlatformPayment => "asked to pay off the platform",
            ReportCategory::Phishing => "phishing or a spoofed message",
            ReportCategory::CredentialRequest => "asked for a password or code",
            ReportCategory::Harassment => "harassment",
            ReportCategory::Counterfeit => "counterfeit item",
            ReportCategory::Other => "something else",
        }
    }
}

tokens! {
    /// What a report or case is about.
    SubjectType {
        Message => "message",
        Conversation => "conversation",
        Order => "order",
        User => "user",
    }
}

tokens! {
    /// How a case came to be: a report (with its category), a message the policy held, an appeal, or a seller's
    /// phone-contact requests the contact policy flagged as unusual.
    SourceKind {
        Report => "report",
        HeldMessage => "held_message",
        Appeal => "appeal",
        ContactReview => "contact_review",
    }
}

tokens! {
    /// What an investigator decides.
    Outcome {
        Dismiss => "dismiss",
        Warn => "warn",
        Restrict => "restrict",
        Suspend => "suspend",
        Remove => "remove",
        Reinstate => "reinstate",
    }
}

tokens! {
    /// An investigator's decision on a held message, as recorded.
    HeldDecision {
        Release => "released",
        Reject => "rejected",
    }
}

tokens! {
    /// An appeal: `open` until its case is resolved.
    AppealStatus {
        Open => "open",
        Decided => "decided",
    }
}

tokens! {
    /// A phone-contact request: created `refused` or `pending`; a pending one is approved or declined, and an
    /// approved one ends `revoked` or `expired` with its grant.
    RequestStatus {
        Refused => "refused",
        Pending => "pending",
        Approved => "approved",
        Declined => "declined",
        Revoked => "revoked",
        Expired => "expired",
    }
}

tokens! {
    /// A contact grant: `active` until revoked or expired.
    GrantStatus {
        Active => "active",
        Revoked => "revoked",
        Expired => "expired",
    }
}

impl GrantStatus {
    /// The status of the request whose grant is in this status.
    pub fn request_status(self) -> RequestStatus {
        match self {
            GrantStatus::Active => RequestStatus::Approved,
            GrantStatus::Revoked => RequestStatus::Revoked,
            GrantStatus::Expired => RequestStatus::Expired,
        }
    }
}

tokens! {
    /// Why a seller wants to phone the buyer: a fixed list.
    Purpose {
        DeliveryScheduling => "delivery_scheduling",
        InstallationOrAssembly => "installation_or_assembly",
        CustomisationDetails => "customisation_details",
        TechnicalTroubleshooting => "technical_troubleshooting",
        Other => "other",
    }
}

impl Purpose {
    /// The purpose in plain words, as the buyer reads it.
    pub fn plain_words(self) -> &'static str {
        match self {
            Purpose::DeliveryScheduling => "to schedule the delivery",
            Purpose::InstallationOrAssembly => "to arrange installation or assembly",
            Purpose::CustomisationDetails => "to agree on the details of your made-to-order item",
            Purpose::TechnicalTroubleshooting => "to help with a technical problem with the item",
            Purpose::Other => "for another reason (read the seller's explanation)",
        }
    }
}

tokens! {
    /// How the seller wants to reach the buyer.
    Channel {
        Voice => "voice",
        Sms => "sms",
    }
}

tokens! {
    /// A console account: `active`, or `disabled` (it cannot sign in).
    AccountStatus {
        Active => "active",
        Disabled => "disabled",
    }
}

tokens! {
    /// An investigator's verdict on screening: a finding that was wrong, or a violation the engine missed.
    VerdictKind {
        FindingWrong => "finding_wrong",
        Violation => "violation",
    }
}
