"""Which language a document is written in: English, German, or unknown.

A function-word profile: news text is dense with articles, prepositions and auxiliaries, which
tell English from German reliably. Small, offline and deterministic; its accuracy is measured by
``tests/core/test_language.py`` on real English (BBC) and German (DER STANDARD) news.
"""

from __future__ import annotations

import re

#: The languages with their own analyzer; anything else is indexed language-neutrally.
LANGUAGES: tuple[str, ...] = ("en", "de")

_PROFILES: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in is that for it with as was on be by at this are from have has had "
        "not but which its were been an or will would their they said who more also after".split()
    ),
    "de": frozenset(
        "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch "
        "es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über "
        "so zum war haben nur oder aber vor zur bis mehr durch".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+")
#: How much of the text must be function words of one language, and by what margin.
MIN_SHARE = 0.08
MIN_HITS = 3


def detect_language(text: str, *, sample: int = 4000) -> str | None:
    """``en``, ``de``, or ``None`` when the text is too short or in another language."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return None
    counts = {lang: sum(1 for w in words if w in profile) for lang, profile in _PROFILES.items()}
    best = max(counts, key=counts.__getitem__)
    hits = counts[best]
    runner_up = max(v for k, v in counts.items() if k != best)
    if hits < MIN_HITS or hits / len(words) < MIN_SHARE or hits < 2 * runner_up:
        return None
    return best


#: A file of many documents (JSONL) lends its language to the ones too short to tell, when at
#: least this many of its documents were detected …
FILE_MIN_DETECTED = 5
#: … and this share of them agree.
FILE_MIN_SHARE = 0.9


def file_language(languages: list[str | None]) -> str | None:
    """The language of a file whose documents were detected as ``languages``, if it has one.

    A feed or export is usually in one language; a headline-only item in it ("Cascade
    directional filter") is too short to detect on its own, and indexing it language-neutrally
    would leave it unstemmed and scored on other statistics than its neighbours.
    """
    detected = [lang for lang in languages if lang]
    if len(detected) < FILE_MIN_DETECTED:
        return None
    best = max(set(detected), key=detected.count)
    return best if detected.count(best) >= FILE_MIN_SHARE * len(detected) else None
