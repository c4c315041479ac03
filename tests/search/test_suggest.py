"""Did you mean: suggestions come from the corpus's own words, keep the query's syntax, and are
only offered when they find more."""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from conftest import CORPUS

from indexer.core.defaults import FEW_HITS
from indexer.parse.files import read_documents
from search.suggest import query_words


@cache
def corpus_documents() -> tuple[str, ...]:
    """The title, issuer and body of every document in corpus/, read by the parser."""
    texts = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        for doc in read_documents(path).documents:
            texts.append("\n".join(x or "" for x in (doc.title, doc.issuer, doc.body)))
    return tuple(texts)


def corpus_words() -> set[str]:
    return {w.lower() for text in corpus_documents() for w in re.findall(r"\w+", text)}


def documents_matching(pattern: str) -> int:
    return sum(bool(re.search(pattern, text, re.IGNORECASE)) for text in corpus_documents())


# (misspelt query, suggestion): each suggested word is checked against the corpus files below.
CASES = [
    ("armd forcse", "armed forces"),
    ('"armd forcse"', '"armed forces"'),
    ("Windprak", "Windpark"),
    ("Übernahne", "Übernahme"),
    ("Untrenehmen", "Unternehmen"),
    ("Batteriespiecher", "Batteriespeicher"),
    ("acquisitoin", "acquisition"),
    ("goverment", "government"),
    ("issuer:corvnae", "issuer:corvane"),
    ("ARMD", "ARMED"),
]


@pytest.mark.parametrize("query, expected", CASES)
def test_a_misspelt_query_gets_the_corpus_word(corpus_ix, query, expected):
    results = corpus_ix.search(query)
    assert results.total == 0
    assert results.suggestion == expected
    changed = set(re.findall(r"\w+", expected.lower())) - set(re.findall(r"\w+", query.lower()))
    assert changed and changed <= corpus_words()
    assert corpus_ix.search(expected).total > 0
    assert corpus_ix.suggest(query) == expected


def test_a_phrase_stays_a_phrase_and_finds_the_phrase(corpus_ix):
    suggestion = corpus_ix.search('"armd forcse"').suggestion
    assert suggestion == '"armed forces"'
    assert corpus_ix.search(suggestion).total == documents_matching(r"\barmed\s+forces\b") == 5


@pytest.mark.parametrize(
    "query", ["armed forces", '"armed forces"', "Windpark", "solar", "Übernahme", "issuer:corvane"]
)
def test_a_correctly_spelt_query_gets_no_suggestion(corpus_ix, query):
    assert corpus_ix.search(query).total > 0
    assert corpus_ix.search(query).suggestion is None
    assert corpus_ix.search(query, suggest=True).suggestion is None


@pytest.mark.parametrize("query", ["title:", "body: armd"])
def test_field_names_are_never_corrected(corpus_ix, query):
    """``title:`` with nothing after it once became "Did you mean: time:"."""
    suggestion = corpus_ix.suggest(query)
    assert suggestion is None or suggestion.startswith(query.split(":")[0] + ":")


def test_suggest_true_forces_a_suggestion_when_there_are_hits(corpus_ix):
    query = "title:windprak OR solar"
    results = corpus_ix.search(query)
    assert results.total >= FEW_HITS and results.suggestion is None  # solar alone finds enough
    forced = corpus_ix.search(query, suggest=True)
    assert forced.suggestion == "title:windpark OR solar"
    assert corpus_ix.search(forced.suggestion).total > results.total
    assert corpus_ix.search("armd forcse", suggest=False).suggestion is None


def test_only_a_correction_that_finds_more_is_suggested(corpus_ix):
    # "armd" is only excluded: correcting it would exclude more, not find more.
    assert corpus_ix.search("mali -armd").suggestion is None
    # A made-up word with nothing near it: "armed qqzxv" finds no more than "armd qqzxv".
    assert corpus_ix.search("qqzxv").suggestion is None
    assert corpus_ix.search("armd").suggestion == "armed"
    assert corpus_ix.search("armd qqzxv").suggestion is None


def test_query_words_leaves_syntax_and_non_text_fields_alone():
    text = 'issuer:corvnae "armd forcse"~2 date:2025-06 NOT wnid -solr acqui* armd~ wind^2 (forcse OR mali) AND the'
    words = [(w.text, w.fields) for w in query_words(text, ("title", "body"))]
    assert words == [
        ("corvnae", ("issuer",)),
        ("armd", ("title", "body")),
        ("forcse", ("title", "body")),
        ("forcse", ("title", "body")),
        ("mali", ("title", "body")),
    ]
    for w in query_words(text, ("title", "body")):
        assert text[w.start : w.end] == w.text


