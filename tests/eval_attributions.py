"""Accuracy gate for attribution extraction (PolNeAR dev), in the trafilatura manner.

Run as a test (``python -m pytest tests/eval_attributions.py``): the extractor runs over
``shared/data/polnear/dev.jsonl``, ``shared/tools/score_attributions.py`` scores it, and
the test fails when a figure drops below the floor pinned in ``attribution_floors.json``.
Skipped when the shared data is absent. Run as a script to print the scorer's table:

    python tests/eval_attributions.py [dev|train] [--pred OUT.jsonl]

Where shared lives: $TRACER_SHARED, else ``../shared`` next to the repository.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FLOORS = HERE / "attribution_floors.json"


def shared_dir() -> Path:
    env = os.environ.get("TRACER_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def load_scorer():
    path = shared_dir() / "tools" / "score_attributions.py"
    spec = importlib.util.spec_from_file_location("score_attributions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(gold_path: Path, out_path: Path) -> None:
    """Write the extractor's predictions for every gold document (same doc_id and text)."""
    from tracer.attribution.attribute import extract_attributions

    with open(gold_path, encoding="utf-8") as fin, open(out_path, "w", encoding="utf-8") as fout:
        for line in fin:
            doc = json.loads(line)
            atts = extract_attributions(doc["text"])
            row = {
                "doc_id": doc["doc_id"],
                "text": doc["text"],
                "linked": True,
                "attributions": [
                    {"source": [list(s) for s in a.source], "cue": [list(s) for s in a.cue], "content": [list(s) for s in a.content]}
                    for a in atts
                ],
            }
            fout.write(json.dumps(row) + "\n")


def evaluate(split: str = "dev", pred_path: Path | None = None) -> dict:
    scorer = load_scorer()
    gold_path = shared_dir() / "data" / "polnear" / f"{split}.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        out = pred_path or Path(tmp) / "pred.jsonl"
        predict(gold_path, out)
        return scorer.score(scorer.load(gold_path), scorer.load(out))


def figures(res: dict) -> dict[str, float]:
    """The gated figures, flat: who-said-what F1 and per-role exact/overlap F1."""
    out = {f"linked.{k}": res["linked"][k]["F1"] for k in ("detection", "e2e_overlap", "e2e_norm", "e2e_exact")}
    for role, v in res["roles"].items():
        for m in ("exact", "overlap"):
            out[f"{role}.{m}"] = v[m]["F1"]
    return out


def test_polnear_dev_floors():
    if not (shared_dir() / "data" / "polnear" / "dev.jsonl").is_file() or not (shared_dir() / "tools" / "score_attributions.py").is_file():
        pytest.skip(f"PolNeAR dev set or scorer not found under {shared_dir()} (set TRACER_SHARED to the shared folder)")
    floors = json.loads(FLOORS.read_text())
    got = figures(evaluate("dev"))
    epsilon = floors.get("_epsilon", 0.0)
    below = {k: (got[k], v) for k, v in floors["dev"].items() if got[k] + epsilon < v}
    assert not below, f"below the pinned floors (got, floor): {below}"


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    split = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "dev"
    pred = Path(sys.argv[sys.argv.index("--pred") + 1]) if "--pred" in sys.argv else None
    res = evaluate(split, pred)
    load_scorer().show(res)
