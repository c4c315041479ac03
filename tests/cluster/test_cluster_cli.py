"""The cluster from the command line: `dateline cluster plan`, `index --cluster`, `search`,
`timeline` and `show` with `--cluster` or `$DATELINE_CLUSTER`, `serve --cluster`, and errors."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import Served

from search.cli.commands import main


def run(*args: str, **env: str):
    return CliRunner().invoke(main, list(args), env=env or None, catch_exceptions=False)


@pytest.fixture(scope="module")
def planned(archive, tmp_path_factory):
    """Two wires of the archive as a cluster of 2 shards by hash, indexed through the CLI, and as
    one index: (cluster root, single index)."""
    base = tmp_path_factory.mktemp("cli")
    src = base / "src"
    for wire in ("eqs", "prnewswire"):
        shutil.copytree(archive / wire, src / wire)
    root = base / "cluster"
    planned = run("cluster", "plan", "--shard-by", "hash:2", "--index", str(root), str(src))
    assert planned.exit_code == 0, planned.output
    assert [line.split("\t")[0] for line in planned.stdout.splitlines()] == ["h0", "h1"]
    indexed = run("index", "--index", str(root), "--cluster", "local:1")
    assert indexed.exit_code == 0, indexed.output
    assert "2 shards: " in indexed.output and " 0 failed" in indexed.output
    assert run("index", "--index", str(base / "single"), str(src)).exit_code == 0
    return root, base / "single"


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_search_timeline_and_show_on_the_cluster_answer_as_one_index(planned) -> None:
    root, single = planned
    one = _json(run("search", "market OR Unternehmen", "-n", "50", "--format", "json", "--index", str(single)))
    many = _json(
        run(
            "search",
            "market OR Unternehmen",
            "-n",
            "50",
            "--format",
            "json",
            "--index",
            str(root),
            "--cluster",
            "local:1",
        )
    )
    assert many["total"] == one["total"] > 10
    assert [h["score"] for h in many["hits"]] == pytest.approx([h["score"] for h in one["hits"]], abs=1e-9)
    timeline = _json(run("timeline", "market", "--format", "json", "--index", str(root), DATELINE_CLUSTER="local:1"))
    assert timeline == _json(run("timeline", "market", "--format", "json", "--index", str(single)))
    doc = one["hits"][0]["id"]
    shown = run("show", doc, "--format", "json", "--index", str(root), "--cluster", "local:1")
    assert _json(shown) == _json(run("show", doc, "--format", "json", "--index", str(single)))
    like = _json(run("similar", doc, "-n", "5", "--format", "json", "--index", str(root), "--cluster", "local:1"))
    alike = _json(run("similar", doc, "-n", "5", "--format", "json", "--index", str(single)))
    assert like["total"] == alike["total"] > 0
    assert [h["score"] for h in like["hits"]] == pytest.approx([h["score"] for h in alike["hits"]], abs=1e-9)
    summed = _json(run("stats", "--format", "json", "--index", str(root), "--cluster", "local:1"))
    alone = _json(run("stats", "--format", "json", "--index", str(single)))
    for key in ("documents", "first_date", "last_date", "issuers", "wires", "languages", "formats"):
        assert summed[key] == alone[key], key


@pytest.mark.parametrize(
    "args, message",
    [
        (("index", "--cluster", "local:1"), "no cluster.json"),
        (("index", "--cluster", "local:1", "."), "give no PATHS"),
        (("index",), "give the PATHS"),
        (("search", "x", "--cluster", "local:0"), "at least 1 worker"),
        (("search", "x", "--cluster", "local:1", "--feedback"), "without --feedback"),
        (("cluster", "plan", "--shard-by", "week", "--index", "c", "."), "--shard-by 'week'"),
    ],
)
def test_mistakes_get_one_line_and_status_2(tmp_path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*args, "--index", str(tmp_path / "c")] if args[0] != "cluster" else list(args))
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_serve_cluster_keeps_the_shards_resident_for_the_command_line(planned, tmp_path) -> None:
    root, single = planned
    served = Served(tmp_path / "run", "--cluster", "local:1")
    try:
        before = served.answered()
        result = served.call("search", "oil OR Aktie", "-n", "20", "--format", "json", index=root)
        assert served.answered() == before + 1, served.log.read_text()  # answered by the server
        local = served.call("search", "oil OR Aktie", "-n", "20", "--format", "json", index=single, served=False)
        many, one = json.loads(result.stdout), json.loads(local.stdout)
        assert many["total"] == one["total"] > 0
        assert [h["score"] for h in many["hits"]] == pytest.approx([h["score"] for h in one["hits"]], abs=1e-9)
    finally:
        served.stop()


def test_the_web_api_serves_a_cluster(planned, cluster_client) -> None:
    import functools

    from conftest import Web

    from search.cluster.sharded import Cluster

    root, single = planned
    web = Web(root, opener=functools.partial(Cluster.open, cluster_client))
    alone = Web(single)
    try:
        many = web.api("/api/search?q=market&limit=20")
        one = alone.api("/api/search?q=market&limit=20")
        assert many["total"] == one["total"] > 0
        assert [h["score"] for h in many["hits"]] == pytest.approx([h["score"] for h in one["hits"]], abs=1e-9)
        assert web.api("/api/timeline?q=market") == alone.api("/api/timeline?q=market")
        doc = one["hits"][0]["id"]
        assert web.api(f"/api/document?id={doc}&q=market") == alone.api(f"/api/document?id={doc}&q=market")
        assert web.get("/?q=market").status == 200
    finally:
        web.close()
        alone.close()
