"""dateline against naive Whoosh, SQLite FTS5 and ripgrep, side by side, in one run.

    python bench/corpus.py 100000 /tmp/news100k      # once: the archive (deterministic)
    python bench/run.py /tmp/news100k [--json out.json] [--work DIR]

Indexing (each system in its own process; wall time and peak memory of its whole process tree,
as summed RSS and as summed PSS, which counts the pages forked workers share with the parent once):
dateline's full build, a no-op re-run, and a re-run after touching 1% of the files; naive Whoosh
(one writer, StemmingAnalyzer, defaults); SQLite FTS5 (porter). Searching: in-process latency
(p50, p95; median of 5 runs per query, a reused searcher, snippets on for dateline) over the 56
queries of bench/queries.py for dateline, naive Whoosh and FTS5; `dateline search` end to end
(process start, imports and all), alone and handed to a `dateline serve`; `rg -il` over the
files for the same words. Sizes on disk
against the raw corpus. The costs issue 18 bounds (match-all with a filter and facets, a
5,000-hit paths listing, a suggestion) from bench/costs.py. Ratios are against baselines
measured in the same run, so they carry over between machines; absolute times do not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from costs import costs  # noqa: E402
from costs import ratios as cost_ratios  # noqa: E402
from costs import report as cost_report  # noqa: E402
from queries import QUERIES, Query  # noqa: E402

RUNS = 5


def _smaps(pid: int) -> tuple[int, int]:
    """Resident and proportional (shared pages divided among their sharers) bytes of ``pid``."""
    found = {"Rss": 0, "Pss": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in found:
                    found[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return found["Rss"], found["Pss"]


def _rss(pid: int) -> int:
    """Resident bytes of ``pid`` from /proc/PID/statm: cheap enough to read every 20 ms."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc/PID/task/*/children."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return found


@dataclass
class Memory:
    """Peaks over one run: the summed RSS of the process tree (forked workers count the pages
    they share with the parent again), the summed PSS (shared pages counted once), and the
    largest RSS of any one process. PSS is costly to read (the kernel walks every page), so it
    is sampled every `PSS_EVERY`-th time."""

    rss: int = 0
    pss: int = 0
    process: int = 0
    samples: int = 0

    def sample(self, pid: int) -> None:
        pids = tree(pid)
        sizes = [_rss(p) for p in pids]
        self.rss = max(self.rss, sum(sizes))
        self.process = max(self.process, max(sizes, default=0))
        if self.samples % PSS_EVERY == 0:
            self.pss = max(self.pss, sum(_smaps(p)[1] for p in pids))
        self.samples += 1


#: Read PSS every this many samples (every 0.5 s at one sample per 20 ms).
PSS_EVERY = 25


def measure(command: list[str]) -> tuple[float, Memory]:
    """Wall seconds of ``command`` and the peak memory of its process tree (sampled every 20 ms)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = Memory()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            memory.sample(proc.pid)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return seconds, memory


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds of ``command`` alone (no RSS sampling beside it: these calls take milliseconds)."""
    started = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return seconds


def serve(work: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    """A `dateline serve` on a socket in ``work``, and the environment that reaches it."""
    run = work / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    socket = run / "serve.sock"
    proc = subprocess.Popen([*dateline(), "serve", "--socket", str(socket)], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not socket.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit("dateline serve did not start")
        time.sleep(0.05)
    return proc, {**os.environ, "DATELINE_SOCKET": str(socket)}


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def dateline() -> list[str]:
    exe = shutil.which("dateline", path=str(Path(sys.executable).parent)) or shutil.which("dateline")
    return [exe] if exe else [sys.executable, "-m", "search"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latencies(run, queries: list[Query]) -> dict[str, list[float]]:
    """Per kind, each query's median milliseconds over RUNS runs (after one warm-up run)."""
    out: dict[str, list[float]] = {}
    for q in queries:
        run(q)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - start) * 1000)
        out.setdefault(q.kind, []).append(statistics.median(times))
    return out


def search_dateline(index: Path):
    from search import Index

    ix = Index(index)
    return ix, lambda q: ix.search(q.dateline, limit=10)


def search_naive(index: Path):
    from whoosh import index as whoosh_index
    from whoosh.qparser import MultifieldParser

    ix = whoosh_index.open_dir(str(index))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema)

    def run(q: Query) -> None:
        results = searcher.search(parser.parse(q.whoosh), limit=10)
        for hit in results:
            hit.highlights("body")
        len(results)

    return searcher, run


