"""Every query form against the sample corpus, checked against an independent oracle.

The oracle parses the corpus files itself and evaluates terms, phrases, booleans and dates in
plain Python over the analysed tokens, so these tests check Whoosh's query handling and our
parser and filters, not the other way round.
"""

from __future__ import annotations

import re
import threading
from datetime import date
from functools import cache

import pytest
from conftest import CORPUS, SEED_NAME

from indexer import index_paths, read_documents
from indexer.core.schema import DEFAULT_FIELDS, LANG_FIELDS, build_schema, lang_field
from search import DocumentNotFoundError, Index, QueryError

SCHEMA = build_schema()


@cache
def corpus_docs():
    docs = {}
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file():
            doc_id = path.relative_to(CORPUS).as_posix()
            for doc in read_documents(path, doc_id=doc_id).documents:
                docs[doc.id] = doc
    return docs


def analyze(doc, field, text):
    """Terms of ``text`` as the index analyses ``field`` of ``doc`` (by its language)."""
    name = lang_field(field, doc.language) if field in LANG_FIELDS else field
    return [t.text for t in SCHEMA[name].analyzer(text or "")]


@cache
def _tokens(doc_id, field):
    doc = corpus_docs()[doc_id]
    return analyze(doc, field, getattr(doc, field))


def tokens(doc, field):
    return _tokens(doc.id, field)


def has_term(word, fields=DEFAULT_FIELDS):
    return {i for i, d in corpus_docs().items() if any(analyze(d, f, word)[0] in tokens(d, f) for f in fields)}


def has_phrase(words, fields=DEFAULT_FIELDS):
    found = set()
    for i, d in corpus_docs().items():
        for f in fields:
            terms, toks = analyze(d, f, words), tokens(d, f)
            if any(toks[k : k + len(terms)] == terms for k in range(len(toks))):
                found.add(i)
    return found


def all_ids(ix, query, **kw):
    results = ix.search(query, limit=1000, **kw)
    assert results.total == len(results.hits)
    return {h.id for h in results.hits}


def test_index_holds_every_corpus_document(corpus_ix):
    assert len(corpus_ix) == len(corpus_docs()) >= 41


def test_bare_words_must_all_match(corpus_ix):
    expected = has_term("solar") & has_term("storage")
    assert expected and all_ids(corpus_ix, "solar storage") == expected
    assert expected < has_term("solar")


def test_or_and_not(corpus_ix):
    assert all_ids(corpus_ix, "solar OR wind") == has_term("solar") | has_term("wind")
    assert all_ids(corpus_ix, "wind NOT solar") == has_term("wind") - has_term("solar")
    assert all_ids(corpus_ix, "wind -solar") == has_term("wind") - has_term("solar")
    grouped = (has_term("solar") | has_term("wind")) & has_term("acquisition")
    assert all_ids(corpus_ix, "(solar OR wind) AND acquisition") == grouped


def test_phrase_matches_adjacent_words_only(corpus_ix):
    found = all_ids(corpus_ix, '"armed forces"')
    assert SEED_NAME in found
    assert found == has_phrase("armed forces")
    assert all_ids(corpus_ix, '"forces armed"') == set()
    # Both words but never adjacent: matched by the words, not by the phrase.
    apart = (has_term("armed") & has_term("forces")) - found
    assert "en/globenewswire-tessellate-treasury-analytics-2025-09-16.txt" in apart
    assert apart <= all_ids(corpus_ix, "armed forces")


def test_phrase_with_slop(corpus_ix):
    assert all_ids(corpus_ix, '"forces mali"') == set()  # "Forces of Mali": not adjacent
    assert SEED_NAME in all_ids(corpus_ix, '"forces of mali"')
    assert SEED_NAME in all_ids(corpus_ix, '"forces mali"~3')


def test_field_queries(corpus_ix):
    assert all_ids(corpus_ix, "issuer:corvane") == has_term("corvane", ["issuer"])
    assert len(all_ids(corpus_ix, "issuer:corvane")) == 3
    pr = {i for i, d in corpus_docs().items() if d.wire == "PR Newswire"}
    assert all_ids(corpus_ix, 'wire:"PR Newswire"') == pr
    assert all_ids(corpus_ix, "country:mali") == {SEED_NAME}
    assert all_ids(corpus_ix, "label:anzeige") == {i for i, d in corpus_docs().items() if d.label == "Anzeige"}
    assert all_ids(corpus_ix, 'title:"armed forces"') == has_phrase("armed forces", ["title"]) == {SEED_NAME}


def test_fields_option_restricts_bare_words(corpus_ix):
    assert all_ids(corpus_ix, "mali", fields=["title"]) == has_term("mali", ["title"])
    assert all_ids(corpus_ix, "mali", fields=["title"]) < all_ids(corpus_ix, "mali")
    with pytest.raises(QueryError, match="unknown field nope"):
        corpus_ix.search("mali", fields=["nope"])


