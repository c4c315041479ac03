"""`search.explain`: a hit's score broken down by query term and field.

The property that makes an explanation honest: its parts add up to the score the ranking gave,
for every kind of query. The figures in it (term frequencies, field lengths, IDF) are checked
against counts made from the corpus files themselves.
"""

from __future__ import annotations

import json
import re
from math import log
from pathlib import Path

import pytest
from conftest import CORPUS, SEED_NAME

QUERIES = [
    "armed forces",
    "mali",
    "solar storage",
    "solar OR wind",
    "wind OR turbine OR storage",
    '"armed forces"',
    '"armed forces" mali',
    '"forces mali"~3',
    "title:solar",
    "issuer:corvane",
    "issuer:corvane acquisition",
    'wire:"PR Newswire" contract',
    "Unternehmen",
    "Übernahme Windkraft",
    "die Übernahme",
    "the armed forces of",
    "acquisition acquisition acquisition",
    "(solar OR wind) AND storage",
    "acqui*",
    "armd~",
    "mali -niger",
    "mali NOT terrorist",
    "date:2025-06 wind",
    "contract drone",
    "battery recycling lithium",
]

RANKINGS = [
    {},
    {"boosts": {"title": 5.0, "body": 1.5}},
    {"k1": 0.9, "b": 0.4},
    {"k1": 2.0, "b": 1.0, "boosts": {"issuer": 0.5, "place": 4.0}},
]


@pytest.fixture(scope="module", params=range(len(RANKINGS)), ids=["default", "boosts", "k1-0.9-b-0.4", "k1-2-b-1"])
def ranked_ix(request, corpus_index: Path):
    from search import Index

    with Index(corpus_index, **RANKINGS[request.param]) as ix:
        yield ix


def _check_sums(results) -> None:
    for hit in results.hits:
        explanation = hit.explanation
        assert explanation is not None
        assert explanation.terms, f"{hit.id}: no parts"
        assert sum(t.score for t in explanation.terms) == pytest.approx(explanation.score, abs=1e-9)
        assert explanation.score == pytest.approx(hit.score, abs=1e-6), (results.query, hit.id, explanation)


@pytest.mark.parametrize("match", ["all", "any"])
@pytest.mark.parametrize("query", QUERIES)
def test_parts_add_up_to_the_score(ranked_ix, query: str, match: str) -> None:
    results = ranked_ix.search(query, explain=True, limit=50, match=match)
    _check_sums(results)


@pytest.mark.parametrize(
    "options",
    [{"since": "2025-06-01"}, {"lang": "de"}, {"fields": ["title", "body", "about"]}, {"page": 2, "limit": 3}],
)
@pytest.mark.parametrize(
    "query", ["solar OR wind OR Unternehmen", '"armed forces" OR mali OR Unternehmen', "storage OR Speicher"]
)
def test_parts_add_up_with_filters_and_pages(corpus_ix, query: str, options: dict) -> None:
    results = corpus_ix.search(query, explain=True, match="any", **options)
    assert results.hits
    _check_sums(results)


def test_parts_add_up_with_feedback(corpus_ix) -> None:
    from search import Feedback

    results = corpus_ix.search("solar storage", explain=True, feedback=Feedback(), limit=20)
    _check_sums(results)
    # The expansion words are there, each weighed by its share of the feedback.
    assert len(results.hits[0].explanation.terms) > 2
    assert any(t.boost < 1 for t in results.hits[0].explanation.terms)


def _corpus_documents():
    from indexer.parse.files import read_documents

    return [d for path in sorted(CORPUS.rglob("*")) if path.is_file() for d in read_documents(path).documents]


def test_a_title_match_shows_the_title_boosted_three_times(corpus_ix) -> None:
    """ "strategic" in the seed's title: the title part has the word's count in the title, the
    title's length in words, and the default title boost 3; the body part its own count."""
    from indexer.core.analysis import TOKEN_PATTERN

    seed = next(d for d in _corpus_documents() if d.id == SEED_NAME or "Malian Armed Forces" in (d.title or ""))
    hit = next(h for h in corpus_ix.search("strategic", explain=True).hits if h.id == SEED_NAME)
    (word,) = hit.explanation.terms
    assert word.kind == "word" and word.text == "strategic"
    parts = {f.field: f for f in word.fields}
    title_words = re.findall(TOKEN_PATTERN, seed.title.lower())
    assert parts["title"].tf == title_words.count("strategic") == 1
    assert parts["title"].length == len(title_words) == 16
    assert parts["title"].boost == 3.0
    body_count = len(re.findall(r"\bstrategic(?:al|ally)?\b", seed.body, re.IGNORECASE))
    assert parts["body"].tf == body_count
    assert parts["body"].boost == 1.0
    # A title word outweighs the same count in the (longer) body.
    assert parts["title"].value > parts["body"].value / parts["body"].tf


def test_boost_option_shows_in_the_explanation(corpus_index: Path) -> None:
    from search import Index

    with Index(corpus_index, boosts={"title": 5.0}, k1=0.9, b=0.4) as ix:
        hit = next(h for h in ix.search("strategic", explain=True).hits if h.id == SEED_NAME)
    assert hit.explanation is not None
    assert {f.field: f.boost for f in hit.explanation.terms[0].fields}["title"] == 5.0
    assert (hit.explanation.k1, hit.explanation.b) == (0.9, 0.4)


