"""More like this: the other version of a story ranks first, releases of one issuer find each other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

from indexer.parse.files import read_documents
from search.doc_ids import ID_HINT

PRN = """ date 2025-09-30 Anzeige
30.09.2025 14:05 Uhr
Quillmoor Pharmaceuticals: Quillmoor Pharmaceuticals Receives FDA Approval for Velradimab in Severe Eosinophilic Asthma

BOSTON, Sept. 30, 2025 /PRNewswire/ -- Quillmoor Pharmaceuticals (NASDAQ: QLMR) today announced that the U.S. Food and Drug Administration has approved velradimab, a monthly injectable antibody, for adults with severe eosinophilic asthma. Approval follows the TIDEWATER-3 trial, in which velradimab cut yearly exacerbations by 58 percent against placebo across 1,412 patients in 19 countries.

"Patients with eosinophilic asthma have waited a long time for a monthly option," said Dr. Ingrid Solvang, chief medical officer of Quillmoor. Velradimab will reach pharmacies in November at a list price of $3,150 per month.

SOURCE Quillmoor Pharmaceuticals
"""

BUSINESS_WIRE = """ date 2025-09-30 News
30.09.2025 14:20 Uhr
Quillmoor Pharmaceuticals: FDA Clears Quillmoor's Velradimab for Severe Eosinophilic Asthma

BOSTON--(BUSINESS WIRE)--Quillmoor Pharmaceuticals (NASDAQ: QLMR) said U.S. regulators cleared velradimab, its antibody injected once a month, to treat severe eosinophilic asthma in adults. In the TIDEWATER-3 study of 1,412 patients across 19 countries, velradimab lowered the yearly rate of exacerbations by 58 percent compared with placebo.

Chief medical officer Dr. Ingrid Solvang said a monthly choice had been long awaited by people living with eosinophilic asthma. The company expects velradimab in pharmacies in November, priced at $3,150 a month.
"""


@pytest.fixture
def two_versions_index(corpus_copy: Path, tmp_path: Path) -> Path:
    """The sample corpus plus one story in two wires' words."""
    from indexer import index_paths

    story = corpus_copy / "story"
    story.mkdir()
    (story / "prnewswire-quillmoor-velradimab.txt").write_text(PRN, encoding="utf-8")
    (story / "businesswire-quillmoor-velradimab.txt").write_text(BUSINESS_WIRE, encoding="utf-8")
    report = index_paths([corpus_copy], tmp_path / "ix")
    assert not report.failed, report.failed
    return tmp_path / "ix"


@pytest.mark.parametrize(
    "this, other",
    [
        ("story/prnewswire-quillmoor-velradimab.txt", "story/businesswire-quillmoor-velradimab.txt"),
        ("story/businesswire-quillmoor-velradimab.txt", "story/prnewswire-quillmoor-velradimab.txt"),
    ],
)
def test_the_other_wires_version_ranks_first(two_versions_index, this, other):
    from search import Index

    with Index(two_versions_index) as ix:
        results = ix.similar(this, limit=5)
        assert results.hits[0].id == other
        assert this not in [h.id for h in results.hits]
        assert results.hits[0].score > 2 * results.hits[1].score  # the same story, far ahead of the rest


def _by_issuer() -> dict[str, list[str]]:
    """Document ids of corpus/ by issuer, read with the parser (ids as the indexer gives them)."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        rel = path.relative_to(CORPUS).as_posix()
        for doc in read_documents(path, doc_id=rel).documents:
            if doc.issuer:
                found.setdefault(doc.issuer, []).append(doc.id)
    return found


# Issuers with three documents in corpus/ (per tests/CORPUS.md, checked below): each document
# is about the same company's business, in its own language.
ISSUERS = ["Corvane Therapeutics, Inc.", "Nordlicht Energie AG"]


@pytest.mark.parametrize("issuer", ISSUERS)
def test_releases_of_one_issuer_find_each_other_in_the_top_3(corpus_ix, issuer):
    ids = _by_issuer()[issuer]
    assert len(ids) == 3
    for doc_id in ids:
        top = [h.id for h in corpus_ix.similar(doc_id, limit=3).hits]
        assert set(ids) - {doc_id} <= set(top), (doc_id, top)
        assert doc_id not in top


def test_results_count_every_other_matching_document(corpus_ix):
    results = corpus_ix.similar("prnewswire-fama-2025-06-06.txt", limit=2)
    assert len(results.hits) == 2 and [h.rank for h in results.hits] == [1, 2]
    everything = corpus_ix.similar("prnewswire-fama-2025-06-06.txt", limit=100)
    assert results.total == everything.total == len(everything.hits)
    assert results.query == "prnewswire-fama-2025-06-06.txt"
    scores = [h.score for h in everything.hits]
    assert scores == sorted(scores, reverse=True)
    # The key terms are the seed's own language's: only English documents are alike.
    assert {h.document.language for h in everything.hits} == {"en"}


def test_unknown_id_is_an_error(corpus_ix):
    from search import DocumentNotFoundError

    with pytest.raises(DocumentNotFoundError):
        corpus_ix.similar("no/such/file.txt")


def test_cli_text_paths_and_json(cli, corpus_index):
    doc_id = "en/businesswire-corvane-phase2-results-2025-03-12.txt"
    expected = [h.id for h in _api_hits(corpus_index, doc_id, 2)]
    paths = cli("similar", doc_id, "-n", "2", "--format", "paths", index=corpus_index)
    assert paths.exit_code == 0
    assert paths.stdout.splitlines() == expected
    data = json.loads(cli("similar", doc_id, "-n", "2", "--format", "json", index=corpus_index).stdout)
    assert set(data) >= {"query", "total", "elapsed_ms", "page", "limit", "hits"}
    assert data["query"] == doc_id and [h["id"] for h in data["hits"]] == expected
    assert {"rank", "id", "score", "title", "snippet", "highlights"} <= set(data["hits"][0])
    text = cli("similar", doc_id, "-n", "2", index=corpus_index)
    assert text.exit_code == 0 and expected[0] in text.stdout
    assert text.stdout.rstrip().splitlines()[-1].endswith("showing 1–2")


def _api_hits(index: Path, doc_id: str, limit: int):
    from search import Index

    with Index(index) as ix:
        return ix.similar(doc_id, limit=limit).hits


def test_cli_unknown_id_exits_2_with_one_line(cli, corpus_index):
    result = cli("similar", "no/such/file.txt", index=corpus_index)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"dateline: no document with id 'no/such/file.txt' in {corpus_index} ({ID_HINT})"


def test_cli_nothing_alike_exits_1(cli, jsonl_index):
    index = jsonl_index(
        [
            {"_id": "a", "title": "Quokka census", "text": "Quokkas counted on Rottnest.", "language": "en"},
            {"_id": "b", "title": "Zinc smelter", "text": "Smelter output of zinc rose.", "language": "en"},
        ]
    )
    result = cli("similar", "a", index=index)
    assert result.exit_code == 1
    assert result.stdout.strip().startswith("0 hits")