def test_prefix_and_fuzzy(corpus_ix):
    prefixed = {
        i for i, d in corpus_docs().items() for f in DEFAULT_FIELDS if any(t.startswith("acqui") for t in tokens(d, f))
    }
    assert all_ids(corpus_ix, "acqui*") == prefixed
    assert has_term("armed") <= all_ids(corpus_ix, "armd~")
    assert all_ids(corpus_ix, "armd") == set()


def test_stemming_and_accent_folding(corpus_ix):
    only_acquired = has_term("acquired") - {i for i, d in corpus_docs().items() if "acquire " in d.body.lower()}
    assert only_acquired and only_acquired <= all_ids(corpus_ix, "acquire")
    accented = {i for i, d in corpus_docs().items() if "communiqué" in d.body.lower()}
    plain = {i for i, d in corpus_docs().items() if "communique" in d.body.lower()}
    assert SEED_NAME in accented and plain
    assert all_ids(corpus_ix, "communique") == all_ids(corpus_ix, "Communiqué") == accented | plain
    grosse = has_term("Größe")
    assert "de/eqs-nordlicht-energie-jahresergebnis-2025-03-27.txt" in grosse
    assert all_ids(corpus_ix, "GROSSE") == all_ids(corpus_ix, "grösse") == grosse


@pytest.mark.parametrize(
    "query, pattern",
    [("COVID-19", "COVID-19"), ("DE000A1B2C34", "DE000A1B2C34"), ("U.S.", "U.S."), ("€5.2bn", "€5.2bn")],
)
def test_codes_and_identifiers(corpus_ix, query, pattern):
    expected = {i for i, d in corpus_docs().items() if any(pattern in (getattr(d, f) or "") for f in DEFAULT_FIELDS)}
    assert expected and all_ids(corpus_ix, query) == expected


def _dated(start, end):
    return {i for i, d in corpus_docs().items() if d.date and start <= d.date <= end}


def test_date_range_query(corpus_ix):
    june = _dated(date(2025, 6, 1), date(2025, 6, 30))
    assert len(june) >= 8
    assert all_ids(corpus_ix, "date:[2025-06-01 TO 2025-06-30]") == june
    assert all_ids(corpus_ix, "date:[2025-06-01 to 2025-06-30]") == june
    assert all_ids(corpus_ix, "date:2025-06") == june
    assert all_ids(corpus_ix, "date:2025-06-06") == _dated(date(2025, 6, 6), date(2025, 6, 6))
    assert all_ids(corpus_ix, "date:[2025-06-10 TO]") == _dated(date(2025, 6, 10), date(2099, 1, 1))
    assert all_ids(corpus_ix, "date:[06.06.2025 TO 2025-6-6]") == _dated(date(2025, 6, 6), date(2025, 6, 6))


def test_since_and_until(corpus_ix):
    words = has_term("solar") | has_term("wind")
    in_june = words & _dated(date(2025, 6, 1), date(2025, 6, 30))
    assert all_ids(corpus_ix, "solar OR wind", since="2025-06-01", until="2025-06-30") == in_june
    assert all_ids(corpus_ix, "solar OR wind", since=date(2025, 6, 1), until=date(2025, 6, 30)) == in_june
    with pytest.raises(QueryError, match="not a date"):
        corpus_ix.search("wind", since="June")


def test_sort_by_date(corpus_ix):
    old_first = corpus_ix.search("solar OR wind", sort="date", limit=100).hits
    new_first = corpus_ix.search("solar OR wind", sort="-date", limit=100).hits
    dated = [h.document.date for h in old_first if h.document.date]
    assert dated == sorted(dated) and len(set(dated)) > 3
    assert [h.document.date for h in new_first if h.document.date] == sorted(dated, reverse=True)
    assert all(h.score is None for h in old_first)
    with pytest.raises(QueryError, match="unknown sort"):
        corpus_ix.search("wind", sort="newest")


def test_relevance_order_and_title_boost(corpus_ix):
    hits = corpus_ix.search("mali", limit=50).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits[0].id == SEED_NAME  # "Mali" in issuer, place and body


