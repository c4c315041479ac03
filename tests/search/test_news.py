"""News ranking (`search.news`): copies collapsed, recency decay and a cap per source, through the
API, the command line and JSON, on an archive of real corpus releases republished by portals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import CASES, CORPUS, NOTICE, republished, write

from indexer import index_paths
from indexer.core.groups import Groups
from search import Index, QueryError
from search.news import NewsOptions, arrange, half_life_seconds

RELEASE = "en/businesswire-corvane-phase2-results-2025-03-12.txt"


@pytest.fixture(scope="module")
def news_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English corpus, with one release republished by two portals a day and two days later."""
    root = tmp_path_factory.mktemp("news")
    archive = root / "archive"
    for path in sorted((CORPUS / "en").iterdir()):
        write(archive, f"wire/{path.name}", path.read_text("utf-8"))
    text = (CORPUS / RELEASE).read_text("utf-8")
    write(archive, "portal-a.example/corvane.txt", republished(text, 1))
    write(archive, "portal-b.example/corvane.txt", republished(text, 2))
    index = root / "index"
    assert not index_paths([archive], index).failed
    return index


LEAD = f"wire/{Path(RELEASE).name}"
COPIES = {LEAD, "portal-a.example/corvane.txt", "portal-b.example/corvane.txt"}


def test_collapse_shows_a_story_once_with_its_copies(news_index: Path) -> None:
    with Index(news_index) as ix:
        plain = ix.search("Corvane fatigue", limit=10)
        collapsed = ix.search("Corvane fatigue", limit=10, collapse=True)
    assert {h.id for h in plain.hits} >= COPIES
    shown = [h for h in collapsed.hits if h.id in COPIES]
    assert len(shown) == 1
    assert {c.id for c in shown[0].copies} == COPIES - {shown[0].id}
    assert collapsed.total == plain.total and collapsed.stories == plain.total - 2
    assert plain.stories is None and all(not h.copies for h in plain.hits)
    data = collapsed.to_dict()
    assert data["stories"] == collapsed.stories
    first = next(h for h in data["hits"] if h["id"] in COPIES)
    assert sorted(c["id"] for c in first["copies"]) == sorted(COPIES - {first["id"]})
    assert [c["id"] for c in first["copies"] + [first] if c.get("lead")] == [LEAD]


def test_collapse_pages_continue_without_the_copies(news_index: Path) -> None:
    with Index(news_index) as ix:
        whole = [h.id for h in ix.search("the", limit=50, collapse=True, match="any").hits]
        paged = [h.id for page in (1, 2, 3) for h in ix.search("the", limit=4, page=page, collapse=True).hits]
    assert paged == whole[:12]
    assert len(set(whole) & COPIES) == 1


def test_recent_decays_scores_by_age(news_index: Path) -> None:
    with Index(news_index) as ix:
        plain = {h.id: h for h in ix.search("contract OR acquisition", limit=50).hits}
        recent = ix.search("contract OR acquisition", limit=50, recent="30d", now="2025-12-01", explain=True)
    for hit in recent.hits:
        assert hit.explanation is not None and hit.document.date is not None and hit.score is not None
        adjustment = hit.explanation.adjustment
        assert adjustment is not None and adjustment.half_life_days == 30 and adjustment.age_days is not None
        age = (np.datetime64("2025-12-01") - np.datetime64(hit.document.date.isoformat())).astype(int)
        assert adjustment.age_days == pytest.approx(age, abs=1)
        assert hit.score == pytest.approx(plain[hit.id].score * 0.5 ** (adjustment.age_days / 30), rel=1e-4)
    newest = max(str(h.document.date) for h in plain.values())
    assert newest in {str(h.document.date) for h in recent.hits[:3]}  # the newest match rises to the top
    scores = [h.score or 0.0 for h in recent.hits]
    assert scores == sorted(scores, reverse=True)


def test_per_source_caps_a_site_on_a_page(news_index: Path) -> None:
    with Index(news_index) as ix:
        capped = ix.search("Corvane", limit=2, per_source=1, explain=True)
        plain = ix.search("Corvane", limit=2)
    sites = [h.id.split("/")[0] for h in capped.hits]
    assert len(set(sites)) == len(sites) == 2
    assert len({h.id.split("/")[0] for h in plain.hits}) == 1 or plain.hits != capped.hits


