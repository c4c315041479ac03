"""Every reader on damaged real files: each real sample of ../shared/data/formats and of corpus/,
with bytes flipped, cut out or put in (seeded), gives documents or one `DocumentError` naming
the file, never another exception (which the indexer would report as an internal error)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import CORPUS, shared_path

from indexer.core.errors import DocumentError
from indexer.parse.files import read_documents

MUTATIONS = 6


def _samples() -> list[Path]:
    formats = shared_path("data", "formats")
    found = [p for p in sorted(formats.rglob("*")) if p.is_file() and p.name != "SOURCE.md"]
    return found + [p for p in sorted(CORPUS.rglob("*.*")) if p.is_file()]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    kind = rng.random()
    if kind < 0.4 and out:
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif kind < 0.7 and out:
        at = rng.randrange(len(out))
        del out[at : at + rng.randint(1, 200)]
    else:
        at = rng.randrange(len(out) + 1)
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 50)))
    return bytes(out)


def test_damaged_samples_give_documents_or_a_document_error(tmp_path: Path) -> None:
    rng = random.Random(20261204)
    tried = 0
    for sample in _samples():
        data = sample.read_bytes()
        name = sample.name if "." in sample.name else sample.name + ".xml"
        for _ in range(MUTATIONS):
            path = tmp_path / name
            path.write_bytes(_mutate(data, rng))
            try:
                read_documents(path)
            except DocumentError as exc:
                assert str(exc).startswith(str(path)), exc
            except Exception as exc:  # the failure this test exists for
                pytest.fail(f"{sample} mutated: {type(exc).__name__}: {exc}")
            tried += 1
    assert tried >= MUTATIONS * 40
