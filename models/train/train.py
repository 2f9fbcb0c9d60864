"""Train the column model, export it to ONNX, verify it and write the manifest.

Writes, under models/column_model/:
  model.onnx            the MLP (MatMul/Add/Relu/Softmax, opset 13, IR version 8)
  manifest.json         classes, checksum, training parameters, held-out metrics
  feature_vectors.json  reference feature vectors for the Rust implementation's test

Run through models/train/run.py (which sets up the pinned environment); `python train.py`
inside that environment works too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import features as F  # noqa: E402
import generators as G  # noqa: E402

OUT_DIR = ROOT / "models" / "column_model"

SEED = 1
TRAIN_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL", "it_IT", "pt_PT", "pl_PL",
                 "sv_SE", "da_DK", "en_IE"]
HELDOUT_LOCALES = ["de_AT", "fr_CH", "es_MX", "en_AU"]
HELDOUT_SEED = 101
CLASSES = G.MODEL_CLASSES

SAMPLES_PER_CLASS = 30000     # each sensitive model class
NONE_SHARE = 0.38             # share of NONE among all training values
PATTERN_SHARE_OF_NONE = 0.18  # share of NONE values that are values of pattern types
HIDDEN = 128
VAL_SHARE = 0.08
BATCH = 512
MAX_EPOCHS = 18
PATIENCE = 3
LR = 1e-3
L2 = 1e-5

HELDOUT_VALUES_PER_CLASS = 2000
HELDOUT_COLUMNS_PER_CLASS = 150
COLUMN_SIZE = 50


# --------------------------------------------------------------------------------------
# Data

def none_or_pattern(fake, rng):
    if rng.random() < PATTERN_SHARE_OF_NONE:
        return G.pattern_as_none_value(fake, rng)
    return G.none_value(fake, rng)


def generate_values(locales, seed, per_class, n_none):
    """(values, labels) with per_class values for each sensitive class and n_none NONE values."""
    rng = random.Random(seed)
    fakers = [G.make_faker(loc, seed * 1000 + i) for i, loc in enumerate(locales)]
    values, labels = [], []
    for ci, cls in enumerate(CLASSES):
        n = n_none if cls == "NONE" else per_class
        gen = none_or_pattern if cls == "NONE" else G.MODEL_GENERATORS[cls]
        for i in range(n):
            fake = fakers[i % len(fakers)]
            values.append(gen(fake, rng))
            labels.append(ci)
    return values, np.array(labels, dtype=np.int64)


def generate_columns(locales, seed, per_class, size):
    """Homogeneous columns: each column is one generator (for NONE: one NONE generator) in one locale."""
    rng = random.Random(seed)
    fakers = [G.make_faker(loc, seed * 1000 + i) for i, loc in enumerate(locales)]
    pattern_names = sorted(G.PATTERN_GENERATORS)
    columns = []
    for ci, cls in enumerate(CLASSES):
        for i in range(per_class):
            fake = fakers[i % len(fakers)]
            if cls == "NONE":
                if rng.random() < PATTERN_SHARE_OF_NONE:
                    gen = G.PATTERN_GENERATORS[rng.choice(pattern_names)]
                else:
                    gen = G.weighted_choice(rng, G.NONE_GENERATORS)
            else:
                gen = G.MODEL_GENERATORS[cls]
            vals = [gen(fake, rng) for _ in range(size)]
            # The Rust side classifies the distinct values of a column.
            distinct = list(dict.fromkeys(vals))
            columns.append((distinct, ci))
    return columns


# --------------------------------------------------------------------------------------
# Model (numpy)

def init_params(rng, dim, hidden, classes):
    w1 = (rng.standard_normal((dim, hidden)) * np.sqrt(2.0 / dim)).astype(np.float32)
    b1 = np.zeros(hidden, dtype=np.float32)
    w2 = (rng.standard_normal((hidden, classes)) * np.sqrt(1.0 / hidden)).astype(np.float32)
    b2 = np.zeros(classes, dtype=np.float32)
    return {"w1": w1, "b1": b1, "w2": w2, "b2": b2}


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(params, x):
    h = np.maximum(x @ params["w1"] + params["b1"], 0.0)
    return softmax(h @ params["w2"] + params["b2"])


def predict_proba(params, x, batch=8192):
    out = []
    for i in range(0, len(x), batch):
        out.append(forward(params, x[i : i + batch]))
    return np.concatenate(out) if out else np.zeros((0, len(CLASSES)), dtype=np.float32)


def mean_loss(params, x, y):
    p = predict_proba(params, x)
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))))


def train(x_tr, y_tr, x_val, y_val, seed, log):
    rng = np.random.default_rng(seed)
    params = init_params(rng, x_tr.shape[1], HIDDEN, len(CLASSES))
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    b1, b2, eps = 0.9, 0.999, 1e-8
    step = 0
    best = (float("inf"), None, -1)
    bad = 0
    n = len(x_tr)
    for epoch in range(MAX_EPOCHS):
        t0 = time.time()
        order = rng.permutation(n)
        lr = LR * (0.7 ** max(0, epoch - 4))
        for i in range(0, n, BATCH):
            idx = np.sort(order[i : i + BATCH])
            xb, yb = x_tr[idx], y_tr[idx]
            # forward
            pre = xb @ params["w1"] + params["b1"]
            h = np.maximum(pre, 0.0)
            p = softmax(h @ params["w2"] + params["b2"])
            # backward (mean cross-entropy)
            dz = p
            dz[np.arange(len(yb)), yb] -= 1.0
            dz /= len(yb)
            grads = {
                "w2": h.T @ dz + L2 * params["w2"],
                "b2": dz.sum(axis=0),
            }
            dh = dz @ params["w2"].T
            dh[pre <= 0.0] = 0.0
            grads["w1"] = xb.T @ dh + L2 * params["w1"]
            grads["b1"] = dh.sum(axis=0)
            step += 1
            for k in params:
                g = grads[k].astype(np.float32)
                m[k] = b1 * m[k] + (1 - b1) * g
                v[k] = b2 * v[k] + (1 - b2) * g * g
                mh = m[k] / (1 - b1**step)
                vh = v[k] / (1 - b2**step)
                params[k] = (params[k] - lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
        val_loss = mean_loss(params, x_val, y_val)
        val_acc = float((predict_proba(params, x_val).argmax(1) == y_val).mean())
        log(f"  epoch {epoch + 1:2d}  lr {lr:.2e}  val loss {val_loss:.4f}  val acc {val_acc:.4f}  ({time.time() - t0:.1f}s)")
        if val_loss < best[0] - 1e-4:
            best = (val_loss, {k: a.copy() for k, a in params.items()}, epoch + 1)
            bad = 0
        else:
            bad += 1
            if bad >= PATIENCE:
                break
    log(f"  best epoch {best[2]} (val loss {best[0]:.4f})")
    return best[1], best[2]


# --------------------------------------------------------------------------------------
# Metrics

def per_class_f1(y_true, y_pred, k):
    out = {}
    for c in range(k):
        tp = int(((y_pred == c) & (y_true == c)).sum())
        fp = int(((y_pred == c) & (y_true != c)).sum())
        fn = int(((y_pred != c) & (y_true == c)).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[CLASSES[c]] = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
    return out


def confusion_top(y_true, y_pred, k, top=12):
    pairs = {}
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        if t != p:
            pairs[(t, p)] = pairs.get((t, p), 0) + 1
    ranked = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [(CLASSES[t], CLASSES[p], n) for (t, p), n in ranked]


# --------------------------------------------------------------------------------------
# ONNX

def export_onnx(params, path: Path):
    dim, hidden = params["w1"].shape
    classes = params["w2"].shape[1]
    inits = [
        numpy_helper.from_array(params["w1"].astype(np.float32), "w1"),
        numpy_helper.from_array(params["b1"].astype(np.float32), "b1"),
        numpy_helper.from_array(params["w2"].astype(np.float32), "w2"),
        numpy_helper.from_array(params["b2"].astype(np.float32), "b2"),
    ]
    nodes = [
        helper.make_node("MatMul", ["features", "w1"], ["h1_mm"], name="dense1_matmul"),
        helper.make_node("Add", ["h1_mm", "b1"], ["h1_pre"], name="dense1_bias"),
        helper.make_node("Relu", ["h1_pre"], ["h1"], name="dense1_relu"),
        helper.make_node("MatMul", ["h1", "w2"], ["logits_mm"], name="dense2_matmul"),
        helper.make_node("Add", ["logits_mm", "b2"], ["logits"], name="dense2_bias"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "pursight_column_model",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", dim])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", classes])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 13)],
        producer_name="pursight-train",
        producer_version="1",
    )
    model.ir_version = 8
    model.doc_string = "PurSight column model: per-value class probabilities; classes in manifest.json"
    onnx.checker.check_model(model, full_check=True)
    path.write_bytes(model.SerializeToString())
    return model


def numpy_onnx_forward(model, x):
    """A tiny interpreter for the exported graph (MatMul/Add/Relu/Softmax only)."""
    env = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    env["features"] = x
    for node in model.graph.node:
        a = [env[i] for i in node.input]
        if node.op_type == "MatMul":
            out = a[0] @ a[1]
        elif node.op_type == "Add":
            out = a[0] + a[1]
        elif node.op_type == "Relu":
            out = np.maximum(a[0], 0)
        elif node.op_type == "Softmax":
            axis = [att.i for att in node.attribute if att.name == "axis"][0]
            z = a[0] - a[0].max(axis=axis, keepdims=True)
            e = np.exp(z)
            out = e / e.sum(axis=axis, keepdims=True)
        else:
            raise ValueError(f"unexpected op {node.op_type}")
        env[node.output[0]] = out
    return env["probabilities"]


def verify_onnx(path: Path, params, x_sample, log):
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    ops = sorted({n.op_type for n in model.graph.node})
    assert set(ops) <= {"MatMul", "Add", "Relu", "Softmax"}, ops
    assert model.ir_version <= 8 and model.opset_import[0].version == 13
    assert model.graph.input[0].name == "features" and model.graph.output[0].name == "probabilities"
    want = predict_proba(params, x_sample)
    got = numpy_onnx_forward(model, x_sample)
    diff = float(np.abs(want - got).max())
    assert diff < 1e-5, diff
    from onnx.reference import ReferenceEvaluator

    ref = ReferenceEvaluator(model).run(None, {"features": x_sample})[0]
    diff_ref = float(np.abs(want - ref).max())
    assert diff_ref < 1e-5, diff_ref
    log(f"  ONNX verified: ops {ops}, max |diff| numpy {diff:.2e}, onnx.reference {diff_ref:.2e}")


# --------------------------------------------------------------------------------------
# Feature vectors for the Rust test

FEATURE_VECTOR_VALUES = [
    "Anna", "John Smith", "O'Brien, Mary-Kate", "Dr. Heinz-Peter Müller", "alice.johnson@example.com",
    "FIRST.LAST+tag@Sub.Example.CO.UK", "12345", "0", "9434765919", "+49 (0)30 123456-78",
    "", "   ", "\t\n", "  padded value  ", " x", "München", "Zürich", "José García", "Ærøskøbing",
    "Straße 12", "ÉCOLE ÉLÉMENTAIRE", "crème brûlée", "Ünal Çelik", "naïve café",
    "a" * 70, "The quick brown fox jumps over the lazy dog; then it runs 12.5 km home, doesn't it?",
    "abcdefghij" * 7 + "KLM", "...", "!!!", "#$%&*", "a-b/c.d", "1,234.56", "2024-01-31",
    "true", "MiXeD cAsE vAlUe", "iPhone 15 Pro Max", "SKU-48213-XL", "e11.9", "E11.9",
    "de_DE", "x_y_z 123abc ABC123", "Hello, World!", "ALL CAPS", "3rd Street",
]


def write_feature_vectors(path: Path):
    out = []
    for value in FEATURE_VECTOR_VALUES:
        pairs = F.sparse(value)
        out.append({"value": value, "nonzero": [[int(i), float(v)] for i, v in pairs]})
    text = "[\n" + ",\n".join(json.dumps(o, ensure_ascii=False) for o in out) + "\n]\n"
    path.write_text(text, encoding="utf-8")
    return len(out)


# --------------------------------------------------------------------------------------

def main(argv=None):
    global HIDDEN
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--samples-per-class", type=int, default=SAMPLES_PER_CLASS)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--hidden", type=int, default=HIDDEN, help="hidden units (experiments only)")
    args = ap.parse_args(argv)
    HIDDEN = args.hidden

    def log(msg):
        print(msg, flush=True)

    t_start = time.time()
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    per_class = args.samples_per_class
    n_sensitive = per_class * (len(CLASSES) - 1)
    n_none = int(round(n_sensitive * NONE_SHARE / (1 - NONE_SHARE)))

    log(f"generating training values: {per_class} per class, {n_none} NONE, locales {', '.join(TRAIN_LOCALES)}")
    t0 = time.time()
    values, labels = generate_values(TRAIN_LOCALES, SEED, per_class, n_none)
    log(f"  {len(values)} values in {time.time() - t0:.1f}s")
    t0 = time.time()
    x = F.batch_dense(values)
    log(f"  features {x.shape} in {time.time() - t0:.1f}s")
    del values

    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(x))
    n_val = int(len(x) * VAL_SHARE)
    val_idx, tr_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
    x_val, y_val = x[val_idx], labels[val_idx]
    x_tr, y_tr = x[tr_idx], labels[tr_idx]
    del x

    log(f"training MLP {F.DIM} -> {HIDDEN} -> {len(CLASSES)} on {len(x_tr)} values ({len(x_val)} for validation)")
    t0 = time.time()
    params, best_epoch = train(x_tr, y_tr, x_val, y_val, SEED, log)
    train_seconds = time.time() - t0
    del x_tr, y_tr

    log(f"held-out evaluation: locales {', '.join(HELDOUT_LOCALES)}, seed {HELDOUT_SEED}")
    h_values, h_labels = generate_values(HELDOUT_LOCALES, HELDOUT_SEED, HELDOUT_VALUES_PER_CLASS, HELDOUT_VALUES_PER_CLASS)
    h_x = F.batch_dense(h_values)
    h_pred = predict_proba(params, h_x).argmax(1)
    value_acc = float((h_pred == h_labels).mean())
    f1 = per_class_f1(h_labels, h_pred, len(CLASSES))
    confusions = confusion_top(h_labels, h_pred, len(CLASSES))

    columns = generate_columns(HELDOUT_LOCALES, HELDOUT_SEED + 1, HELDOUT_COLUMNS_PER_CLASS, COLUMN_SIZE)
    col_true, col_pred = [], []
    for distinct, ci in columns:
        probs = predict_proba(params, F.batch_dense(distinct)).mean(axis=0)
        col_true.append(ci)
        col_pred.append(int(probs.argmax()))
    col_true, col_pred = np.array(col_true), np.array(col_pred)
    column_acc = float((col_true == col_pred).mean())
    col_f1 = per_class_f1(col_true, col_pred, len(CLASSES))
    col_confusions = confusion_top(col_true, col_pred, len(CLASSES))

    model_path = out_dir / "model.onnx"
    model = export_onnx(params, model_path)
    verify_onnx(model_path, params, h_x[:: max(1, len(h_x) // 3000)], log)
    del model

    data = model_path.read_bytes()
    n_vectors = write_feature_vectors(out_dir / "feature_vectors.json")

    manifest = {
        "name": "pursight-column-model",
        "version": 1,
        "file": "model.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "features": {"spec": "models/FEATURES.md", "version": F.VERSION, "dim": F.DIM},
        "input": "features",
        "output": "probabilities",
        "classes": CLASSES,
        "training": {
            "command": "python3 models/train/run.py",
            "seed": SEED,
            "locales": TRAIN_LOCALES,
            "samples_per_class": per_class,
            "none_samples": n_none,
            "none_share_of_pattern_type_values": PATTERN_SHARE_OF_NONE,
            "architecture": f"{F.DIM}-{HIDDEN}-relu-{len(CLASSES)}-softmax",
            "epochs": best_epoch,
            "requirements": "models/train/requirements.txt",
            "python": "3.11",
        },
        "metrics": {
            "heldout_locales": HELDOUT_LOCALES,
            "heldout_seed": HELDOUT_SEED,
            "value_samples_per_class": HELDOUT_VALUES_PER_CLASS,
            "value_accuracy": round(value_acc, 4),
            "per_class_f1": f1,
            "column_size": COLUMN_SIZE,
            "columns_per_class": HELDOUT_COLUMNS_PER_CLASS,
            "column_accuracy": round(column_acc, 4),
            "column_per_class_f1": col_f1,
        },
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    log("")
    log(f"held-out value accuracy {value_acc:.4f}   column accuracy ({COLUMN_SIZE} values, mean probs) {column_acc:.4f}")
    log(f"{'class':18s} {'value F1':>9s} {'column F1':>10s}")
    for c in CLASSES:
        log(f"{c:18s} {f1[c]:9.4f} {col_f1[c]:10.4f}")
    log("most frequent value confusions (true -> predicted): " + "; ".join(f"{t}->{p} {n}" for t, p, n in confusions))
    log("column confusions: " + ("; ".join(f"{t}->{p} {n}" for t, p, n in col_confusions) or "none"))
    log(f"model.onnx {len(data)} bytes ({len(data) / 1e6:.2f} MB), sha256 {manifest['sha256']}")
    log(f"feature_vectors.json: {n_vectors} values")
    log(f"training {train_seconds:.0f}s, train.py total {time.time() - t_start:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