def test_bad_news_options_are_refused() -> None:
    with pytest.raises(QueryError, match="half-life"):
        half_life_seconds("soon")
    with pytest.raises(QueryError, match="above 0"):
        half_life_seconds("0d")
    with pytest.raises(QueryError, match="per_source"):
        NewsOptions(per_source=0)
    assert half_life_seconds("2w") == 14 * 86400 and half_life_seconds(1.5) == 1.5 * 86400


def test_moved_hits_come_back_when_nothing_else_is_left() -> None:
    """Ten hits of one site and two of another, two a page per site: pages keep the cap while other
    hits last, then take the moved ones back in rank order; nothing is lost or repeated."""
    groups = Groups.none(12)
    groups = Groups(
        **{**groups.__dict__, "site": np.asarray([0] * 10 + [1] * 2, np.int32), "sites": np.asarray(["a", "b"])}
    )
    docs = np.arange(12)
    scores = np.linspace(12, 1, 12)
    arranged = arrange(docs, scores, groups, NewsOptions(per_source=2), wanted=12, page_size=4)
    order = [d for _, d in arranged.top]
    assert sorted(order) == list(range(12))
    assert order[:4] == [0, 1, 10, 11]
    assert order[4:] == list(range(2, 10))
    assert arranged.adjustments[10].moved_from is None and arranged.adjustments[2].moved_from == 3


def test_cli_collapses_text_by_default_and_json_on_request(news_index: Path, cli) -> None:
    text = cli(*["search", "Corvane fatigue", "--index", str(news_index)])
    assert text.exit_code == 0, text.output
    assert "+2 copies: businesswire.com (first), portal-b.example" in text.output
    assert "3 hits (1 story, copies collapsed)" in text.output
    raw = cli(*["search", "Corvane fatigue", "--index", str(news_index), "--format", "json"])
    hits = json.loads(raw.output)["hits"]
    assert len({h["id"] for h in hits} & COPIES) == 3 and all("copies" not in h for h in hits)
    grouped = cli(*["search", "Corvane fatigue", "--index", str(news_index), "--format", "json", "--collapse"])
    data = json.loads(grouped.output)
    assert len({h["id"] for h in data["hits"]} & COPIES) == 1 and data["stories"] == data["total"] - 2
    plain = cli(*["search", "Corvane fatigue", "--index", str(news_index), "--no-collapse"])
    assert "copies" not in plain.output


