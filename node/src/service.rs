//! The node's operations, shared by the HTTP API and the embedded CLI: what a user can ask
//! and the one error type they get back.

use crate::state::{Command, CommandResult};
use pursight_actors::audit::AuditEvent;
use pursight_actors::cluster::ClusterError;
use pursight_actors::compliance::custom::{AssetMeta, CustomPolicy};
use pursight_actors::compliance::findings::{Finding, FindingAction, FindingState};
use pursight_actors::connectors::{is_secret_param, parse_uri, source_kind};
use pursight_actors::corrections::CorrectionAction;
use pursight_actors::domain::{
    ClassificationType, Residency, SampleSize, ScanJob, Source, TableAsset, now_ms,
};
use pursight_actors::supervisor::SupervisorMsg;
use serde::Serialize;

use crate::node::Node;
use crate::state::ReadError;

/// An error a user sees: a stable code, a status, one clear message.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
    /// A conditional update (`If-Match`) found another version.
    #[error("{0}")]
    PreconditionFailed(String),
}

impl ServiceError {
    /// The machine-readable code in JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::BadRequest(_) => "bad_request",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Conflict(_) => "conflict",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Internal(_) => "internal",
            ServiceError::PreconditionFailed(_) => "precondition_failed",
        }
    }
}

impl From<ClusterError> for ServiceError {
    fn from(e: ClusterError) -> Self {
        match e {
            ClusterError::Storage(m) => ServiceError::Internal(m),
            ClusterError::Rejected(m) => ServiceError::BadRequest(m),
            other => ServiceError::Unavailable(other.to_string()),
        }
    }
}

impl From<ReadError> for ServiceError {
    fn from(e: ReadError) -> Self {
        ServiceError::Internal(e.to_string())
    }
}

fn unexpected(r: CommandResult) -> ServiceError {
    match r {
        CommandResult::Conflict(m) => ServiceError::Conflict(m),
        CommandResult::NotFound(m) => ServiceError::NotFound(m),
        other => ServiceError::Internal(format!("unexpected result {other:?}")),
    }
}

/// Source ids become the first segment of asset ids: keep them short and plain.
pub fn validate_source_id(id: &str) -> Result<(), ServiceError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ServiceError::BadRequest(format!(
            "invalid source id `{id}`: use 1 to 64 letters, digits, `_` or `-`"
        )))
    }
}

/// Filters for listing assets.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AssetQuery {
    /// Case-insensitive text found in a table's id, name or column names.
    pub query: Option<String>,
    /// Only tables with a column of this classification type.
    pub classification: Option<String>,
    /// Only tables of this source.
    pub source: Option<String>,
    /// `linearizable` to see every write acknowledged before the read.
    #[serde(default)]
    pub consistency: crate::cluster::ops::Consistency,
}

/// A column asset: the column with the id and table it belongs to.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ColumnAsset {
    pub id: String,
    pub table: String,
    pub kind: String,
    #[serde(flatten)]
    pub column: pursight_actors::domain::Column,
}

/// Where a new source lives and how it is scanned.
#[derive(Clone, Debug, Default)]
pub struct SourceOptions {
    pub site: Option<String>,
    pub sample: Option<SampleSize>,
    pub residency: Residency,
    pub schedule: Option<String>,
}

/// A site label: what placement compares, so kept plain.
pub fn validate_site(site: &str) -> Result<(), ServiceError> {
    let ok = !site.is_empty()
        && site.len() <= 64
        && site
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::BadRequest(format!(
            "site `{site}`: use up to 64 letters, digits, `-`, `_` or `.`"
        )))
    }
}

