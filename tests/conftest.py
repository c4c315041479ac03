"""Shared fixtures: the sample corpus, a session-wide index of it, and an isolated index location."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import settings

# Generated examples (hostile queries and documents, analysis, snippets) are random on a
# developer's machine, to keep exploring, and fixed under CI, so that a run is reproducible and a
# new failure is found at a desk rather than blocking a landing.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED_NAME = "prnewswire-fama-2025-06-06.txt"
SHARED = ROOT.parent / "shared"


def load_testsets():
    """bench/testsets.py (readers of the test collections), or skip where ../shared is absent."""
    shared_path("data", "cranfield")
    sys.path.insert(0, str(ROOT / "bench"))
    import testsets as module

    return module


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test where that folder is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared test data is only on the project's machines")
    return path


def installed_dateline() -> str:
    """The ``dateline`` script of this environment (the one users run), or skip."""
    exe = Path(sys.executable).parent / "dateline"
    if exe.exists():
        return str(exe)
    found = shutil.which("dateline")
    if not found:
        pytest.skip("the dateline script is not installed in this environment")
    return found


def on_terminal(
    command: list[str],
    stream: Literal["stdout", "stderr"],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[subprocess.CompletedProcess[bytes], bytes]:
    """Run ``command`` with its ``stream`` (stdout or stderr) on a real pseudo-terminal: the
    finished process and the bytes it showed there."""
    import os
    import pty
    import subprocess

    master, slave = pty.openpty()
    stdout, stderr = (slave, subprocess.PIPE) if stream == "stdout" else (subprocess.PIPE, slave)
    proc = subprocess.run(command, stdout=stdout, stderr=stderr, env=env, cwd=cwd)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return proc, shown


@pytest.fixture(autouse=True)
def isolated_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point $DATELINE_INDEX into tmp_path so no test touches a real index, and
    $DATELINE_SOCKET there so no call reaches a real `dateline serve`; NO_COLOR unset.
    No config file is read: $DATELINE_CONFIG names /dev/null (so neither a user's config nor a
    dateline.toml in whatever directory a test runs from), $XDG_CONFIG_HOME is in tmp_path."""
    path = tmp_path / "default-index"
    monkeypatch.setenv("DATELINE_CONFIG", os.devnull)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("DATELINE_INDEX", str(path))
    monkeypatch.setenv("DATELINE_SOCKET", str(tmp_path / "no-server" / "serve.sock"))
    monkeypatch.delenv("DATELINE_NO_SERVE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("DATELINE_DEBUG", raising=False)
    return path


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus indexed once per session; tests must only read it."""
    from indexer import index_paths

    path = tmp_path_factory.mktemp("corpus") / "index"
    report = index_paths([CORPUS], path)
    assert not report.failed, report.failed
    return path


@pytest.fixture(scope="session")
def corpus_ix(corpus_index: Path):
    from search import Index

    with Index(corpus_index) as ix:
        yield ix


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus, for tests that edit, add or delete files."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture
def seed_file() -> Path:
    return CORPUS / SEED_NAME


def random_records(count: int = 1500, seed: int = 20261125) -> list[dict[str, str]]:
    """Documents of made-up words (``w0`` … ``w59``, two common and four rare words), varied in
    length: postings that span many blocks, for the top-N optimisations of Whoosh's matchers."""
    import random

    rng = random.Random(seed)
    common, rare, filler = ["market", "price"], ["solar", "storage", "battery", "turbine"], [f"w{i}" for i in range(60)]
    records = []
    for i in range(count):
        words = rng.choices(filler, k=rng.randint(5, 150)) + common * rng.randint(1, 3)
        words += [w for w in rare if rng.random() < 0.05] * rng.randint(1, 4)
        rng.shuffle(words)
        title = " ".join(rng.choices(filler + rare, k=5))
        records.append({"_id": str(i), "title": title, "text": " ".join(words), "language": "en"})
    return records


@pytest.fixture(scope="session")
def random_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`random_records` indexed once per session; tests must only read it."""
    import json

    from indexer import index_paths

    root = tmp_path_factory.mktemp("random")
    source = root / "random.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in random_records()), encoding="utf-8")
    report = index_paths([source], root / "index")
    assert not report.failed, report.failed
    return root / "index"


@pytest.fixture
def jsonl_index(tmp_path: Path):
    """Index JSONL records (``{"_id", "title", "text", "language"}``…) into a fresh index:
    ``path = jsonl_index(records)``; a later call with ``name=`` adds another file to it."""
    import json

    from indexer import index_paths

    path = tmp_path / "jsonl-index"

    def make(records: list[dict[str, str]], name: str = "docs.jsonl") -> Path:
        source = tmp_path / name
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        report = index_paths([source], path)
        assert not report.failed, report.failed
        return path

    return make


@pytest.fixture
def cli():
    """Invoke the `dateline` command in-process: ``cli("search", "mali", index=path)``."""
    from click.testing import CliRunner

    from search.cli.commands import main

    runner = CliRunner()

    def invoke(*args: str, index: Path | None = None):
        argv = list(args) + (["--index", str(index)] if index else [])
        return runner.invoke(main, argv, catch_exceptions=False)

    return invoke


def plain_index(paths: list[Path], dest: Path) -> Path:
    """Index ``paths`` with Whoosh's own writer in this process: the reference the fast
    indexing path (`indexer.engine.segments`, `indexer.write.build`) must reproduce exactly."""
    from indexer.core.records import to_fields
    from indexer.core.sources import document_id, file_stamp
    from indexer.core.store import create_index
    from indexer.parse.files import read_documents
    from indexer.write.walk import walk

    ix = create_index(dest)
    writer = ix.writer()
    for root in paths:
        w = walk(root)
        for path in w.files:
            for doc in read_documents(path, doc_id=document_id(w.root, path)).documents:
                writer.add_document(**to_fields(doc, stamp=file_stamp(path)))
    writer.commit()
    return dest


def index_contents(path: Path) -> dict[str, Collection[object]]:
    """Everything an index holds, in document-number order: every term's postings (document,
    weight, value) and statistics, stored fields, field lengths; for comparing two indexes."""
    from whoosh import index

    with index.open_dir(str(path)).reader() as reader:
        postings = {}
        for fieldname, tbytes in reader.all_terms():
            matcher = reader.postings(fieldname, tbytes)
            items = []
            while matcher.is_active():
                # A posting without a value (an ID or date field's) reads as None from a block and
                # as "" from a term info it is inlined in (`engine.segments`): the same nothing.
                items.append((matcher.id(), matcher.weight(), matcher.value() or None))
                matcher.next()
            info = reader.term_info(fieldname, tbytes)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            postings[fieldname, tbytes] = (items, stats)
        docs = list(reader.all_doc_ids())
        scored = sorted(name for name, field in reader.schema.items() if field.scorable)
        return {
            "postings": postings,
            "stored": [reader.stored_fields(d) for d in docs],
            "lengths": {f: [reader.doc_field_length(d, f) or 0 for d in docs] for f in scored},
            "totals": {f: reader.field_length(f) for f in scored},
        }


@pytest.fixture(scope="session")
def corpus_documents() -> dict[str, object]:
    """Every document of the sample corpus by id, parsed from the files as the indexer reads
    them: the independent side of tests that check counts against the index."""
    from indexer.core.sources import document_id
    from indexer.parse.files import read_documents
    from indexer.write.walk import walk

    w = walk(CORPUS)
    return {doc.id: doc for path in w.files for doc in read_documents(path, doc_id=document_id(w.root, path)).documents}


class _Runs:
    """Pickles to a call of ``os.system(command)``: what a planted index would hold."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def plant_code(index: Path, marker: Path, where: str = "schema", version: int | None = None) -> None:
    """Rewrite the newest TOC of ``index`` so that unpickling its schema (``where="schema"``) or
    its segment list (``"segments"``) would create ``marker``: a planted index, as an attacker
    who can write the folder would leave it. ``version`` replaces the TOC's format version (an
    old one sends Whoosh to its legacy loaders). Everything else in the TOC stays as it was."""
    import io
    import pickle
    import struct

    from whoosh.filedb.structfile import StructFile

    toc = max(index.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))
    raw = toc.read_bytes()
    stream = StructFile(io.BytesIO(raw))
    for _ in range(3):
        stream.read_varint()  # int, long and float sizes
    stream.read_int()  # -12345
    version_at = stream.tell()
    stream.read_int()  # version
    for _ in range(3):
        stream.read_varint()  # release
    schema_at = stream.tell()
    schema = stream.read_string()
    after_schema = stream.tell()
    stream.read_int()  # generation
    stream.read_int()  # unused
    segments_at = stream.tell()
    payload = pickle.dumps(_Runs(f"touch {marker}"), 2)
    out = StructFile(io.BytesIO())
    if where == "schema":
        out.write(raw[:schema_at])
        out.write_string(payload)
        out.write(raw[after_schema:])
    else:
        assert where == "segments"
        out.write(raw[:segments_at])
        out.write(payload)
    assert schema  # the TOC was read as Whoosh writes it
    planted = out.file.getvalue()
    if version is not None:
        planted = planted[:version_at] + struct.pack("!i", version) + planted[version_at + 4 :]
    toc.write_bytes(planted)


