"""A process out of file descriptors while opening an index (issue 18.3): one line naming the
index and the cause, exit 2, instead of ``OSError: [Errno 24]`` and exit 3, and never another
cause ("schema version None … rebuild it").

An open index holds no descriptor per segment any more (`tests/engine/test_descriptors.py`), so a low
limit alone no longer provokes the error: the test lowers this process's own soft limit to the
descriptors it already has, after a first call has imported everything the command needs.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest

from indexer import index_paths


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """An index written by four runs, each adding a file of its own."""
    root = tmp_path_factory.mktemp("open-files")
    index = root / "index"
    for run in range(4):
        source = root / f"run{run}.jsonl"
        records = [
            {
                "id": f"r{run}-{i}",
                "title": f"Solar {i}",
                "text": f"Wind and solar report {i}",
                "issuer": f"Acme {i}",
                "wire": "reuters",
                "date": f"2025-0{run + 1}-0{i + 1}",
            }
            for i in range(5)
        ]
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        assert not index_paths([source], index).failed
    return index


@pytest.mark.parametrize(
    "args",
    [
        ["search", "solar"],
        ["stats"],
        ["timeline", "solar"],
        ["similar", "r0-1"],
        ["show", "r0-1"],
        ["index", "{source}"],
    ],
    ids=lambda a: a[0],
)
def test_too_many_open_files_is_one_line_and_exit_2(cli, segmented, args, tmp_path, monkeypatch):
    monkeypatch.delenv("DATELINE_CONFIG")  # no config file to open: none in the cwd or $XDG_CONFIG_HOME
    monkeypatch.chdir(tmp_path)
    argv = [a.format(source=segmented.parent / "run0.jsonl") for a in args]
    assert cli(*argv, index=segmented).exit_code == 0  # the index is sound, and the command's modules imported
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    free = os.open(os.devnull, os.O_RDONLY)  # the lowest free descriptor: a limit of it allows no more
    os.close(free)
    resource.setrlimit(resource.RLIMIT_NOFILE, (free, hard))
    try:
        result = cli(*argv, index=segmented)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(segmented) in lines[0] and "too many files are open" in lines[0]
    assert f"limit {free})" in lines[0]
    assert cli(*argv, index=segmented).exit_code == 0
