//! Cron schedules of sources: when a scan is due.
//!
//! Five fields (minute, hour, day of month, month, day of week) or a nickname (`@hourly`,
//! `@daily`...), evaluated in UTC, parsed by `croner` (Vixie-cron semantics). The scheduler
//! asks for the latest due time after the last one it started; the state machine refuses a
//! due time at or before the stored one, so a scan is started once per due time however
//! often the leader changes.

use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};

use crate::domain::Millis;

/// A parsed schedule.
#[derive(Clone, Debug)]
pub struct Schedule {
    cron: croner::Cron,
}

impl Schedule {
    /// Parses a five-field cron expression or an `@` nickname.
    pub fn parse(expr: &str) -> Result<Schedule, String> {
        let expr = expr.trim();
        let fields = expr.split_whitespace().count();
        if !(expr.starts_with('@') && fields == 1) && fields != 5 {
            return Err(format!(
                "schedule `{expr}`: use five cron fields (minute hour day month weekday, UTC) \
                 or @hourly/@daily/@weekly/@monthly"
            ));
        }
        let cron = croner::Cron::from_str(expr).map_err(|e| format!("schedule `{expr}`: {e}"))?;
        Ok(Schedule { cron })
    }

    /// The latest due time in `(after_ms, now_ms]`, if any: missed times collapse into one
    /// scan rather than a burst.
    pub fn due(&self, after_ms: Millis, now_ms: Millis) -> Option<Millis> {
        let now = to_time(now_ms)?;
        let prev = self.cron.find_previous_occurrence(&now, true).ok()?;
        let prev_ms = u64::try_from(prev.timestamp_millis()).ok()?;
        (prev_ms > after_ms).then_some(prev_ms)
    }

    /// The next due time after `now_ms`.
    pub fn next(&self, now_ms: Millis) -> Option<Millis> {
        let next = self
            .cron
            .find_next_occurrence(&to_time(now_ms)?, false)
            .ok()?;
        u64::try_from(next.timestamp_millis()).ok()
    }
}

fn to_time(ms: Millis) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(i64::try_from(ms).ok()?).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Millis = 60_000;
    /// 2026-11-27T10:00:00Z.
    const T0: Millis = 1_795_773_600_000;

    #[test]
    fn due_times_are_the_latest_occurrence_after_the_last_start() {
        let s = Schedule::parse("*/15 * * * *").expect("parse");
        assert_eq!(s.due(T0 - MIN, T0), Some(T0));
        // Already started at T0: nothing until T0 + 15 min.
        assert_eq!(s.due(T0, T0 + 14 * MIN), None);
        assert_eq!(s.due(T0, T0 + 15 * MIN), Some(T0 + 15 * MIN));
        // A leader down for an hour starts one scan, for the latest time.
        assert_eq!(s.due(T0, T0 + 61 * MIN), Some(T0 + 60 * MIN));
        assert_eq!(s.due(T0, T0 + 15 * MIN - 1), None);
    }

    #[test]
    fn nicknames_and_errors() {
        let daily = Schedule::parse("@daily").expect("parse");
        // 10:00 → next midnight UTC, 14 hours on.
        assert_eq!(daily.due(T0, T0 + 14 * 60 * MIN - 1), None);
        assert_eq!(daily.due(T0, T0 + 14 * 60 * MIN), Some(T0 + 14 * 60 * MIN));
        for bad in [
            "",
            "* * *",
            "61 * * * *",
            "* * * * * * * *",
            "every day",
            "@sometimes",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad:?} accepted");
        }
        // Seconds are not a scan schedule's business.
        assert!(Schedule::parse("0 */5 * * * *").is_err());
    }
}
