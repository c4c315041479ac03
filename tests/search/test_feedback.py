"""Pseudo-relevance feedback (RM3): expansion words come from the best hits and only re-rank."""

from __future__ import annotations

import pytest

from search import Index
from search.feedback import Feedback

EYES = "The lens and the cataract: ocular protein in the retina of vertebrates."
RECORDS = [
    *({"_id": f"eye{i}", "title": "Lens study", "text": f"{EYES} Sample {i}.", "language": "en"} for i in range(4)),
    # Both mention the lens once, in texts of the same length; one is about eyes, one about cameras.
    {"_id": "eyes", "title": "Report", "text": "A lens note. Cataract, ocular protein, retina.", "language": "en"},
    {"_id": "camera", "title": "Report", "text": "A lens note. Shutter, aperture, sensor, tripod.", "language": "en"},
    *(
        {"_id": f"f{i}", "title": f"Board {i}", "text": "The board approved the annual budget.", "language": "en"}
        for i in range(10)
    ),
]


def test_feedback_ranks_a_document_like_the_best_hits_higher(jsonl_index):
    path = jsonl_index(RECORDS)
    with Index(path) as ix:
        plain = dict(ix.ranked("lens"))
        expanded = dict(ix.ranked("lens", feedback=Feedback(docs=4, terms=5)))
    assert plain["eyes"] == pytest.approx(plain["camera"])
    assert expanded["eyes"] > expanded["camera"]


def test_feedback_only_reranks_what_the_query_matches(corpus_ix):
    for query, options in [("solar", {}), ("Übernahme", {"lang": "de"}), ("acquisition", {"since": "2025-07-01"})]:
        plain = corpus_ix.search(query, limit=100, **options)
        expanded = corpus_ix.search(query, limit=100, feedback=Feedback(), **options)
        assert plain.total > 0 and {h.id for h in expanded.hits} == {h.id for h in plain.hits}, query


@pytest.mark.parametrize("options", [{"docs": 0}, {"terms": 0}, {"weight": 0.0}, {"weight": 1.0}])
def test_bad_feedback_parameters(options):
    with pytest.raises(ValueError):
        Feedback(**options)


def test_cli_feedback_in_batch_and_search(cli, jsonl_index, tmp_path):
    path = jsonl_index(RECORDS)
    queries = tmp_path / "q.tsv"
    queries.write_text("1\tlens\n", "utf-8")
    plain = cli("search", "--batch", str(queries), index=path)
    expanded = cli("search", "--batch", str(queries), "--feedback", index=path)
    rank = lambda out: [line.split()[2] for line in out.stdout.splitlines()]  # noqa: E731
    assert plain.exit_code == expanded.exit_code == 0
    assert rank(expanded).index("eyes") < rank(expanded).index("camera")
    assert sorted(rank(expanded)) == sorted(rank(plain))
    assert cli("search", "lens", "--feedback", "--format", "paths", index=path).exit_code == 0
