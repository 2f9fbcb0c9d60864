//! PurSight models: the column model of the classifier's third tier.
//!
//! [`features`] turns one value into the vector the model was trained on (the spec is
//! `models/FEATURES.md`); [`model`] loads the ONNX network built into the binary, checks it
//! against its manifest, and runs it with tract. The training pipeline that produced the
//! network lives in `models/train/`.

pub mod features;
pub mod model;

pub use model::{BATCH, ColumnModel, Manifest, ModelError};
