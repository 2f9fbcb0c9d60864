//! The policy engine: Rego modules (Open Policy Agent's language, run by `regorus`) with
//! their metadata, evaluated one asset at a time.
//!
//! A rule is one module under `package pursight.rules.<framework>.<rule>` with a
//! `metadata` object (id, title, framework, control, severity, remediation, optional
//! parameter defaults) and a `violations` set of `{"column", "message"}` objects; an empty
//! set means the asset passes. `docs/POLICIES.md` documents the contract and the
//! input document.

use serde::{Deserialize, Serialize};

/// Why policies could not be loaded or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// A module does not compile; the message carries its file, line and column.
    #[error("policy {path} does not compile: {message}")]
    Compile { path: String, message: String },
    #[error("policy {path}: {message}")]
    Invalid { path: String, message: String },
    #[error("two policies use the id `{0}`")]
    DuplicateId(String),
    #[error("evaluating {rule}: {message}")]
    Eval { rule: String, message: String },
}

/// How bad a violation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// What a rule's `metadata` says about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    /// `gdpr`, `hipaa`, `pci-dss` or `soc2` (custom packs may add others).
    pub framework: String,
    /// The control reference (`PCI-DSS 3.5.1`, `GDPR Art. 9`).
    pub control: String,
    pub severity: Severity,
    pub remediation: String,
    /// Template parameters and their defaults; `input.params` overrides them.
    #[serde(default)]
    pub parameters: serde_json::Map<String, serde_json::Value>,
}

/// One loaded rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// `pursight.rules.pci_dss.readable_pan`.
    pub package: String,
    /// The file it came from.
    pub path: String,
    pub meta: RuleMeta,
}

/// One way an asset breaks a rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub rule_id: String,
    pub framework: String,
    pub control: String,
    pub severity: Severity,
    pub title: String,
    pub remediation: String,
    /// The column at fault; `None` when the whole asset is.
    pub column: Option<String>,
    pub message: String,
}

#[derive(Deserialize)]
struct RawViolation {
    #[serde(default)]
    column: Option<String>,
    message: String,
}

const RULES_PREFIX: &str = "data.pursight.rules.";
/// Wall-clock budget of one rule evaluation: an uploaded rule that loops or explodes
/// fails with an error instead of stalling the checker (and the scans waiting on it).
const RULE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Compiled rules, ready to evaluate; clone it per thread (clones share the parsed
/// modules).
#[derive(Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    rules: Vec<Rule>,
    /// Rules that failed during the last evaluation, with why.
    failures: Vec<(String, String)>,
}

impl std::fmt::Debug for PolicyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyEngine")
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl PolicyEngine {
    /// Compiles modules given as `(path, text)`. Every module must be a rule with valid
    /// metadata; nothing is half-loaded: any error leaves no engine.
    pub fn load(modules: &[(String, String)]) -> Result<Self, PolicyError> {
        let mut engine = regorus::Engine::new();
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: RULE_TIME_LIMIT,
            check_interval: std::num::NonZeroU32::MIN.saturating_add(63),
        });
        let mut packages = Vec::with_capacity(modules.len());
        for (path, text) in modules {
            let package = engine.add_policy(path.clone(), text.clone()).map_err(|e| {
                PolicyError::Compile {
                    path: path.clone(),
                    message: format!("{e}"),
                }
            })?;
            let package = package
                .strip_prefix("data.")
                .unwrap_or(&package)
                .to_string();
            if !package.starts_with(&RULES_PREFIX["data.".len()..]) {
                return Err(PolicyError::Invalid {
                    path: path.clone(),
                    message: format!(
                        "package `{package}` is not under `pursight.rules.<framework>.<rule>`"
                    ),
                });
            }
            packages.push((path.clone(), package));
        }
        let mut rules = Vec::with_capacity(packages.len());
        let mut ids = std::collections::HashSet::new();
        for (path, package) in packages {
            let value = engine
                .eval_rule(format!("data.{package}.metadata"))
                .map_err(|e| PolicyError::Invalid {
                    path: path.clone(),
                    message: format!("metadata: {e}"),
                })?;
            let meta: RuleMeta = from_rego(&value).map_err(|message| PolicyError::Invalid {
                path: path.clone(),
                message: format!("metadata: {message}"),
            })?;
            if !ids.insert(meta.id.clone()) {
                return Err(PolicyError::DuplicateId(meta.id));
            }
            rules.push(Rule {
                package,
                path,
                meta,
            });
        }
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(Self {
            engine,
            rules,
            failures: Vec::new(),
        })
    }

    /// The loaded rules, by id.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Rules that failed during the last evaluation (id, reason).
    pub fn failures(&self) -> &[(String, String)] {
        &self.failures
    }

    /// Evaluates every rule on one input document (see `docs/POLICIES.md`).
    pub fn evaluate(&mut self, input: &serde_json::Value) -> Result<Vec<Violation>, PolicyError> {
        let input_value =
            regorus::Value::from_json_str(&input.to_string()).map_err(|e| PolicyError::Eval {
                rule: "input".into(),
                message: format!("{e}"),
            })?;
        self.engine.set_input(input_value);
        let mut out = Vec::new();
        self.failures.clear();
        for rule in &self.rules {
            // One broken rule (a runtime error, the time budget) must not hide what the
            // others find: it is recorded and logged, and the others still run.
            let value = match self
                .engine
                .eval_rule(format!("data.{}.violations", rule.package))
            {
                Ok(v) => v,
                Err(e) => {
                    tracing::warn!(rule = %rule.meta.id, error = %e, "policy rule failed");
                    self.failures.push((rule.meta.id.clone(), format!("{e}")));
                    continue;
                }
            };
            // An undefined set (no rule body matched) is no violation.
            if value == regorus::Value::Undefined {
                continue;
            }
            let raw: Vec<RawViolation> = match from_rego(&value) {
                Ok(r) => r,
                Err(message) => {
                    self.failures.push((
                        rule.meta.id.clone(),
                        format!("violations must be a set of {{column, message}}: {message}"),
                    ));
                    continue;
                }
            };
            let m = &rule.meta;
            out.extend(raw.into_iter().map(|r| Violation {
                rule_id: m.id.clone(),
                framework: m.framework.clone(),
                control: m.control.clone(),
                severity: m.severity,
                title: m.title.clone(),
                remediation: m.remediation.clone(),
                column: r.column,
                message: r.message,
            }));
        }
        Ok(out)
    }
}

/// Converts a Rego value to a Rust type through JSON (sets become arrays).
fn from_rego<T: serde::de::DeserializeOwned>(v: &regorus::Value) -> Result<T, String> {
    let json = v.to_json_str().map_err(|e| format!("{e}"))?;
    serde_json::from_str(&json).map_err(|e| e.to_string())
}