def test_cli_prints_the_suggestion_on_stderr(cli, corpus_index):
    result = cli("search", "armd forcse", index=corpus_index)
    assert result.exit_code == 1
    assert result.stderr.strip() == "Did you mean: armed forces"
    assert "Did you mean" not in result.stdout


@pytest.mark.parametrize("query, expected", [("armd forcse", "armed forces"), ('"armed forces"', None)])
def test_cli_json_has_the_suggestion_key(cli, corpus_index, query, expected):
    result = cli("search", query, "--format", "json", index=corpus_index)
    data = json.loads(result.stdout)
    assert data["suggestion"] == expected
    assert result.stderr == ""


def test_cli_suggest_forces_it(cli, corpus_index):
    plain = cli("search", "title:windprak OR solar", index=corpus_index)
    assert plain.exit_code == 0 and "Did you mean" not in plain.stderr
    forced = cli("search", "title:windprak OR solar", "--suggest", index=corpus_index)
    assert forced.exit_code == 0
    assert forced.stderr.strip() == "Did you mean: title:windpark OR solar"


@pytest.mark.parametrize("query", ["armd forcse\n", "armd\n\tforcse", "  armd   forcse  "])
def test_the_suggestion_is_one_line_however_the_query_was_typed(cli, corpus_index, query):
    """A pasted query ending in a newline gave "Did you mean: …" and an empty line (hypothesis
    found it with 'AAA\\n')."""
    result = cli("search", query, index=corpus_index)
    assert result.exit_code == 1
    assert result.stderr == "Did you mean: armed forces\n"


@pytest.fixture(scope="module")
def names_index(tmp_path_factory: pytest.TempPathFactory):
    """A company (Bravio) in 2 releases beside a common word one letter away (bravo, in 300), a typo
    of a common word (goverment, in 1) beside it (government, in 150), and a rarer word (markte, in
    5) beside a word 20 times as common (market, in 100)."""
    from indexer import index_paths
    from search import Index

    docs = tmp_path_factory.mktemp("names") / "docs"
    docs.mkdir()
    texts = (
        ["Bravio Mining reports results\n\nBravio mining output rose."] * 2
        + ["Team bravo\n\nThe bravo team visited the mining site."] * 300
        + ["Statement\n\nThe goverment said so."]
        + ["Statement\n\nThe government said so."] * 150
        + ["Notes\n\nThe markte figures."] * 5
        + ["Notes\n\nThe market figures."] * 100
    )
    for n, text in enumerate(texts):
        (docs / f"{n:04}.txt").write_text(text, "utf-8")
    index = docs.parent / "ix"
    assert not index_paths([docs], index).failed
    with Index(index) as ix:
        yield ix


def test_a_name_the_index_holds_is_not_replaced_by_a_commoner_word(names_index):
    """The issue's case: a real company's name in a query that finds its releases (fewer than
    FEW_HITS, all right) must not be swapped for a common word one letter away."""
    results = names_index.search("Bravio mining")
    assert results.total == 2 < FEW_HITS
    assert results.suggestion is None
    assert names_index.suggest("Bravio mining") is None
    assert names_index.search("Bravio", suggest=True).suggestion is None


def test_a_known_word_is_kept_unless_a_neighbour_is_far_more_common(names_index):
    assert names_index.search("markte", suggest=True).suggestion is None  # 'market' in 20x the documents: not enough
    typo = names_index.search("goverment")  # in 1 document; 'government' in 150
    assert typo.total == 1 and typo.suggestion == "government"


def test_an_unknown_word_is_still_corrected(names_index):
    assert names_index.search("Bravoi mining").suggestion == "Bravo mining"  # the commoner of two, as before
    assert names_index.search("governmnet").suggestion == "government"


# -- the segments' vocabularies (indexer/write/vocab.py): suggestions without reading stored documents --


def _write(folder, texts: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, "utf-8")