def test_pagination(corpus_ix):
    everything = corpus_ix.search("solar OR wind OR energy", limit=100)
    pages = [corpus_ix.search("solar OR wind OR energy", limit=4, page=p) for p in range(1, everything.total // 4 + 2)]
    assert [h.id for p in pages for h in p.hits] == [h.id for h in everything.hits]
    assert [h.rank for p in pages for h in p.hits] == list(range(1, everything.total + 1))
    assert all(p.total == everything.total for p in pages)
    beyond = corpus_ix.search("solar OR wind OR energy", limit=4, page=99)
    assert beyond.hits == [] and beyond.total == everything.total


def test_snippets_mark_the_matched_terms(corpus_ix):
    hit = corpus_ix.search("communique").hits[0]
    assert hit.snippet.spans
    for start, end in hit.snippet.spans:
        assert hit.snippet.text[start:end].lower() in ("communiqué", "communique")
    title_only = corpus_ix.search("armed", fields=["title"]).hits[0]
    assert title_only.snippet.text and not title_only.snippet.spans  # the body's opening instead


def test_get_and_missing(corpus_ix):
    doc = corpus_ix.get(SEED_NAME)
    assert doc.issuer == "General Staff of the Armed Forces of Mali (FAMa)"
    assert doc.published.isoformat() == "2025-06-06T13:18:00+02:00"
    with pytest.raises(DocumentNotFoundError):
        corpus_ix.get("missing.txt")


def test_empty_and_malformed_queries(corpus_ix):
    for bad in ("", "   "):
        with pytest.raises(QueryError, match="empty query"):
            corpus_ix.search(bad)
    with pytest.raises(QueryError, match="unknown field 'publisher'"):
        corpus_ix.search("publisher:acme")
    with pytest.raises(QueryError):
        corpus_ix.search("date:[2025-02-30 TO 2025-03-01]")
    # Unbalanced syntax is read leniently, as words.
    assert SEED_NAME in all_ids(corpus_ix, '"armed forces')
    assert SEED_NAME in all_ids(corpus_ix, "(mali")


def test_shared_across_threads(corpus_ix):
    queries = ["mali", '"armed forces"', "solar OR wind", "acqui*", "date:2025-06"]
    expected = {q: [h.id for h in corpus_ix.search(q, limit=50).hits] for q in queries}
    errors, mismatches = [], []

    def worker():
        try:
            for _ in range(20):
                for q in queries:
                    if [h.id for h in corpus_ix.search(q, limit=50).hits] != expected[q]:
                        mismatches.append(q)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and mismatches == []


def test_open_index_sees_later_commits(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha story\n\nabout turbines", "utf-8")
    index_paths([docs], tmp_path / "ix")
    with Index(tmp_path / "ix") as ix:
        assert ix.search("turbines").total == 1
        (docs / "b.txt").write_text("Beta story\n\nmore turbines", "utf-8")
        index_paths([docs], tmp_path / "ix")
        assert ix.search("turbines").total == 2


def test_index_path_from_environment(isolated_index):
    index_paths([CORPUS / SEED_NAME], isolated_index)
    with Index() as ix:
        assert ix.path == isolated_index and len(ix) == 1


def test_stats(corpus_ix):
    stats = corpus_ix.stats()
    docs = corpus_docs().values()
    assert stats.documents == len(docs)
    assert stats.first_date == min(d.date for d in docs if d.date)
    assert stats.last_date == max(d.date for d in docs if d.date)
    wires = {}
    for d in docs:
        if d.wire:
            wires[d.wire] = wires.get(d.wire, 0) + 1
    assert dict(stats.wires) == wires
    assert dict(stats.formats) == {f: sum(1 for d in docs if d.format == f) for f in {d.format for d in docs}}
    assert stats.size_bytes > 0 and "body" in stats.fields


def _with_word(word):
    """Documents whose title or body has ``word`` as a whole word (case-insensitive)."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    return {i for i, d in corpus_docs().items() if pattern.search(f"{d.title}\n{d.body}")}


def test_german_inflection_finds_other_forms(corpus_ix):
    inflected = _with_word("Unternehmens") - _with_word("Unternehmen")
    assert inflected, "the corpus needs a document with only the genitive form"
    assert inflected <= all_ids(corpus_ix, "Unternehmen", lang="de")
    assert _with_word("Umsätze") <= all_ids(corpus_ix, "Umsatz")


@pytest.mark.parametrize(
    "typed, written", [("Uebernahme", "Übernahme"), ("Groesse", "Größe"), ("Geschaeftsjahr", "Geschäftsjahr")]
)
def test_german_umlauts_typed_as_digraphs(corpus_ix, typed, written):
    expected = _with_word(written)
    assert expected and expected <= all_ids(corpus_ix, typed)
    assert all_ids(corpus_ix, typed, lang="de") == all_ids(corpus_ix, written, lang="de")


def test_lang_restricts_to_one_language(corpus_ix):
    everything = corpus_ix.search("solar OR wind OR Solarenergie", limit=200).hits
    german = corpus_ix.search("solar OR wind OR Solarenergie", limit=200, lang="de").hits
    english = corpus_ix.search("solar OR wind OR Solarenergie", limit=200, lang="en").hits
    assert german and english
    assert {h.document.language for h in german} == {"de"}
    assert {h.document.language for h in english} == {"en"}
    assert {h.id for h in german} | {h.id for h in english} <= {h.id for h in everything}
    with pytest.raises(QueryError, match="unknown language"):
        corpus_ix.search("solar", lang="fr")


def test_phrases_stay_exact_in_german(corpus_ix):
    phrase = all_ids(corpus_ix, '"Nordlicht Energie"', lang="de")
    assert phrase == has_phrase("Nordlicht Energie") & {i for i, d in corpus_docs().items() if d.language == "de"}
    assert all_ids(corpus_ix, '"Energie Nordlicht"') == has_phrase("Energie Nordlicht")


def ids(results):
    return {h.id for h in results.hits}


def test_stop_words_are_dropped_from_keyword_queries(corpus_ix):
    """ "the armed forces" ranks like "armed forces"; the stop words only count inside phrases."""
    plain = corpus_ix.search("armed forces", limit=100)
    with_stops = corpus_ix.search("the armed forces of", limit=100)
    assert [h.id for h in with_stops.hits] == [h.id for h in plain.hits] and plain.total > 0
    german = corpus_ix.search("Übernahme", limit=100, lang="de")
    assert ids(corpus_ix.search("die Übernahme und", limit=100, lang="de")) == ids(german) and german.total > 0


def test_stop_words_alone_and_in_phrases_still_match(corpus_ix):
    # A query of stop words only keeps them: documents holding all of them match.
    assert ids(corpus_ix.search("of the", limit=100)) == has_term("of") & has_term("the")
    # They are indexed, so a phrase needs them where they are, and nowhere else.
    assert ids(corpus_ix.search('"forces of mali"', limit=100)) == has_phrase("forces of mali") != set()
    assert ids(corpus_ix.search('"forces mali"', limit=100)) == has_phrase("forces mali")


def test_about_and_disclaimer_are_searchable_but_not_by_default(corpus_ix):
    """Boilerplate sections do not match bare words, and do match when named."""
    docs = corpus_docs()
    for section in ("about", "disclaimer"):
        doc = next(d for d in docs.values() if getattr(d, section) and d.language == "en")
        elsewhere = {t for f in DEFAULT_FIELDS for t in tokens(doc, f)}
        word = next(
            w
            for w in re.findall(r"[a-z]{6,}", getattr(doc, section).lower())
            if analyze(doc, section, w)[0] not in elsewhere
        )
        assert doc.id not in ids(corpus_ix.search(word, limit=100))
        assert doc.id in ids(corpus_ix.search(f"{section}:{word}", limit=100))


def test_stop_words_of_any_language_are_dropped_for_other_languages(jsonl_index):
    """A French document is indexed language-neutrally; the query may be English or German, so
    both languages' stop words are dropped for it."""
    path = jsonl_index(
        [
            {"_id": "fr", "title": "Rapport annuel", "text": "Le rapport annuel de la société.", "language": "fr"},
            {"_id": "en", "title": "Annual report", "text": "The annual report of the company.", "language": "en"},
        ]
    )
    with Index(path) as ix:
        assert ids(ix.search("the rapport")) == {"fr"}
        assert ids(ix.search("der Rapport")) == {"fr"}
        assert ids(ix.search("the annual report")) == {"en"}


@pytest.mark.parametrize("package", ["search", "indexer"])
def test_every_exported_name_resolves(package):
    """The packages import their names lazily (`indexer.core.lazy`): a wrong home in the table
    would only fail when a user first touched the name."""
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert getattr(value, "__name__", name) == name, name
        assert name in dir(module)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        module.nope  # noqa: B018 (reading the attribute is what raises)


def test_an_index_dropped_without_close_leaves_no_file_open(corpus_index):
    """`Index(p).search(…)` with no ``with`` nor ``close()`` gave ~30 ResourceWarnings (every
    column and postings file) at garbage collection; the finalizer closes them."""
    import subprocess
    import sys

    code = (
        "import gc, sys\n"
        "from search import Index\n"
        f"assert Index({str(corpus_index)!r}).search('Mali').total > 0\n"
        "gc.collect()\n"
        "print('searched', file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stderr == "searched\n", proc.stderr[-2000:]


def test_a_closed_index_closes_once_and_refuses_to_search(corpus_index):
    ix = Index(corpus_index)
    assert ix.search("Mali").total > 0
    ix.close()
    ix.close()
    with pytest.raises(ValueError, match="closed"):
        ix.search("Mali")
    with Index(corpus_index) as other:
        assert other.search("Mali").total > 0
    with pytest.raises(ValueError, match="closed"):
        other.search("Mali")
