"""End to end on a slice of Cranfield: index, batch search, evaluate — against ir-measures itself."""

import json

import pytest

from conftest import load_testsets

ir_measures = pytest.importorskip("ir_measures", reason="ir-measures (the eval extra) is not installed")

#: The run file rounds scores to 6 decimals; both sides read the same file, so they must agree
#: to rounding error.
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def cranfield_slice(tmp_path_factory):
    """The first 300 Cranfield abstracts, and the queries with a relevant one among them."""
    cran = load_testsets().cranfield()
    root = tmp_path_factory.mktemp("cran")
    docs = cran.docs[:300]
    kept = {d for d, _, _ in docs}
    qrels = [(q, d, g) for q, d, g in cran.qrels if d in kept]
    judged = {q for q, _, _ in qrels}
    (root / "docs.jsonl").write_text(
        "".join(json.dumps({"_id": d, "title": t, "text": x, "language": "en"}) + "\n" for d, t, x in docs), "utf-8")
    (root / "queries.tsv").write_text("".join(f"{q}\t{t}\n" for q, t in cran.queries if q in judged), "utf-8")
    (root / "qrels.txt").write_text("".join(f"{q} 0 {d} {g}\n" for q, d, g in qrels), "utf-8")
    return root, len(judged)


def test_batch_then_eval_matches_ir_measures(cranfield_slice, cli):
    root, queries = cranfield_slice
    index = str(root / "index")
    assert cli("index", str(root / "docs.jsonl"), "--index", index).exit_code == 0
    result = cli("search", "--batch", str(root / "queries.tsv"), "--run", str(root / "run.txt"), "--index", index)
    assert result.exit_code == 0, result.output
    run = list(ir_measures.read_trec_run(str(root / "run.txt")))
    assert {r.query_id for r in run} == {line.split("\t")[0] for line in (root / "queries.tsv").read_text().split("\n") if line}
    assert max(sum(1 for r in run if r.query_id == q) for q in {r.query_id for r in run}) <= 1000
    # Document ids are the collection's own (the JSONL _id), as the qrels use them.
    assert {r.doc_id for r in run} <= {str(i) for i in range(1, 301)}

    evaluated = cli("eval", str(root / "qrels.txt"), str(root / "run.txt"), "--format", "json")
    assert evaluated.exit_code == 0, evaluated.output
    ours = json.loads(evaluated.stdout)
    assert ours["queries"] == queries
    qrels = list(ir_measures.read_trec_qrels(str(root / "qrels.txt")))
    direct = ir_measures.calc_aggregate([ir_measures.parse_measure(m) for m in ours["measures"]], qrels, run)
    for name, value in ours["measures"].items():
        assert abs(value - direct[ir_measures.parse_measure(name)]) <= TOLERANCE, name
    # A ranking worth the name: far better than chance on this slice.
    assert ours["measures"]["nDCG@10"] > 0.3


def test_eval_per_query_lists_every_query(cranfield_slice, cli):
    root, queries = cranfield_slice
    if not (root / "run.txt").exists():
        pytest.skip("needs the run of the test above")
    result = cli("eval", str(root / "qrels.txt"), str(root / "run.txt"), "--per-query")
    lines = result.stdout.strip().split("\n")
    assert lines[0].split() == ["query", "nDCG@10", "AP", "R@100", "RR@10", "P@10"]
    assert lines[-1] == f"{queries} queries" and len(lines) == queries + 3
