"""Scoring a TREC run against relevance judgments, with ir-measures (the optional ``eval`` extra).

The measures are computed by ir-measures (pytrec_eval underneath), not by formulas of our own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import ModuleType

from search.errors import MissingExtraError
from search.eval.trec import Judgment, RunLine, read_qrels, read_run

#: The measures `evaluate` reports, by the names ir-measures parses.
MEASURES: tuple[str, ...] = ("nDCG@10", "AP", "R@100", "RR@10", "P@10")


@dataclass
class Evaluation:
    """Mean measures over the run's queries, and (when asked) each query's values."""

    measures: dict[str, float]
    queries: int
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"queries": self.queries, "measures": self.measures}
        if self.per_query:
            out["per_query"] = self.per_query
        return out


def _ir_measures() -> ModuleType:
    try:
        import ir_measures
    except ImportError:
        raise MissingExtraError("evaluation needs ir-measures: pip install 'dateline[eval]'") from None
    return ir_measures


def evaluate_lines(qrels: list[Judgment], run: list[RunLine], *, per_query: bool = False) -> Evaluation:
    """Evaluate ``run`` against ``qrels``. Queries of the qrels that the run lacks score zero, as in
    trec_eval's ``-c``; queries without any judgment are left out."""
    irm = _ir_measures()
    measures = [irm.parse_measure(m) for m in MEASURES]
    judged = {j.qid for j in qrels}
    qrel_list = [irm.Qrel(j.qid, j.docid, j.relevance) for j in qrels]
    run_list = [irm.ScoredDoc(r.qid, r.docid, r.score) for r in run if r.qid in judged]
    evaluator = irm.evaluator(measures, qrel_list)
    totals = {str(m): 0.0 for m in measures}
    found: dict[str, dict[str, float]] = {}
    for metric in evaluator.iter_calc(run_list):
        found.setdefault(metric.query_id, {})[str(metric.measure)] = float(metric.value)
    for values in found.values():
        for name, value in values.items():
            totals[name] += value
    count = len(judged)
    means = {name: (total / count if count else 0.0) for name, total in totals.items()}
    return Evaluation(measures=means, queries=count, per_query=dict(sorted(found.items())) if per_query else {})


def evaluate(
    qrels_path: str | os.PathLike[str], run_path: str | os.PathLike[str], *, per_query: bool = False
) -> Evaluation:
    """Read a qrels file and a run file and evaluate; raises `FormatError` or `MissingExtraError`."""
    return evaluate_lines(read_qrels(qrels_path), read_run(run_path), per_query=per_query)