def test_cli_recent_per_source_and_explain(news_index: Path, cli) -> None:
    result = cli(
        *[
            "search",
            "Corvane",
            "--index",
            str(news_index),
            "--recent",
            "30d",
            "--now",
            "2025-12-01",
            "--per-source",
            "1",
            "-n",
            "2",
            "--explain",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "recency:" in result.output and "half-life 30 days" in result.output
    bad = cli(*["search", "Corvane", "--index", str(news_index), "--recent", "soon"])
    assert bad.exit_code == 2 and "half-life" in bad.output
    lonely = cli(*["search", "Corvane", "--index", str(news_index), "--now", "2025-12-01"])
    assert lonely.exit_code == 2 and "--recent" in lonely.output


def test_duplicates_and_similar_list_the_copies(news_index: Path, cli) -> None:
    result = cli(*["duplicates", "--index", str(news_index), "--format", "json"])
    assert result.exit_code == 0, result.output
    stories = json.loads(result.output)
    assert [sorted(c["id"] for c in s["copies"]) for s in stories] == [sorted(COPIES)]
    assert stories[0]["copies"][0]["id"] == LEAD and stories[0]["copies"][0]["lead"] is True
    none = cli(*["duplicates", "kestrel", "--index", str(news_index)])
    assert none.exit_code == 1 and "no copies found" in none.output
    similar = cli(*["similar", "portal-a.example/corvane.txt", "--index", str(news_index)])
    assert similar.exit_code == 0 and "copies of portal-a.example/corvane.txt (2):" in similar.output
    assert f"{LEAD}  (first)" in similar.output


@pytest.fixture(scope="module")
def news_web(news_index: Path):
    from conftest import Web

    served = Web(news_index)
    yield served
    served.close()


def test_the_web_page_collapses_and_the_api_on_request(news_web) -> None:
    page = news_web.get("/search?q=Corvane+fatigue").text
    assert "+2 copies: businesswire.com (first), portal-b.example" in page
    assert "3 hits (1 story, copies collapsed)" in page
    assert "+2 copies" not in news_web.get("/search?q=Corvane+fatigue&collapse=0").text
    api = news_web.api("/api/search?q=Corvane+fatigue")
    assert len(api["hits"]) == 3 and "stories" not in api and api["pages"] == 1
    collapsed = news_web.api("/api/search?q=Corvane+fatigue&collapse=1&recent=30d&per_source=1")
    assert len(collapsed["hits"]) == 1 and collapsed["stories"] == 1 and collapsed["pages"] == 1
    assert sorted(c["id"] for c in collapsed["hits"][0]["copies"]) == sorted(COPIES - {collapsed["hits"][0]["id"]})
    assert news_web.get("/api/search?q=Corvane&recent=soon").status == 400
    assert news_web.get("/api/search?q=Corvane&collapse=yes").status == 400


def test_collapsed_api_answers_match_the_openapi_schema(news_web) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="the test extra's jsonschema checks responses")
    from search.serve.openapi import spec as build_spec

    spec = build_spec()
    schema = {**spec["components"]["schemas"]["Search"], "components": spec["components"]}
    jsonschema.validate(news_web.api("/api/search?q=Corvane+fatigue&collapse=1"), schema)


def test_news_options_are_refused_with_batch_runs_and_clusters(news_index: Path, cli, tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text("1\tcorvane\n", encoding="utf-8")
    batch = cli("search", "--batch", str(queries), "--per-source", "2", index=news_index)
    assert batch.exit_code == 2 and "not with --batch or --cluster" in batch.output
    cluster = cli("search", "corvane", "--cluster", "local:1", "--recent", "30d", index=news_index)
    assert cluster.exit_code == 2 and "not with --batch or --cluster" in cluster.output


def test_an_index_without_groups_still_decays_and_refuses_per_source(news_index: Path, tmp_path: Path) -> None:
    """An index written before groups were (0.5): no copies, recency from the date column, and
    --per-source refused in one line (it needs each document's site)."""
    import shutil

    old = tmp_path / "old"
    shutil.copytree(news_index, old)
    for path in old.glob("groups_*.npz"):
        path.unlink()
    with Index(old) as ix:
        results = ix.search("contract OR acquisition", limit=5, collapse=True, recent="30d", explain=True)
        assert results.stories == results.total and all(not h.copies for h in results.hits)
        assert any(
            h.explanation is not None and h.explanation.adjustment is not None and h.explanation.adjustment.decay < 1
            for h in results.hits
        )
        with pytest.raises(QueryError, match="rebuild it"):
            ix.search("corvane", per_source=1)


def test_a_template_family_fills_one_place_a_page_when_collapsing(tmp_path: Path) -> None:
    """Six class-action notices of one law firm's template, and the corpus's real releases: without
    collapsing the notices fill the first page of a query about investors' losses; collapsed, one
    notice stands for them there and real releases take the other places."""
    archive = tmp_path / "archive"
    for day, case in enumerate(CASES, start=7):
        write(archive, f"notices/notice-{day}.txt", NOTICE.format(day=day, **case))
    for path in sorted((CORPUS / "en").iterdir()):
        write(archive, f"wire/{path.name}", path.read_text("utf-8"))
    index = tmp_path / "index"
    index_paths([archive], index)
    with Index(index) as ix:
        plain = ix.search("investors shares price fell", match="any", limit=4)
        collapsed = ix.search("investors shares price fell", match="any", limit=4, collapse=True, explain=True)
        second = ix.search("investors shares price fell", match="any", limit=4, page=2, collapse=True)
    assert [h.id.startswith("notices/") for h in plain.hits] == [True] * 4
    assert [h.id.startswith("notices/") for h in collapsed.hits].count(True) == 1
    assert [h.id.startswith("notices/") for h in second.hits].count(True) == 1
    assert collapsed.stories == collapsed.total  # a family is no copy: every notice still counts
