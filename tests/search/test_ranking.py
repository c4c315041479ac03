"""Scoring: BM25F over fields, Lucene's IDF, repeated query words, per-language statistics, k1/b/boosts.

Expected scores are recomputed from the index's own statistics (document counts, field lengths,
term frequencies as Whoosh stores them), independently of `search.ranking`.
"""

from __future__ import annotations

import math

import pytest
from whoosh import index as whoosh_index
from whoosh.query import And, Term
from whoosh.query.compound import DefaultOr

from search import Index, QueryError
from search.collecting import search as whoosh_search
from search.ranking import Bm25, FieldsTerm

FILLER = [  # documents that make "solar" and "storage" rare words, as they are in an archive
    {
        "_id": f"f{i}",
        "title": f"Quarterly report {i}",
        "text": f"The board met on day {i} and approved the budget.",
        "language": "en",
    }
    for i in range(12)
]


def score_of(ranking: list[tuple[str, float]], doc_id: str) -> float:
    return dict(ranking)[doc_id]


def test_a_word_in_title_and_body_counts_once(jsonl_index):
    """Coverage beats repetition: matching both words in the body ranks above matching one word
    in title and body. Whoosh's BM25F, which adds up each field's saturated score and weighs
    common words nearly as much as rare ones, ranks them the other way round."""
    path = jsonl_index(
        FILLER
        + [
            {"_id": "repeat", "title": "Solar update", "text": "The solar plant ran all year.", "language": "en"},
            {"_id": "cover", "title": "Plant update", "text": "The solar plant added storage.", "language": "en"},
        ]
    )
    with Index(path) as ix:
        ranking = ix.ranked("solar storage")
    assert [doc for doc, _ in ranking[:2]] == ["cover", "repeat"]


def test_fields_term_score_is_bm25f_of_the_index_statistics(jsonl_index):
    path = jsonl_index(
        FILLER
        + [
            {
                "_id": "a",
                "title": "Solar power",
                "text": "Solar panels and more solar panels on the roof.",
                "language": "en",
            },
            {
                "_id": "b",
                "title": "Wind",
                "text": "A long text about wind farms with one solar mention.",
                "language": "en",
            },
        ]
    )
    k1, b, weights = 1.4, 0.6, {"title_en": 3.0, "body_en": 1.0}
    with Index(path, k1=k1, b=b, boosts={"title": 3.0}) as ix:
        got = dict(ix.ranked("solar", fields=["title", "body"]))
    with whoosh_index.open_dir(str(path)).searcher() as s:
        docs = s.doc_frequency("lang", "en")
        doc_freq = max(s.doc_frequency(f, "solar") for f in weights)
        idf = math.log(1 + (docs - doc_freq + 0.5) / (doc_freq + 0.5))
        for doc_id in ("a", "b"):
            docnum = s.document_number(id=doc_id)
            share = 0.0
            for field, weight in weights.items():
                postings = s.reader().postings(field, "solar")
                postings.skip_to(docnum)
                if postings.is_active() and postings.id() == docnum:
                    avg = s.field_length(field) / docs
                    share += weight * postings.weight() / (1 - b + b * s.doc_field_length(docnum, field) / avg)
            assert got[doc_id] == pytest.approx(idf * share * (k1 + 1) / (share + k1), rel=1e-9)
    assert got["a"] > got["b"]


def test_a_repeated_query_word_weighs_one_plus_ln_count(jsonl_index):
    path = jsonl_index(FILLER + [{"_id": "s", "title": "Solar", "text": "Solar storage.", "language": "en"}])
    with Index(path) as ix:
        once = score_of(ix.ranked("solar storage"), "s")
        twice = score_of(ix.ranked("solar solar storage"), "s")
        alone = score_of(ix.ranked("solar"), "s")
        # Stemmed forms are the same word: "solar" typed three times in different ways.
        thrice = score_of(ix.ranked("Solar, SOLAR solar storage"), "s")
    assert twice - once == pytest.approx(math.log(2) * alone, rel=1e-9)
    assert thrice - once == pytest.approx(math.log(3) * alone, rel=1e-9)


def test_german_documents_do_not_change_english_scores(jsonl_index):
    """IDF and average field length count a language's own documents only."""
    english = FILLER + [{"_id": "s", "title": "Solar storage", "text": "Solar storage for the grid.", "language": "en"}]
    path = jsonl_index(english)
    with Index(path) as ix:
        before = ix.ranked("solar grid")
    german = [
        {
            "_id": f"d{i}",
            "title": f"Bericht {i}",
            "language": "de",
            "text": "Der Vorstand hat den Haushalt für das Jahr beschlossen, und die Aktie stieg. " * (i + 1),
        }
        for i in range(20)
    ]
    jsonl_index(german, name="german.jsonl")
    with Index(path) as ix:
        after = ix.ranked("solar grid")
        assert len(ix) == len(english) + len(german)
    assert [d for d, _ in after] == [d for d, _ in before]
    assert [s for _, s in after] == pytest.approx([s for _, s in before], rel=1e-9)