def story(word: str) -> str:
    """A small plain-text document about ``word``: every one matches the query ``story``."""
    return f"Title of {word}\n\nA story about {word} and more."


def ids_in(index: Path) -> set[str]:
    """The ids of every `story` document in ``index``."""
    from search import Index

    with Index(index) as ix:
        return {hit.id for hit in ix.search("story", limit=1000).hits}


class Served:
    """A real `dateline serve` process on a socket in a private temporary directory."""

    def __init__(
        self, directory: Path, *extra: str, stdin: int | None = None, cwd: Path | None = None, listen: str | None = None
    ) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.socket = directory / "serve.sock"
        self.log = directory / "serve.log"
        self.exe = installed_dateline()
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [self.exe, "serve", "--socket", listen or str(self.socket), *extra],
                stderr=log,
                stdout=subprocess.DEVNULL,
                stdin=stdin,
                cwd=cwd,
            )
        deadline = time.monotonic() + 30
        while "serving on" not in self.log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"dateline serve did not start: {self.log.read_text()}")
            time.sleep(0.05)

    def call(
        self, *args: str, index: Path | None = None, served: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        environ = {**os.environ, "DATELINE_SOCKET": str(self.socket), **env}
        if index is not None:
            environ["DATELINE_INDEX"] = str(index)
        if not served:
            environ["DATELINE_NO_SERVE"] = "1"
        return subprocess.run([self.exe, *args], capture_output=True, text=True, env=environ)

    def answered(self) -> int:
        """How many calls the server has answered (one log line each)."""
        return self.log.read_text().count(" → ")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


# -- dateline serve --http: a real web server in a thread, and a client choosing its own headers --
@dataclass
class WebReply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Web:
    """A running `WebServer` over one index, and requests to it."""

    def __init__(self, index: Path, **options: Any) -> None:
        self.logged: list[str] = []
        from search.serve.web import WebServer

        self.server = WebServer(index, port=0, log=self.logged.append, **options)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.host = f"127.0.0.1:{self.server.port}"

    def get(
        self,
        path: str,
        *,
        method: str = "GET",
        host: str | None = None,
        token: bool = True,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> WebReply:
        """``path`` fetched with the token as a bearer header (unless not ``token``) and ``Host``."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", self.host if host is None else host)
            if token and self.server.token:
                conn.putheader("Authorization", f"Bearer {self.server.token}")
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            return WebReply(response.status, response.headers, response.read())
        finally:
            conn.close()

    def api(self, path: str) -> Any:
        reply = self.get(path)
        assert reply.status == 200, (path, reply.status, reply.body[:500])
        assert reply.headers["Content-Type"] == "application/json"
        return reply.json

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def web(corpus_index: Path) -> Iterator[Web]:
    """A server over the sample corpus's index, shared by a module's tests (they only read)."""
    served = Web(corpus_index)
    yield served
    served.close()


# -- the cluster (tests/cluster/) ------------------------------------------------------------------


def assert_same_ranking(first: list[tuple[str, float]], second: list[tuple[str, float]], tol: float = 1e-9) -> None:
    """Two rankings of (id, score) are the same: the same ids with scores within ``tol``, in the
    same order up to tied scores (each rank's score the same in both)."""
    assert len(first) == len(second), (len(first), len(second))
    scores = dict(second)
    assert set(dict(first)) == set(scores), set(dict(first)) ^ set(scores)
    for rank, ((doc, score), (_, other)) in enumerate(zip(first, second, strict=True), 1):
        assert abs(score - scores[doc]) <= tol, (doc, score, scores[doc])
        assert abs(score - other) <= tol, (rank, doc, score, other)


#: Documents in the generated archive the cluster tests shard (real English and German text).
ARCHIVE_DOCS = 1200


def _let_dask_s_idle_thread_go() -> None:
    """Once Dask's client side has run in this process it keeps an idle "offload" thread for good
    (and a closed scheduler's profiler thread lingers a moment), and the indexing of later tests
    would fork worker processes from a multi-threaded process (which Python 3.12+ warns may
    deadlock). When no client is open, those threads are let go; a new one is made on next use."""
    utils, client = sys.modules.get("distributed.utils"), sys.modules.get("distributed.client")
    if utils is None or (client is not None and len(client._global_clients)):
        return
    executor = utils._offload_executor
    if executor._threads:
        from concurrent.futures import ThreadPoolExecutor

        executor.shutdown(wait=True)
        utils.__dict__["_offload_executor"] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="Dask-Offload")
    for thread in threading.enumerate():
        if thread.name == "Profile":  # a closed scheduler's sampler, which ends at its next tick
            thread.join(timeout=2)


@pytest.fixture(autouse=True)
def _single_threaded_after_dask() -> Iterator[None]:
    _let_dask_s_idle_thread_go()
    yield
    _let_dask_s_idle_thread_go()


@pytest.fixture(scope="module")
def cluster_client() -> Iterator[Any]:
    """A client of a Dask `LocalCluster` of 2 worker processes of 1 thread each, for one test
    module: a client's threads open and close sockets, which other modules' tests of this
    process's file descriptors would see."""
    distributed = pytest.importorskip("distributed", reason="the cluster tests need dateline[cluster]")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of `ARCHIVE_DOCS` generated documents (bench/corpus.py: real Reuters, BBC and
    10kGNAD text in the seed's layout) over six years (2020–2025), two languages and several wires."""
    shared_path("data")
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus as generator

    out = tmp_path_factory.mktemp("archive")
    generator.build(ARCHIVE_DOCS, out)
    return out


@dataclass
class Sharded:
    """The generated archive as one index and as clusters of shards, searched on `cluster_client`."""

    single: Path
    roots: dict[str, Path]  # "hash3", "year": each cluster's root (cluster.json, shards/)


@pytest.fixture(scope="module")
def sharded(archive: Path, cluster_client: Any, tmp_path_factory: pytest.TempPathFactory) -> Sharded:
    """`archive` indexed once as a single index, and planned and indexed on the cluster as 3
    shards by hash and as one shard per year (6), with the product's own commands' library calls."""
    from indexer import index_paths
    from search.cluster.building import index_cluster
    from search.cluster.manifest import plan, write_manifest

    base = tmp_path_factory.mktemp("sharded")
    index_paths([archive], base / "single", workers=1)  # no fork beside the client's threads
    roots = {}
    for name, rule in (("hash3", "hash:3"), ("year", "year")):
        manifest = plan(base / name, [archive], rule)
        write_manifest(manifest)
        index_cluster(cluster_client, manifest)
        roots[name] = base / name
    return Sharded(base / "single", roots)


# -- copies of one story (issue 24: tests/write/test_grouping.py, tests/search/test_news.py) --
_MONTH_DAY = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})"
)


