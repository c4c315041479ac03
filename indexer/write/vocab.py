"""The words each segment was indexed from, for "did you mean", in a side file of the segment.

The language-analysed fields hold stems (``forc`` for "forces"): no words to offer a user, and
mapping a stem back to its words meant reading stored documents at query time. So while a
segment is written, the words its text fields were analysed from are counted (lower case,
accents kept), per group of fields sharing one analyzer, and written next to the segment's own
files as ``<segment id>.vocab``. The name follows Whoosh's segment pattern, so the file is
committed, and removed (by Whoosh when a merge drops the segment, by `segments.remove_uncommitted`
when a run fails), together with its segment.

Layout: one JSON line (a header), then the data. For each group of fields and each first letter
(folded: ``ü`` files under ``u``), the words sorted and joined by ``\\n`` (UTF-8) and their counts
as little-endian uint32, so a lookup decodes only the words sharing the typed word's first letter.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from indexer.core.analysis import fold

VOCAB_EXT = ".vocab"
VERSION = 1
#: Words shorter than this are never corrected (`search.suggest.query_words`), so not kept.
MIN_LENGTH = 3


_NEVER = re.compile(r"[\d.,]")


def keep(word: str) -> bool:
    """Whether a (lower-case) word can ever be suggested: no digits, dots or commas, 3+ letters."""
    return len(word) >= MIN_LENGTH and not _NEVER.search(word)


def bucket(word: str) -> str:
    """The first letter ``word`` is filed under (folded, lower case)."""
    return fold(word[:1].lower())[:1]


def encode(groups: Iterable[tuple[Sequence[str], Mapping[str, int]]]) -> bytes:
    """The file for ``groups`` of (field names, word → count); words are lower-cased here."""
    header: dict[str, Any] = {"version": VERSION, "groups": []}
    chunks: list[bytes] = []
    offset = 0
    for fields, counts in groups:
        lower: Counter[str] = Counter()
        for word, n in counts.items():
            w = word.lower()
            if keep(w):
                lower[w] += n
        letters: dict[str, list[str]] = {}
        for w in sorted(lower):
            letters.setdefault(bucket(w), []).append(w)
        spans = {}
        for letter, words in letters.items():
            text = "\n".join(words).encode("utf-8")
            nums = array("I", (min(lower[w], 0xFFFFFFFF) for w in words))
            if sys.byteorder != "little":  # pragma: no cover
                nums.byteswap()
            spans[letter] = [offset, len(text), len(words)]
            chunks += [text, nums.tobytes()]
            offset += len(text) + 4 * len(words)
        header["groups"].append({"fields": sorted(fields), "letters": spans})
    return json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n" + b"".join(chunks)


class SegmentVocab:
    """One segment's vocabulary file, read once; `words` decodes one first letter on demand."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        end = data.find(b"\n")
        if end < 0:
            raise ValueError("no vocabulary header")
        header = json.loads(data[:end])
        if header.get("version") != VERSION:
            raise ValueError(f"unknown vocabulary version {header.get('version')!r}")
        self._data = memoryview(data)[end + 1 :]
        self._fields: dict[str, dict[str, list[int]]] = {}
        size = len(self._data)
        for group in header["groups"]:
            if any(start + n_bytes + 4 * n > size for start, n_bytes, n in group["letters"].values()):
                raise ValueError("vocabulary file cut short")
            for field in group["fields"]:
                self._fields[field] = group["letters"]
        self._decoded: dict[tuple[int, str], tuple[list[str], array]] = {}

    def has(self, field: str) -> bool:
        """Whether the file covers ``field`` (every field with a fast analysis path is covered)."""
        return field in self._fields

    def words(self, field: str, letter: str) -> tuple[list[str], array]:
        """The words of ``field``'s group filed under ``letter``, sorted, and their counts."""
        letters = self._fields.get(field, {})
        span = letters.get(letter)
        if span is None:
            return [], array("I")
        key = (id(letters), letter)
        found = self._decoded.get(key)
        if found is None:
            start, size, n = span
            words = bytes(self._data[start : start + size]).decode("utf-8").split("\n")
            nums = array("I")
            nums.frombytes(self._data[start + size : start + size + 4 * n])
            if sys.byteorder != "little":  # pragma: no cover
                nums.byteswap()
            found = self._decoded[key] = (words, nums)
        return found


def write_vocab(storage: Any, segment: Any, groups: Iterable[tuple[Sequence[str], Mapping[str, int]]]) -> None:
    """Write ``segment``'s vocabulary file into ``storage`` (before the commit that lists it)."""
    data = encode(groups)
    out = storage.create_file(segment.make_filename(VOCAB_EXT))
    try:
        out.write(data)
    finally:
        out.close()


def read_vocab(storage: Any, segment: Any) -> SegmentVocab | None:
    """``segment``'s vocabulary, or None when it has none (a segment written before vocabularies
    were, or merged from one) or it cannot be read: the caller then falls back to the index."""
    name = segment.make_filename(VOCAB_EXT)
    try:
        if not storage.file_exists(name):
            return None
        folder = getattr(storage, "folder", None)
        if folder is not None:  # mapped: a lookup reads one first letter's pages, not the file
            with open(os.path.join(folder, name), "rb") as f:
                return SegmentVocab(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        f = storage.open_file(name)
        try:
            data = f.read()
        finally:
            f.close()
        return SegmentVocab(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def merged_counts(vocabs: Sequence[SegmentVocab]) -> list[tuple[list[str], dict[str, int]]]:
    """All groups of ``vocabs`` summed into one word → count per group of fields: the vocabulary
    of a segment merged from segments that each had one."""
    merged: list[tuple[set[str], Counter[str]]] = []  # groups sharing a field are one group
    for vocab in vocabs:
        seen: dict[int, list[str]] = {}
        for field, letters in vocab._fields.items():
            seen.setdefault(id(letters), []).append(field)
        for fields in seen.values():
            counts: Counter[str] = Counter()
            for letter in vocab._fields[fields[0]]:
                words, nums = vocab.words(fields[0], letter)
                counts.update(dict(zip(words, nums, strict=True)))
            names = set(fields)
            for other in [g for g in merged if g[0] & names]:
                merged.remove(other)
                names |= other[0]
                counts.update(other[1])
            merged.append((names, counts))
    return [(sorted(names), dict(counts)) for names, counts in merged]
