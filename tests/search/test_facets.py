"""Facets and filters (`search.facets`): counts over all matches equal a count made by parsing
the corpus files, filters keep exactly the documents with the value, from Python and the CLI."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from search import Index, QueryError
from search.facets import FACETS

QUERIES = ["*", "energy", "wind OR solar", "Unternehmen", '"armed forces"', "energ*", "acquisition -corvane"]


def value(doc, name: str) -> str | None:
    """The facet value of a parsed document, computed here without the index."""
    day = doc.date or (doc.published.date() if doc.published else None)
    if name == "year":
        return f"{day.year}" if day else None
    if name == "month":
        return f"{day.year}-{day.month:02d}" if day else None
    if name == "language":
        return doc.language.lower() if doc.language else None
    return getattr(doc, name) or None


def expected(docs, ids, name: str, top: int | None = 10) -> list[tuple[str, int]]:
    counts = Counter(v for i in ids if (v := value(docs[i], name)) is not None)
    ordered = sorted(counts.items(), key=lambda vn: (-vn[1], vn[0]))
    return ordered if top is None else ordered[:top]


def pairs(counts) -> list[tuple[str, int]]:
    return [(c.value, c.count) for c in counts]


@pytest.mark.parametrize("query", QUERIES)
def test_facet_counts_equal_a_count_of_the_parsed_files(corpus_ix, corpus_documents, query):
    every = corpus_ix.search(query, limit=1000, snippets=False)
    ids = {hit.id for hit in every.hits}
    assert len(ids) == every.total > 0
    results = corpus_ix.search(query, limit=2, facets=FACETS, facet_limit=None)  # counts are not the page's
    assert results.total == every.total and len(results.hits) <= 2
    for name in FACETS:
        assert pairs(results.facets[name]) == expected(corpus_documents, ids, name, None), name
    top = corpus_ix.search(query, limit=2, facets=FACETS)
    for name in FACETS:
        assert pairs(top.facets[name]) == expected(corpus_documents, ids, name), name


@pytest.mark.parametrize("lang", ["en", "de"])
def test_facets_of_a_whole_language_count_every_document_in_it(corpus_ix, corpus_documents, lang):
    mine = [d for d in corpus_documents.values() if (d.language or "").lower() == lang]
    results = corpus_ix.search("*", lang=lang, facets=("language", "wire", "year"), facet_limit=None)
    assert pairs(results.facets["language"]) == [(lang, len(mine))]
    assert dict(pairs(results.facets["wire"])) == dict(Counter(d.wire for d in mine if d.wire))
    assert sum(c.count for c in results.facets["year"]) == sum(1 for d in mine if value(d, "year"))


def test_documents_without_the_field_are_not_counted(corpus_ix, corpus_documents):
    results = corpus_ix.search("*", facets=("wire", "month"), facet_limit=None)
    assert results.total == len(corpus_documents)
    for name in ("wire", "month"):
        assert sum(c.count for c in results.facets[name]) == sum(1 for d in corpus_documents.values() if value(d, name))
        assert sum(c.count for c in results.facets[name]) < results.total  # plain files have neither


@pytest.mark.parametrize("query", ["energy", "energ*", "*"])
def test_the_whoosh_path_counts_the_same(corpus_index, corpus_ix, query):
    with Index(corpus_index) as slow:
        slow.columnar = False
        for sort in ("relevance", "-date"):
            a = slow.search(query, sort=sort, facets=FACETS, filters={"language": "en"})
            b = corpus_ix.search(query, sort=sort, facets=FACETS, filters={"language": "en"})
            assert (a.total, a.facets, [h.id for h in a.hits]) == (b.total, b.facets, [h.id for h in b.hits])


def test_the_whoosh_path_counts_only_filtered_documents_when_it_skips(corpus_index, corpus_ix):
    """With more matches than the page, Whoosh skips blocks and then counted its hits by
    running the query again without the filter: 15 English hits for 14."""
    with Index(corpus_index) as slow:
        slow.columnar = False
        for query in ("market OR energy OR wind", "the OR and"):
            a = slow.search(query, limit=3, filters={"language": "en"})
            b = corpus_ix.search(query, limit=3, filters={"language": "en"})
            assert a.total == b.total == corpus_ix.search(query, limit=3, lang="en").total


FILTERS = [
    ({"wire": ["PR Newswire"]}, lambda d: d.wire == "PR Newswire"),
    ({"wire": ["pr newswire"]}, lambda d: d.wire == "PR Newswire"),  # as the index compares names
    ({"issuer": ["Brandt & Söhne Maschinenbau AG"]}, lambda d: d.issuer == "Brandt & Söhne Maschinenbau AG"),
    ({"issuer": ["BRANDT & SOHNE  Maschinenbau ag"]}, lambda d: d.issuer == "Brandt & Söhne Maschinenbau AG"),
    ({"issuer": ["Brandt"]}, lambda d: False),  # a word of the value is not the value
    ({"place": ["München"]}, lambda d: d.place == "München"),
    ({"wire": ["PR Newswire", "EQS"]}, lambda d: d.wire in ("PR Newswire", "EQS")),  # OR within a field
    (
        {"wire": ["PR Newswire"], "month": ["2025-06"]},
        lambda d: d.wire == "PR Newswire" and value(d, "month") == "2025-06",
    ),
    ({"label": ["Anzeige"], "language": ["EN"]}, lambda d: d.label == "Anzeige" and d.language == "en"),
    ({"year": "2025"}, lambda d: value(d, "year") == "2025"),
]


@pytest.mark.parametrize("filters, keep", FILTERS)
def test_filters_keep_exactly_the_documents_with_the_value(corpus_ix, corpus_documents, filters, keep):
    want = {i for i, d in corpus_documents.items() if keep(d)}
    results = corpus_ix.search("*", limit=1000, filters=filters, facets=tuple(filters))
    assert {h.id for h in results.hits} == want and results.total == len(want)
    for name in filters:
        assert sum(c.count for c in results.facets[name]) == len(want)


def test_a_filter_narrows_a_query_and_its_facets(corpus_ix, corpus_documents):
    query_ids = {h.id for h in corpus_ix.search("wind OR solar", limit=1000).hits}
    results = corpus_ix.search(
        "wind OR solar", limit=1000, filters={"language": "en"}, facets=("wire",), facet_limit=None
    )
    ids = {h.id for h in results.hits}
    assert ids == {i for i in query_ids if corpus_documents[i].language == "en"} and ids < query_ids
    assert pairs(results.facets["wire"]) == expected(corpus_documents, ids, "wire", None)


@pytest.mark.parametrize(
    "call, message",
    [
        (dict(facets=("colour",)), "unknown facet field 'colour'"),
        (dict(filters={"colour": ["red"]}), "unknown filter field 'colour'"),
    ],
)
def test_unknown_fields_raise_query_errors(corpus_ix, call, message):
    with pytest.raises(QueryError, match=message):
        corpus_ix.search("energy", **call)


def test_json_has_facets_only_when_asked(cli, corpus_index, corpus_documents):
    plain = json.loads(cli("search", "energy", "--format", "json", index=corpus_index).output)
    assert "facets" not in plain
    out = cli("search", "energy", "--format", "json", "--facet", "wire", "--facet", "year", index=corpus_index)
    data = json.loads(out.output)
    ids = {
        h["id"]
        for h in json.loads(cli("search", "energy", "-n", "1000", "--format", "json", index=corpus_index).output)[
            "hits"
        ]
    }
    assert list(data["facets"]) == ["wire", "year"]
    assert data["facets"]["wire"] == [{"value": v, "count": n} for v, n in expected(corpus_documents, ids, "wire")]
    assert data["facets"]["year"] == [{"value": "2025", "count": data["total"]}]


def test_text_prints_a_block_per_facet_after_the_hits(cli, corpus_index):
    out = cli("search", "--filter", "wire=PR Newswire", "*", "--facet", "label", "-n", "1", index=corpus_index)
    assert out.exit_code == 0
    head, facets, summary = out.output.rsplit("\n\n", 2)
    assert "PR Newswire" in head
    lines = facets.splitlines()
    assert lines[0] == "label:" and all(line.split(None, 1)[0].isdigit() for line in lines[1:])
    assert sum(int(line.split(None, 1)[0]) for line in lines[1:]) <= int(summary.split()[0])


# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 11 lines, not 5.
@pytest.mark.parametrize("args, message", [
    (("--facet", "colour"), "dateline: unknown facet field 'colour'; choose from issuer, wire, place, region, country, language, year, month, label"),
    (("--filter", "colour=red"), "dateline: unknown filter field 'colour'"),
    (("--filter", "wire"), "dateline: filter 'wire': use FIELD=VALUE"),
])  # fmt: skip
def test_cli_errors_are_one_line_exit_2(cli, corpus_index, args, message):
    out = cli("search", "energy", *args, index=corpus_index)
    assert out.exit_code == 2
    assert out.output.startswith(message) and out.output.count("\n") == 1


def test_a_filter_nothing_has_is_no_hits_exit_1(cli, corpus_index):
    out = cli("search", "*", "--filter", "wire=Pigeon Post", index=corpus_index)
    assert out.exit_code == 1 and out.output.startswith("0 hits")


def test_deleted_documents_are_not_counted(corpus_copy, tmp_path):
    from indexer import index_paths

    index_paths([corpus_copy], tmp_path / "ix")
    with Index(tmp_path / "ix") as ix:
        before = dict(pairs(ix.search("*", facets=("wire",), facet_limit=None).facets["wire"]))
    (corpus_copy / "prnewswire-fama-2025-06-06.txt").unlink()
    index_paths([corpus_copy], tmp_path / "ix")
    with Index(tmp_path / "ix") as ix:
        after = dict(pairs(ix.search("*", facets=("wire",), facet_limit=None).facets["wire"]))
    assert after == {**before, "PR Newswire": before["PR Newswire"] - 1}
