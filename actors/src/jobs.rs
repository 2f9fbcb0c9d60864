//! The rules of a scan job's life in the cluster: assignment with a lease and an attempt
//! number, lease renewal by the node's heartbeats, and which outputs of a scan are applied.
//!
//! The state machine calls these while applying commands, so they only read the job and the
//! command (times are stamped by the proposer). Kept apart from the state machine so the
//! rules can be tested on their own.

use crate::domain::{Millis, Placement, ScanJob, ScanOutput, ScanState};

/// How long an assignment holds without renewal. Nodes renew every heartbeat (5 s), so a
/// lease lapses after about four missed heartbeats.
pub const LEASE_MS: Millis = 20_000;
/// Placements kept on a job (the last ones).
pub const MAX_PLACEMENTS: usize = 16;

/// What to do with one output of a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputVerdict {
    Apply,
    /// Already applied (an outbox delivered it again): acknowledged, changes nothing.
    Duplicate,
    /// Refused: the attempt was superseded, the node is not the job's, or the job ended.
    Stale(String),
}

impl ScanJob {
    /// Whether the lease of the current assignment has lapsed at `now_ms`.
    pub fn lease_expired(&self, now_ms: Millis) -> bool {
        self.node.is_some()
            && !self.state.is_terminal()
            && self.lease_until_ms.is_none_or(|until| until <= now_ms)
    }

    /// Whether the scheduler may (re)place the job as attempt `attempt` at `at_ms`.
    pub fn check_assign(&self, attempt: u32, at_ms: Millis) -> Result<(), String> {
        if self.state.is_terminal() {
            return Err(format!("scan `{}` is already {}", self.id, self.state));
        }
        if attempt != self.attempt + 1 {
            return Err(format!(
                "scan `{}` is at attempt {}, not {}",
                self.id,
                self.attempt,
                attempt.saturating_sub(1)
            ));
        }
        if self.state != ScanState::Queued && !self.lease_expired(at_ms) {
            return Err(format!(
                "scan `{}` is held by node {} until its lease lapses",
                self.id,
                self.node.unwrap_or_default()
            ));
        }
        Ok(())
    }

    /// Gives the job to `placement.node` as a new attempt (after [`Self::check_assign`]).
    pub fn assign(&mut self, placement: Placement, lease_ms: Millis) {
        self.attempt = placement.attempt;
        self.node = Some(placement.node);
        self.state = ScanState::Assigned;
        self.lease_until_ms = Some(placement.at_ms.saturating_add(lease_ms));
        self.applied_seq = 0;
        self.outputs_applied = 0;
        self.waiting = None;
        self.placements.push(placement);
        if self.placements.len() > MAX_PLACEMENTS {
            let extra = self.placements.len() - MAX_PLACEMENTS;
            self.placements.drain(..extra);
        }
    }

    /// Renews the lease when `node` still holds attempt `attempt` (never shortening it).
    pub fn renew(&mut self, node: u64, attempt: u32, at_ms: Millis) -> bool {
        if self.state.is_terminal() || self.node != Some(node) || self.attempt != attempt {
            return false;
        }
        let until = at_ms.saturating_add(LEASE_MS);
        self.lease_until_ms = Some(self.lease_until_ms.map_or(until, |l| l.max(until)));
        true
    }

    /// What a heartbeat of `node` does to this job; returns whether the job changed.
    /// `running` lists the (job, attempt) pairs the node holds, `complete` says the list is
    /// whole, `taken_at_ms` is when the node took it (its own clock, the clock it stamped
    /// its jobs' start with). A listed job's lease is renewed. A running job of this node
    /// that a complete report does not list, and that started before the report was
    /// taken, was lost (the node restarted): its lease ends at `at_ms`, so the scheduler
    /// places it again. A job started after the report was taken is never taken for lost.
    pub fn heartbeat(
        &mut self,
        node: u64,
        running: &[(String, u32)],
        complete: bool,
        taken_at_ms: Millis,
        at_ms: Millis,
    ) -> bool {
        if self.node != Some(node) || self.state.is_terminal() {
            return false;
        }
        if running
            .iter()
            .any(|(j, a)| *j == self.id && *a == self.attempt)
        {
            self.renew(node, self.attempt, at_ms);
            return true;
        }
        if complete
            && self.state == ScanState::Running
            && self.started_at_ms.is_some_and(|s| s < taken_at_ms)
            && self.lease_until_ms.is_none_or(|l| l > at_ms)
        {
            self.lease_until_ms = Some(at_ms);
            return true;
        }
        false
    }