def test_k1_zero_ignores_how_often_a_word_occurs(jsonl_index):
    path = jsonl_index(
        FILLER
        + [
            {"_id": "once", "title": "Note", "text": "Solar output rose in March.", "language": "en"},
            {"_id": "often", "title": "Note", "text": "Solar, solar and solar output.", "language": "en"},
        ]
    )
    with Index(path, k1=0.0) as ix:
        flat = dict(ix.ranked("solar"))
    with Index(path) as ix:
        default = dict(ix.ranked("solar"))
    assert flat["once"] == pytest.approx(flat["often"], rel=1e-9)
    assert default["often"] > default["once"]


def test_b_zero_ignores_document_length(jsonl_index):
    path = jsonl_index(
        FILLER
        + [
            {"_id": "short", "title": "Note", "text": "Solar output rose.", "language": "en"},
            {
                "_id": "long",
                "title": "Note",
                "text": "Solar output rose. " + "The board met and approved it. " * 20,
                "language": "en",
            },
        ]
    )
    with Index(path, b=0.0) as ix:
        flat = dict(ix.ranked("solar"))
    with Index(path, b=1.0) as ix:
        full = dict(ix.ranked("solar"))
    assert flat["short"] == pytest.approx(flat["long"], rel=1e-9)
    assert full["short"] > full["long"]


def test_field_boosts_decide_between_title_and_body(jsonl_index):
    path = jsonl_index(
        FILLER
        + [
            {
                "_id": "title",
                "title": "Solar results",
                "text": "Output rose in the first quarter of the year.",
                "language": "en",
            },
            {
                "_id": "body",
                "title": "Results",
                "text": "Solar output rose, solar margins rose, solar demand rose.",
                "language": "en",
            },
        ]
    )
    with Index(path, boosts={"title": 10.0}) as ix:
        assert ix.ranked("solar")[0][0] == "title"
    with Index(path, boosts={"title": 0.1}) as ix:
        assert ix.ranked("solar")[0][0] == "body"


@pytest.mark.parametrize("options", [{"k1": -1.0}, {"b": 1.5}, {"boosts": {"title": 0.0}}, {"boosts": {"nope": 2.0}}])
def test_bad_ranking_parameters_raise_query_error(corpus_index, options):
    with pytest.raises(QueryError):
        Index(corpus_index, **options)


def _fields_term(searcher, word: str, title_boost: float = 3.0) -> FieldsTerm:
    stem = next(iter(searcher.schema["body_en"].analyzer(word))).text
    return FieldsTerm([Term("title_en", stem, boost=title_boost), Term("body_en", stem)])


# Common body-only words span many blocks, so thresholds make the matcher skip; a rare word has
# one block, and a word in title and body has high block bounds: their bounds are still checked.
@pytest.mark.parametrize("word, skips", [("market", True), ("price", True), ("solar", False), ("w7", False)])
@pytest.mark.parametrize("k1", [0.3, 1.2, 3.0])
def test_quality_bounds_never_undercut_a_score(random_index, word, skips, k1):
    """Whoosh skips blocks by their quality; a bound below a real score would lose that hit.
    Each document's score is at most the matcher's and its block's quality, and skipping to a
    quality passes over no document that reaches it."""
    with whoosh_index.open_dir(str(random_index)).searcher(weighting=Bm25(k1=k1)) as s:
        q = _fields_term(s, word)
        m = q.matcher(s, s.context())
        top = m.max_quality()
        scores = {}
        while m.is_active():
            scores[m.id()] = m.score()
            assert m.score() <= m.block_quality() * (1 + 1e-12) and m.score() <= top * (1 + 1e-12)
            m.next()
        skipped_any = False
        ordered = sorted(scores.values())
        for cut in [ordered[int(len(ordered) * share)] for share in (0.5, 0.8, 0.9, 0.95, 0.99)] + [ordered[-1]]:
            m = q.matcher(s, s.context())
            m.skip_to_quality(cut)
            first = m.id() if m.is_active() else float("inf")
            passed = [d for d in scores if d < first]
            assert all(scores[d] <= cut for d in passed), (word, cut)
            skipped_any |= bool(passed)
        assert skipped_any or not skips, "no threshold made the matcher skip: the test exercised nothing"


@pytest.mark.parametrize("k1", [0.3, 1.2])
@pytest.mark.parametrize("title_boost", [0.2, 3.0])
@pytest.mark.parametrize(
    "words", [("solar", "market"), ("w5", "solar"), ("w1", "w2", "w3"), ("battery", "turbine", "solar")]
)
def test_the_top_hits_are_those_of_scoring_every_document(random_index, k1, title_boost, words):
    with whoosh_index.open_dir(str(random_index)).searcher(weighting=Bm25(k1=k1)) as s:
        for group in (DefaultOr, And):  # DefaultOr: the union Whoosh uses for indexes of over 5,000 documents
            q = group([_fields_term(s, w, title_boost) for w in words])
            every = sorted((round(hit.score, 9) for hit in s.search(q, limit=None)), reverse=True)
            for limit in (1, 5, 20):
                top = [round(score, 9) for score, _ in whoosh_search(s, q, limit=limit).top_n]
                assert top == every[:limit], (group.__name__, limit)
