#!/usr/bin/env python3
"""Compare Microsoft Presidio with PurSight on the labelled column benchmark.

Same benchmark (models/eval/benchmark.jsonl.gz), same machine, same scorer (this file):
accuracy per type, macro F1, column accuracy, false-positive rate, and throughput in values
per second per core.

Setup (one command, run from the repository root; the script also does this by itself when
it is started with a Python that lacks Presidio):

    python3 -m venv /root/.cache/pursight-presidio-venv && /root/.cache/pursight-presidio-venv/bin/pip install -r models/eval/requirements-presidio.txt

Run (from anywhere; PurSight is started with the repository root as its working directory):

    /root/.cache/pursight-presidio-venv/bin/python models/eval/presidio_compare.py \
        [--pursight PATH] [--benchmark PATH] [--limit N] [--out /tmp/presidio_compare.json] \
        [--recognizers all|default] [--score-threshold 0]

`python3 models/eval/presidio_compare.py ...` works too: it creates the venv if it is
missing and re-runs itself inside it.

How each side is run
--------------------
PurSight: `pursight classify eval --benchmark B --predictions P --format json` (cwd = the
repository root). Its predictions file gives each column's top type; its report's
"seconds" is the classification time on one thread (loading excluded).

Presidio: presidio-analyzer with every predefined pattern recognizer registered for "en"
(country recognizers of other languages - ES_NIF, DE_TAX_ID, IT_*, ... - are registered for
"en" as well, so they run), all tables analysed as English. No spaCy model can be downloaded
here, so the NLP engine is a SpacyNlpEngine on `spacy.blank("en")`: tokens only, no NER.
The NER entities (PERSON, LOCATION, NRP, and the NER-based DATE_TIME) therefore never fire;
only the pattern recognizers (which include a regex DateRecognizer) do. Each table becomes a
pandas DataFrame (dtype object, SQL NULL as None) handed whole to presidio-structured's
PandasAnalysisBuilder.generate_analysis(df, n=<row count>) (n = all rows, not a sample;
the builder's default "most_common" entity selection; n_process=1, batch_size=1). Its
entity mapping is the column's prediction. The same per-cell analyzer results are also
aggregated a second way, at no extra analysis cost: the column's most frequent type (entities
mapped to PurSight types first; counted in non-null cells) when it covers >= 30 % of the
non-null values (PurSight's threshold); both rows are printed. The analyzer's score
threshold is Presidio's default, 0 (--score-threshold to change it). Presidio's time is
time.process_time() around generate_analysis only (DataFrame building and engine
construction excluded), one process, BLAS/OpenMP threads set to 1.

--recognizers default uses Presidio's out-of-the-box "en" registry instead of all
recognizers. --benchmark models/eval/holdout.jsonl.gz scores the held-out benchmark.
See the "Presidio comparison" section of models/eval/README.md for the entity mapping.

Throughput = non-null values of the benchmark / CPU seconds of classification, the same
numerator for both systems.
"""

from __future__ import annotations

import os

# One thread for any numeric library, before numpy/spaCy are imported.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import gzip
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BENCHMARK = HERE / "benchmark.jsonl.gz"
REQUIREMENTS = HERE / "requirements-presidio.txt"
VENV = Path("/root/.cache/pursight-presidio-venv")
TARGET = Path("/root/.cache/pursight-target")
COVERAGE = 0.30  # PurSight's column threshold, used by the per-value aggregation