def republished(text: str, days_later: int = 1) -> str:
    """``text`` as another portal shows it ``days_later`` (its header, time and dateline date moved
    on), with a trailer of the portal's own, its furniture lines and no source URL."""
    text = _MONTH_DAY.sub(lambda m: f"{m[1]} {int(m[2]) + days_later}, {m[3]}", text)
    lines = text.splitlines()
    m = re.match(r"\s*date (\d{4})-(\d{2})-(\d{2})", lines[0])
    assert m, lines[0]
    day = int(m[3]) + days_later
    lines[0] = f"date {m[1]}-{m[2]}-{day:02d} Nachricht"
    lines[1] = f"{day:02d}.{m[2]}.{m[1]} 23:59 Uhr"
    body = [line for line in lines[2:] if not line.startswith(("View source version", "Originalinhalt", "https://"))]
    trailer = ["", "Weitere Nachrichten zum Unternehmen finden Sie im Portal.", "Zur Startseite", "Alle Meldungen"]
    return "\n".join(lines[:2] + body + trailer) + "\n"


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name``, making its folders."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


#: A law firm's class-action notice, sent out for six companies (tests of template families).
NOTICE = """date 2025-07-{day:02d} Pressemitteilung
{day:02d}.07.2025 14:00 Uhr
Kessler & Vance LLP: {company} Investors Who Lost Money Are Reminded of the {deadline} Deadline

NEW YORK, July {day}, 2025 /PRNewswire/ -- Kessler & Vance LLP reminds investors who bought shares of
{company} ({ticker}) between {start} and {end} of the {deadline} deadline to ask the court to be
appointed lead plaintiff in the securities class action filed in the {court}.

The complaint says that {company} {claim}. When the truth came out on {end}, the price of {ticker}
shares fell {drop} percent, hurting investors.

Investors who want to serve as lead plaintiff must file papers with the court no later than
{deadline}. A lead plaintiff acts on behalf of all class members in directing the litigation. Any member
of the class may move the court to serve as lead plaintiff, or may choose to do nothing and remain an
absent class member. Kessler & Vance LLP has recovered hundreds of millions of dollars for investors and
is ranked among the top firms for securities class actions.

To learn more about your rights, or to discuss the case at no cost, contact the firm's investor team
by telephone or e-mail. Attorney advertising. Prior results do not guarantee a similar outcome.
"""