def search_fts5(db: Path):
    con = sqlite3.connect(db)

    def run(q: Query) -> None:
        where, args = "docs MATCH ?", [q.fts5]
        if q.dates:
            where += " AND date BETWEEN ? AND ?"
            args += list(q.dates)
        con.execute(
            f"SELECT id, snippet(docs, 2, '[', ']', '…', 20) FROM docs WHERE {where} ORDER BY rank LIMIT 10", args
        ).fetchall()
        con.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()

    return con, run


def summary(kinds: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {k: {"p50": statistics.median(v), "p95": percentile(v, 95), "queries": len(v)} for k, v in kinds.items()}


def build_indexes(
    corpus: Path, files: list[Path], ix: Path, naive: Path, db: Path, result: dict
) -> tuple[dict[str, tuple[float, Memory]], dict[str, float]]:
    """Index with each system and print the table; returns the timings and the indexing ratios."""
    index: dict[str, tuple[float, Memory]] = {}
    index["dateline"] = measure([*dateline(), "index", str(corpus), "--index", str(ix)])
    index["dateline no-op"] = measure([*dateline(), "index", str(corpus), "--index", str(ix)])
    for path in files[::100]:
        os.utime(path)
    index["dateline 1% touched"] = measure([*dateline(), "index", str(corpus), "--index", str(ix)])
    index["naive whoosh"] = measure(
        [sys.executable, str(ROOT / "bench" / "systems.py"), "naive-index", str(corpus), str(naive)]
    )
    index["sqlite fts5"] = measure(
        [sys.executable, str(ROOT / "bench" / "systems.py"), "fts5-index", str(corpus), str(db)]
    )
    sizes = {"dateline": size(ix), "naive whoosh": size(naive), "sqlite fts5": size(db)}
    full = index["dateline"][0]
    print(f"\n{'indexing':22} {'seconds':>8} {'docs/s':>8} {'peak RSS':>9} {'peak PSS':>9} {'on disk':>8}")
    for name, (seconds, memory) in index.items():
        disk = f"{sizes[name] / 1e6:6.0f}MB" if name in sizes else ""
        print(
            f"{name:22} {seconds:8.1f} {len(files) / seconds:8.0f} {memory.rss / 1e6:7.0f}MB"
            f" {memory.pss / 1e6:7.0f}MB {disk:>8}"
        )
    ratios = {
        "indexing speed dateline / naive whoosh": index["naive whoosh"][0] / full,
        "no-op re-index / full build": index["dateline no-op"][0] / full,
        "1% touched re-index / full build": index["dateline 1% touched"][0] / full,
        "index size dateline / raw corpus": sizes["dateline"] / result["corpus_bytes"],
    }
    result["sizes"] = sizes
    return index, ratios


#: Issue 25's targets: dateline's search p50 at most this many times FTS5's, per kind of query.
FTS5_SEARCH_TARGETS = {"keyword": 3.0, "phrase": 3.0, "field": 2.0, "date": 2.0}


def fts5_ratios(
    index: dict[str, tuple[float, Memory]], search: dict[str, dict[str, dict[str, float]]], result: dict, files: int
) -> dict[str, float]:
    """dateline against SQLite FTS5 in this run: search p50 as a multiple of FTS5's (lower is
    better), build speed as a share of FTS5's documents a second (higher is better), and each
    index's size against the raw files; the build figures only when this run built."""
    out = {
        f"{kind} p50 dateline / fts5 (target <= {target:g})": search["dateline"][kind]["p50"]
        / search["sqlite fts5"][kind]["p50"]
        for kind, target in FTS5_SEARCH_TARGETS.items()
        if kind in search["dateline"]
    }
    if "dateline" in index and "sqlite fts5" in index:
        out["build docs/s dateline / fts5 (target >= 0.6)"] = index["sqlite fts5"][0] / index["dateline"][0]
        out["build docs/s, dateline"] = files / index["dateline"][0]
        out["build docs/s, fts5"] = files / index["sqlite fts5"][0]
    sizes = result.get("sizes")
    if sizes:
        out["size dateline / raw files (target <= 3)"] = sizes["dateline"] / result["corpus_bytes"]
        out["size fts5 / raw files"] = sizes["sqlite fts5"] / result["corpus_bytes"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="folder built by bench/corpus.py")
    parser.add_argument("--work", type=Path, help="where to put the indexes (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="reuse the indexes a previous run left in --work; measure searching only",
    )
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    files = sorted(corpus.rglob("*.txt"))
    if args.search_only and not args.work:
        sys.exit("--search-only needs --work (the folder of a previous run)")
    work = args.work or Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    if not args.search_only:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    ix, naive, db = work / "dateline", work / "naive", work / "fts5.db"
    result: dict[str, object] = {"documents": len(files), "corpus_bytes": size(corpus), "cpus": os.cpu_count()}
    print(f"{len(files)} files, {size(corpus) / 1e6:.0f} MB in {corpus}; {os.cpu_count()} CPUs", flush=True)

    index: dict[str, tuple[float, Memory]] = {}
    ratios: dict[str, float] = {}
    if not args.search_only:
        index, ratios = build_indexes(corpus, files, ix, naive, db, result)

    search = {}
    # Naive Whoosh first: importing dateline makes Whoosh refuse pickles that name code, and the
    # naive index's schema pickles its stemming function.
    for name, opener, path in (
        ("naive whoosh", search_naive, naive),
        ("sqlite fts5", search_fts5, db),
        ("dateline", search_dateline, ix),
    ):
        handle, run = opener(path)
        search[name] = summary(latencies(run, QUERIES))
        handle.close()
    search = {name: search[name] for name in ("dateline", "naive whoosh", "sqlite fts5")}
    print(f"\n{'in-process search (ms)':22} " + " ".join(f"{k + ' p50/p95':>20}" for k in search["dateline"]))
    for name, kinds in search.items():
        print(f"{name:22} " + " ".join(f"{v['p50']:9.1f} /{v['p95']:8.1f}" for v in kinds.values()))

    words = [(q.dateline, q.rg) for q in QUERIES if q.rg][:10]
    local_env = {**os.environ, "DATELINE_NO_SERVE": "1"}
    server, served_env = serve(work)
    cli, served, rg = [], [], []
    try:
        for text, pattern in words:
            command = [*dateline(), "search", text, "--index", str(ix)]
            cli.append(statistics.median(wall(command, local_env) for _ in range(5)))
            wall(command, served_env)  # the server's first call of an index opens it
            served.append(statistics.median(wall(command, served_env) for _ in range(5)))
            rg.append(
                statistics.median(wall(["rg", "-il", pattern, str(corpus)]) for _ in range(5))
                if shutil.which("rg")
                else float("nan")
            )
    finally:
        server.terminate()
        server.wait()
    end_to_end = {
        "dateline search (median s)": statistics.median(cli),
        "dateline search, served (median s)": statistics.median(served),
        "rg -il (median s)": statistics.median(rg),
    }
    print(
        f"\nend to end over {len(words)} one-word queries (median of 5 each): "
        + ", ".join(f"{name.split(' (')[0]} {value * 1000:.0f} ms" for name, value in end_to_end.items())
    )
    ratios["rg -il / dateline search (end to end)"] = (
        end_to_end["rg -il (median s)"] / end_to_end["dateline search (median s)"]
    )
    ratios["rg -il / dateline search, served"] = (
        end_to_end["rg -il (median s)"] / end_to_end["dateline search, served (median s)"]
    )
    for kind in search["dateline"]:
        ratios[f"{kind} p50 naive whoosh / dateline"] = (
            search["naive whoosh"][kind]["p50"] / search["dateline"][kind]["p50"]
        )

    fts5 = fts5_ratios(index, search, result, len(files))
    result["fts5"] = fts5
    print("\nagainst SQLite FTS5 (issue 25's targets)")
    for name, value in fts5.items():
        print(f"  {name:42} {value:8.2f}")

    bounded = costs(ix, dateline())
    cost_report(bounded)
    ratios.update(cost_ratios(bounded))

    print("\nratios")
    for name, value in ratios.items():
        print(f"  {name:42} {value:8.3f}")
    result.update(
        indexing={
            k: {"seconds": s, "peak_rss_bytes": m.rss, "peak_pss_bytes": m.pss, "peak_process_rss_bytes": m.process}
            for k, (s, m) in index.items()
        },
        search_ms=search,
        end_to_end=end_to_end,
        costs=bounded,
        ratios=ratios,
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
