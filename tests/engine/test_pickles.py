"""indexer/engine/pickles.py: an index is data, never code, even when named explicitly.

A test helper (`conftest.plant_code`) rewrites a real index's TOC so that unpickling its schema
or its segment list would run ``touch MARKER`` (Whoosh's own ``open_dir`` runs it); every way
dateline reads an index must refuse it in one line, with the marker never created.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import installed_dateline, plant_code

from indexer import UnsafeIndexError, index_paths
from indexer.engine.pickles import IndexUnpickler, UnsafePickleError, allowed, install, loads
from search import Index


@pytest.fixture
def planted(corpus_index: Path, tmp_path: Path):
    """``planted(where)``: a copy of the sample index with code planted in its TOC, and the marker
    the code would create."""

    def plant(where: str = "schema", version: int | None = None) -> tuple[Path, Path]:
        index, marker = tmp_path / f"planted-{where}", tmp_path / f"ran-{where}"
        shutil.copytree(corpus_index, index)
        plant_code(index, marker, where, version)
        return index, marker

    return plant


@pytest.mark.parametrize("where", ["schema", "segments"])
def test_opening_a_planted_index_runs_nothing(planted, where: str) -> None:
    index, marker = planted(where)
    with pytest.raises(UnsafeIndexError, match=r"names posix\.system, which is code, not data; nothing of it was run"):
        Index(index)
    assert not marker.exists()


@pytest.mark.parametrize("where", ["schema", "segments"])
@pytest.mark.parametrize(
    "command",
    [["search", "mali"], ["stats"], ["show", "plain/harbour-berth.txt"], ["timeline", "mali"], ["check"]],
    ids=lambda c: c[0],
)
def test_every_command_refuses_a_planted_index_in_one_line(planted, cli, where: str, command: list[str]) -> None:
    index, marker = planted(where)
    result = cli(*command, index=index)
    assert not marker.exists()
    assert "Traceback" not in result.output
    if command[0] == "check":  # check reports the TOC as unreadable, and why
        assert result.exit_code == 1 and "posix.system, which is code" in result.stdout
    else:
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"dateline: refused to open the index at {index}: a pickle in an index file names posix.system, "
            "which is code, not data; nothing of it was run (rebuild the index from the documents)"
        ]


def test_indexing_into_a_planted_index_runs_nothing(planted, tmp_path: Path) -> None:
    index, marker = planted("schema")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("A headline\n\nSome text.\n", "utf-8")
    with pytest.raises(UnsafeIndexError):
        index_paths([docs], index)
    assert not marker.exists()


def test_an_old_toc_format_is_refused_not_read_with_whoosh_legacy_unpickler(planted, cli) -> None:
    index, marker = planted("schema", version=-110)  # Whoosh reads this version with an unrestricted unpickler
    result = cli("search", "mali", index=index)
    assert result.exit_code == 2 and not marker.exists()
    assert "cannot read the index" in result.stderr and "Traceback" not in result.output


def test_the_installed_command_refuses_a_planted_index(planted) -> None:
    index, marker = planted("segments")
    done = subprocess.run(
        [installed_dateline(), "search", "mali", "--index", str(index)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and not marker.exists()
    assert len(done.stderr.splitlines()) == 1 and "posix.system" in done.stderr


def test_whoosh_itself_reads_pickles_through_the_allow_list_once_installed(planted) -> None:
    from whoosh.index import FileIndex

    from indexer.engine.storage import closes_on_error, open_storage

    install()
    index, marker = planted("schema")
    storage = open_storage(str(index))
    with pytest.raises(UnsafePickleError), closes_on_error(storage):  # closes what Whoosh leaves open
        FileIndex(storage)  # Whoosh's own TOC reading, none of dateline's
    assert not marker.exists()


def test_what_a_real_index_pickles_is_allowed(corpus_index: Path) -> None:
    with Index(corpus_index) as ix:
        assert ix.search("mali").total > 0  # schema, segments and postings were all read through it
    from indexer.core.schema import build_schema

    schema, again = build_schema(), loads(pickle.dumps(build_schema(), 2))
    assert [(n, type(f), f.analyzer == getattr(schema[n], "analyzer", None)) for n, f in again.items()] == [
        (n, type(f), True) for n, f in schema.items()
    ]


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("posix", "system"),
        ("builtins", "eval"),
        ("builtins", "getattr"),
        ("subprocess", "Popen"),
        ("indexer.core.store", "recover"),  # one of ours, but not a schema part
        ("whoosh.analysis", "StemmingAnalyzer"),  # a function in an allowed module
        ("whoosh.fields", "_private"),
        ("whoosh.index", "FileIndex"),
    ],
)
def test_anything_else_is_refused(module: str, name: str) -> None:
    assert not allowed(module, name)
    data = b"\x80\x02c" + module.encode() + b"\n" + name.encode() + b"\n)R."  # module.name() in protocol 2
    with pytest.raises(UnsafePickleError):
        loads(data)


def test_the_unpickler_is_a_real_unpickler() -> None:
    import io

    value = {"a": [1, 2.5, "x", b"y", (None, True)], "s": {1, 2}, "f": frozenset({3})}
    assert IndexUnpickler(io.BytesIO(pickle.dumps(value, 2))).load() == value


def test_a_pickle_read_from_a_stream_leaves_the_stream_after_it() -> None:
    """The read-ahead (`pickles.Bytes.peek`) must not swallow what follows a pickle in a file,
    as a posting block's header is followed by its data."""
    from indexer.engine.pickles import Bytes, load

    stream = Bytes(pickle.dumps((3, 7, 1.5, False, 1, 2), 2) + b"rest of the block")
    assert load(stream) == (3, 7, 1.5, False, 1, 2)
    assert stream.read() == b"rest of the block"


@pytest.mark.parametrize(
    "value", [[], [5], [0, 3, 255, 256, 65535, 65536, 2**31 - 1, -1], list(range(2500)), [300] * 1001]
)
def test_positions_take_the_c_unpickler_and_read_the_same(value: list[int]) -> None:
    """A posting's positions (a list of small ints, `pickles._INT_LIST`) are read by the C
    unpickler, which must give what the allow-list unpickler gives."""
    import io

    from indexer.engine.pickles import _INT_LIST

    data = pickle.dumps(value, 2)
    assert _INT_LIST.fullmatch(data)
    assert loads(data) == value == IndexUnpickler(io.BytesIO(data)).load()


@pytest.mark.parametrize(
    "data",
    [
        b"\x80\x02]q\x00(K\x01cos\nsystem\n(S'touch x'\ntRe.",  # a call among the numbers
        b"\x80\x02]q\x00K\x01a" + b"cos\nsystem\n(S'touch x'\ntR.",  # after the list
        b"\x80\x02]q\x00K\x01acbuiltins\neval\n.",  # a global where the stop should be
    ],
)
def test_code_hidden_in_a_list_of_numbers_is_still_refused(data: bytes) -> None:
    with pytest.raises(UnsafePickleError):  # the allow-list unpickler's refusal: the C one never ran it
        loads(data)