def test_idf_of_a_word_counts_the_documents_of_its_language(corpus_ix) -> None:
    """ "Maruvia" is in one English document: IDF is Lucene's with N the English documents."""
    docs = _corpus_documents()
    english = [d for d in docs if d.language == "en"]
    holding = [
        d
        for d in english
        if any("maruvia" in (getattr(d, f) or "").lower() for f in ("title", "body", "issuer", "place"))
    ]
    (hit,) = corpus_ix.search("maruvia", explain=True).hits
    assert hit.id == "en/prnewswire-paeon-maruvia-election-statement-2025-06-18.txt"
    expected = log(1 + (len(english) - len(holding) + 0.5) / (len(holding) + 0.5))
    assert hit.explanation.terms[0].idf == pytest.approx(expected, abs=1e-12)
    assert len(english) == 32 and len(holding) == 1


def test_repeated_word_weighs_one_plus_log_of_its_count(corpus_ix) -> None:
    once = corpus_ix.search("acquisition", explain=True).hits[0]
    thrice = corpus_ix.search("acquisition acquisition acquisition", explain=True).hits[0]
    assert thrice.id == once.id
    assert thrice.explanation.terms[0].boost == pytest.approx(1 + log(3))
    assert thrice.score == pytest.approx(once.score * (1 + log(3)))


def test_phrase_parts_are_per_word_in_one_field(corpus_ix) -> None:
    hit = next(h for h in corpus_ix.search('"armed forces"', explain=True).hits if h.id == SEED_NAME)
    phrases = {t.text: t for t in hit.explanation.terms}
    assert {'title:"arm forc"', 'body:"arm forc"', 'issuer:"armed forces"'} <= set(phrases)
    title = phrases['title:"arm forc"']
    assert title.kind == "phrase" and title.boost == 3.0
    assert [f.term for f in title.fields] == ["arm", "forc"] and all(f.idf for f in title.fields)


@pytest.mark.parametrize("query, note", [("date:2025-06 wind", "date range: a constant")])
def test_parts_not_broken_down_carry_a_note(corpus_ix, query: str, note: str) -> None:
    results = corpus_ix.search(query, explain=True, limit=50)
    assert results.hits
    _check_sums(results)
    for hit in results.hits:
        others = [t for t in hit.explanation.terms if t.kind == "other"]
        assert others and all(t.note.startswith(note) for t in others), hit.explanation


@pytest.mark.parametrize("query", ["acqui*", "armd~", "issuer:[a TO c]"])
def test_prefix_and_fuzzy_words_are_broken_down_into_the_words_they_match(corpus_ix, query: str) -> None:
    """They are expanded against the whole index first (`search.expansion`): each word they match
    is a term scored by BM25 like any other."""
    results = corpus_ix.search(query, explain=True, limit=50)
    assert results.hits
    _check_sums(results)
    for hit in results.hits:
        assert hit.explanation.terms and all(t.kind == "term" for t in hit.explanation.terms), hit.explanation


def test_not_shows_the_constant_whoosh_adds(corpus_ix) -> None:
    """Whoosh scores a NOT as 1 for every document it lets through: the explanation shows it."""
    plain = {h.id: h.score for h in corpus_ix.search("armed", limit=50).hits}
    results = corpus_ix.search("armed NOT mali", explain=True, limit=50)
    assert results.hits and SEED_NAME not in {h.id for h in results.hits}
    _check_sums(results)
    for hit in results.hits:
        (word, negation) = hit.explanation.terms
        assert word.text == "armed" and word.score == pytest.approx(plain[hit.id])
        assert negation.kind == "other" and negation.score == 1.0 and negation.note.startswith("NOT:")


def test_explanation_is_absent_unless_asked(corpus_ix) -> None:
    hit = corpus_ix.search("mali").hits[0]
    assert hit.explanation is None and "explanation" not in hit.to_dict()


def test_cli_explain_json(cli, corpus_index: Path) -> None:
    result = cli("search", "armed forces", "--explain", "--format", "json", index=corpus_index)
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits and all(h["explanation"]["score"] == pytest.approx(h["score"], abs=1e-6) for h in hits)
    first = hits[0]["explanation"]
    assert {t["text"] for t in first["terms"]} == {"armed", "forces"}
    term = first["terms"][0]
    assert set(term) == {"kind", "text", "score", "boost", "idf", "fields"}
    assert set(term["fields"][0]) == {"field", "term", "tf", "length", "avg_length", "boost", "value"}
    plain = json.loads(cli("search", "armed forces", "--format", "json", index=corpus_index).stdout)["hits"]
    assert all("explanation" not in h for h in plain)


def test_cli_explain_text_lines_add_up(cli, corpus_index: Path) -> None:
    result = cli("search", "armed forces", "--explain", "-n", "3", index=corpus_index)
    assert result.exit_code == 0, result.stderr
    blocks = result.stdout.split("\n\n")[:-1]
    assert len(blocks) == 3
    for block in blocks:
        score = float(block.split()[1])
        parts = [float(x) for x in re.findall(r"^   [=+] (\d+\.\d+) ", block, re.MULTILINE)]
        assert len(parts) == 2 and sum(parts) == pytest.approx(score, abs=0.002)
    assert re.search(
        r"^   = \d+\.\d{3} armed  idf \d\.\d\d · title tf 1 len 16 ×3 · body tf 6 len \d+ · issuer tf 1 len 9 ×2$",
        blocks[0],
        re.MULTILINE,
    )


def test_cli_explain_with_batch_is_a_usage_error(cli, corpus_index: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text("1\tmali\n", "utf-8")
    result = cli("search", "--batch", str(queries), "--explain", index=corpus_index)
    assert result.exit_code == 2
    assert result.stderr == "dateline: --explain explains the hits of one QUERY, not a --batch run\n"
