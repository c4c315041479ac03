"""PDF press releases: the text layer of every page (pypdf, the ``pdf`` extra), one document per file.

The text is cleaned before it is split like a .txt story: ligatures (``ﬁ``) become letters, lines
lose their trailing spaces, running headers and footers repeated on every page go, a page's copy
of the headline block (a Chromium print's sticky header) goes, and words hyphenated at a line end
are joined where that is safe. Metadata gives the title (unless it is a file name), the author and
the language; the PDF's creation date is not the publication date (an archive prints a release
weeks later), so ``published`` and ``date`` come from the text only.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from indexer.core.document import Document
from indexer.core.text import normalise
from indexer.parse.dates import parse_stamp_line
from indexer.parse.formats._format import Format, LineError, require
from indexer.parse.story import apply_story
from indexer.parse.trailers import NOISE

NO_TEXT = "no text layer (a scanned PDF? dateline does not OCR)"
#: Where a PDF may start: the header must be within the first 1024 bytes (ISO 32000-1, 7.5.2 note).
_HEADER_WINDOW = 1024
_LIGATURES = re.compile("[\ufb00-\ufb06]")
#: Lines at the top and bottom of a page looked at for running headers and footers.
_EDGE = 3
#: Non-blank lines at the top of page 1 whose copies are looked for further down (the headline block).
_LEAD_LINES = 10
_WORD_END_HYPHEN = re.compile(r"(?<=[^\W\d_]{2})-$")
_FIRST_WORD = re.compile(r"^(?P<word>[^\W\d_][\w'’]*)(?P<rest>.*)$")
#: Words after a hyphen at a line end that show a suspended compound ("Sterblichkeits- und
#: Krankheitsraten", "pre- and post-"): the line break there stays.
_CONJUNCTIONS = {"und", "oder", "bzw", "sowie", "bis", "and", "or", "nor", "to"}
#: /Title values that name a file or a template, not the release.
_FILE_TITLE = re.compile(
    r"^(?:Microsoft (?:Word|PowerPoint|Excel) - .*|.*\.(?:docx?|pdf|rtf|odt|pages|indd|txt|html?)|"
    r"untitled|title|document\d*|press release|pressemitteilung|slide \d+|powerpoint presentation)$",
    re.IGNORECASE,
)
#: /Author values that are an account, not a person or an issuer.
_ACCOUNT = re.compile(
    r"^(?:user|admin(?:istrator)?|owner|author|unknown|microsoft office user|windows user|"
    r"utente|benutzer|nutzer|pc|default)$|[\\@]|^\W*$",
    re.IGNORECASE,
)


def read_pdf(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """The file's one document; ``field_map`` is unused (a PDF has no keys to map).

    Raises `ValueError` for a file that is not a PDF, is truncated, damaged or encrypted with a
    password, or has no text layer.
    """
    pypdf = require("pypdf", "pdf", "PDFs")
    pages, info, lang = _extract(pypdf, data)
    text = clean_pages(pages)
    if not text.strip():
        raise ValueError(NO_TEXT)
    doc = Document(id=doc_id, format="pdf")
    doc.title = _real_title(info.get("/Title"))
    doc.author = _real_author(info.get("/Author"))
    doc.description = info.get("/Subject") or None
    if keywords := [k.strip() for k in re.split(r"[,;]", info.get("/Keywords", "")) if k.strip()]:
        doc.keywords = list(dict.fromkeys(keywords))
    doc.language = _language(lang)
    text = join_headline(text) if doc.title is None else _drop_title(text, doc.title)
    yield apply_story(doc, text, find_title=doc.title is None)


FORMAT = Format("pdf", (".pdf",), read_bytes=read_pdf, empty=NO_TEXT, extra="pdf", decodes_entities=True)


class _Refused(ValueError):
    """The reader's own refusal, raised inside the guarded pypdf calls and passed on as it is."""


@contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """Keep a library's log warnings ("EOF marker not found") off stderr: the reader never prints,
    its errors say what is wrong. The level is the effective one of the library's child loggers too."""
    log = logging.getLogger(logger)
    saved = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        log.setLevel(saved)


def _extract(pypdf: Any, data: bytes) -> tuple[list[str], dict[str, str], str | None]:
    """Every page's text, the document information (string values only) and the catalog's /Lang."""
    start = data.find(b"%PDF-", 0, _HEADER_WINDOW)
    if start < 0:
        raise ValueError("not a PDF (no %PDF- header)")
    truncated = b"%%EOF" not in data[-_HEADER_WINDOW:]
    errors = pypdf.errors
    try:
        with _quiet("pypdf"):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise _Refused("encrypted PDF: it needs a password to open")
            info: dict[str, str] = {}
            for key, value in (reader.metadata or {}).items():
                value = value.get_object() if hasattr(value, "get_object") else value
                if isinstance(value, str) and value.strip():
                    info[str(key)] = " ".join(normalise(value).split())
            lang = reader.trailer["/Root"].get_object().get("/Lang")
            pages = [page.extract_text() or "" for page in reader.pages]
    except (_Refused, MemoryError):  # the reader's own words; a process out of memory fails the run
        raise
    except errors.DependencyError as exc:  # AES without the cryptography package
        raise ValueError(f"encrypted PDF: {exc}") from None
    except errors.FileNotDecryptedError:
        raise ValueError("encrypted PDF: it needs a password to open") from None
    except Exception as exc:  # a damaged file fails anywhere in pypdf, with any exception
        if truncated:
            raise ValueError(f"truncated PDF (no %%EOF at the end): {exc}") from None
        raise ValueError(f"damaged PDF: {str(exc) or type(exc).__name__}") from None
    return pages, info, str(lang) if isinstance(lang, str) else None