# Presidio entity -> PurSight type id. None: a type PurSight does not have ("other"); such
# a prediction is never the label, so it is wrong on a labelled column and a false positive
# on an unlabelled one. Entities not listed here are "other" as well.
ENTITY_MAP: dict[str, str | None] = {
    # generic pattern recognizers
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD_NUMBER",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
    "URL": "URL",
    "MAC_ADDRESS": "MAC_ADDRESS",
    "DATE_TIME": "DATE_OF_BIRTH",  # a date column; counted as the date-of-birth type
    "CRYPTO": None,
    "UUID": None,
    # country recognizers
    "US_SSN": "US_SOCIAL_SECURITY_NUMBER",
    "US_NPI": "US_NPI",
    "ABA_ROUTING_NUMBER": "US_BANK_ROUTING_NUMBER",
    "US_PASSPORT": "PASSPORT_NUMBER",
    "US_DRIVER_LICENSE": "DRIVERS_LICENSE_NUMBER",
    "US_BANK_NUMBER": None,
    "US_ITIN": None,
    "MEDICAL_LICENSE": None,
    "UK_NHS": "UK_NHS_NUMBER",
    "UK_NINO": "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_PASSPORT": "PASSPORT_NUMBER",
    "UK_DRIVING_LICENCE": "DRIVERS_LICENSE_NUMBER",
    "UK_POSTCODE": "POSTAL_CODE",
    "ES_NIF": "SPAIN_DNI",
    "ES_NIE": "SPAIN_DNI",
    "ES_PASSPORT": "PASSPORT_NUMBER",
    "DE_TAX_ID": "GERMANY_TAX_ID",
    "DE_PASSPORT": "PASSPORT_NUMBER",
    "DE_FUEHRERSCHEIN": "DRIVERS_LICENSE_NUMBER",
    "DE_PLZ": "POSTAL_CODE",
    "CA_POSTAL_CODE": "POSTAL_CODE",
    "IT_PASSPORT": "PASSPORT_NUMBER",
    "IT_DRIVER_LICENSE": "DRIVERS_LICENSE_NUMBER",
    "IN_PASSPORT": "PASSPORT_NUMBER",
    "KR_PASSPORT": "PASSPORT_NUMBER",
    "KR_DRIVER_LICENSE": "DRIVERS_LICENSE_NUMBER",
    "PH_PASSPORT": "PASSPORT_NUMBER",
    "ZA_PASSPORT": "PASSPORT_NUMBER",
    "ZA_DRIVER_LICENSE": "DRIVERS_LICENSE_NUMBER",
    # NER entities: cannot fire with a blank spaCy pipeline
    "PERSON": "PERSON_NAME",
    "LOCATION": "CITY",
    "NRP": "ETHNIC_GROUP",
}
NER_ENTITIES = {"PERSON", "LOCATION", "NRP", "ORGANIZATION"}

# Recognizers that need a model, a service or an NLP pipeline: not loadable here.
NOT_PATTERN_RECOGNIZERS = {
    "GLiNERRecognizer", "HuggingFaceNerRecognizer", "MedicalNERRecognizer",
    "SpacyRecognizer", "StanzaRecognizer", "TransformersRecognizer",
    "AzureHealthDeidRecognizer", "AzureAILanguageRecognizer",
    "AzureOpenAILangExtractRecognizer", "BasicLangExtractRecognizer",
    "LangExtractRecognizer",
}


def map_entity(entity: str | None) -> str | None:
    """PurSight type id for a Presidio entity; "OTHER:<entity>" for one we do not have."""
    if entity is None:
        return None
    mapped = ENTITY_MAP.get(entity)
    return mapped if mapped is not None else f"OTHER:{entity}"


# --------------------------------------------------------------------------- bootstrap