/// A source as users see it: never its password, sealed or not.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct SourceView {
    pub id: String,
    pub kind: pursight_actors::domain::SourceKind,
    /// The URI without any password.
    pub uri: String,
    pub site: Option<String>,
    /// `preferred` (scans leave the site when no node there is up) or `strict`.
    pub residency: Residency,
    /// Cron schedule (UTC) of automatic scans.
    pub schedule: Option<String>,
    /// Rows sampled per table, or `full` (None: the node's default).
    pub sample: Option<String>,
    pub created_at_ms: u64,
    /// `sealed` (stored encrypted), `reference` (password_env / password_file) or `none`.
    pub credentials: String,
}

impl From<&Source> for SourceView {
    fn from(s: &Source) -> Self {
        let reference = s.uri.contains("password_env=") || s.uri.contains("password_file=");
        Self {
            id: s.id.clone(),
            kind: s.kind,
            uri: pursight_actors::connectors::redact_uri(&s.uri),
            site: s.site.clone(),
            residency: s.residency,
            schedule: s.schedule.clone(),
            sample: s.sample.map(|x| x.to_string()),
            created_at_ms: s.created_at_ms,
            credentials: if s.sealed_password.is_some() {
                "sealed"
            } else if reference {
                "reference"
            } else {
                "none"
            }
            .into(),
        }
    }
}

/// Either kind of asset `GET /api/v1/assets/{id}` returns.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Asset {
    Table(TableAsset),
    Column(ColumnAsset),
}

impl Node {
    /// Registers a source. A password in the URI is sealed with the cluster's secret key
    /// and removed from the stored URI; `password_env` / `password_file` references stay
    /// as they are and are read on the node that connects.
    pub async fn add_source(
        &self,
        id: &str,
        uri: &str,
        site: Option<String>,
        sample: Option<SampleSize>,
    ) -> Result<Source, ServiceError> {
        let opts = SourceOptions {
            site,
            sample,
            ..SourceOptions::default()
        };
        self.add_source_with(id, uri, opts).await
    }

    /// Registers a source with where it lives and how it is scanned.
    pub async fn add_source_with(
        &self,
        id: &str,
        uri: &str,
        opts: SourceOptions,
    ) -> Result<Source, ServiceError> {
        validate_source_id(id)?;
        let SourceOptions {
            site,
            sample,
            residency,
            schedule,
        } = opts;
        if let Some(site) = &site {
            validate_site(site)?;
        }
        if residency == Residency::Strict && site.is_none() {
            return Err(ServiceError::BadRequest(
                "strict residency needs the source's site (--site)".into(),
            ));
        }
        if let Some(expr) = &schedule {
            pursight_actors::schedule::Schedule::parse(expr).map_err(ServiceError::BadRequest)?;
        }
        let kind = source_kind(uri).map_err(|e| ServiceError::BadRequest(e.to_string()))?;
        let mut url = parse_uri(uri).map_err(|e| ServiceError::BadRequest(e.to_string()))?;
        if let Some((k, _)) = url.query_pairs().find(|(k, _)| is_secret_param(k)) {
            return Err(ServiceError::BadRequest(format!(
                "the URI parameter `{k}` carries a secret: put the password in the URI's user \
                 part (it is sealed) or use password_env / password_file"
            )));
        }
        let sealed_password = match url.password() {
            Some(p) => {
                let plain = percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .into_owned();
                let sealed = self
                    .secrets()
                    .seal(&plain)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let _ = url.set_password(None);
                Some(sealed)
            }
            None => None,
        };
        let source = Source {
            id: id.to_string(),
            kind,
            uri: url.to_string(),
            site,
            residency,
            schedule,
            created_at_ms: now_ms(),
            sample,
            sealed_password,
        };
        match self.raft.propose(Command::PutSource(source)).await? {
            CommandResult::Source(s) => Ok(s),
            other => Err(unexpected(other)),
        }
    }

    /// Removes a source and its assets.
    pub async fn remove_source(&self, id: &str) -> Result<(), ServiceError> {
        match self
            .raft
            .propose(Command::RemoveSource { id: id.to_string() })
            .await?
        {
            CommandResult::Done => Ok(()),
            other => Err(unexpected(other)),
        }
    }

