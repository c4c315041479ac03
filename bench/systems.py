"""The systems bench/run.py measures dateline against, each runnable as its own process.

    python bench/systems.py naive-index CORPUS INDEX    # naive Whoosh: one writer, defaults
    python bench/systems.py fts5-index CORPUS DB        # SQLite FTS5, porter tokenizer

Both read the documents with dateline's own parser, so every system indexes the same documents
and fields and the comparison is about indexing, not parsing. Run as separate processes so that
each one's time and peak memory are its own.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.core.document import Document  # noqa: E402
from indexer.core.errors import DocumentError  # noqa: E402
from indexer.core.records import index_date  # noqa: E402
from indexer.parse.files import read_documents  # noqa: E402
from indexer.write.walk import walk  # noqa: E402

#: The fields every system indexes: the ones dateline searches by default, and filters on.
TEXT_FIELDS = ("title", "body", "issuer", "place", "wire", "contact")


def documents(corpus: Path) -> Iterator[Document]:
    """Every document under ``corpus``, parsed by dateline; unreadable files are skipped."""
    for path in map(Path, walk(corpus).files):
        try:
            yield from read_documents(path, doc_id=path.relative_to(corpus).as_posix()).documents
        except DocumentError:
            continue


def naive_schema():  # -> whoosh.fields.Schema
    """What a first Whoosh program would write: StemmingAnalyzer text fields, defaults."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    fields = {name: TEXT(analyzer=StemmingAnalyzer(), stored=name in ("title", "body")) for name in TEXT_FIELDS}
    return Schema(id=ID(stored=True, unique=True), language=ID(stored=True), date=DATETIME(stored=True), **fields)


def naive_fields(doc: Document) -> dict:
    fields = {name: getattr(doc, name) for name in TEXT_FIELDS if getattr(doc, name)}
    fields.update(id=doc.id, language=doc.language or "")
    if (when := index_date(doc)) is not None:
        fields["date"] = when
    return fields


def naive_index(corpus: Path, index_dir: Path) -> int:
    """Index ``corpus`` with one default Whoosh writer, as the docs show it."""
    from whoosh import index

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), naive_schema())
    writer = ix.writer()
    count = 0
    for doc in documents(corpus):
        writer.add_document(**naive_fields(doc))
        count += 1
    writer.commit()
    return count


FTS5_COLUMNS = ("id", *TEXT_FIELDS, "language", "date")


def fts5_index(corpus: Path, db: Path) -> int:
    """Index ``corpus`` into an FTS5 table (porter tokenizer), one transaction."""
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute(f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(FTS5_COLUMNS)}, tokenize='porter unicode61')")
    count = 0
    with con:
        for doc in documents(corpus):
            when = index_date(doc)
            row = [
                doc.id,
                *(getattr(doc, n) or "" for n in TEXT_FIELDS),
                doc.language or "",
                when.strftime("%Y-%m-%d") if when else "",
            ]
            con.execute(f"INSERT INTO docs VALUES ({', '.join('?' * len(row))})", row)
            count += 1
    con.close()
    return count


def main() -> None:
    command, corpus, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    count = {"naive-index": naive_index, "fts5-index": fts5_index}[command](corpus, out)
    print(count)


if __name__ == "__main__":
    main()
