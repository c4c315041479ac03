"""The public result types of a search: `Results` holding `Hit`s, each with a `Snippet`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from indexer.core.document import Document

if TYPE_CHECKING:  # Whoosh is loaded only when a search is explained
    from search.explain import Explanation


@dataclass(frozen=True)
class Snippet:
    """A short passage of the body; ``spans`` are (start, end) offsets of matched terms in ``text``."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The text with each matched span wrapped in ``before`` … ``after``."""
        out, last = [], 0
        for start, end in self.spans:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        out.append(self.text[last:])
        return "".join(out)


@dataclass(frozen=True)
class FacetCount:
    """One value of a facet (`search.facets`) and the number of matching documents that have it."""

    value: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count}


@dataclass(frozen=True)
class Copy:
    """Another copy of a hit's story (`indexer.write.grouping`): its id, its site (a URL's host,
    else its folder), its date, and whether it is the story's ``lead`` (the earliest published)."""

    id: str
    site: str
    date: date | None
    lead: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "site": self.site,
            "date": self.date.isoformat() if self.date else None,
            "lead": self.lead,
        }


@dataclass(frozen=True)
class Hit:
    """One ranked document. ``score`` is ``None`` when results are sorted by date; ``snippet`` is
    ``None`` when the search was asked for none; ``explanation`` breaks the score down by
    query term and field when the search was asked to explain (`search.explain`)."""

    rank: int
    id: str
    score: float | None
    document: Document
    snippet: Snippet | None
    explanation: Explanation | None = None
    #: The other copies of its story, lead first, when the search collapsed them (``collapse``).
    copies: tuple[Copy, ...] = ()
    #: Whether it is its story's lead (earliest published copy); None when it has no copies shown.
    lead: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: rank, id, score, every stored field, snippet and highlight offsets, and
        the copies collapsed under it (when the search collapsed any)."""
        out: dict[str, Any] = {"rank": self.rank, "id": self.id, "score": self.score}
        out.update(self.document.to_dict())
        if self.snippet is not None:
            out["snippet"] = self.snippet.text
            out["highlights"] = [list(span) for span in self.snippet.spans]
        if self.explanation is not None:
            out["explanation"] = self.explanation.to_dict()
        if self.copies:
            out["copies"] = [c.to_dict() for c in self.copies]
            out["lead"] = self.lead
        return out


@dataclass(frozen=True)
class Results:
    """One page of hits for a query; ``total`` counts all matching documents; ``suggestion`` is
    a corrected query (did you mean) or None."""

    query: str
    total: int
    page: int
    limit: int
    elapsed_ms: float
    hits: list[Hit] = field(default_factory=list)
    #: Counts per facet asked for (``Index.search(facets=…)``) over all matching documents.
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    #: Did you mean: the query with misspelt words corrected, when that finds more (`search.suggest`).
    suggestion: str | None = None
    #: The query as searched when its quotes or brackets were unbalanced (`search.balance`):
    #: ``'"armed forces'`` is read as ``'"armed forces"'``; None when read as typed.
    read_as: str | None = None
    #: What was changed to read it so (``("closed the quote",)``).
    repairs: tuple[str, ...] = ()
    #: Stories matched, the copies of one counted once, when the search collapsed copies; else None.
    stories: int | None = None
    #: For `Index.similar`: the other copies of the document's own story, lead first.
    copies: tuple[Copy, ...] = ()

    @property
    def pages(self) -> int:
        """Pages of hits: of stories when copies were collapsed."""
        shown = self.total if self.stories is None else self.stories
        return -(-shown // self.limit) if self.limit else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "page": self.page,
            "limit": self.limit,
            "hits": [hit.to_dict() for hit in self.hits],
            **(
                {"facets": {name: [c.to_dict() for c in counts] for name, counts in self.facets.items()}}
                if self.facets
                else {}
            ),
            "suggestion": self.suggestion,
            **({"stories": self.stories} if self.stories is not None else {}),
            **({"copies": [c.to_dict() for c in self.copies]} if self.copies else {}),
        }


@dataclass(frozen=True)
class Story:
    """One story's copies (`Index.duplicates`): its lead's title, and every copy, lead first."""

    title: str | None
    copies: tuple[Copy, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "size": len(self.copies), "copies": [c.to_dict() for c in self.copies]}


@dataclass(frozen=True)
class ScoreDoc:
    """One match before its stored fields are read, as a shard sends it to be merged (`Index.top_docs`):
    its score (0 when sorted by date), document number in its index, id, and the date column's value
    (the sort key of a date order)."""

    score: float
    doc: int
    id: str
    date: int


@dataclass(frozen=True)
class TopDocs:
    """A search's best matches in its order, with the total matched and every facet value's
    count (none cut): the part of `Results` that adds up across shards (`search.cluster.merging`)."""

    total: int
    docs: tuple[ScoreDoc, ...] = ()
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