def clean_pages(pages: list[str]) -> str:
    """The pages' text as one story: paragraphs and pages separated by blank lines."""
    split = [_lines(page) for page in pages]
    _drop_running(split)
    _drop_repeated_lead(split)
    text = "\n\n".join("\n".join(lines) for lines in split)
    text = _join_hyphenated(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _lines(page: str) -> list[str]:
    """A page's lines: soft hyphens at line ends joined, ligatures spelt out, normalised, right-stripped."""
    page = re.sub(r"\u00ad[ \t]*\n[ \t]*", "", page)
    page = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m[0]), page)
    return [line.rstrip() for line in normalise(page).split("\n")]


def _key(line: str) -> str:
    """A line as compared across pages: digits (page numbers) masked, spaces collapsed, lower case."""
    return " ".join(re.sub(r"\d+", "#", line).split()).lower()


def _edges(lines: list[str]) -> list[int]:
    """Indexes of a page's first and last `_EDGE` non-blank lines."""
    full = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(full[:_EDGE] + full[-_EDGE:]))


def _drop_running(pages: list[list[str]]) -> None:
    """Remove header and footer lines that stand at the top or bottom of every page (two or more)."""
    if len(pages) < 2:
        return
    keys = [{_key(page[i]) for i in _edges(page)} for page in pages]
    running = set.intersection(*keys)
    if not running:
        return
    for page in pages:
        for i in reversed(_edges(page)):
            if _key(page[i]) in running:
                del page[i]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _drop_repeated_lead(pages: list[list[str]]) -> None:
    """Remove later copies of page 1's headline block: two or more lines in a row, each found in the
    first lines of page 1, that a Chromium print repeats as a sticky header (however it is wrapped)."""
    seen = 0
    lead_lines: list[str] = []
    for line in pages[0] if pages else []:
        if line.strip() and len(lead_lines) < _LEAD_LINES:
            lead_lines.append(line)
        seen += 1
        if len(lead_lines) == _LEAD_LINES:
            break
    lead = _collapse(" ".join(lead_lines))
    for number, page in enumerate(pages):
        i = seen if number == 0 else 0
        while i < len(page):
            j = i
            while j < len(page) and page[j].strip() and len(_collapse(page[j])) >= 3 and _collapse(page[j]) in lead:
                j += 1
            block = " ".join(_collapse(line) for line in page[i:j])
            if j - i >= 2 and len(block) >= 40:
                del page[i:j]
            else:
                i = max(j, i + 1)


def _join_hyphenated(text: str) -> str:
    """Join a word hyphenated at a line end with its rest on the next line.

    Only where the next line starts with a lower-case word that is not a conjunction (a suspended
    compound, "Sterblichkeits- und", keeps its break). The hyphen goes where the joined word is
    found elsewhere in the text without one, and stays otherwise ("user-generated").
    """
    lines = text.split("\n")
    words: set[str] | None = None
    emptied: set[int] = set()
    for i in range(len(lines) - 1):
        if not _WORD_END_HYPHEN.search(lines[i]):
            continue
        m = _FIRST_WORD.match(lines[i + 1])
        if not m or not m["word"][0].islower() or m["word"].lower() in _CONJUNCTIONS:
            continue
        if words is None:
            words = {w.lower() for w in re.findall(r"\w+", text)}
        head = re.search(r"(\w+)-$", lines[i])
        joined = f"{head[1] if head else ''}{m['word']}".lower()
        lines[i] = lines[i][:-1] + m["word"] if joined in words else lines[i] + m["word"]
        lines[i + 1] = m["rest"].lstrip()
        if not lines[i + 1]:
            emptied.add(i + 1)
    return "\n".join(line for n, line in enumerate(lines) if n not in emptied)


def join_headline(text: str) -> str:
    """Put a headline wrapped over the first two or three lines of page 1 on one line, so that it is
    read as the title: the first lines, up to a blank line, when no line but the last ends a sentence."""
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    block = [line.strip() for line in lines[:end]]
    if not 2 <= len(block) <= 3 or any(len(line) > 150 for line in block):
        return text
    if any(line[-1] in ".:;!?" for line in block[:-1]):
        return text
    if any(NOISE.match(line) or parse_stamp_line(line) for line in block):
        return text
    return "\n".join([" ".join(block), *lines[end:]])


def _drop_title(text: str, title: str) -> str:
    """``text`` without its first lines when they are the metadata's title (however wrapped)."""
    lines = text.split("\n")
    want = _collapse(title).lower()
    seen = ""
    for i, line in enumerate(lines[:4]):
        seen = _collapse(f"{seen} {line}").lower()
        if seen == want:
            return "\n".join(lines[i + 1 :]).lstrip("\n")
        if not want.startswith(seen):
            break
    return text


def _real_title(value: str | None) -> str | None:
    """The metadata title, unless it is empty or names a file or template ("Microsoft Word - x.docx")."""
    if not value or _FILE_TITLE.match(value) or not re.search(r"[^\W\d_]", value):
        return None
    return value


def _real_author(value: str | None) -> str | None:
    """The metadata author (the person or issuer who made the PDF), unless it is an account name."""
    if not value or _ACCOUNT.search(value):
        return None
    return value


def _language(lang: str | None) -> str | None:
    """``en`` from the catalog's /Lang (``en-US``); ``None`` for anything else."""
    m = re.match(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*$", lang or "")
    return m[1].lower() if m else None
