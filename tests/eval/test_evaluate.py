"""End to end on a slice of Cranfield: index, batch search, evaluate — against ir-measures itself."""

import json

import pytest
from conftest import load_testsets

ir_measures = pytest.importorskip("ir_measures", reason="ir-measures (the eval extra) is not installed")

#: The run file rounds scores to 6 decimals; both sides read the same file, so they must agree
#: to rounding error.
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def cranfield_run(tmp_path_factory):
    """The first 300 Cranfield abstracts, the queries with a relevant one among them, indexed
    and run as a batch by the `dateline` command."""
    from click.testing import CliRunner

    from search.cli.commands import main

    cran = load_testsets().cranfield()
    root = tmp_path_factory.mktemp("cran")
    docs = cran.docs[:300]
    kept = {d for d, _, _ in docs}
    qrels = [(q, d, g) for q, d, g in cran.qrels if d in kept]
    judged = {q for q, _, _ in qrels}
    (root / "docs.jsonl").write_text(
        "".join(json.dumps({"_id": d, "title": t, "text": x, "language": "en"}) + "\n" for d, t, x in docs), "utf-8"
    )
    (root / "queries.tsv").write_text("".join(f"{q}\t{t}\n" for q, t in cran.queries if q in judged), "utf-8")
    (root / "qrels.txt").write_text("".join(f"{q} 0 {d} {g}\n" for q, d, g in qrels), "utf-8")
    index = str(root / "index")
    runner = CliRunner()
    indexed = runner.invoke(main, ["index", str(root / "docs.jsonl"), "--index", index], catch_exceptions=False)
    batch = runner.invoke(
        main,
        ["search", "--batch", str(root / "queries.tsv"), "--run", str(root / "run.txt"), "--index", index],
        catch_exceptions=False,
    )
    return root, judged, (indexed.exit_code, batch.exit_code)


def test_batch_writes_one_ranking_per_query(cranfield_run):
    root, judged, exit_codes = cranfield_run
    assert exit_codes == (0, 0)
    run = list(ir_measures.read_trec_run(str(root / "run.txt")))
    assert {r.query_id for r in run} == judged
    assert max(sum(1 for r in run if r.query_id == q) for q in judged) <= 1000
    # Document ids are the collection's own (the JSONL _id), as the qrels use them.
    assert {r.doc_id for r in run} <= {str(i) for i in range(1, 301)}


def test_eval_matches_ir_measures(cranfield_run, cli):
    root, judged, _ = cranfield_run
    evaluated = cli("eval", str(root / "qrels.txt"), str(root / "run.txt"), "--format", "json")
    assert evaluated.exit_code == 0, evaluated.output
    ours = json.loads(evaluated.stdout)
    assert ours["queries"] == len(judged)
    run = list(ir_measures.read_trec_run(str(root / "run.txt")))
    qrels = list(ir_measures.read_trec_qrels(str(root / "qrels.txt")))
    direct = ir_measures.calc_aggregate([ir_measures.parse_measure(m) for m in ours["measures"]], qrels, run)
    for name, value in ours["measures"].items():
        assert abs(value - direct[ir_measures.parse_measure(name)]) <= TOLERANCE, name
    # A ranking worth the name: far better than chance on this slice.
    assert ours["measures"]["nDCG@10"] > 0.3


def test_eval_per_query_lists_every_query(cranfield_run, cli):
    root, judged, _ = cranfield_run
    result = cli("eval", str(root / "qrels.txt"), str(root / "run.txt"), "--per-query")
    lines = result.stdout.strip().split("\n")
    assert lines[0].split() == ["query", "nDCG@10", "AP", "R@100", "RR@10", "P@10"]
    assert lines[-1] == f"{len(judged)} queries" and len(lines) == len(judged) + 3
