//! The policy checker actor. For now it evaluates one built-in rule, the framework exposure
//! of each source (how many sensitive columns fall under GDPR, HIPAA, PCI-DSS, SOC 2), and
//! exports it as metrics; policy packs and findings build on this actor.

use std::collections::BTreeMap;

use ractor::{Actor, ActorProcessingErr, ActorRef};

use crate::domain::{Framework, TableAsset};

/// Messages of the policy checker.
pub enum PolicyMsg {
    /// A scan cataloged these tables of `source`.
    Cataloged {
        source: String,
        tables: Vec<TableAsset>,
    },
}

/// The policy checker actor.
pub struct PolicyActor;

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

impl Actor for PolicyActor {
    type Msg = PolicyMsg;
    type State = ();
    type Arguments = ();

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        _: (),
    ) -> Result<(), ActorProcessingErr> {
        Ok(())
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        msg: Self::Msg,
        _: &mut (),
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            PolicyMsg::Cataloged { source, tables } => {
                let exp = exposure(&tables);
                for (framework, columns) in &exp {
                    metrics::gauge!("pursight_sensitive_columns", "source" => source.clone(), "framework" => *framework)
                        .set(*columns as f64);
                }
                tracing::info!(source, exposure = ?exp, "policy check");
            }
        }
        Ok(())
    }
}
