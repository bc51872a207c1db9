//! The console's overview: reports and actions per day by category, time to action, open cases per queue.

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};

use crate::{CaseFilter, Casework, Result};

/// One bar segment: on `day`, `count` things of `key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub key: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// The days covered, oldest first.
    pub days: Vec<String>,
    /// Reports filed per day, by report category.
    pub reports: Vec<DayCount>,
    /// Cases resolved per day, by outcome.
    pub actions: Vec<DayCount>,
    /// Median time from a case opening to its first action (taken) and to its resolution, by case category (the
    /// report category, or the source for held messages and appeals), over the cases resolved in the period.
    pub time_to_action: Vec<TimeToAction>,
    /// Active cases per queue.
    pub open_by_queue: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimeToAction {
    pub key: String,
    pub cases: usize,
    pub median_to_first_action: Option<Duration>,
    pub median_to_resolution: Option<Duration>,
}

fn day(t: OffsetDateTime) -> String {
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn median(mut v: Vec<Duration>) -> Option<Duration> {
    v.sort();
    v.get(v.len().checked_sub(1)? / 2).copied()
}

fn counts(map: BTreeMap<(String, String), u64>) -> Vec<DayCount> {
    map.into_iter()
        .map(|((day, key), count)| DayCount { day, key, count })
        .collect()
}

impl Casework {
    /// The last `days` days up to `now`.
    pub async fn overview(&self, now: OffsetDateTime, days: u16) -> Result<Overview> {
        let days = i64::from(days.clamp(1, 366));
        let start = (now - Duration::days(days - 1)).replace_time(time::Time::MIDNIGHT);
        let mut reports = BTreeMap::new();
        for r in self.store().reports_since(start).await? {
            *reports
                .entry((day(r.created_at), r.category.as_str().to_string()))
                .or_insert(0) += 1;
        }
        let mut actions = BTreeMap::new();
        let mut waits: BTreeMap<String, (Vec<Duration>, Vec<Duration>)> = BTreeMap::new();
        for c in self.store().cases_since(start).await? {
            let (Some(resolved), Some(outcome)) = (c.resolved_at, &c.outcome) else {
                continue;
            };
            if resolved < start {
                continue;
            }
            *actions
                .entry((day(resolved), outcome.as_str().to_string()))
                .or_insert(0) += 1;
            let key = c
                .category
                .map_or(c.source.as_str(), |c| c.as_str())
                .to_string();
            let entry = waits.entry(key).or_default();
            if let Some(first) = c.first_action_at {
                entry.0.push(first - c.created_at);
            }
            entry.1.push(resolved - c.created_at);
        }
        let mut open = BTreeMap::new();
        for c in self
            .queue(&CaseFilter {
                limit: 1000,
                ..CaseFilter::default()
            })
            .await?
        {
            *open.entry(c.queue).or_insert(0u64) += 1;
        }
        Ok(Overview {
            days: (0..days).map(|i| day(start + Duration::days(i))).collect(),
            reports: counts(reports),
            actions: counts(actions),
            time_to_action: waits
                .into_iter()
                .map(|(key, (first, resolution))| TimeToAction {
                    key,
                    cases: resolution.len(),
                    median_to_first_action: median(first),
                    median_to_resolution: median(resolution),
                })
                .collect(),
            open_by_queue: open.into_iter().collect(),
        })
    }
}
