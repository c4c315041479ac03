"""MinHash signatures of a document's text: how much two texts share, estimated from a few hundred
bytes each, for finding the copies of one story (a release on five portals, a wire story reprinted).

A text is the set of its word 3-shingles (three words in a row, lower-cased); a signature keeps,
for each of `NUM_HASHES` hash functions, the least hash of any shingle. Two signatures agree at a
position with the probability that a shingle drawn from both texts is in each (their Jaccard
similarity), so the share of equal positions estimates it. Words are hashed with CRC-32, not
Python's `hash`, so a signature is the same in every process and every run.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: Hash functions per signature: the estimate's standard error is about sqrt(J(1-J)/n), 0.027 at
#: J = 0.9 with 128.
NUM_HASHES = 128
#: Words per shingle.
SHINGLE = 3

#: Shingles hashed at a time (a matrix of CHUNK x NUM_HASHES 64-bit numbers, 4 MB).
_CHUNK = 4096

_WORD = re.compile(r"\w+")
_RNG = np.random.default_rng(20261204)
# Multiply-shift hashing: odd 64-bit multipliers; the high 32 bits of a*x + b (mod 2^64).
_A = (_RNG.integers(0, 2**63, NUM_HASHES, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _RNG.integers(0, 2**63, NUM_HASHES, dtype=np.uint64)
# One odd multiplier per position in the shingle, so "a b c" and "c b a" differ.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)


@dataclass(frozen=True)
class Signature:
    """A text's MinHash signature and how many distinct shingles it had."""

    minima: npt.NDArray[np.uint32]
    shingles: int

    def jaccard(self, other: Signature) -> float:
        """The estimated Jaccard similarity of the two texts' shingle sets."""
        return float(np.count_nonzero(self.minima == other.minima)) / len(self.minima)

    def containment(self, other: Signature) -> float:
        """The estimated share of the smaller text's shingles that the other holds: near 1 for a
        copy cut short or with a trailer added, where the Jaccard similarity is lower."""
        j = self.jaccard(other)
        shared = j / (1 + j) * (self.shingles + other.shingles)
        return min(1.0, shared / max(1, min(self.shingles, other.shingles)))


def signature(text: str) -> Signature | None:
    """The signature of ``text``, or None when it has no words."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    hashed = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    if len(hashed) < SHINGLE:
        hashed = np.concatenate([hashed, np.zeros(SHINGLE - len(hashed), dtype=np.uint64)])
    n = len(hashed) - SHINGLE + 1
    shingles = hashed[:n] * _MIX[0]
    for i in range(1, SHINGLE):
        shingles ^= hashed[i : i + n] * _MIX[i]
    shingles = np.unique(shingles)
    minima = np.full(NUM_HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(shingles), _CHUNK):  # a long text's matrix of hashes stays small
        part = shingles[start : start + _CHUNK, None]
        np.minimum(minima, ((part * _A[None, :] + _B[None, :]) >> np.uint64(32)).min(axis=0), out=minima)
    return Signature(minima.astype(np.uint32), len(shingles))
