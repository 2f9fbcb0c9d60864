//! PurSight models: ONNX inference for the model tier of the classifier.
//!
//! Empty for now: the pattern tier lives in `pursight-actors`; the three-tier classifier
//! brings tract-onnx, the shipped model and its training pipeline here.