CASES = [
    dict(
        company="Orrin Freight Corp.",
        ticker="ORFT",
        start="March 3, 2024",
        end="May 1, 2025",
        deadline="August 4, 2025",
        court="Southern District of New York",
        claim="overstated the demand for its refrigerated containers and hid rising fuel costs",
        drop="21",
    ),
    dict(
        company="Lumenfield Software Inc.",
        ticker="LMFS",
        start="June 9, 2024",
        end="April 17, 2025",
        deadline="August 12, 2025",
        court="Northern District of California",
        claim="booked subscription revenue early and concealed that its largest client had left",
        drop="33",
    ),
    dict(
        company="Tanjong Maritime Ltd.",
        ticker="TJMR",
        start="January 2, 2024",
        end="May 30, 2025",
        deadline="August 19, 2025",
        court="District of New Jersey",
        claim="misstated the progress of its port digitisation contracts in Southeast Asia",
        drop="17",
    ),
    dict(
        company="Redmark Geothermal Inc.",
        ticker="RDMK",
        start="October 1, 2023",
        end="June 2, 2025",
        deadline="August 22, 2025",
        court="District of Colorado",
        claim="knew its test well had failed to reach the temperatures it reported to investors",
        drop="45",
    ),
    dict(
        company="Fennick Insurance Group",
        ticker="FNKI",
        start="February 14, 2024",
        end="June 5, 2025",
        deadline="August 29, 2025",
        court="Eastern District of Pennsylvania",
        claim="under-reserved for storm claims while assuring investors its reserves were adequate",
        drop="28",
    ),
    dict(
        company="Norvale Battery Corp.",
        ticker="NRVB",
        start="April 4, 2024",
        end="June 9, 2025",
        deadline="September 2, 2025",
        court="Western District of Washington",
        claim="misrepresented the recovery rate of its recycling plant and its cash needs",
        drop="39",
    ),
]