    /// Every source.
    pub fn sources(&self) -> Result<Vec<Source>, ServiceError> {
        Ok(self.raft.reader().sources()?)
    }

    /// One source.
    pub fn source(&self, id: &str) -> Result<Source, ServiceError> {
        self.raft
            .reader()
            .source(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("source `{id}`")))
    }

    /// Queues a scan of a source for the scheduler, which places it on the best live node.
    /// `force` scans tables whose fingerprint did not change too.
    pub async fn start_scan(&self, source: &str, force: bool) -> Result<ScanJob, ServiceError> {
        self.source(source)?;
        let job = ScanJob::queued(new_scan_id(), source.to_string(), force, now_ms());
        let job = match self.raft.propose(Command::CreateScan(job)).await? {
            CommandResult::Scan(j) => j,
            other => return Err(unexpected(other)),
        };
        self.wake_scheduler();
        Ok(job)
    }

    /// Cancels a queued or running scan (a running one stops after its current table).
    pub async fn cancel_scan(&self, id: &str) -> Result<ScanJob, ServiceError> {
        let cmd = Command::CancelScan {
            id: id.to_string(),
            at_ms: now_ms(),
        };
        match self.raft.propose(cmd).await? {
            CommandResult::Scan(j) => Ok(j),
            other => Err(unexpected(other)),
        }
    }

    /// One scan job.
    pub fn scan(&self, id: &str) -> Result<ScanJob, ServiceError> {
        self.raft
            .reader()
            .scan(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("scan `{id}`")))
    }

    /// Every scan job, newest first.
    pub fn scans(&self) -> Result<Vec<ScanJob>, ServiceError> {
        Ok(self.raft.reader().scans()?)
    }

    /// Waits for a scan to finish, calling `on_progress` whenever its progress changes.
    /// Wakes on every change Raft applies instead of polling on a timer. (The CLI polls
    /// the API in both modes; code holding the node itself waits with this.)
    pub async fn wait_scan(
        &self,
        id: &str,
        mut on_progress: impl FnMut(&ScanJob),
    ) -> Result<ScanJob, ServiceError> {
        // Subscribed before the first read, so no apply between read and wait is missed.
        let mut applied = self.raft.raft().metrics();
        let mut last = None;
        loop {
            let job = self.scan(id)?;
            if last.as_ref() != Some(&job.progress) {
                on_progress(&job);
                last = Some(job.progress.clone());
            }
            if job.state.is_terminal() {
                return Ok(job);
            }
            applied.changed().await.map_err(|_| {
                ServiceError::Unavailable("the node stopped during the scan".into())
            })?;
        }
    }

    /// Table assets matching the filters.
    pub fn assets(&self, q: &AssetQuery) -> Result<Vec<TableAsset>, ServiceError> {
        let class = q
            .classification
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|c| {
                c.parse::<ClassificationType>()
                    .map_err(ServiceError::BadRequest)
            })
            .transpose()?;
        let tables = match q.source.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => self.raft.reader().tables_of(s)?,
            None => self.raft.reader().tables()?,
        };
        let needle = q.query.as_deref().unwrap_or("").to_lowercase();
        Ok(tables
            .into_iter()
            .filter(|t| {
                needle.is_empty()
                    || t.id.to_lowercase().contains(&needle)
                    || t.columns
                        .iter()
                        .any(|c| c.name.to_lowercase().contains(&needle))
            })
            .filter(|t| class.is_none_or(|c| t.sensitive_types().contains(&c)))
            .collect())
    }

    /// A table or column asset by id.
    pub fn asset(&self, id: &str) -> Result<Asset, ServiceError> {
        let reader = self.raft.reader();
        if let Some(t) = reader.table(id)? {
            return Ok(Asset::Table(t));
        }
        if let Some((table_id, column)) = id.rsplit_once('.')
            && let Some(t) = reader.table(table_id)?
            && let Some(c) = t
                .columns
                .iter()
                .find(|c| pursight_actors::domain::id_segment(&c.name) == column)
        {
            return Ok(Asset::Column(ColumnAsset {
                id: id.to_string(),
                table: t.id.clone(),
                kind: "column".into(),
                column: c.clone(),
            }));
        }
        Err(ServiceError::NotFound(format!("asset `{id}`")))
    }

    /// Applies a steward's corrections to a column asset and returns the column as stored.
    pub async fn correct_classifications(
        &self,
        id: &str,
        req: CorrectionRequest,
    ) -> Result<Asset, ServiceError> {
        if req.corrections.is_empty() {
            return Err(ServiceError::BadRequest(
                "`corrections` is empty: give at least one {\"type\", \"action\"}".into(),
            ));
        }
        if req.corrections.len() > ClassificationType::ALL.len() {
            return Err(ServiceError::BadRequest(format!(
                "{} corrections: at most one per type ({})",
                req.corrections.len(),
                ClassificationType::ALL.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = req.corrections.iter().find(|c| !seen.insert(c.type_id)) {
            return Err(ServiceError::BadRequest(format!(
                "{} is corrected twice in one request",
                dup.type_id
            )));
        }
        let by = checked_actor(req.by.as_deref())?;
        if req
            .reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > 2048 || r.chars().any(char::is_control))
        {
            return Err(ServiceError::BadRequest(
                "`reason` must be at most 2048 printable characters (no line breaks)".into(),
            ));
        }
        // The column must exist as the leader sees it, not as a lagging replica does.
        self.read_barrier(crate::cluster::ops::Consistency::Linearizable)
            .await?;
        let (table, column) = match self.asset(id)? {
            Asset::Column(c) => (c.table, c.column.name),
            Asset::Table(_) => {
                return Err(ServiceError::BadRequest(format!(
                    "`{id}` is a table: corrections apply to a column asset (`{id}.<column>`)"
                )));
            }
        };
        let table_id = table.clone();
        let cmd = Command::CorrectClassifications {
            table_id: table,
            column,
            corrections: req
                .corrections
                .iter()
                .map(|c| (c.type_id, c.action))
                .collect(),
            by,
            reason: req.reason.filter(|r| !r.trim().is_empty()),
            at_ms: now_ms(),
        };
        match self.raft.propose(cmd).await? {
            CommandResult::Done => {}
            other => return Err(unexpected(other)),
        }
        // A correction changes what the packs see: the table's findings follow at once.
        self.recheck_table(&table_id).await?;
        self.asset(id)
    }

    /// Findings matching the filters, most severe first, open ones before the others.
    pub fn findings(&self, q: &FindingQuery) -> Result<Vec<Finding>, ServiceError> {
        let framework = q.framework.as_deref().filter(|s| !s.is_empty());
        let state = q.state.as_deref().filter(|s| !s.is_empty());
        if let Some(s) = state
            && !["open", "acknowledged", "accepted_risk", "resolved"].contains(&s)
        {
            return Err(ServiceError::BadRequest(format!(
                "unknown state `{s}` (open, acknowledged, accepted_risk, resolved)"
            )));
        }
        let mut out: Vec<Finding> = self
            .raft
            .reader()
            .findings()?
            .into_iter()
            .filter(|f| framework.is_none_or(|fw| f.framework.eq_ignore_ascii_case(fw)))
            .filter(|f| state.is_none_or(|s| f.state.to_string() == s))
            .filter(|f| {
                q.source
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .is_none_or(|s| f.source == s)
            })
            .collect();
        out.sort_by(|a, b| {
            (a.state == FindingState::Resolved)
                .cmp(&(b.state == FindingState::Resolved))
                .then(b.severity.cmp(&a.severity))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Acknowledges a finding, accepts its risk until a time, or reopens it.
    pub async fn update_finding(
        &self,
        id: &str,
        req: FindingUpdate,
    ) -> Result<Finding, ServiceError> {
        let by = checked_actor(req.by.as_deref())?;
        let action = match req.action.as_str() {
            "acknowledge" => FindingAction::Acknowledge,
            "reopen" => FindingAction::Reopen,
            "accept_risk" => {
                let reason = req.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                    ServiceError::BadRequest("accepting a risk needs a `reason`".into())
                })?;
                if reason.chars().count() > 2048 || reason.chars().any(char::is_control) {
                    return Err(ServiceError::BadRequest(
                        "`reason` must be at most 2048 printable characters".into(),
                    ));
                }
                let days = req.days.filter(|d| (1..=3650).contains(d)).ok_or_else(|| {
                    ServiceError::BadRequest(
                        "accepting a risk needs `days` (1 to 3650) until it expires".into(),
                    )
                })?;
                FindingAction::AcceptRisk {
                    until_ms: now_ms() + days * 86_400_000,
                    reason,
                }
            }
            other => {
                return Err(ServiceError::BadRequest(format!(
                    "unknown action `{other}` (acknowledge, accept_risk, reopen)"
                )));
            }
        };
        let cmd = Command::UpdateFinding {
            id: id.to_string(),
            action,
            by,
            at_ms: now_ms(),
        };
        match self.raft.propose(cmd).await? {
            CommandResult::Done => self
                .raft
                .reader()
                .finding(id)?
                .ok_or_else(|| ServiceError::NotFound(format!("finding `{id}`"))),
            other => Err(unexpected(other)),
        }
    }

    /// Sets a table's owner and tags, or a column's tags, then re-checks the table.
    pub async fn set_asset_meta(
        &self,
        id: &str,
        req: AssetMetaUpdate,
    ) -> Result<AssetMeta, ServiceError> {
        self.set_asset_meta_if(id, req, None).await
    }

    /// Sets owner and tags only if the stored meta is at `if_version` (`If-Match`);
    /// answers `PreconditionFailed` with the current version otherwise.
    pub async fn set_asset_meta_if(
        &self,
        id: &str,
        req: AssetMetaUpdate,
        if_version: Option<u64>,
    ) -> Result<AssetMeta, ServiceError> {
        let by = checked_actor(req.by.as_deref())?;
        let printable =
            |s: &str, max: usize| s.chars().count() <= max && !s.chars().any(char::is_control);
        for (k, v) in &req.tags {
            if k.is_empty() || !printable(k, 64) || v.as_deref().is_some_and(|v| !printable(v, 256))
            {
                return Err(ServiceError::BadRequest(
                    "tags are printable keys of at most 64 and values of at most 256 characters"
                        .into(),
                ));
            }
        }
        if req.tags.len() > 64 {
            return Err(ServiceError::BadRequest(
                "at most 64 tags per request".into(),
            ));
        }
        if req.owner.as_deref().is_some_and(|o| !printable(o, 256)) {
            return Err(ServiceError::BadRequest(
                "`owner` is at most 256 printable characters".into(),
            ));
        }
        let (table_id, column) = match self.asset(id)? {
            Asset::Table(t) => (t.id, None),
            Asset::Column(c) => {
                if req.owner.is_some() {
                    return Err(ServiceError::BadRequest(
                        "an owner is set on the table, not on a column".into(),
                    ));
                }
                (c.table, Some(c.column.name))
            }
        };
        let cmd = Command::SetAssetMeta {
            table_id: table_id.clone(),
            column,
            owner: req.owner,
            tags: req.tags.into_iter().collect(),
            if_version,
            by,
            at_ms: now_ms(),
        };
        let meta = match self.raft.propose(cmd).await? {
            CommandResult::Meta(m) => m,
            CommandResult::VersionMismatch { current } => {
                return Err(ServiceError::PreconditionFailed(format!(
                    "the asset's meta is at version {current}, not {}",
                    if_version.unwrap_or_default()
                )));
            }
            other => return Err(unexpected(other)),
        };
        self.recheck_table(&table_id).await?;
        // The version this change made, not whatever a later change stored since.
        Ok(meta)
    }

    /// What stewards recorded about a table (owner, tags, column tags).
    pub fn asset_meta(&self, id: &str) -> Result<AssetMeta, ServiceError> {
        let table_id = match self.asset(id)? {
            Asset::Table(t) => t.id,
            Asset::Column(c) => c.table,
        };
        Ok(self
            .raft
            .reader()
            .asset_meta(&table_id)?
            .unwrap_or_default())
    }

    /// The rules that run (built-in and custom), the custom modules and the settings.
    pub fn policies(&self) -> Result<PoliciesView, ServiceError> {
        let reader = self.raft.reader();
        let custom = reader.custom_policies()?;
        let settings = reader.policy_settings()?;
        let engine = pursight_actors::compliance::with_custom(&custom)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(PoliciesView {
            rules: engine
                .rules()
                .iter()
                .map(|r| RuleView {
                    id: r.meta.id.clone(),
                    framework: r.meta.framework.clone(),
                    control: r.meta.control.clone(),
                    title: r.meta.title.clone(),
                    severity: r.meta.severity,
                    path: r.path.clone(),
                    enabled: !settings.disabled_frameworks.contains(&r.meta.framework),
                    parameters: r.meta.parameters.clone(),
                })
                .collect(),
            params: settings.params(),
            disabled_frameworks: settings.disabled_frameworks,
            custom,
        })
    }

    /// Validates and stores a custom policy module (a new version when the name exists),
    /// then re-checks the whole catalog in the background. A module that does not compile
    /// is refused with its line and message, and the running packs stay as they were.
    pub async fn put_policy(&self, req: PolicyUpload) -> Result<CustomPolicy, ServiceError> {
        if !pursight_actors::compliance::custom::valid_name(&req.name) {
            return Err(ServiceError::BadRequest(
                "`name` must be 1 to 64 of a-z, 0-9, `_` and `-`".into(),
            ));
        }
        if req.text.len() > 64 * 1024 {
            return Err(ServiceError::BadRequest(
                "a policy module is at most 64 KiB".into(),
            ));
        }
        // regorus checks its time budget between steps, not inside builtins: a huge
        // `numbers.range` allocates before any check could stop it.
        if req.text.contains("numbers.range") {
            return Err(ServiceError::BadRequest(
                "custom policies may not call numbers.range or numbers.range_step".into(),
            ));
        }
        let by = checked_actor(req.by.as_deref())?;
        let mut custom = self.raft.reader().custom_policies()?;
        custom.retain(|c| c.name != req.name);
        let policy = CustomPolicy {
            name: req.name,
            text: req.text,
            version: 0,
            by,
            at_ms: now_ms(),
        };
        custom.push(policy.clone());
        let engine = pursight_actors::compliance::with_custom(&custom)
            .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
        // Custom rules live in their own namespace, so they can never shadow a built-in.
        let path = format!("custom/{}.rego", policy.name);
        let expected = format!("pursight.rules.custom.{}", policy.name);
        if engine
            .rules()
            .iter()
            .any(|r| r.path == path && r.package != expected)
        {
            return Err(ServiceError::BadRequest(format!(
                "a custom policy named `{}` must declare `package {expected}`",
                policy.name
            )));
        }
        self.change_packs(Command::PutPolicy {
            policy: policy.clone(),
        })
        .await?;
        self.raft
            .reader()
            .custom_policies()?
            .into_iter()
            .find(|c| c.name == policy.name)
            .ok_or_else(|| ServiceError::Internal("the policy vanished after its commit".into()))
    }

    /// Commits a change of the policy packs (a module, the settings), then re-checks the
    /// whole catalog in the background.
    async fn change_packs(&self, cmd: Command) -> Result<(), ServiceError> {
        match self.raft.propose(cmd).await? {
            CommandResult::Done => {
                self.recheck_everything();
                Ok(())
            }
            other => Err(unexpected(other)),
        }
    }

    /// Removes a custom policy module and re-checks the catalog in the background.
    pub async fn remove_policy(&self, name: &str, by: Option<&str>) -> Result<(), ServiceError> {
        let by = checked_actor(by)?;
        let cmd = Command::RemovePolicy {
            name: name.to_string(),
            by,
            at_ms: now_ms(),
        };
        self.change_packs(cmd).await
    }

    /// Sets template parameters and disabled frameworks, then re-checks the catalog.
    pub async fn set_policy_settings(&self, req: PolicySettingsUpdate) -> Result<(), ServiceError> {
        let by = checked_actor(req.by.as_deref())?;
        if !req.params.is_object() {
            return Err(ServiceError::BadRequest(
                "`params` must be a JSON object".into(),
            ));
        }
        if req
            .disabled_frameworks
            .iter()
            .any(|f| f.is_empty() || f.len() > 32 || f.chars().any(char::is_control))
        {
            return Err(ServiceError::BadRequest(
                "`disabled_frameworks` holds framework names (gdpr, hipaa, pci-dss, soc2...)"
                    .into(),
            ));
        }
        let params_json = req.params.to_string();
        if params_json.len() > 64 * 1024 {
            return Err(ServiceError::BadRequest(
                "`params` is larger than 64 KiB".into(),
            ));
        }
        let cmd = Command::SetPolicySettings {
            params_json,
            disabled_frameworks: req.disabled_frameworks,
            by,
            at_ms: now_ms(),
        };
        self.change_packs(cmd).await
    }

    /// Checks one table against the packs now and waits for its findings (after a
    /// steward's change). A checker that does not answer is logged, not an error: the
    /// change itself is committed.
    async fn recheck_table(&self, table_id: &str) -> Result<(), ServiceError> {
        let Some(t) = self.raft.reader().table(table_id)? else {
            return Ok(());
        };
        let checked = ractor::call_t!(
            self.supervisor(),
            |reply| SupervisorMsg::CheckPolicies {
                source: t.source.clone(),
                tables: vec![t.id.clone()],
                reply,
            },
            60_000
        );
        if let Err(e) = checked {
            tracing::warn!(asset = %t.id, error = %e, "policy check after a steward's change did not finish");
        }
        Ok(())
    }

    /// Re-checks every table of every source against the packs, in the background (a
    /// full re-evaluation after the packs changed).
    fn recheck_everything(&self) {
        tokio::spawn(recheck_all(
            self.raft.reader().clone(),
            self.supervisor().clone(),
        ));
    }

    /// The compliance report over the whole catalog, for one framework or all.
    pub fn compliance_report(
        &self,
        framework: Option<&str>,
    ) -> Result<pursight_actors::compliance::report::Report, ServiceError> {
        let framework = framework.filter(|f| !f.is_empty());
        let reader = self.raft.reader();
        let engine = pursight_actors::compliance::with_custom(&reader.custom_policies()?)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        if let Some(f) = framework
            && !engine.rules().iter().any(|r| r.meta.framework == f)
        {
            return Err(ServiceError::BadRequest(format!(
                "no rule belongs to framework `{f}` (gdpr, hipaa, pci-dss, soc2, or a custom one)"
            )));
        }
        Ok(pursight_actors::compliance::report::build(
            framework,
            engine.rules(),
            &reader.tables()?,
            &reader.sources()?,
            &reader.findings()?,
            now_ms(),
        ))
    }

    /// Audit events after sequence number `after`, oldest first.
    pub fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEvent>, ServiceError> {
        Ok(self.raft.reader().audit(after, limit.clamp(1, 1000))?)
    }
}

/// Checks every table of every source against the packs, source by source, waiting for
/// each (a full re-evaluation: after a pack change, and periodically, so rules that
/// depend on time — credential age, expired accepted risks — and checks that failed
/// earlier catch up).
pub(crate) async fn recheck_all(
    reader: crate::state::StateReader,
    supervisor: ractor::ActorRef<SupervisorMsg>,
) {
    let Ok(sources) = reader.sources() else {
        return;
    };
    for s in sources {
        let Ok(tables) = reader.tables_of(&s.id) else {
            continue;
        };
        let ids = tables.into_iter().map(|t| t.id).collect();
        let done = ractor::call_t!(
            supervisor,
            |reply| SupervisorMsg::CheckPolicies {
                source: s.id.clone(),
                tables: ids,
                reply,
            },
            600_000
        );
        if let Err(e) = done {
            tracing::warn!(source = %s.id, error = %e, "policy re-check did not finish");
        }
    }
}

/// Who acts, as given by a request (`admin` when absent), checked.
fn checked_actor(by: Option<&str>) -> Result<String, ServiceError> {
    let by = by.map(str::trim).unwrap_or("admin");
    if by.is_empty() || by.chars().count() > 128 || by.chars().any(char::is_control) {
        return Err(ServiceError::BadRequest(
            "`by` must be 1 to 128 printable characters".into(),
        ));
    }
    Ok(by.to_string())
}

/// The body of `PUT /api/v1/assets/{id}/meta`.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetMetaUpdate {
    /// The table's owner (an empty string clears it); tables only.
    pub owner: Option<String>,
    /// Tags to set; `null` removes one.
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, Option<String>>,
    pub by: Option<String>,
}

/// `GET /api/v1/policies`.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct PoliciesView {
    pub rules: Vec<RuleView>,
    pub params: serde_json::Value,
    pub disabled_frameworks: Vec<String>,
    pub custom: Vec<CustomPolicy>,
}

/// One rule that runs.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct RuleView {
    pub id: String,
    pub framework: String,
    pub control: String,
    pub title: String,
    pub severity: pursight_actors::compliance::Severity,
    pub path: String,
    pub enabled: bool,
    pub parameters: serde_json::Map<String, serde_json::Value>,
}

