"""Compressed files and bundles (`indexer.parse.formats.compressed`, `.bundles`): what is inside is
read as the same file outside would be, under ids ``bundle.zip/member``; hostile containers (bombs,
members escaping the bundle, links, truncation, too many members) are refused one by one."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.core.errors import DocumentError
from indexer.parse.files import read_documents
from indexer.parse.formats import bundles, compressed, format_for, readable

JSONL = b'{"id": "n1", "title": "Wind farm opens", "body": "The wind farm opened today."}\n{not json\n'
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
}


def _fields(doc: object) -> dict[str, object]:
    fields = doc.to_dict()  # type: ignore[attr-defined]
    return {k: v for k, v in fields.items() if k not in ("id", "source")}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path


def _tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as bundle:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("suffix", [*COMPRESSORS, ".zst"])
def test_a_compressed_release_reads_as_the_release_itself(seed_file: Path, tmp_path: Path, suffix: str) -> None:
    plain = read_documents(seed_file).documents[0]
    if suffix == ".zst":
        zstandard = pytest.importorskip("zstandard")
        packed = zstandard.ZstdCompressor().compress(seed_file.read_bytes())
    else:
        packed = COMPRESSORS[suffix](seed_file.read_bytes())
    path = tmp_path / f"release.txt{suffix}"
    path.write_bytes(packed)
    parsed = read_documents(path, doc_id="release.txt" + suffix)
    [doc] = parsed.documents
    assert doc.id == "release.txt" + suffix
    assert _fields(doc) == _fields(plain)
    assert doc.wire == "PR Newswire" and doc.place and doc.issuer


def test_a_compressed_jsonl_keeps_its_line_ids_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl.gz"
    path.write_bytes(gzip.compress(JSONL))
    parsed = read_documents(path, doc_id="items.jsonl.gz")
    assert [d.id for d in parsed.documents] == ["n1"]
    assert parsed.documents[0].title == "Wind farm opens"
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith("line 2: ")


def test_a_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(b"A title\n\nFirst part. ") + gzip.compress(b"Second part.\n"))
    assert read_documents(path).documents[0].body == "First part. Second part."


@pytest.mark.parametrize(
    "data, reason",
    [
        (gzip.compress(b"A title\n\n" + " ".join(map(str, range(20000))).encode())[:-200], "a truncated gzip file"),
        (b"\x1f\x8b\x08\x00 this is not gzip at all", "not a valid gzip file"),
        (b"plain text named .gz", "not a valid gzip file"),
    ],
)
def test_a_truncated_or_false_gzip_is_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        read_documents(path)
    assert caught.value.reason.startswith(reason), caught.value.reason
    assert "story.txt.gz" in str(caught.value)


def test_a_gzip_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"\0" * (64 * 1024 * 1024)))  # 64 MB of zeros in about 64 KB
    assert path.stat().st_size < 100_000
    with pytest.raises(DocumentError, match="like a compression bomb"):
        read_documents(path)


def test_what_a_compressed_file_expands_to_is_bounded_by_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(("Title\n\n" + "Some varied text 123. " * 600).encode()))
    with pytest.raises(DocumentError, match=r"expands to more than 10,000 bytes \(the size limit, --max-size\)"):
        read_documents(path, max_bytes=10_000)


def test_zstd_without_its_library_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    path = tmp_path / "story.txt.zst"
    path.write_bytes(b"(\xb5/\xfd whatever")
    with pytest.raises(DocumentError) as caught:
        read_documents(path)
    assert caught.value.reason == "reading zstd-compressed files needs 'pip install dateline[zstd]'"


def test_a_compressed_file_inside_a_compressed_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz.gz"
    path.write_bytes(gzip.compress(gzip.compress(b"Title\n\nBody.")))
    with pytest.raises(DocumentError, match="a compressed inside a compressed is not read"):
        read_documents(path)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("story.txt.gz", True),
        ("feed.jsonl.xz", True),
        ("notes.md.bz2", True),
        ("dump.sql.gz", False),
        ("twice.txt.gz.gz", False),
        ("archive.tar.gz", True),
        ("archive.tgz", True),
        ("crawl.warc.gz", True),
        ("photo.jpg", False),
        (".gz", False),
    ],
)
def test_which_names_a_folder_walk_reads(name: str, expected: bool) -> None:
    assert readable(name) is expected


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("a.tar.gz", "bundle"),
        ("a.TGZ", "bundle"),
        ("a.zip", "bundle"),
        ("a.warc.gz", "warc"),
        ("a.txt.gz", "compressed"),
    ],
)
def test_the_longest_extension_chooses_the_format(name: str, fmt: str) -> None:
    assert format_for(name).name == fmt


# --- bundles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["zip", "tar.gz", "tar", "tar.bz2", "tar.xz"])
def test_every_member_of_a_bundle_is_a_document_with_its_own_id(seed_file: Path, tmp_path: Path, kind: str) -> None:
    members = {
        "2025/06/06/release.txt": seed_file.read_bytes(),
        "items.jsonl": JSONL,
        "packed/story.txt.gz": gzip.compress(b"Packed story\n\nIt was packed twice over."),
        "photo.jpg": b"\xff\xd8\xff\xe0 not read",
        "empty.txt": b"",
    }
    path = tmp_path / f"bundle.{kind}"
    if kind == "zip":
        _zip(path, members)
    else:
        _tar(path, members, "w" if kind == "tar" else f"w:{kind.split('.')[1]}")
    parsed = read_documents(path, doc_id=f"news/bundle.{kind}")
    ids = [d.id for d in parsed.documents]
    assert ids == [f"news/bundle.{kind}/2025/06/06/release.txt", "n1", f"news/bundle.{kind}/packed/story.txt.gz"]
    release, _, packed = parsed.documents
    assert _fields(release) == _fields(read_documents(seed_file).documents[0])
    assert packed.title == "Packed story" and packed.body == "It was packed twice over."
    assert all(d.source == str(path) for d in parsed.documents)
    assert parsed.errors == [
        "member items.jsonl: line 2: not valid JSON (Expecting property name enclosed in double quotes, column 2)",
        "member empty.txt: empty file",
    ]


def test_a_member_s_date_comes_from_its_path_inside_the_bundle(tmp_path: Path) -> None:
    path = _zip(tmp_path / "b.zip", {"2024/03/07/story.txt": b"Undated story\n\nNo date in the text."})
    assert read_documents(path).documents[0].date.isoformat() == "2024-03-07"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name", ["../escape.txt", "/etc/evil.txt", "a/../../escape.txt", "C:/evil.txt", "..\\evil.txt"]
)
def test_a_zip_member_that_would_leave_the_bundle_is_refused_and_the_rest_read(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "b.zip", {name: b"Evil\n\nEvil body.", "good.txt": b"Good\n\nGood body."})
    parsed = read_documents(path, doc_id="b.zip")
    assert [d.id for d in parsed.documents] == ["b.zip/good.txt"]
    assert parsed.errors == [f"member {name}: a path that leaves the bundle; not read"]


def test_tar_links_devices_and_escapes_are_refused_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "b.tar"
    with tarfile.open(path, "w") as bundle:
        for name, kind in [("link.txt", tarfile.SYMTYPE), ("hard.txt", tarfile.LNKTYPE), ("dev.txt", tarfile.CHRTYPE)]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "/etc/passwd"
            bundle.addfile(info)
        for name, data in [("../up.txt", b"Up\n\nUp."), ("ok.txt", b"Fine\n\nA fine story.")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    parsed = read_documents(path, doc_id="b.tar")
    assert [d.id for d in parsed.documents] == ["b.tar/ok.txt"]
    assert parsed.errors == [
        "member link.txt: a link or device, not a file; not read",
        "member hard.txt: a link or device, not a file; not read",
        "member dev.txt: a link or device, not a file; not read",
        "member ../up.txt: a path that leaves the bundle; not read",
    ]


def test_a_zip_bomb_member_is_refused_and_the_others_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "b.zip", {"bomb.txt": b"A" * (15 * 1024 * 1024), "ok.txt": b"Fine\n\nA fine story."})
    assert path.stat().st_size < 100_000
    parsed = read_documents(path, doc_id="b.zip")
    assert [d.id for d in parsed.documents] == ["b.zip/ok.txt"]
    assert len(parsed.errors) == 1 and "like a compression bomb" in parsed.errors[0]
    assert parsed.errors[0].startswith("member bomb.txt: ")


def test_a_zip_whose_header_understates_a_member_is_refused_not_read_whole(tmp_path: Path) -> None:
    path = _zip(tmp_path / "b.zip", {"big.txt": b"x y z " * 100_000, "ok.txt": b"Fine\n\nA fine story."})
    data = path.read_bytes()
    real, fake = (600_000).to_bytes(4, "little"), (100).to_bytes(4, "little")
    assert data.count(real) == 2  # the local and the central size field
    path.write_bytes(data.replace(real, fake))
    parsed = read_documents(path, doc_id="b.zip", max_bytes=200_000)
    assert [d.id for d in parsed.documents] == ["b.zip/ok.txt"]
    assert parsed.errors == ["member big.txt: cannot be read from the zip (Bad CRC-32 for file 'big.txt')"]


def test_a_member_over_the_size_limit_is_skipped_by_name(tmp_path: Path) -> None:
    path = _zip(tmp_path / "b.zip", {"big.txt": b"Big\n\n" + b"word " * 5000, "ok.txt": b"Fine\n\nA fine story."})
    parsed = read_documents(path, doc_id="b.zip", max_bytes=10_000)
    assert [d.id for d in parsed.documents] == ["b.zip/ok.txt"]
    assert parsed.errors == ["member big.txt: larger than the 10,000-byte limit (--max-size); skipped"]


def test_a_bundle_with_more_members_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundles, "MAX_MEMBERS", 3)
    members = {f"{i}.txt": b"T\n\nBody." for i in range(4)}
    for path in (_zip(tmp_path / "b.zip", members), _tar(tmp_path / "b.tar.gz", members)):
        with pytest.raises(DocumentError, match="more than 3 members in one bundle; split it"):
            read_documents(path)


def test_a_bundle_inside_a_bundle_is_reported_not_opened(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as bundle:
        bundle.writestr("deep.txt", "Deep\n\nDeep body.")
    path = _zip(tmp_path / "b.zip", {"inner.zip": inner.getvalue(), "ok.txt": b"Fine\n\nA fine story."})
    parsed = read_documents(path, doc_id="b.zip")
    assert [d.id for d in parsed.documents] == ["b.zip/ok.txt"]
    assert parsed.errors == ["member inner.zip: a bundle inside a bundle is not read (one level of bundling)"]


def test_a_truncated_tar_gz_reports_what_it_could_not_read(seed_file: Path, tmp_path: Path) -> None:
    members = {"a.txt": seed_file.read_bytes(), "b.txt": b"Second\n\n" + b"More words here. " * 3000}
    whole = _tar(tmp_path / "whole.tar.gz", members).read_bytes()
    path = tmp_path / "cut.tar.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(DocumentError, match="a truncated gzip file"):
        read_documents(path)


def test_a_truncated_tar_keeps_the_members_before_the_cut(seed_file: Path, tmp_path: Path) -> None:
    members = {"a.txt": seed_file.read_bytes(), "b.txt": b"Second\n\n" + b"More words here. " * 3000}
    whole = _tar(tmp_path / "whole.tar", members, "w").read_bytes()
    path = tmp_path / "cut.tar"
    path.write_bytes(whole[: len(whole) - 20_000])
    parsed = read_documents(path, doc_id="cut.tar")
    assert [d.id for d in parsed.documents] == ["cut.tar/a.txt"]
    assert parsed.errors == ["member b.txt: cut short: the tar ends inside it"]


@pytest.mark.parametrize("name", ["b.zip", "b.tar.gz", "b.tar"])
def test_a_file_named_like_a_bundle_that_is_not_one_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"just some text, no bundle here\n" * 40)
    with pytest.raises(DocumentError, match=r"not a valid (zip|tar|gzip) file"):
        read_documents(path)


def test_a_bundle_with_nothing_readable_says_so(tmp_path: Path) -> None:
    path = _zip(tmp_path / "b.zip", {"photo.jpg": b"\xff\xd8", "song.mp3": b"ID3"})
    with pytest.raises(DocumentError, match="no member of a format dateline reads"):
        read_documents(path)


def test_the_limits_are_what_the_readme_documents() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"{bundles.MAX_MEMBERS:,} members" in readme
    assert f"{bundles.MAX_EXPANDED // 1024**3} GB" in readme
    assert f"{compressed.MAX_RATIO} times" in readme
