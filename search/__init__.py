"""dateline's search API.

>>> from search import Index
>>> with Index(".dateline") as ix:
...     for hit in ix.search('"armed forces"').hits:
...         print(hit.rank, hit.id, hit.document.title)
"""

from indexer.document import Document
from indexer.errors import DatelineError, IncompatibleIndexError, IndexNotFoundError

from .errors import DocumentNotFoundError, QueryError
from .feedback import Feedback
from .index import Index
from .results import Hit, Results, Snippet
from .stats import Stats

__all__ = [
    "DatelineError",
    "Document",
    "DocumentNotFoundError",
    "Feedback",
    "Hit",
    "IncompatibleIndexError",
    "Index",
    "IndexNotFoundError",
    "QueryError",
    "Results",
    "Snippet",
    "Stats",
]
