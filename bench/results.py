"""One results file for every benchmark: bench/results/latest.json and latest.md.

Each benchmark calls ``record`` per figure; figures of other benchmarks from the same run stay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def record(name: str, ratio: float | None, goal: str, detail: dict[str, Any] | str) -> None:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "latest.json"
    rows: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    rows = [r for r in rows if r["name"] != name]
    rows.append(
        {
            "name": name,
            "ratio": None if ratio is None else round(ratio, 3),
            "goal": goal,
            "detail": detail,
        }
    )
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = ["| benchmark | ratio | goal | met | detail |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['ratio']} | {r['goal']} | {met(r['ratio'], r['goal'])} | "
            f"{json.dumps(r['detail'], ensure_ascii=False) if isinstance(r['detail'], dict) else r['detail']} |"  # noqa: E501
        )
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def met(ratio: float | None, goal: str) -> str:
    if ratio is None:
        return "n/a"
    op, _, value = goal.partition(" ")
    target = float(value)
    ok = ratio >= target if op == "≥" else ratio <= target
    return "yes" if ok else "no"