    /// Whether output `seq` of `attempt` from `node` is applied.
    pub fn check_output(&self, attempt: u32, node: u64, seq: u64) -> OutputVerdict {
        if attempt != self.attempt || self.node != Some(node) {
            return OutputVerdict::Stale(format!(
                "scan `{}`: attempt {attempt} on node {node} was superseded by attempt {} on {}",
                self.id,
                self.attempt,
                self.node
                    .map_or_else(|| "no node".to_string(), |n| format!("node {n}"))
            ));
        }
        if seq <= self.applied_seq {
            return OutputVerdict::Duplicate;
        }
        if self.state.is_terminal() {
            return OutputVerdict::Stale(format!("scan `{}` is already {}", self.id, self.state));
        }
        OutputVerdict::Apply
    }

    /// Counts an applied output (after [`Self::check_output`] said `Apply`) and, for a state
    /// output, moves the job on; a state output also renews the lease (never shortening it).
    pub fn apply_state(&mut self, output: &ScanOutput, seq: u64, at_ms: Millis) {
        self.applied_seq = seq;
        self.outputs_applied += 1;
        // Its node is heard from: whatever the scheduler waited for is over.
        self.waiting = None;
        let ScanOutput::State {
            state,
            progress,
            error,
        } = output
        else {
            return;
        };
        // A node may only move its job forward: running, then an end.
        if matches!(
            state,
            ScanState::Running | ScanState::Done | ScanState::Failed
        ) {
            self.state = *state;
        }
        self.progress = progress.clone();
        self.error = error.clone();
        if *state == ScanState::Running && self.started_at_ms.is_none() {
            self.started_at_ms = Some(at_ms);
        }
        if self.state.is_terminal() {
            self.finished_at_ms = Some(at_ms);
            self.lease_until_ms = None;
        } else {
            // Never shortened: a backlog of outputs stamped during an outage must not
            // undo the renewal of the heartbeat that came before it.
            let until = at_ms.saturating_add(LEASE_MS);
            self.lease_until_ms = Some(self.lease_until_ms.map_or(until, |l| l.max(until)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ScanProgress;

    fn placed(node: u64, attempt: u32, at_ms: Millis) -> Placement {
        Placement {
            attempt,
            node,
            at_ms,
            site: None,
            in_site: false,
            rtt_ms: None,
            reason: "test".into(),
        }
    }

    fn state(state: ScanState) -> ScanOutput {
        ScanOutput::State {
            state,
            progress: ScanProgress::default(),
            error: None,
        }
    }

    #[test]
    fn heartbeats_renew_listed_jobs_and_end_lost_ones() {
        let mut job = ScanJob::queued("s1".into(), "crm".into(), false, 0);
        job.assign(placed(4, 1, 10), LEASE_MS);
        job.apply_state(&state(ScanState::Running), 1, 100);
        let held = vec![("s1".to_string(), 1)];
        assert!(
            !job.heartbeat(5, &held, true, 200, 200),
            "another node's report"
        );
        assert!(job.heartbeat(4, &held, true, 200, 1_000));
        assert_eq!(job.lease_until_ms, Some(1_000 + LEASE_MS));
        // Not listed, but started after the report was taken: not lost.
        assert!(!job.heartbeat(4, &[], true, 50, 2_000));
        // An incomplete report proves nothing.
        assert!(!job.heartbeat(4, &[], false, 5_000, 2_000));
        assert!(
            job.heartbeat(4, &[], true, 5_000, 2_000),
            "lost after a restart"
        );
        assert_eq!(job.lease_until_ms, Some(2_000));
        assert!(job.lease_expired(2_000));
        // An older attempt listed does not renew the current one.
        assert!(!job.heartbeat(4, &[("s1".into(), 0)], false, 5_000, 3_000));
    }

    #[test]
    fn a_job_is_assigned_once_until_its_lease_lapses() {
        let mut job = ScanJob::queued("s1".into(), "crm".into(), false, 0);
        assert_eq!(job.check_assign(1, 10), Ok(()));
        assert!(job.check_assign(2, 10).is_err(), "attempts go one by one");
        job.assign(placed(4, 1, 10), LEASE_MS);
        assert_eq!(job.state, ScanState::Assigned);
        // A second scheduler (a new leader) cannot place it while the lease holds.
        assert!(job.check_assign(2, 10 + LEASE_MS - 1).is_err());
        assert!(job.renew(4, 1, 5_000));
        assert!(!job.renew(5, 1, 5_000), "only its node renews it");
        assert!(job.check_assign(2, 5_000 + LEASE_MS - 1).is_err());
        assert_eq!(job.check_assign(2, 5_000 + LEASE_MS), Ok(()));
        job.assign(placed(5, 2, 5_000 + LEASE_MS), LEASE_MS);
        assert_eq!((job.node, job.attempt), (Some(5), 2));
        assert_eq!(job.placements.len(), 2);
    }

    #[test]
    fn outputs_apply_once_and_stale_attempts_are_refused() {
        let mut job = ScanJob::queued("s1".into(), "crm".into(), false, 0);
        job.assign(placed(4, 1, 10), LEASE_MS);
        assert_eq!(job.check_output(1, 4, 1), OutputVerdict::Apply);
        job.apply_state(&state(ScanState::Running), 1, 20);
        assert_eq!(job.state, ScanState::Running);
        assert_eq!(job.started_at_ms, Some(20));
        // Delivered again (an outbox retry): nothing changes.
        assert_eq!(job.check_output(1, 4, 1), OutputVerdict::Duplicate);
        assert!(matches!(job.check_output(1, 5, 2), OutputVerdict::Stale(_)));
        // The lease lapses and the job moves to node 5.
        job.assign(placed(5, 2, 10 + LEASE_MS), LEASE_MS);
        assert!(matches!(job.check_output(1, 4, 2), OutputVerdict::Stale(_)));
        assert_eq!(job.check_output(2, 5, 1), OutputVerdict::Apply);
        job.apply_state(&state(ScanState::Done), 1, 30_000);
        assert_eq!(job.state, ScanState::Done);
        assert_eq!(job.lease_until_ms, None);
        assert_eq!(job.check_output(2, 5, 1), OutputVerdict::Duplicate);
        assert!(matches!(job.check_output(2, 5, 2), OutputVerdict::Stale(_)));
        assert!(
            job.check_assign(3, u64::MAX).is_err(),
            "a finished job stays"
        );
    }

    #[test]
    fn late_outputs_never_shorten_a_lease() {
        let mut job = ScanJob::queued("s1".into(), "crm".into(), false, 0);
        job.assign(placed(4, 1, 10), LEASE_MS);
        assert!(job.renew(4, 1, 100_000));
        // Stamped long ago (an outbox delivered after an outage).
        job.apply_state(&state(ScanState::Running), 1, 20);
        assert_eq!(job.lease_until_ms, Some(100_000 + LEASE_MS));
    }

    #[test]
    fn a_node_cannot_move_its_job_back_to_queued() {
        let mut job = ScanJob::queued("s1".into(), "crm".into(), false, 0);
        job.assign(placed(4, 1, 10), LEASE_MS);
        job.apply_state(&state(ScanState::Queued), 1, 20);
        assert_eq!(job.state, ScanState::Assigned);
        assert_eq!(
            job.lease_until_ms,
            Some(20 + LEASE_MS),
            "but it renews the lease"
        );
    }

    #[test]
    fn placements_are_bounded() {
        let mut job = ScanJob::queued("s1".into(), "crm".into(), false, 0);
        for a in 1..=40 {
            job.assign(placed(1, a, u64::from(a) * LEASE_MS), LEASE_MS);
        }
        assert_eq!(job.placements.len(), MAX_PLACEMENTS);
        assert_eq!(job.placements.last().map(|p| p.attempt), Some(40));
    }
}
