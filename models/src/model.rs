//! The column model: an ONNX network shipped inside the binary, checked against its
//! manifest when loaded, and run with tract on batches of values.

use serde::Deserialize;
use tract_onnx::prelude::*;

use crate::features;

/// Values per model run. The input shape is fixed so tract can plan once; a short last
/// batch is padded with zeros and its padding ignored.
pub const BATCH: usize = 64;

const EMBEDDED_MODEL: &[u8] = include_bytes!("../column_model/model.onnx");
const EMBEDDED_MANIFEST: &str = include_str!("../column_model/manifest.json");

/// Why the model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model manifest is not valid: {0}")]
    Manifest(#[from] serde_json::Error),
    #[error("model file does not match its manifest: sha256 {found}, manifest says {expected}")]
    Checksum { expected: String, found: String },
    #[error("model file is {found} bytes, manifest says {expected}")]
    Size { expected: u64, found: u64 },
    #[error(
        "model expects feature spec v{model} with {model_dim} dims, this build computes v{ours} with {ours_dim}"
    )]
    Features {
        model: u32,
        model_dim: usize,
        ours: u32,
        ours_dim: usize,
    },
    #[error("model has {found} outputs per value, manifest lists {expected} classes")]
    Classes { expected: usize, found: usize },
    #[error("model could not be run: {0}")]
    Tract(String),
}

impl From<TractError> for ModelError {
    fn from(e: TractError) -> Self {
        ModelError::Tract(format!("{e:#}"))
    }
}

/// What `manifest.json` says about the model file.
#[derive(Clone, Debug, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub version: u32,
    pub sha256: String,
    pub bytes: u64,
    pub features: FeatureSpec,
    pub classes: Vec<String>,
    /// How it was trained and how it scored; shown, not interpreted.
    #[serde(default)]
    pub training: serde_json::Value,
    #[serde(default)]
    pub metrics: serde_json::Value,
}

/// The feature spec the model was trained on.
#[derive(Clone, Debug, Deserialize)]
pub struct FeatureSpec {
    pub version: u32,
    pub dim: usize,
}

type Plan = std::sync::Arc<TypedSimplePlan>;

/// A loaded, verified model; cheap to share behind an `Arc` (running takes `&self`).
pub struct ColumnModel {
    plan: Plan,
    manifest: Manifest,
}

