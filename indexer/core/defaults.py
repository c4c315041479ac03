"""dateline's built-in defaults, importable without Whoosh or numpy.

The command line reads them while its options are declared, shell completion and config files
check values against them; keeping them here lets those run in a few milliseconds.
"""

from __future__ import annotations

#: Environment variable naming the index directory; the default is `DEFAULT_INDEX_DIR`.
INDEX_ENV = "DATELINE_INDEX"
DEFAULT_INDEX_DIR = ".dateline"

#: How long a run waits for another process's write lock before giving up (seconds).
LOCK_TIMEOUT = 10.0

#: Fields a bare query word searches, and their default boosts (BM25F field weights).
DEFAULT_FIELDS: tuple[str, ...] = ("title", "body", "issuer", "place")
DEFAULT_BOOSTS: dict[str, float] = {"title": 3.0, "issuer": 2.0, "place": 1.5, "body": 1.0}

#: Text fields that bare query words may search (``--fields``) and that may be boosted.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 16 lines, not 4.
TEXT_FIELDS: tuple[str, ...] = (
    "title", "body", "issuer", "place", "city", "region", "country", "wire", "label", "description", "about",
    "disclaimer", "contact", "author",
)  # fmt: skip

#: The default BM25 parameters (``--k1``, ``--b``). See README "How ranking works" for how they
#: were chosen: measured on four test collections, and kept inside the range that is usual
#: elsewhere (Lucene 1.2/0.75, Anserini 0.9/0.4) rather than tuned to them.
K1 = 1.2
B = 0.6

#: Seconds a search may take by default (``--timeout``); 0 or None means no limit.
DEFAULT_TIMEOUT = 10.0

#: A query with fewer hits than this gets a suggestion without being asked (``--suggest``
#: asks always). Two hits or fewer is "few" whatever the archive's size: a user who typed
#: one word wrong in a query of several often still gets one or two hits from a stray match.
FEW_HITS = 3

#: The zone of a time of day written without one (portal timestamps, stored times): the portals
#: dateline was first built for are German. A name, so this module imports no zoneinfo.
NAIVE_ZONE = "Europe/Berlin"

#: The periods a timeline counts by (``--by``).
BYS: tuple[str, ...] = ("day", "week", "month")
