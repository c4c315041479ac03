"""The peers dateline's ranking is measured against, each run on the same documents and queries.

Every peer takes a collection's documents ``(id, title, text)`` and queries ``(qid, text)`` and
returns ranked ``(qid, docid, score)`` triples, best first, at most ``limit`` per query. Each is
set up as its own documentation suggests, not tuned here.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator

Docs = list[tuple[str, str, str]]
Queries = list[tuple[str, str]]
Ranking = Iterator[tuple[str, str, float]]


def bm25s_peer(k1: float, b: float) -> Callable[[Docs, Queries, int], Ranking]:
    """bm25s (Lucene's BM25 variant) with Snowball English stemming and its English stop words."""

    def run(docs: Docs, queries: Queries, limit: int) -> Ranking:
        import bm25s
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
        corpus = [f"{title}\n{text}" for _, title, text in docs]
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(
            bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False
        )
        ids = [doc_id for doc_id, _, _ in docs]
        k = min(limit, len(docs))
        for qid, text in queries:
            tokens = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
            if not tokens.ids[0]:
                continue
            found, scores = retriever.retrieve(tokens, k=k, show_progress=False)
            for index, score in zip(found[0], scores[0], strict=True):
                if score > 0:
                    yield qid, ids[int(index)], float(score)

    return run


def fts5_peer(docs: Docs, queries: Queries, limit: int) -> Ranking:
    """SQLite FTS5 with the porter tokenizer, the query an OR of its words, ranked by bm25()."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(docid UNINDEXED, title, text, tokenize='porter')")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", docs)
    for qid, text in queries:
        words = re.findall(r"\w+", text)
        if not words:
            continue
        match = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute(
            "SELECT docid, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, limit)
        )
        for docid, score in rows:
            yield qid, docid, -score  # bm25() is lower-is-better


def whoosh_peer(docs: Docs, queries: Queries, limit: int) -> Ranking:
    """Whoosh as its tutorial sets it up: StemmingAnalyzer, BM25F defaults, words ORed."""
    from whoosh import index as wix
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup

    schema = Schema(
        docid=ID(stored=True), title=TEXT(analyzer=StemmingAnalyzer()), text=TEXT(analyzer=StemmingAnalyzer())
    )
    with tempfile.TemporaryDirectory() as folder:
        ix = wix.create_in(folder, schema)
        writer = ix.writer()
        for docid, title, text in docs:
            writer.add_document(docid=docid, title=title, text=text)
        writer.commit()
        parser = MultifieldParser(["title", "text"], ix.schema, group=OrGroup)
        with ix.searcher() as searcher:
            for qid, text in queries:
                # Plain words: the naive set-up still must not choke on punctuation.
                q = parser.parse(" ".join(re.findall(r"\w+", text)))
                for hit in searcher.search(q, limit=limit):
                    yield qid, hit["docid"], float(hit.score)
        ix.close()


#: name → runner, in the order the table prints them.
PEERS: dict[str, Callable[[Docs, Queries, int], Ranking]] = {
    "bm25s 0.9/0.4": bm25s_peer(0.9, 0.4),
    "bm25s 1.2/0.75": bm25s_peer(1.2, 0.75),
    "sqlite fts5": fts5_peer,
    "naive whoosh": whoosh_peer,
}