impl std::fmt::Debug for ColumnModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnModel")
            .field("name", &self.manifest.name)
            .field("version", &self.manifest.version)
            .field("classes", &self.manifest.classes.len())
            .finish()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ColumnModel {
    /// The model built into this binary.
    pub fn embedded() -> Result<Self, ModelError> {
        Self::load(EMBEDDED_MODEL, EMBEDDED_MANIFEST)
    }

    /// Loads a model after checking it against its manifest: size, checksum, feature spec,
    /// and the number of classes its output really has.
    pub fn load(model: &[u8], manifest: &str) -> Result<Self, ModelError> {
        let manifest: Manifest = serde_json::from_str(manifest)?;
        if manifest.bytes != model.len() as u64 {
            return Err(ModelError::Size {
                expected: manifest.bytes,
                found: model.len() as u64,
            });
        }
        let found = sha256_hex(model);
        if !found.eq_ignore_ascii_case(&manifest.sha256) {
            return Err(ModelError::Checksum {
                expected: manifest.sha256.clone(),
                found,
            });
        }
        if manifest.features.version != features::VERSION || manifest.features.dim != features::DIM
        {
            return Err(ModelError::Features {
                model: manifest.features.version,
                model_dim: manifest.features.dim,
                ours: features::VERSION,
                ours_dim: features::DIM,
            });
        }
        let plan = tract_onnx::onnx()
            .model_for_read(&mut &model[..])?
            .with_input_fact(0, f32::fact([BATCH, features::DIM]).into())?
            .into_optimized()?
            .into_runnable()?;
        let this = Self { plan, manifest };
        // One dry run proves the graph's output matches the manifest's classes.
        let probe = this.run_batch(&[])?;
        if probe.len() != BATCH * this.manifest.classes.len() {
            return Err(ModelError::Classes {
                expected: this.manifest.classes.len(),
                found: probe.len() / BATCH,
            });
        }
        Ok(this)
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Class names, in the order of the probabilities.
    pub fn classes(&self) -> &[String] {
        &self.manifest.classes
    }

    /// Runs one batch of at most [`BATCH`] values; returns `BATCH × classes` probabilities
    /// (rows past `values.len()` belong to the zero padding).
    fn run_batch(&self, values: &[&str]) -> Result<Vec<f32>, ModelError> {
        debug_assert!(values.len() <= BATCH);
        let mut input = vec![0.0f32; BATCH * features::DIM];
        for (row, v) in input.chunks_exact_mut(features::DIM).zip(values) {
            features::extract_into(v, row);
        }
        let tensor = Tensor::from_shape(&[BATCH, features::DIM], &input)?;
        let out = self.plan.run(tvec!(tensor.into()))?;
        let first = out
            .first()
            .ok_or_else(|| ModelError::Tract("model produced no output".into()))?;
        Ok(first
            .to_plain_array_view::<f32>()?
            .iter()
            .copied()
            .collect())
    }

    /// Class probabilities of each value.
    pub fn predict(&self, values: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        let c = self.manifest.classes.len();
        let mut out = Vec::with_capacity(values.len());
        for chunk in values.chunks(BATCH) {
            let probs = self.run_batch(chunk)?;
            out.extend(probs.chunks_exact(c).take(chunk.len()).map(<[f32]>::to_vec));
        }
        Ok(out)
    }

    /// Mean class probabilities over the values: the column-level verdict. All zeros
    /// when there are no values.
    pub fn predict_mean(&self, values: &[&str]) -> Result<Vec<f32>, ModelError> {
        let c = self.manifest.classes.len();
        let mut sum = vec![0.0f32; c];
        for chunk in values.chunks(BATCH) {
            let probs = self.run_batch(chunk)?;
            for row in probs.chunks_exact(c).take(chunk.len()) {
                sum.iter_mut().zip(row).for_each(|(s, p)| *s += p);
            }
        }
        if !values.is_empty() {
            let n = values.len() as f32;
            sum.iter_mut().for_each(|s| *s /= n);
        }
        Ok(sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_loads_and_matches_its_manifest() {
        let m = ColumnModel::embedded().expect("embedded model loads");
        assert_eq!(m.manifest().sha256, sha256_hex(EMBEDDED_MODEL));
        assert_eq!(m.classes().first().map(String::as_str), Some("NONE"));
        let p = m
            .predict(&["Jane", "Berlin", "x"])
            .expect("model runs on three values");
        assert_eq!(p.len(), 3);
        for row in &p {
            let total: f32 = row.iter().sum();
            assert!(
                (total - 1.0).abs() < 1e-3,
                "softmax rows sum to 1, got {total}"
            );
        }
    }

    #[test]
    fn a_tampered_model_is_refused() {
        let mut bytes = EMBEDDED_MODEL.to_vec();
        if let Some(b) = bytes.last_mut() {
            *b ^= 0xff;
        }
        assert!(matches!(
            ColumnModel::load(&bytes, EMBEDDED_MANIFEST),
            Err(ModelError::Checksum { .. })
        ));
        assert!(matches!(
            ColumnModel::load(&EMBEDDED_MODEL[..10], EMBEDDED_MANIFEST),
            Err(ModelError::Size { .. })
        ));
        assert!(matches!(
            ColumnModel::load(EMBEDDED_MODEL, "{"),
            Err(ModelError::Manifest(_))
        ));
    }

    #[derive(Deserialize)]
    struct Vector {
        value: String,
        nonzero: Vec<(usize, f32)>,
    }

    /// The pipeline's Python features and ours agree on its reference values.
    #[test]
    fn features_match_the_training_pipeline() {
        let vectors: Vec<Vector> =
            serde_json::from_str(include_str!("../column_model/feature_vectors.json"))
                .expect("feature vectors parse");
        assert!(vectors.len() >= 10);
        for v in vectors {
            let ours = features::extract(&v.value);
            let mut theirs = vec![0.0f32; features::DIM];
            for (i, x) in &v.nonzero {
                theirs[*i] = *x;
            }
            for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                assert!(
                    (a - b).abs() < 1e-4,
                    "value {:?}: feature {i} is {a} here, {b} in the pipeline",
                    v.value
                );
            }
        }
    }
}
