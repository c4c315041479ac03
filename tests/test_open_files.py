"""A process allowed too few open files for an index of several segments (issue 18.3): one
line naming the index and the cause, exit 2, instead of ``OSError: [Errno 24]`` and exit 3."""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from indexer import index_paths
from conftest import installed_dateline

#: Enough for Python and dateline to start, far fewer than the index's column files.
LIMIT = 20


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """An index written by four runs, each adding a file (a segment) of its own."""
    root = tmp_path_factory.mktemp("open-files")
    index = root / "index"
    for run in range(4):
        source = root / f"run{run}.jsonl"
        records = [{"id": f"r{run}-{i}", "title": f"Solar {i}", "text": f"Wind and solar report {i}",
                    "issuer": f"Acme {i}", "wire": "reuters", "date": f"2025-0{run + 1}-0{i + 1}"}
                   for i in range(5)]  # fmt: skip
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        assert not index_paths([source], index).failed
    columns = [name for name in os.listdir(index) if name.endswith(".col")]
    assert len(columns) > 2 * LIMIT, "the index must need more files than the limit allows"
    return index


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


@pytest.mark.parametrize(
    "args",
    [["search", "solar"], ["stats"], ["timeline", "solar"], ["similar", "r0-1"], ["show", "r0-1"], ["index", "{source}"]],
    ids=lambda a: a[0],
)
def test_too_many_open_files_is_one_line_and_exit_2(segmented, args):
    argv = [a.format(source=segmented.parent / "run0.jsonl") for a in args]
    proc = subprocess.run([installed_dateline(), *argv, "--index", str(segmented)], capture_output=True, text=True,
                          preexec_fn=_limited, timeout=120)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(segmented) in lines[0] and "too many files are open" in lines[0]
    assert f"limit {LIMIT}" in lines[0]
    # The same command with the ordinary limit works: the index itself is sound.
    ok = subprocess.run([installed_dateline(), *argv, "--index", str(segmented)], capture_output=True, text=True,
                        timeout=120)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
