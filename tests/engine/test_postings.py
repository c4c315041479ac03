"""The fast analysis path gives exactly the postings Whoosh's own `Field.index` gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.core.records import to_fields
from indexer.core.schema import build_schema
from indexer.engine.postings import Analyzer, fast_terms
from indexer.parse.files import read_documents
from indexer.write.walk import walk

SCHEMA = build_schema()
SAMPLE_FILES = [Path(p) for p in walk(CORPUS).files]


def whoosh_postings(name: str, value: object) -> list[tuple]:
    return sorted(SCHEMA[name].index(value))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_every_field_of_every_sample_document_matches_whoosh(path: Path) -> None:
    analyzer = Analyzer(SCHEMA)
    for doc in read_documents(path).documents:
        fields = to_fields(doc, stamp="1:2")
        analyzed = analyzer.analyze(fields)
        indexed = [name for name in sorted(fields) if SCHEMA[name].indexed]
        assert [name for name, _, _ in analyzed.postings] == indexed
        for name, postings, length in analyzed.postings:
            assert sorted(postings) == whoosh_postings(name, fields[name]), name
            if SCHEMA[name].scorable:
                assert length == sum(freq for _, freq, _, _ in postings) > 0


def test_text_and_id_fields_take_the_fast_path_and_dates_do_not() -> None:
    assert fast_terms(SCHEMA["body_en"]) is not None
    assert fast_terms(SCHEMA["issuer"]) is not None
    assert fast_terms(SCHEMA["id"]) is not None
    assert fast_terms(SCHEMA["date"]) is None


def test_positions_past_the_shared_single_values_are_encoded() -> None:
    text = " ".join(["filler"] * 5000 + ["rare"])
    (rare,) = [p for p in Analyzer(SCHEMA).analyze({"body_en": text}).postings[0][1] if p[0] == b"rare"]
    assert sorted(Analyzer(SCHEMA).analyze({"body_en": text}).postings[0][1]) == whoosh_postings("body_en", text)
    assert SCHEMA["body_en"].format.decode_positions(rare[3]) == [5000]


# Words Whoosh's filters treat specially: Turkish dotted I (lower() lengthens it), German
# sharp s and umlauts (stemmed before folding), ligatures, digits with separators.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 20 lines, not 2.
_WORDS = st.sampled_from(["İstanbul", "Straße", "STRASSE", "Übernahme", "Größe", "œuvre", "ﬁnance",
                          "5.2", "1,000", "U.S.", "covid-19", "naïve", "Ǆ", "running", "läuft", "the"])  # fmt: skip
_TEXT = st.lists(st.one_of(_WORDS, st.text(min_size=1, max_size=12)), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, field=st.sampled_from(["body_en", "body_de", "body_xx", "issuer", "title_de"]))
def test_any_text_gives_whoosh_postings(text: str, field: str) -> None:
    analyzed = Analyzer(SCHEMA).analyze({field: text})
    postings = analyzed.postings[0][1] if analyzed.postings else []
    assert sorted(postings) == whoosh_postings(field, text)


def test_the_split_gives_the_words_and_gaps_and_a_pattern_it_cannot_wrap_is_declined() -> None:
    """`FastTerms.split` (snippets) cuts a text into gaps and the analyzer's own words; an
    analyzer whose pattern cannot be made one group (global flags inside) gets no fast path."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer
    from whoosh.fields import TEXT

    fast = fast_terms(build_schema()["body_en"])
    text = "Acme Corp. (NYSE: ACME) sold 5.2bn in the U.S.Investors rose"
    parts = fast.split(text)
    assert parts[1::2] == fast.findall(text) and "".join(parts) == text
    assert fast_terms(TEXT(analyzer=RegexTokenizer(r"(?i)\w+") | LowercaseFilter())) is None
