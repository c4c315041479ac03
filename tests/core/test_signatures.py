"""MinHash signatures (`indexer.core.signatures`): copies agree, different texts do not, a copy cut
short or with a trailer added is contained, and a signature is the same in every process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.core.signatures import NUM_HASHES, signature
from indexer.parse.files import read_documents

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "prnewswire-fama-2025-06-06.txt"


@pytest.fixture(scope="module")
def release() -> str:
    return read_documents(SEED).documents[0].body


def test_a_copy_agrees_everywhere(release: str) -> None:
    a, b = signature(release), signature(release)
    assert a is not None and b is not None
    assert a.minima.dtype == np.uint32 and len(a.minima) == NUM_HASHES
    assert a.jaccard(b) == 1.0 and a.containment(b) == 1.0


def test_case_and_punctuation_do_not_count(release: str) -> None:
    a, b = signature(release), signature(release.upper().replace(",", " ;"))
    assert a is not None and b is not None and a.jaccard(b) == 1.0


def test_a_copy_with_a_trailer_or_cut_short_is_contained_but_less_similar(release: str) -> None:
    a = signature(release)
    longer = signature(release + "\n\n" + " ".join(f"portal line {i} about other news" for i in range(60)))
    shorter = signature(release[: len(release) // 2])
    assert a is not None and longer is not None and shorter is not None
    for copy in (longer, shorter):
        assert copy.containment(a) >= 0.9
        assert copy.jaccard(a) <= 0.7


def test_different_stories_share_little(release: str) -> None:
    other = read_documents(ROOT / "corpus" / "html" / "solenne-space-satellite-launch-2025-06-12.html").documents[0]
    a, b = signature(release), signature(other.body)
    assert a is not None and b is not None
    assert a.jaccard(b) < 0.1 and a.containment(b) < 0.2


def test_one_changed_name_in_a_short_template_still_differs_in_part() -> None:
    notice = "Shareholders of {} who bought shares between March and May may join the class action filed today."
    a, b = signature(notice.format("Acme Corp")), signature(notice.format("Zenith Holdings"))
    assert a is not None and b is not None
    assert 0.4 < a.jaccard(b) < 0.9


def test_no_words_no_signature_and_a_short_text_has_one() -> None:
    assert signature("") is None and signature(" — ,, ") is None
    short = signature("Rates rise")
    assert short is not None and short.shingles == 1


def test_a_signature_is_the_same_in_every_process(release: str) -> None:
    here = signature(release)
    assert here is not None
    code = (
        "import sys; from indexer.core.signatures import signature; "
        "print(','.join(map(str, signature(sys.stdin.read()).minima.tolist())))"
    )
    for seed in ("12345",):  # another hash seed than this process's
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=release,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            cwd=ROOT,
        ).stdout.strip()
        assert out == ",".join(map(str, here.minima.tolist()))