/// The body of `POST /api/v1/policies`.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpload {
    pub name: String,
    /// The Rego module (`package pursight.rules.<framework>.<rule>`, `metadata`,
    /// `violations`; see docs/POLICIES.md).
    pub text: String,
    pub by: Option<String>,
}

/// The body of `PUT /api/v1/policies/settings`.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySettingsUpdate {
    #[serde(default = "empty_object")]
    pub params: serde_json::Value,
    #[serde(default)]
    pub disabled_frameworks: Vec<String>,
    pub by: Option<String>,
}

fn empty_object() -> serde_json::Value {
    serde_json::json!({})
}

/// Filters of `GET /api/v1/findings`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingQuery {
    pub framework: Option<String>,
    pub state: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub consistency: crate::cluster::ops::Consistency,
}

/// The body of `PUT /api/v1/findings/{id}`.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingUpdate {
    /// `acknowledge`, `accept_risk` (with `reason` and `days`) or `reopen`.
    pub action: String,
    pub by: Option<String>,
    pub reason: Option<String>,
    pub days: Option<u64>,
}

/// The body of `PUT /api/v1/assets/{id}/classifications`.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    /// Who makes the correction (recorded in the audit trail); `admin` when absent.
    pub by: Option<String>,
    pub reason: Option<String>,
    pub corrections: Vec<CorrectionItem>,
}

/// One correction in a request.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionItem {
    #[serde(rename = "type")]
    pub type_id: ClassificationType,
    pub action: CorrectionAction,
}

/// A source URI as it is stored: without its password (which is sealed apart).
pub fn stored_uri(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(mut u) => {
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => uri.to_string(),
    }
}

/// Scan ids sort by creation time and stay unique across nodes.
pub(crate) fn new_scan_id() -> String {
    format!("scan-{}-{:08x}", now_ms(), rand::random::<u32>())
}
