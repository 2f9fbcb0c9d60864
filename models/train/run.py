#!/usr/bin/env python3
"""The whole column-model pipeline in one command.

    python3 models/train/run.py                  # everything
    python3 models/train/run.py --only model     # self-checks, train, export, verify, manifest, vectors
    python3 models/train/run.py --only benchmark # self-checks, benchmark

Creates (or reuses) a virtual environment with the pinned requirements, re-runs itself in
it with fixed seeds and thread counts, then runs:
features self-check -> generators self-check -> train -> ONNX export -> verify -> manifest ->
feature_vectors.json -> benchmark.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REQUIREMENTS = HERE / "requirements.txt"
VENV = Path(os.environ.get("PURSIGHT_TRAIN_VENV", str(Path.home() / ".cache" / "pursight-train-venv")))
MARKER = "PURSIGHT_TRAIN_IN_VENV"

# Deterministic numerics and hashing: same thread count everywhere (BLAS partitioning), no
# string-hash randomisation.
FIXED_ENV = {
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "2",
    "OMP_NUM_THREADS": "2",
    "MKL_NUM_THREADS": "2",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


def venv_python() -> Path:
    return VENV / "bin" / "python"


def pinned() -> dict[str, str]:
    out = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            out[name.strip().lower().replace("_", "-")] = version.strip()
    return out


def installed(python: Path) -> dict[str, str]:
    res = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
                         capture_output=True, text=True, check=True)
    out = {}
    for line in res.stdout.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            out[name.strip().lower().replace("_", "-")] = version.strip()
    return out


def ensure_venv() -> None:
    if sys.version_info[:2] != (3, 11):
        print(f"note: the pipeline is pinned for Python 3.11, this is {sys.version.split()[0]}", flush=True)
    if not venv_python().exists():
        print(f"creating virtual environment {VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    have = installed(venv_python())
    want = pinned()
    if any(have.get(name) != version for name, version in want.items()):
        print(f"installing {REQUIREMENTS.relative_to(ROOT)} into {VENV}", flush=True)
        subprocess.run([str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        "-r", str(REQUIREMENTS)], check=True)


def reexec_in_venv() -> None:
    env = dict(os.environ)
    env.update(FIXED_ENV)
    env[MARKER] = "1"
    os.execve(str(venv_python()), [str(venv_python()), str(Path(__file__).resolve()), *sys.argv[1:]], env)


def run_pipeline(only: str | None) -> int:
    sys.path.insert(0, str(HERE))
    import features
    import generators

    t0 = time.time()
    print("== features self-check", flush=True)
    features.self_check()
    print("   ok", flush=True)
    print("== generators self-check", flush=True)
    generators.self_check()
    print("   ok", flush=True)

    if only in (None, "model"):
        import train

        print("== train, export, verify, manifest, feature vectors", flush=True)
        t = time.time()
        train.main([])
        print(f"   model step {time.time() - t:.0f}s", flush=True)

    if only in (None, "benchmark"):
        import make_benchmark

        print("== benchmark", flush=True)
        t = time.time()
        make_benchmark.main([])
        # A second benchmark with its own seed, for a score nobody tuned against.
        make_benchmark.main(["--seed", "5150", "--out", str(ROOT / "models" / "eval" / "holdout.jsonl.gz")])
        print(f"   benchmark step {time.time() - t:.0f}s", flush=True)

    out = ROOT / "models" / "column_model"
    print("", flush=True)
    print("== summary", flush=True)
    for path in [out / "model.onnx", out / "manifest.json", out / "feature_vectors.json",
                 ROOT / "models" / "eval" / "benchmark.jsonl.gz", ROOT / "models" / "eval" / "holdout.jsonl.gz",
                 ROOT / "models" / "eval" / "README.md"]:
        if path.exists():
            print(f"   {path.relative_to(ROOT)}  {path.stat().st_size} bytes", flush=True)
    print(f"   total {time.time() - t0:.0f}s", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["model", "benchmark"], help="run one part only")
    args = ap.parse_args()
    if os.environ.get(MARKER) != "1":
        ensure_venv()
        reexec_in_venv()  # does not return
    return run_pipeline(args.only)


if __name__ == "__main__":
    sys.exit(main())
