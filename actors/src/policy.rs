//! The policy checker actor. After a scan catalogs tables, it checks each of them (as
//! stored, with stewards' corrections) against the compliance packs and syncs the asset's
//! findings through Raft; tables the scan found gone resolve their findings. It also keeps
//! the framework exposure metric (sensitive columns per framework and source).

use std::collections::BTreeMap;
use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::cluster::{Catalog, FindingsUpdate};
use crate::compliance::custom::PolicySettings;
use crate::compliance::{self, PolicyEngine};
use crate::domain::{Framework, TableAsset, now_ms};

/// Messages of the policy checker.
pub enum PolicyMsg {
    /// A scan of `source` cataloged `tables` (ids) and found `gone` deleted; the reply
    /// comes once their findings are synced.
    Cataloged {
        source: String,
        tables: Vec<String>,
        gone: Vec<String>,
        reply: RpcReplyPort<()>,
    },
}

/// The policy checker actor.
pub struct PolicyActor;

/// Its state: the cluster, the compiled packs and the settings they were compiled for.
pub struct PolicyState {
    cluster: Arc<dyn Catalog>,
    /// Out of the state while it evaluates on a blocking thread.
    engine: Option<PolicyEngine>,
    settings: PolicySettings,
}

/// Sensitive columns per framework across `tables`.
pub fn exposure(tables: &[TableAsset]) -> BTreeMap<&'static str, u64> {
    let mut out: BTreeMap<&'static str, u64> = BTreeMap::new();
    for col in tables.iter().flat_map(|t| &t.columns) {
        let mut fws: Vec<Framework> = col
            .classifications
            .iter()
            .flat_map(|c| c.type_id.frameworks().iter().copied())
            .collect();
        fws.sort_by_key(|f| framework_label(*f));
        fws.dedup();
        for f in fws {
            *out.entry(framework_label(f)).or_default() += 1;
        }
    }
    out
}

/// The label a framework has in metrics and reports.
pub fn framework_label(f: Framework) -> &'static str {
    match f {
        Framework::GdprPersonal => "gdpr-personal",
        Framework::GdprSpecialCategory => "gdpr-special-category",
        Framework::HipaaIdentifier => "hipaa-identifier",
        Framework::PciCardholder => "pci-dss-cardholder",
        Framework::Soc2Confidential => "soc2-confidential",
    }
}

impl PolicyActor {
    /// Reloads the packs when custom policies or settings changed since the last check.
    /// Uploads are validated before they are committed; should a stored set still fail to
    /// compile, the packs that ran last keep running.
    fn refresh(st: &mut PolicyState) -> Result<(), String> {
        let (custom, settings) = st.cluster.policy_config().map_err(|e| e.to_string())?;
        if settings.revision != st.settings.revision || st.engine.is_none() {
            match compliance::with_custom(&custom) {
                Ok(engine) => st.engine = Some(engine),
                Err(e) => {
                    tracing::error!(error = %e, "stored policies do not compile; keeping the previous packs");
                    if st.engine.is_none() {
                        st.engine = compliance::builtin().ok();
                    }
                }
            }
            st.settings = settings;
        }
        Ok(())
    }

    /// Evaluates one input on a blocking thread (rules are CPU work; a full re-check
    /// must not starve the runtime that serves the API). Returns the violations and the
    /// rules that failed.
    async fn evaluate(
        st: &mut PolicyState,
        input: serde_json::Value,
    ) -> Result<(Vec<compliance::Violation>, Vec<String>), String> {
        let mut engine = st
            .engine
            .take()
            .ok_or_else(|| "the policy engine is not loaded".to_string())?;
        let (engine, out) = tokio::task::spawn_blocking(move || {
            let out = engine.evaluate(&input).map(|v| {
                let failed = engine.failures().iter().map(|(id, _)| id.clone()).collect();
                (v, failed)
            });
            (engine, out)
        })
        .await
        .map_err(|e| format!("policy evaluation crashed: {e}"))?;
        st.engine = Some(engine);
        out.map_err(|e| e.to_string())
    }

    async fn check(
        st: &mut PolicyState,
        source_id: &str,
        ids: &[String],
        gone: &[String],
    ) -> Result<usize, String> {
        let Some(source) = st.cluster.source(source_id).map_err(|e| e.to_string())? else {
            return Ok(0); // removed meanwhile: its findings went with it
        };
        let tables = st.cluster.tables_of(source_id).map_err(|e| e.to_string())?;
        let exp = exposure(&tables);
        for (framework, columns) in &exp {
            metrics::gauge!("pursight_sensitive_columns", "source" => source_id.to_string(), "framework" => *framework)
                .set(*columns as f64);
        }
        Self::refresh(st)?;
        let params = st.settings.params();
        let disabled = st.settings.disabled_frameworks.clone();
        let now = now_ms();
        let mut total = 0;
        let wanted: std::collections::HashSet<&String> = ids.iter().collect();
        let mut failed = 0;
        for t in tables.iter().filter(|t| wanted.contains(&t.id)) {
            let meta = st.cluster.asset_meta(&t.id).map_err(|e| e.to_string())?;
            let input = compliance::asset_input_with(t, &source, meta.as_ref(), &params, now);
            // A table the source lost breaks nothing any more.
            let (violations, skipped_rules) = if t.deleted_at_ms.is_some() {
                (Vec::new(), Vec::new())
            } else {
                let (mut v, skipped) = Self::evaluate(st, input).await?;
                v.retain(|v| !disabled.contains(&v.framework));
                (v, skipped)
            };
            total += violations.len();
            let update = FindingsUpdate {
                asset_id: t.id.clone(),
                source: source_id.to_string(),
                violations,
                skipped_rules,
                at_ms: now,
            };
            // One table's failure does not stop the others.
            if let Err(e) = st.cluster.sync_findings(update).await {
                tracing::warn!(asset = %t.id, error = %e, "could not record findings");
                failed += 1;
            }
        }
        for id in gone {
            let update = FindingsUpdate {
                asset_id: id.clone(),
                source: source_id.to_string(),
                violations: Vec::new(),
                skipped_rules: Vec::new(),
                at_ms: now,
            };
            if let Err(e) = st.cluster.sync_findings(update).await {
                tracing::warn!(asset = %id, error = %e, "could not resolve findings");
                failed += 1;
            }
        }
        if failed > 0 {
            return Err(format!("{failed} table(s) could not be recorded"));
        }
        Ok(total)
    }
}

impl Actor for PolicyActor {
    type Msg = PolicyMsg;
    type State = PolicyState;
    type Arguments = Arc<dyn Catalog>;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        cluster: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        let engine = compliance::builtin()?;
        Ok(PolicyState {
            cluster,
            engine: Some(engine),
            settings: PolicySettings::default(),
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        msg: Self::Msg,
        st: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            PolicyMsg::Cataloged {
                source,
                tables,
                gone,
                reply,
            } => {
                match Self::check(st, &source, &tables, &gone).await {
                    Ok(violations) => {
                        tracing::info!(source, tables = tables.len(), violations, "policy check");
                    }
                    Err(e) => tracing::warn!(source, error = %e, "policy check failed"),
                }
                let _ = reply.send(());
            }
        }
        Ok(())
    }
}
