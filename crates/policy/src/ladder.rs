//! Strikes, their decay, the enforcement ladder and a user's standing.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::Policy;

/// How a strike's weight falls with age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decay {
    /// Full weight on the day it is given, then falling linearly by whole days of age to zero at the end of the
    /// window (whole days, so that strikes given close together add up to exactly their weights).
    Linear,
    /// Full weight until the window ends, then nothing.
    None,
}

pub use domain::Level;

/// One rung of the ladder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rung {
    pub level: Level,
    /// Decayed strike points at which the rung applies.
    pub threshold: f64,
    /// How long a restriction lasts; `None` for the other levels (they last until reversed).
    pub duration: Option<Duration>,
}

/// A strike already given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastStrike {
    pub weight: u32,
    pub at: OffsetDateTime,
}

/// The rung a new strike moves the user to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Escalation {
    /// Index into the policy's ladder.
    pub rung: usize,
    pub level: Level,
    pub until: Option<OffsetDateTime>,
    pub score: f64,
    pub threshold: f64,
}

impl Policy {
    /// A strike's weight at `now`.
    pub fn decayed_weight(&self, strike: &PastStrike, now: OffsetDateTime) -> f64 {
        let age = now - strike.at;
        let window = self.strikes.window;
        if age >= window {
            return 0.0;
        }
        let age = if age.is_negative() {
            Duration::ZERO
        } else {
            age
        };
        let w = f64::from(strike.weight);
        match self.strikes.decay {
            Decay::None => w,
            Decay::Linear => {
                let days = age.whole_days() as f64;
                w * (1.0 - days / window.whole_days() as f64)
            }
        }
    }

    /// The sum of the strikes' decayed weights at `now`.
    pub fn score(&self, strikes: &[PastStrike], now: OffsetDateTime) -> f64 {
        strikes.iter().map(|s| self.decayed_weight(s, now)).sum()
    }

    /// The rung to apply after a new strike: the highest rung whose threshold the score reaches, when it is above
    /// `current_rung` (the highest rung of the user's unreversed steps within the strike window). `None` when the
    /// user stays where they are.
    pub fn escalate(
        &self,
        strikes: &[PastStrike],
        current_rung: Option<usize>,
        now: OffsetDateTime,
    ) -> Option<Escalation> {
        let score = self.score(strikes, now);
        let reached = |t: f64| score >= t;
        let (rung, r) = self
            .ladder
            .iter()
            .enumerate()
            .rev()
            .find(|(_, r)| reached(r.threshold))?;
        if current_rung.is_some_and(|c| c >= rung) {
            return None;
        }
        Some(Escalation {
            rung,
            level: r.level,
            until: r.duration.map(|d| now + d),
            score,
            threshold: r.threshold,
        })
    }
}

/// An enforcement step that has not been reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveStep {
    pub level: Level,
    pub until: Option<OffsetDateTime>,
}

pub use domain::Status;

/// A standing at one time: the status and, for a restriction, when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub status: Status,
    pub until: Option<OffsetDateTime>,
}

/// The standing the unreversed steps give at `now`: the most severe step in force. A restriction that has ended
/// leaves the user warned.
pub fn standing(steps: &[ActiveStep], now: OffsetDateTime) -> Standing {
    let has = |l: Level| steps.iter().any(|s| s.level == l);
    if has(Level::Removed) {
        return Standing {
            status: Status::Removed,
            until: None,
        };
    }
    if has(Level::Suspended) {
        return Standing {
            status: Status::Suspended,
            until: None,
        };
    }
    let restricted_until = steps
        .iter()
        .filter(|s| s.level == Level::Restricted)
        .filter_map(|s| s.until)
        .filter(|u| *u > now)
        .max();
    if let Some(until) = restricted_until {
        return Standing {
            status: Status::Restricted,
            until: Some(until),
        };
    }
    Standing {
        status: if steps.is_empty() {
            Status::Active
        } else {
            Status::Warned
        },
        until: None,
    }
}
