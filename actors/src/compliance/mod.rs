//! Compliance checks: the built-in GDPR, HIPAA, PCI-DSS and SOC 2 packs
//! (`config/policies/`, built into the binary), the policy engine that runs them, and the
//! input document each asset is checked as.

pub mod custom;
mod engine;
pub mod findings;
mod input;
pub mod report;

pub use engine::{PolicyEngine, PolicyError, Rule, RuleMeta, Severity, Violation};
pub use input::{asset_input, asset_input_with};

/// The built-in modules as `(path under config/policies, text)`.
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// The engine with every built-in pack.
pub fn builtin() -> Result<PolicyEngine, PolicyError> {
    with_custom(&[])
}

/// The engine with the built-in packs and custom modules (`custom/<name>.rego`).
pub fn with_custom(custom: &[custom::CustomPolicy]) -> Result<PolicyEngine, PolicyError> {
    let modules: Vec<(String, String)> = BUILTIN
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .chain(
            custom
                .iter()
                .map(|c| (format!("custom/{}.rego", c.name), c.text.clone())),
        )
        .collect();
    PolicyEngine::load(&modules)
}

#[cfg(test)]
mod tests;