def _vocab_text(index) -> str:
    """The words of all the index's vocabulary files (they are UTF-8 words between binary counts)."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(index.glob("*.vocab")))


def _segment_ids(index) -> set[str]:
    from whoosh.index import open_dir

    ix = open_dir(str(index))
    try:
        return {s.segment_id() for s in ix._segments()}
    finally:
        ix.close()


def test_every_segment_has_a_vocabulary_and_keeps_it_through_merges(tmp_path):
    """Each committed segment has ``<segment id>.vocab``, also the one an update merges old
    segments into (whatever the merge policy), and no vocabulary outlives its segment."""
    from indexer import index_paths

    docs, index = tmp_path / "docs", tmp_path / "ix"
    _write(docs, {f"{n:03}.txt": f"Report {n}\n\nThe quokka population grew." for n in range(20)})
    assert not index_paths([docs], index).failed
    merged = False
    for run in range(8):  # each run adds a segment and replaces documents of the first one,
        before = _segment_ids(index)  # until the merge policy rewrites or merges old segments
        _write(
            docs,
            {
                f"{2 * run:03}.txt": "Report\n\nThe quokka population shrank.",
                f"{2 * run + 1:03}.txt": "Report\n\nThe quokka population shrank.",
                f"new{run}.txt": f"Update\n\nA wombat{'x' * run}ian sighting.",
            },
        )
        assert not index_paths([docs], index).failed
        after = _segment_ids(index)
        assert {p.stem for p in index.glob("*.vocab")} == after
        merged = not before <= after
        if merged:
            break
    assert merged
    words = _vocab_text(index)
    assert "quokka" in words and "wombatian" in words and f"wombat{'x' * run}ian" in words


def test_the_most_used_word_of_a_stem_is_suggested_however_the_documents_are_ordered(tmp_path):
    """Reading five documents holding a stem missed the word most of its documents use: "force"
    in the first five, "forces" in the hundred after them; "forcse" is one edit from both."""
    from indexer import index_paths
    from search import Index

    docs, index = tmp_path / "docs", tmp_path / "ix"
    _write(docs, {f"a{n:03}.txt": "Memo\n\nThe armed force moved north of the river." for n in range(5)})
    _write(docs, {f"b{n:03}.txt": "Memo\n\nThe armed forces moved north of the river." for n in range(100)})
    assert not index_paths([docs], index).failed
    with Index(index) as ix:
        assert ix.search("forcse").total == 0
        assert ix.suggest("forcse") == "forces"


def test_a_word_only_in_deleted_documents_is_never_suggested(tmp_path):
    """ "granita" (in 5 documents) beats "granite" (in 1) for "granitr" until those 5 are rewritten
    without it: their old segment, its term list and its vocabulary still hold the word until a
    merge, but a word no live document holds must not be offered (nor hide "granite")."""
    from indexer import index_paths
    from search import Index

    docs, index = tmp_path / "docs", tmp_path / "ix"
    _write(docs, {f"{n:03}.txt": f"Report {n}\n\nThe harbour opened today." for n in range(40)})
    _write(docs, {f"odd{n}.txt": "Minerals\n\nA granita find in the hills." for n in range(5)})
    _write(docs, {"quarry.txt": "Minerals\n\nA granite quarry in the hills."})
    assert not index_paths([docs], index).failed
    with Index(index) as ix:
        assert ix.suggest("granitr") == "granita"
    _write(docs, {f"odd{n}.txt": "Minerals\n\nA marble find in the hills." for n in range(5)})
    assert not index_paths([docs], index).failed
    assert "granita" in _vocab_text(index)  # the deleted documents' segment is still there
    with Index(index) as ix:
        assert ix.search("granita").total == 0
        assert ix.suggest("granitr") == "granite"


def test_a_new_documents_word_is_suggested_after_an_update(tmp_path):
    from indexer import index_paths
    from search import Index

    docs, index = tmp_path / "docs", tmp_path / "ix"
    _write(docs, {f"{n:03}.txt": f"Report {n}\n\nThe harbour opened today." for n in range(40)})
    assert not index_paths([docs], index).failed
    before = set(index.glob("*.vocab"))
    with Index(index) as ix:
        assert ix.suggest("pelicnas") is None
        _write(docs, {"new.txt": "Birds\n\nPelicans nested on the pier."})
        assert not index_paths([docs], index).failed
        assert set(index.glob("*.vocab")) - before  # the new segment has its own
        assert ix.suggest("pelicnas") == "pelicans"  # the open Index sees the commit


def test_an_index_without_vocabularies_gets_the_same_suggestions(corpus_index, tmp_path):
    """An index written before segments had vocabularies falls back to the term lists and
    stored documents; the answers are the same."""
    import shutil

    from search import Index

    index = tmp_path / "ix"
    shutil.copytree(corpus_index, index)
    for vocab in index.glob("*.vocab"):
        vocab.unlink()
    with Index(index) as ix:
        for query, expected in CASES:
            assert ix.suggest(query) == expected


def test_a_damaged_vocabulary_falls_back_to_the_index(corpus_index, tmp_path):
    """A vocabulary cut short (a disk error, a bad copy) is ignored, not an internal error."""
    import shutil

    from search import Index

    index = tmp_path / "ix"
    shutil.copytree(corpus_index, index)
    for vocab in index.glob("*.vocab"):
        data = vocab.read_bytes()
        vocab.write_bytes(data[: data.index(b"\n") + 100])
    with Index(index) as ix:
        assert ix.suggest("armd forcse") == "armed forces"