def ensure_presidio() -> None:
    """Re-run this script inside the venv when Presidio is not importable here."""
    try:
        import presidio_structured  # noqa: F401
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        sys.exit(f"presidio-structured missing from {VENV}; run: {python} -m pip install -r {REQUIREMENTS}")
    if not python.exists():
        print(f"creating {VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    try:
        subprocess.run([str(python), "-c", "import presidio_structured"], check=True,
                       stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        print(f"installing {REQUIREMENTS} into {VENV} ...", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
                       check=True)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


# --------------------------------------------------------------------------- benchmark

def load_tables(path: Path, limit: int | None) -> list[dict]:
    tables = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                tables.append(json.loads(line))
                if limit is not None and len(tables) >= limit:
                    break
    return tables


def non_null_values(tables: list[dict]) -> int:
    return sum(v is not None for t in tables for c in t["columns"] for v in c["values"])


def all_values(tables: list[dict]) -> int:
    return sum(len(c["values"]) for t in tables for c in t["columns"])


# --------------------------------------------------------------------------- scorer

def score(preds: list[dict], pattern_types: set[str]) -> dict:
    """Scores predictions [{label, predicted, naming}] the way PurSight's eval does.

    Per type T: TP = label T and predicted T; FP = predicted T and label not T (null
    included); FN = label T and predicted not T. Macro F1 = mean F1 over the types that occur
    as labels. FP rate = share of unlabelled columns with any prediction.
    """

    def per_type(rows):
        m: dict[str, dict] = defaultdict(lambda: {"support": 0, "tp": 0, "fp": 0, "fn": 0})
        for p in rows:
            label, pred = p["label"], p["predicted"]
            if label is not None:
                m[label]["support"] += 1
                if pred == label:
                    m[label]["tp"] += 1
                else:
                    m[label]["fn"] += 1
            if pred is not None and pred != label:
                m[pred]["fp"] += 1
        for s in m.values():
            tp, fp, fn = s["tp"], s["fp"], s["fn"]
            s["precision"] = tp / (tp + fp) if tp + fp else 0.0
            s["recall"] = tp / (tp + fn) if tp + fn else 0.0
            p, r = s["precision"], s["recall"]
            s["f1"] = 2 * p * r / (p + r) if p + r else 0.0
        return dict(m)

    def macro(scores, only=None):
        f1s = [s["f1"] for t, s in scores.items()
               if s["support"] > 0 and (only is None or t in only)]
        return sum(f1s) / len(f1s) if f1s else 0.0

    types = per_type(preds)
    unlabelled = [p for p in preds if p["label"] is None]
    fp_cols = sum(p["predicted"] is not None for p in unlabelled)
    namings: dict[str, list] = defaultdict(list)
    for p in preds:
        namings[p["naming"]].append(p)
    return {
        "columns": len(preds),
        "macro_f1": macro(types),
        "macro_f1_pattern_types": macro(types, pattern_types),
        "accuracy": sum(p["predicted"] == p["label"] for p in preds) / max(len(preds), 1),
        "non_sensitive_columns": len(unlabelled),
        "false_positive_columns": fp_cols,
        "false_positive_rate": fp_cols / max(len(unlabelled), 1),
        "per_naming_macro_f1": {k: macro(per_type(v)) for k, v in sorted(namings.items())},
        "per_type": dict(sorted(types.items())),
    }


# --------------------------------------------------------------------------- PurSight

def default_pursight() -> Path:
    release = TARGET / "release" / "pursight"
    return release if release.exists() else TARGET / "debug" / "pursight"


def run_pursight(binary: Path, tables: list[dict]) -> tuple[list[dict], dict]:
    with tempfile.TemporaryDirectory(prefix="presidio_compare_") as tmp:
        # PurSight reads exactly the tables Presidio gets (the --limit subset, and safe from
        # the benchmark file being regenerated while this runs).
        bench = Path(tmp) / "benchmark.jsonl.gz"
        with gzip.open(bench, "wt", encoding="utf-8") as f:
            for t in tables:
                f.write(json.dumps(t) + "\n")
        pred_path = Path(tmp) / "predictions.jsonl"
        cmd = [str(binary), "classify", "eval", "--benchmark", str(bench),
               "--predictions", str(pred_path), "--format", "json"]
        print("$ " + " ".join(cmd), file=sys.stderr)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            sys.exit(f"pursight failed ({proc.returncode}):\n{proc.stderr}")
        report = json.loads(proc.stdout)
        # Whole-process CPU (loading, benchmark parsing and output included): a bound on the
        # classification CPU time, as a check on the report's wall-clock "seconds".
        report["process_cpu_seconds"] = ((after.ru_utime - before.ru_utime)
                                         + (after.ru_stime - before.ru_stime))
        with open(pred_path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    expected = [(t["table"], c["name"]) for t in tables for c in t["columns"]]
    got = [(r["table"], r["column"]) for r in rows]
    if got != expected:
        sys.exit(f"pursight predictions do not line up with the benchmark "
                 f"({len(got)} rows, {len(expected)} columns)")
    preds = [{"table": r["table"], "column": r["column"], "naming": r["naming"],
              "label": r["label"], "predicted": r["predicted"]} for r in rows]
    return preds, report


# --------------------------------------------------------------------------- Presidio

def build_presidio(recognizers: str = "all", score_threshold: float = 0.0):
    """AnalyzerEngine on a blank spaCy pipeline. recognizers="all": every predefined pattern
    recognizer registered for "en"; "default": Presidio's default registry for "en".
    Returns (engine, pattern recognizer names, recognizers that failed to build, entities)."""
    import spacy
    import tldextract
    import tldextract.tldextract as tld_module
    import presidio_analyzer.predefined_recognizers as predefined
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    # EmailRecognizer validates domains with tldextract, which would fetch the public
    # suffix list over the network on first use: use the snapshot it ships instead.
    tld_module.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class BlankSpacyNlpEngine(SpacyNlpEngine):
        """SpacyNlpEngine on spacy.blank(lang): tokenizer only, no NER, no lemmas."""

        def load(self) -> None:
            self.nlp = {m["lang_code"]: spacy.blank(m["lang_code"]) for m in self.models}

    nlp_engine = BlankSpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank:en"}])
    nlp_engine.load()

    registry = RecognizerRegistry(supported_languages=["en"])
    failed = []
    if recognizers == "default":
        # Presidio's out-of-the-box registry for "en" (conf/default_recognizers.yaml).
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    else:
        for name in predefined.__all__:
            cls = getattr(predefined, name, None)
            if name in NOT_PATTERN_RECOGNIZERS or not isinstance(cls, type):
                continue
            try:
                registry.add_recognizer(cls(supported_language="en"))
            except Exception as e:  # noqa: BLE001 - report and go on
                failed.append(f"{name}: {type(e).__name__}: {e}")
        # The spaCy NER recognizer, as Presidio always adds it; with a blank pipeline it
        # finds nothing (kept so the configuration is Presidio's, minus the model).
        registry.add_nlp_recognizer(nlp_engine=nlp_engine)
    names = [type(r).__name__ for r in registry.recognizers
             if type(r).__name__ not in NOT_PATTERN_RECOGNIZERS]
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                            supported_languages=["en"],
                            default_score_threshold=score_threshold)
    entities = sorted(set(engine.get_supported_entities("en")))
    return engine, names, failed, entities


def run_presidio(tables: list[dict], recognizers: str, score_threshold: float):
    import pandas as pd
    from presidio_analyzer import BatchAnalyzerEngine
    from presidio_structured import PandasAnalysisBuilder

    t_build = time.perf_counter()
    engine, recognizer_names, recognizer_failures, entities = build_presidio(recognizers, score_threshold)

    class CapturingBuilder(PandasAnalysisBuilder):
        """PandasAnalysisBuilder that keeps the per-cell results it computes anyway."""

        def _batch_analyze_df(self, df, language):
            out = super()._batch_analyze_df(df, language)
            self.captured = {col: (list(df[col]), out[col]) for col in df.columns}
            return out

    builder = CapturingBuilder(analyzer=engine, n_process=1, batch_size=1)
    # Warm up outside the timed region (lazy regex compilation, phonenumbers metadata, ...).
    builder.generate_analysis(
        pd.DataFrame({"a": ["jane@example.org", "+1 202 555 0100", "10.0.0.1", None]},
                     dtype=object), n=4, language="en")
    build_seconds = time.perf_counter() - t_build

    cpu = 0.0
    wall = 0.0
    cells = 0
    errors: list[str] = []
    structured: list[str | None] = []  # entity per column, presidio-structured's mapping
    per_value: list[str | None] = []   # PurSight type per column, >= 30 % of non-null values
    entity_cells: Counter = Counter()  # how often each entity was found in a cell
    batch = BatchAnalyzerEngine(analyzer_engine=engine)
    for i, t in enumerate(tables):
        names = [c["name"] for c in t["columns"]]
        keys = [f"c{j}" for j in range(len(names))]  # column names may repeat
        rows = len(t["columns"][0]["values"]) if t["columns"] else 0
        df = pd.DataFrame({k: c["values"] for k, c in zip(keys, t["columns"])}, dtype=object)
        cells += df.size
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            analysis = builder.generate_analysis(df, n=rows, language="en")
            captured = builder.captured
        except Exception as e:  # noqa: BLE001 - find the value and go on per value
            errors.append(f"{t['table']}: generate_analysis raised {type(e).__name__}: {e}")
            analysis, captured = None, {}
            for k in keys:
                vals, results = list(df[k]), []
                for v in vals:
                    try:
                        results.append(batch.analyze_iterator([v], language="en")[0])
                    except Exception as e2:  # noqa: BLE001
                        errors.append(f"{t['table']}.{names[keys.index(k)]} value {v!r}: "
                                      f"{type(e2).__name__}: {e2}")
                        results.append([])
                captured[k] = (vals, results)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0

        for k in keys:
            vals, results = captured[k]
            if analysis is not None:
                structured.append(analysis.entity_mapping.get(k))
            else:  # same rule as presidio-structured's most_common, on the fallback results
                flat = Counter(r.entity_type for rs in results for r in rs)
                structured.append(flat.most_common(1)[0][0] if flat else None)
            # Non-null cells per PurSight type (entities mapped first, so that ES_NIF and
            # ES_NIE cells both count for SPAIN_DNI); ties go to the higher best score, then
            # to the type seen first (as Counter.most_common does in presidio-structured).
            per_cell: Counter = Counter()
            best_score: dict[str, float] = defaultdict(float)
            non_null = 0
            for v, rs in zip(vals, results):
                if v is None:
                    continue
                non_null += 1
                for e in dict.fromkeys(r.entity_type for r in rs):
                    entity_cells[e] += 1
                for m in dict.fromkeys(map_entity(r.entity_type) for r in rs):
                    per_cell[m] += 1
                for r in rs:
                    m = map_entity(r.entity_type)
                    best_score[m] = max(best_score[m], r.score)
            top = None
            if per_cell:
                m, n = max(per_cell.items(), key=lambda kv: (kv[1], best_score[kv[0]]))
                if non_null and n / non_null >= COVERAGE:
                    top = m
            per_value.append(top)
        if (i + 1) % 25 == 0:
            print(f"  presidio: {i + 1}/{len(tables)} tables, {cpu:.1f} s CPU",
                  file=sys.stderr)

    return {
        "structured": structured,
        "per_value": per_value,
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "cells_analyzed": cells,
        "engine_build_seconds": build_seconds,
        "recognizers": recognizer_names,
        "recognizer_failures": recognizer_failures,
        "entities": entities,
        "entity_cells": dict(entity_cells.most_common()),
        "errors": errors,
    }


# --------------------------------------------------------------------------- report

def fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pursight", type=Path, default=None,
                    help="pursight binary (default: release build if present, else debug)")
    ap.add_argument("--benchmark", type=Path, default=BENCHMARK,
                    help="benchmark file (JSON lines, gzip; default: %(default)s)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N tables")
    ap.add_argument("--out", type=Path, default=Path("/tmp/presidio_compare.json"))
    ap.add_argument("--recognizers", choices=("all", "default"), default="all",
                    help="all: every predefined pattern recognizer, registered for 'en' "
                         "(default); default: Presidio's default 'en' registry only")
    ap.add_argument("--score-threshold", type=float, default=0.0,
                    help="AnalyzerEngine default_score_threshold (default 0, Presidio's and "
                         "presidio-structured's default: every pattern hit counts)")
    args = ap.parse_args()

    ensure_presidio()
    import importlib.metadata as md

    binary = (args.pursight or default_pursight()).resolve()
    if not binary.exists():
        sys.exit(f"no pursight binary at {binary}")
    build = ("release" if "/release/" in str(binary)
             else "debug" if "/debug/" in str(binary) else "unknown")

    bench_path = args.benchmark.resolve()
    bench_sha256 = hashlib.sha256(bench_path.read_bytes()).hexdigest()
    tables = load_tables(bench_path, args.limit)
    binary_mtime = datetime.fromtimestamp(binary.stat().st_mtime, timezone.utc).isoformat(
        timespec="seconds")
    values = non_null_values(tables)
    print(f"{len(tables)} tables, {sum(len(t['columns']) for t in tables)} columns, "
          f"{values} non-null values", file=sys.stderr)

    pursight_preds, pursight_report = run_pursight(binary, tables)
    print(f"pursight: {pursight_report['seconds']:.2f} s", file=sys.stderr)
    presidio = run_presidio(tables, args.recognizers, args.score_threshold)
    print(f"presidio: {presidio['cpu_seconds']:.1f} s CPU", file=sys.stderr)

    # Types Presidio can recognise in principle with a blank pipeline: the PurSight types
    # that the entities of its registered pattern recognizers map to.
    pattern_types = sorted({ENTITY_MAP[e] for e in presidio["entities"]
                            if e not in NER_ENTITIES and ENTITY_MAP.get(e)})
    pattern_set = set(pattern_types)

    columns = [c for t in tables for c in t["columns"]]
    systems = {
        f"PurSight ({build})": pursight_preds,
        "Presidio (presidio-structured)": [
            {"label": c["label"], "naming": c["naming"], "predicted": map_entity(e)}
            for c, e in zip(columns, presidio["structured"])],
        f"Presidio (per value, >= {COVERAGE:.0%})": [
            {"label": c["label"], "naming": c["naming"], "predicted": m}
            for c, m in zip(columns, presidio["per_value"])],
    }
    scores = {name: score(p, pattern_set) for name, p in systems.items()}

    # Our scorer must agree with PurSight's own report on PurSight's predictions.
    ours = scores[f"PurSight ({build})"]
    check = {k: (ours[k], pursight_report.get(mk)) for k, mk in
             (("macro_f1", "macro_f1"), ("accuracy", "accuracy"),
              ("false_positive_rate", "false_positive_rate"))}
    scorer_agrees = all(abs(a - b) < 1e-9 for a, b in check.values() if b is not None)

    pursight_vps = values / pursight_report["seconds"] if pursight_report["seconds"] else 0.0
    presidio_vps = values / presidio["cpu_seconds"] if presidio["cpu_seconds"] else 0.0
    throughput = {name: (pursight_vps if name.startswith("PurSight") else presidio_vps)
                  for name in systems}

    versions = {}
    for pkg in ("presidio-analyzer", "presidio-structured", "spacy", "pandas", "phonenumbers",
                "tldextract"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None

    notes = [
        f"Benchmark: {bench_path} (sha256 {bench_sha256[:12]}): {len(tables)} tables, "
        f"{len(columns)} columns, {values} non-null values ({all_values(tables)} cells with "
        "nulls).",
        f"PurSight: {binary} ({build} build, built {binary_mtime}); time = its report's \"seconds\" "
        f"(classification only, CPU time of one thread): {pursight_report['seconds']:.2f} s "
        f"(whole process incl. loading: {pursight_report['process_cpu_seconds']:.2f} s CPU).",
        "Presidio: presidio-analyzer " + str(versions["presidio-analyzer"])
        + ", presidio-structured " + str(versions["presidio-structured"])
        + "; NLP engine = SpacyNlpEngine on spacy.blank('en') (no spaCy model can be "
        "downloaded here), so NER entities (PERSON, LOCATION, NRP, NER dates) never fire.",
        (f"Presidio: all {len(presidio['recognizers'])} predefined pattern recognizers "
         "registered for 'en' (country recognizers of other languages too)"
         if args.recognizers == "all" else
         f"Presidio: its default 'en' registry ({len(presidio['recognizers'])} pattern "
         "recognizers, --recognizers default)")
        + "; every table analysed as English, since Presidio's predefined recognizers are "
        "mostly English."
        + f" Analyzer score threshold {args.score_threshold:g}"
        + (" (Presidio's default: low-score pattern hits such as US_DRIVER_LICENSE 0.01, "
           "US_BANK_NUMBER 0.05 or DE_PLZ 0.05 count)." if args.score_threshold == 0 else "."),
        "Presidio path: presidio_structured.PandasAnalysisBuilder.generate_analysis(df, "
        "n=<all rows>), selection_strategy='most_common', n_process=1, batch_size=1; the "
        f"'per value' row re-aggregates the same per-cell results: the PurSight type (after "
        f"mapping) found in the most non-null cells, if that is >= {COVERAGE:.0%} of them.",
        f"Presidio time: time.process_time() around generate_analysis only: "
        f"{presidio['cpu_seconds']:.2f} s CPU ({presidio['wall_seconds']:.2f} s wall) for "
        f"{presidio['cells_analyzed']} cells (presidio-structured also analyses NULL cells, as "
        "the text 'None').",
        f"Throughput = {values} non-null values / classification CPU seconds, same numerator "
        "for both systems.",
    ]
    if not scorer_agrees:
        notes.append(f"WARNING: this scorer disagrees with PurSight's report: {check}")
    if presidio["errors"]:
        notes.append(f"Presidio raised {len(presidio['errors'])} error(s); see presidio.errors.")
    if presidio["recognizer_failures"]:
        notes.append("Recognizers that could not be built: "
                     + "; ".join(presidio["recognizer_failures"]))

    # ----- markdown
    lines = ["## Presidio vs PurSight", ""]
    lines += [f"- {n}" for n in notes]
    lines += ["", "| system | macro F1 (all types) | macro F1 (pattern types) | column accuracy "
              "| FP rate | values/s per core |", "|---|---:|---:|---:|---:|---:|"]
    for name, s in scores.items():
        lines.append(f"| {name} | {fmt(s['macro_f1'])} | {fmt(s['macro_f1_pattern_types'])} | "
                     f"{fmt(s['accuracy'])} | {fmt(s['false_positive_rate'])} "
                     f"({s['false_positive_columns']}/{s['non_sensitive_columns']}) | "
                     f"{throughput[name]:,.0f} |")
    ratio = pursight_vps / presidio_vps if presidio_vps else float("inf")
    lines += ["", f"Throughput ratio PurSight/Presidio: {ratio:.1f}x "
              f"(PurSight {build} build).", ""]
    lines.append(f"Pattern types ({len(pattern_types)}; PurSight types reachable by the "
                 "registered Presidio pattern recognizers): " + ", ".join(pattern_types))
    lines += ["", "Per-type F1 (support = labelled columns; * = pattern type):", ""]
    short = list(scores)
    lines.append("| type | support | " + " | ".join(short) + " |")
    lines.append("|---|---:|" + "---:|" * len(short))
    label_types = sorted({c["label"] for c in columns if c["label"] is not None})
    for t in label_types:
        sup = scores[short[0]]["per_type"][t]["support"]
        cells_ = [fmt(scores[n]["per_type"].get(t, {}).get("f1", 0.0), 2) for n in short]
        star = "*" if t in pattern_set else ""
        lines.append(f"| {t}{star} | {sup} | " + " | ".join(cells_) + " |")
    extra = sorted({t for s in scores.values() for t, v in s["per_type"].items()
                    if v["support"] == 0})
    if extra:
        lines += ["", "Predicted types that are never a label (false positives only):", "",
                  "| type | " + " | ".join(short) + " |", "|---|" + "---:|" * len(short)]
        for t in extra:
            lines.append(f"| {t} | " + " | ".join(
                str(scores[n]["per_type"].get(t, {}).get("fp", 0)) for n in short) + " |")
    lines += ["", "Per-naming macro F1:", "", "| naming | " + " | ".join(short) + " |",
              "|---|" + "---:|" * len(short)]
    for k in sorted(scores[short[0]]["per_naming_macro_f1"]):
        lines.append(f"| {k} | " + " | ".join(
            fmt(scores[n]["per_naming_macro_f1"].get(k, 0.0)) for n in short) + " |")
    if presidio["errors"]:
        lines += ["", "Presidio errors (first 20):", ""]
        lines += [f"- {e}" for e in presidio["errors"][:20]]
    print("\n".join(lines))

    out = {
        "benchmark": str(bench_path), "benchmark_sha256": bench_sha256,
        "tables": len(tables), "columns": len(columns),
        "non_null_values": values, "limit": args.limit, "recognizers": args.recognizers,
        "score_threshold": args.score_threshold,
        "pursight": {"binary": str(binary), "build": build, "binary_mtime": binary_mtime,
                     "seconds": pursight_report["seconds"],
                     "process_cpu_seconds": pursight_report["process_cpu_seconds"],
                     "report_values_per_second": pursight_report.get("values_per_second"),
                     "report_macro_f1": pursight_report.get("macro_f1")},
        "presidio": {k: presidio[k] for k in (
            "cpu_seconds", "wall_seconds", "cells_analyzed", "engine_build_seconds",
            "recognizers", "recognizer_failures", "entities", "entity_cells", "errors")},
        "versions": versions,
        "entity_map": ENTITY_MAP, "pattern_types": pattern_types,
        "coverage_threshold": COVERAGE,
        "systems": {name: {**s, "values_per_second_per_core": throughput[name]}
                    for name, s in scores.items()},
        "throughput_ratio_pursight_over_presidio": ratio,
        "scorer_agrees_with_pursight_report": scorer_agrees,
        "notes": notes,
        "markdown": "\n".join(lines),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
