"""The ``dateline`` command: a thin Click layer over `indexer` and `search`.

Exit status: 0 success; 1 no hits (search), some documents failed (index) or problems found
(check); 2 usage error, malformed or too large query, search past its --timeout, missing,
incompatible or locked index; 3 internal error (a bug).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from indexer.core.defaults import BYS, DEFAULT_INDEX_DIR, DEFAULT_TIMEOUT, INDEX_ENV, K1, LOCK_TIMEOUT, B
from search.cli.completion import SHELLS, complete_fields
from search.cli.config import COLORS, LANGS, SORTS
from search.cli.render import Formats, renderer
from search.serve.protocol import SOCKET_ENV

if TYPE_CHECKING:
    from indexer.write.indexing import Problem
    from search import Cluster, Index
    from search.feedback import Feedback
    from search.serve.server import IndexPool

EXIT_OK, EXIT_NONE, EXIT_ERROR, EXIT_BUG = 0, 1, 2, 3


def _trusted_index(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The ``--index`` value; the built-in ``./.dateline``, found rather than named, only if
    nobody else could have planted it (`indexer.core.trust`)."""
    if ctx.get_parameter_source(param.name or "") is click.core.ParameterSource.DEFAULT:
        from indexer.core.trust import check_trusted

        safe = ctx.find_root().meta.get("dateline.safe_directories", [])
        check_trusted(value, "the index", f"--index PATH or ${INDEX_ENV}", safe)
    return value


index_option = click.option(
    "--index",
    "index_dir",
    envvar=INDEX_ENV,
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    type=click.Path(file_okay=False),
    help=f"Index directory (also from ${INDEX_ENV}).",
    callback=_trusted_index,
)


CLUSTER_ENV = "DATELINE_CLUSTER"


def _cluster_option(does: str) -> Callable[[Any], Any]:
    """``--cluster SCHEDULER|local:N`` (also from ``$DATELINE_CLUSTER``), saying what it ``does``."""
    return click.option(
        "--cluster", envvar=CLUSTER_ENV, metavar="SCHEDULER|local:N", help=f"{does} (also from ${CLUSTER_ENV})."
    )


cluster_option = _cluster_option(
    "Search the shards of the cluster at --index (its cluster.json) on this Dask scheduler, or on N local "
    "workers; needs dateline[cluster]"
)
stats_option = click.option(
    "--stats",
    type=click.Choice(["global", "local"]),
    default="global",
    show_default=True,
    help="With --cluster: score with the statistics of all shards (exact: as one index), or each shard's own "
    "(one round trip fewer; scores approximate).",
)


#: The output formats people read, where copies are collapsed unless --no-collapse (`search --help`).
COLLAPSED_FORMATS = ("text", "html")


def _index(
    index_dir: str, cluster: str | None = None, stats: str = "global", **options: Any
) -> contextlib.AbstractContextManager[Index | Cluster]:
    """The index to search: opened for this call, or kept open by `dateline serve`, which runs
    a call with its pool of open indexes as the context's object (`_run_served`). With
    ``cluster`` (or at a cluster's root served by ``dateline serve --cluster``), the shards listed
    at ``index_dir`` as one (`search.cluster.sharded.Cluster`), which answers as an `Index` does."""
    pool: IndexPool | None = click.get_current_context().find_root().obj
    if pool is not None:
        return contextlib.nullcontext(pool.get(index_dir, cluster=cluster, stats=stats, **options))
    if cluster:
        from search.cluster.sharded import open_cluster

        return open_cluster(cluster, index_dir, stats=stats, **options)
    from search import Index

    return Index(index_dir, **options)


def fail(message: str, status: int = EXIT_ERROR) -> click.exceptions.Exit:
    """Print ``message`` as one line on stderr (the paths and ids in it escaped: a file name
    must not drive the terminal) and return the exit to raise."""
    from indexer.core.text import escape_controls

    click.echo(f"dateline: {escape_controls(message)}", err=True)
    return click.exceptions.Exit(status)


class _Group(click.Group):
    """Turns dateline's typed errors into one line on stderr and a documented exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        from indexer.core.errors import DatelineError, IndexNotFoundError
        from search.errors import SearchTimeoutError

        try:
            return super().invoke(ctx)
        except IndexNotFoundError as exc:
            raise fail(f"{exc} (create it with: dateline index PATH)") from None
        except SearchTimeoutError as exc:
            raise fail(f"{exc} (--timeout)") from None
        except DatelineError as exc:
            raise fail(str(exc)) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.stderr.close()  # output piped into `head`: not an error
            raise click.exceptions.Exit(EXIT_OK) from None
        except Exception as exc:
            if os.environ.get("DATELINE_DEBUG"):
                raise
            raise fail(
                f"internal error: {type(exc).__name__}: {exc} (set DATELINE_DEBUG=1 for details)", EXIT_BUG
            ) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dateline")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Index a folder of news articles and press releases, then search it.

    Defaults come from ~/.config/dateline/config.toml and ./dateline.toml (or $DATELINE_CONFIG);
    see `dateline config`.

    \b
      dateline index corpus/
      dateline search '"armed forces" mali'
      dateline search 'solar OR wind' --since 2025-06-01 --format json
    """
    from search.cli.config import load_config

    params = {name: {p.name for p in command.params if p.name} for name, command in main.commands.items()}
    config = load_config()
    ctx.meta["dateline.safe_directories"] = config.safe_directories()
    ctx.default_map = {**config.default_map(params), **(ctx.default_map or {})}


def _parse_map(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    from indexer.core.document import DOCUMENT_FIELDS

    mapping: dict[str, str] = {}
    for item in values:
        key, sep, field = item.partition("=")
        if not sep or not key or field not in DOCUMENT_FIELDS:
            raise click.BadParameter(f"{item!r}: use KEY=FIELD, FIELD one of {', '.join(DOCUMENT_FIELDS)}")
        mapping[key] = field
    return mapping


def _parse_boosts(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    if not values:  # also during shell completion, which must not load Whoosh
        return {}
    from search.errors import QueryError
    from search.query import check_boosts

    boosts: dict[str, float] = {}
    for item in values:
        name, sep, weight = item.partition("=")
        try:
            boosts[name] = float(weight) if sep else float("nan")
            check_boosts({name: boosts[name]})
        except (ValueError, QueryError) as exc:
            detail = str(exc) if isinstance(exc, QueryError) and sep else "use FIELD=WEIGHT, e.g. title=5"
            raise click.BadParameter(f"{item!r}: {detail}") from None
    return boosts


def _parse_size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from indexer.parse.files import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


class _Progress:
    """A progress bar on a terminal; silence otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        if sys.stderr.isatty() and total:
            self.bar = click.progressbar(length=total, label="indexing", file=sys.stderr)
            self.bar.__enter__()

    def step(self, _path: object) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@index_option
@click.option("--prune", is_flag=True, help="Also remove documents whose files are not under any PATH given now.")
@click.option(
    "--rebuild", is_flag=True, help="Build a fresh index (swapped in when complete); needed after an upgrade."
)
@click.option(
    "--map",
    "field_map",
    multiple=True,
    callback=_parse_map,
    metavar="KEY=FIELD",
    help=(
        "Read the JSON key, front matter key or CSV column KEY (a CSV column by number: 1=FIELD) into FIELD "
        "(repeatable), e.g. --map headline=title."
    ),
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes that read and index files (default: one per CPU).",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=LOCK_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another process writing the same index, then fail (exit 2).",
)
@click.option(
    "--max-size",
    "max_size",
    default="20MB",
    show_default=True,
    callback=_parse_size,
    metavar="SIZE",
    help="Skip (and list as failed) files larger than SIZE: bytes, or with KB, MB or GB; at most 4 GB.",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Also follow symbolic links to files and folders outside the PATHS (default: listed as skipped).",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="List every warning (default: the first 3 of each kind, then a count of the files).",
)
@_cluster_option(
    "Index every shard of the cluster at --index (planned by dateline cluster plan) as a task on this Dask "
    "scheduler's workers, or on N local ones; --workers processes per shard"
)
def index(
    paths: tuple[str, ...],
    index_dir: str,
    prune: bool,
    rebuild: bool,
    field_map: dict[str, str],
    workers: int | None,
    wait: float,
    max_size: int,
    follow_links: bool,
    verbose: bool,
    cluster: str | None,
) -> None:
    """Index the documents under PATHS (files or folders, recursively).

    Incremental: unchanged files are skipped, changed files re-read, and documents whose file
    is gone from under a PATH removed. Reads .txt, .md, .html and .jsonl; hidden files and
    folders are skipped, and so are symbolic links out of the PATHS (listed on stderr) unless
    --follow-links. Exit status 1 when some documents failed (listed on stderr, then counted
    by reason). Warnings of one kind are shown for 3 files, then counted (all with --verbose).

    \b
      dateline index corpus/
      dateline index --index ~/news.idx archive/2025 archive/2024
      dateline index feed.jsonl --map headline=title --map story=body
      dateline index --index archive-cluster --cluster local:2
    """
    if cluster:
        if paths:
            raise fail("with --cluster, the files are the plan's (dateline cluster plan); give no PATHS")
        _index_cluster(index_dir, cluster, workers or 1, rebuild)
        return
    if not paths:
        raise fail("give the PATHS to index (files or folders)")
    from indexer import index_paths
    from indexer.core.text import escape_controls
    from search.cli.problem_output import warning_lines

    progress = _Progress()
    try:
        report = index_paths(
            paths,
            index_dir,
            prune=prune,
            rebuild=rebuild,
            field_map=field_map,
            on_start=progress.start,
            on_file=progress.step,
            workers=workers,
            lock_timeout=wait,
            on_wait=_waiting,
            max_bytes=max_size,
            follow_links=follow_links,
        )
    finally:
        progress.close()
    for line in warning_lines(report.warnings, verbose=verbose):
        click.echo(line, err=True)
    _echo_failed(report.failed)
    for problem in report.skipped:
        click.echo(f"dateline: skipped: {escape_controls(str(problem))}", err=True)
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged, {len(report.failed)} failed{skipped} "
        f"in {report.seconds:.2f} s ({report.docs_per_second:.0f} docs/s) → {escape_controls(index_dir)}"
    )
    if report.failed:
        raise click.exceptions.Exit(EXIT_NONE)


def _index_cluster(root: str, spec: str, workers: int, rebuild: bool) -> None:
    """`index --cluster`: every shard of the cluster at ``root`` indexed on ``spec``'s workers."""
    from indexer.core.text import escape_controls
    from search.cluster.building import ShardReport, index_cluster
    from search.cluster.engine import connect
    from search.cluster.manifest import read_manifest

    manifest = read_manifest(root)
    started = time.perf_counter()

    def shard_done(report: ShardReport) -> None:
        if not report.error:
            for path, reason in report.failed:
                click.echo(f"dateline: {escape_controls(path)}: {escape_controls(reason)}", err=True)
            click.echo(
                f"shard {report.name}: {report.added} added, {report.updated} updated, {report.removed} removed, "
                f"{report.unchanged} unchanged, {len(report.failed)} failed in {report.seconds:.2f} s"
            )

    with connect(spec) as client:
        reports = index_cluster(client, manifest, workers=workers, rebuild=rebuild, on_shard=shard_done)
    added, failed = sum(r.added for r in reports), sum(len(r.failed) for r in reports)
    click.echo(
        f"{len(reports)} shards: {added} added, {sum(r.updated for r in reports)} updated, "
        f"{sum(r.removed for r in reports)} removed, {failed} failed in {time.perf_counter() - started:.2f} s "
        f"→ {escape_controls(root)}"
    )
    if failed:
        raise click.exceptions.Exit(EXIT_NONE)


def _echo_failed(failed: list[Problem]) -> None:
    """Every failure on its own line, as the user must act on each, then a count by reason."""
    from indexer.core.text import escape_controls
    from search.cli.problem_output import failure_summary

    for problem in failed:
        click.echo(f"dateline: failed: {escape_controls(str(problem))}", err=True)
    summary = failure_summary(failed)
    if summary:
        click.echo(summary, err=True)


def _waiting(seconds: float) -> None:
    click.echo(f"dateline: another process is writing the index; waiting up to {seconds:g} s", err=True)


class FormatChoice(click.Choice):
    """``--format``: the output formats that render ``kind`` (`search.cli.render.formats`), read
    from the registry whenever Click checks or lists them; ``before``: choices of the command's
    own that come first (``auto``), ``only``: a subset it accepts."""

    def __init__(self, kind: str, *, before: tuple[str, ...] = (), only: tuple[str, ...] | None = None) -> None:
        self.kind, self.before, self.only, self._formats = kind, before, only, Formats(kind)
        super().__init__(())

    @property  # Click's is a plain attribute, set once in __init__
    def choices(self) -> tuple[str, ...]:
        return (*self.before, *(f for f in self._formats if self.only is None or f in self.only))

    @choices.setter
    def choices(self, value: Any) -> None:  # Click's __init__ sets it; the registry is the list
        pass


def _style(color: str) -> Any:
    from search.cli.layout import match_style

    return match_style(color, sys.stdout.isatty(), bool(os.environ.get("NO_COLOR")))


def _render(fmt: str, kind: str) -> Any:
    """The function of output format ``fmt`` that renders ``kind`` (a choice of `FormatChoice`,
    so it has one)."""
    render = getattr(renderer(fmt), kind)
    assert render is not None, (fmt, kind)
    return render


@main.group()
def cluster() -> None:
    """Shards on a Dask cluster: plan which files go to which shard (then index them with
    dateline index --cluster, search them with dateline search --cluster).

    \b
      dateline cluster plan --shard-by year --index archive-cluster archive/
      dateline cluster plan --shard-by hash:4 --index archive-cluster archive/
    """


@cluster.command(name="plan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--index",
    "root",
    envvar=INDEX_ENV,
    required=True,
    type=click.Path(file_okay=False),
    help=f"The cluster's root: cluster.json and shards/ go there (also from ${INDEX_ENV}).",
)
@click.option(
    "--shard-by",
    default="year",
    show_default=True,
    metavar="year|month|hash:N",
    help="A shard per year or month of the documents' dates (undated ones: shard undated), or N shards by a hash "
    "of each file's id.",
)
@click.option(
    "--max-files",
    type=click.IntRange(min=1),
    metavar="N",
    help="Split a year or month of more than N files into parts by a hash of the file's id (2024-h0, 2024-h1 …).",
)
@click.option("--follow-links", is_flag=True, help="Follow symbolic links out of PATHS, as dateline index does.")
def cluster_plan(paths: tuple[str, ...], root: str, shard_by: str, max_files: int | None, follow_links: bool) -> None:
    """Plan a cluster of the archive folders PATHS: which shard holds each file, written to
    cluster.json at --index. Planning again keeps every known file in its shard (files never
    move), places new ones and forgets those gone. One line per shard: name, files, dates.

    \b
      dateline cluster plan --shard-by year --index archive-cluster archive/
      dateline cluster plan --shard-by month --max-files 20000 --index wires-cluster wires/
    """
    from indexer.core.text import escape_controls
    from search.cluster.manifest import plan, write_manifest

    manifest = plan(root, paths, shard_by, max_files=max_files, follow_links=follow_links)
    written = write_manifest(manifest)
    for shard in manifest.shards:
        span = f"{shard.first} … {shard.last}" if shard.first else "undated"
        click.echo(f"{shard.name}\t{len(shard.files)} files\t{span}")
    files = sum(len(s.files) for s in manifest.shards)
    click.echo(f"{len(manifest.shards)} shards, {files} files → {escape_controls(str(written))}", err=True)


@main.command()
@click.argument("query", required=False)
@index_option
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=0),
    help="Hits per page; 0: only the total and facets [default: 10; 1000 with --batch].",
)
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Page of hits to show.")
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="Rank by relevance, or by date (oldest first) or -date (newest first).",
)
@click.option(
    "--fields",
    metavar="F1,F2",
    shell_complete=complete_fields,
    help="Fields that bare words search [default: title,body,issuer,place].",
)
@click.option("--since", metavar="DATE", help="Only documents dated on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only documents dated on or before DATE (inclusive).")
@click.option(
    "--lang",
    type=click.Choice(LANGS, case_sensitive=False),
    help="Only documents in this language (xx: any other); default all.",
)
@click.option(
    "--format",
    "fmt",
    type=FormatChoice("results"),
    default="text",
    show_default=True,
    help="text for people; json, jsonl, paths (one id a line) or paths0 (each id ended by NUL) for "
    "programs; html, a page; csv, a table.",
)
@click.option(
    "-0", "null", is_flag=True, help="Short for --format paths0 (as find -print0), for xargs -0 or show -0 -."
)
@click.option(
    "--color",
    type=click.Choice(COLORS),
    default="auto",
    show_default=True,
    help="Colour matches (auto: on a terminal, unless NO_COLOR is set).",
)
@click.option("--any", "any_word", is_flag=True, help="Rank documents that hold any of the words, not only all.")
@click.option(
    "--batch",
    "batch",
    type=click.Path(dir_okay=False),
    metavar="QUERIES",
    help="Run every query of QUERIES (qid<TAB>text lines, or BEIR queries.jsonl) as plain words.",
)
@click.option(
    "--run",
    "run_out",
    type=click.Path(dir_okay=False, writable=True),
    metavar="OUT",
    help="With --batch: write the TREC run here (default: standard output).",
)
@click.option("--tag", default="dateline", show_default=True, help="With --batch: the run's tag column.")
@click.option("--all-words", is_flag=True, help="With --batch: require all words, not any.")
@click.option(
    "--boost",
    "boosts",
    multiple=True,
    callback=_parse_boosts,
    metavar="FIELD=WEIGHT",
    help="Weight of a field's matches (repeatable) [default: title=3 issuer=2 place=1.5 body=1].",
)
@click.option(
    "--k1",
    type=click.FloatRange(min=0),
    default=K1,
    show_default=True,
    help="BM25 term-frequency saturation: higher lets repeated words count for longer.",
)
@click.option(
    "--b",
    type=click.FloatRange(0, 1),
    default=B,
    show_default=True,
    help="BM25 length normalisation: 0 ignores document length, 1 fully normalises.",
)
@click.option(
    "--feedback",
    is_flag=True,
    help="Expand the query with the words of its best first hits (RM3 pseudo-relevance feedback).",
)
@click.option(
    "--explain", is_flag=True, help="Show how each hit's score adds up: per query word, its IDF and each field's part."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a search that takes longer (exit status 2); 0: no limit. With --batch: per query.",
)
@click.option(
    "--facet",
    "facets",
    multiple=True,
    metavar="FIELD",
    help="Count the matches per value of FIELD (repeatable): issuer, wire, place, region, country, "
    "language, year, month, label.",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Only documents whose FIELD is VALUE (repeatable; OR within a field, AND across fields).",
)
@click.option(
    "--suggest",
    "suggest",
    is_flag=True,
    default=None,
    help="Suggest a spelling correction even when the query has hits (always: with fewer than 3).",
)
@click.option(
    "--collapse/--no-collapse",
    default=None,
    help="Show the copies of one story once, at the best-ranked (+N copies: sites), and one hit of a "
    "template family a page [default: on for text and html, off for the formats programs read].",
)
@click.option(
    "--recent",
    metavar="HALF_LIFE",
    help="Favour recent documents: scores halve with every HALF_LIFE of age (12h, 30d, 2w, 6m, 1y), "
    "counted back from the newest document or --now.",
)
@click.option("--now", metavar="DATE", help="With --recent: the date ages count back from (YYYY-MM-DD).")
@click.option(
    "--per-source",
    type=click.IntRange(min=1),
    metavar="N",
    help="At most N hits of one source (a URL's host, else the folder) a page; the others move to later pages.",
)
@cluster_option
@stats_option
def search(
    query: str | None,
    index_dir: str,
    limit: int | None,
    page: int,
    sort: str,
    fields: str | None,
    since: str | None,
    until: str | None,
    lang: str | None,
    fmt: str,
    color: str,
    any_word: bool,
    batch: str | None,
    run_out: str | None,
    tag: str,
    all_words: bool,
    boosts: dict[str, float],
    k1: float,
    b: float,
    feedback: bool,
    explain: bool,
    timeout: float,
    facets: tuple[str, ...],
    filters: tuple[str, ...],
    suggest: bool | None,
    null: bool,
    collapse: bool | None,
    recent: str | None,
    now: str | None,
    per_source: int | None,
    cluster: str | None,
    stats: str,
) -> None:
    """Search the index with QUERY; all words must match unless joined with OR (or --any).

    With --batch, run a file of natural-language queries and write a TREC run: each query is
    read as plain words (punctuation and AND/OR/NOT are text), any of them may match.

    An unclosed quote or bracket is closed at the end of the query, and a bracket that closes
    nothing dropped; with text output, how the query was read is said on stderr.

    A query with fewer than 3 hits whose words look misspelt gets a suggestion from the
    index's own words ("Did you mean: armed forces" on stderr; "suggestion" in JSON).

    The copies of one story (a release on five portals) are shown once, with "+N copies" and
    their sites, and a template family (a notice sent daily with a name changed) one hit a page:
    on by default for text and html, which people read; off for json, jsonl, csv and paths,
    which programs read and must get every match from (--collapse turns it on there). The
    summary then counts both hits and stories.

    A boost (word^N in QUERY, or --boost) must be at most 1000000; a larger one is refused
    (exit 2). JSON output is strict JSON: never Infinity or NaN.

    Exit status 1 when nothing matches, 2 for a malformed or too large query, a file in the wrong
    format, or a search that takes longer than --timeout.

    \b
      dateline search '"armed forces"'
      dateline search 'issuer:nordlicht wind* OR solar*' --sort -date
      dateline search 'date:[2025-06-01 TO 2025-06-30] acquisition' --format json
      dateline search Unternehmen --lang de
      dateline search 'armed forces' --explain -n 3
      dateline search tariffs --recent 30d --per-source 2
      dateline search energy --facet wire --facet year --filter language=en
      dateline search 'armd forcse'
      dateline search --batch queries.tsv --run run.txt
    """
    if null:
        if (
            click.get_current_context().get_parameter_source("fmt") is click.core.ParameterSource.COMMANDLINE
            and fmt != "paths0"
        ):
            raise fail(f"-0 is --format paths0; not with --format {fmt}")
        fmt = "paths0"
    if (query is None) == (batch is None):
        raise fail("give a QUERY or --batch QUERIES (not both)")
    if limit == 0 and batch is not None:
        raise fail("--limit 0 lists no hits; a --batch run needs 1 or more per query")
    if explain and batch is not None:
        raise fail("--explain explains the hits of one QUERY, not a --batch run")
    if cluster and (batch is not None or feedback):
        raise fail("--cluster searches one QUERY at a time, without --feedback (not with --batch)")
    if (collapse or recent or now or per_source) and (batch is not None or cluster):
        raise fail(
            "--collapse, --recent, --now and --per-source arrange one QUERY's hits on one index "
            "(not with --batch or --cluster)"
        )
    if now and not recent:
        raise fail("--now is the date --recent counts ages back from; give --recent HALF_LIFE too")
    from search.facets import parse_filters

    ranking = {"boosts": boosts, "k1": k1, "b": b}
    expansion = None
    if feedback:
        from search.feedback import Feedback

        expansion = Feedback()
    if batch is not None:
        if click.get_current_context().get_parameter_source("limit") is click.core.ParameterSource.DEFAULT_MAP:
            limit = None  # a config file's page size is for reading, not for runs to evaluate
        _batch(
            index_dir,
            batch,
            run_out,
            limit or 1000,
            tag,
            "all" if all_words else "any",
            lang,
            ranking,
            expansion,
            timeout,
        )
        return
    assert query is not None
    field_list = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    options: dict[str, Any] = {
        "limit": 10 if limit is None else limit,
        "page": page,
        "since": since,
        "until": until,
        "sort": sort,
        "fields": field_list,
        "lang": lang,
        "match": "any" if any_word else "all",
        "explain": explain,
        "timeout": timeout,
        "facets": facets,
        "filters": parse_filters(filters),
        "suggest": suggest or None,
        "snippets": renderer(fmt).snippets,
    }
    if collapse is not None or per_source is not None:  # a cluster refuses them (search.cluster.sharded)
        options.update(collapse=bool(collapse), per_source=per_source)
    if recent:
        options.update(recent=recent, now=now)
    if expansion is not None:  # a cluster has no feedback (refused above)
        options["feedback"] = expansion
    with _index(index_dir, cluster, stats, **ranking) as ix:
        if collapse is None and fmt in COLLAPSED_FORMATS and _collapses(ix):
            options["collapse"] = True
        results = ix.search(query, **options)
    from search.cli.layout import terminal_width

    output = renderer(fmt)
    if results.read_as is not None and output.people:
        from indexer.core.text import escape_controls
        from search.limits import name

        click.echo(
            f"dateline: {escape_controls(name(query))}: read as {escape_controls(repr(results.read_as))} "
            f"({' and '.join(results.repairs)})",
            err=True,
        )
    assert output.results is not None  # the --format choices are the formats that render results
    text = output.results(results, _style(color), terminal_width(sys.stdout, os.environ))
    if isinstance(text, bytes):
        _write_bytes(text)
    elif text:
        click.echo(text, color=color == "always" or None)
    if results.suggestion is not None and output.people:
        click.echo(f"Did you mean: {results.suggestion}", err=True)
    if results.total == 0:
        raise click.exceptions.Exit(EXIT_NONE)


def _collapses(ix: Index | Cluster) -> bool:
    """Whether ``ix`` collapses copies by default: one index does; a cluster (served at its root,
    or named with --cluster) has no groups across its shards yet."""
    from search import Index

    return isinstance(ix, Index)


def _write_bytes(data: bytes) -> None:
    """Write ``data`` to standard output as it is, after any text already written."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _read_ids(null: bool) -> list[str]:
    """The ids on standard input: one a line, or each ended by NUL with ``null`` (as
    ``--format paths0`` writes them); bytes that are not UTF-8 kept (as surrogates), empty
    entries skipped. Only a newline ends a line: a carriage return can be part of an id."""
    stream = sys.stdin  # a served call's is text without bytes underneath (served calls never read it)
    raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8", "surrogateescape")
    data = raw.decode("utf-8", "surrogateescape")
    return [doc_id for doc_id in data.split("\0" if null else "\n") if doc_id]


def _batch(
    index_dir: str,
    queries_path: str,
    run_out: str | None,
    limit: int,
    tag: str,
    match: str,
    lang: str | None,
    ranking: dict[str, Any],
    feedback: Feedback | None,
    timeout: float,
) -> None:
    from search import Index
    from search.eval.batch import run_batch
    from search.eval.trec import read_queries, write_run

    queries = read_queries(queries_path)
    with Index(index_dir, **ranking) as ix:
        lines = run_batch(ix, queries, limit=limit, tag=tag, match=match, lang=lang, feedback=feedback, timeout=timeout)  # type: ignore[arg-type]
        if run_out is None:
            write_run(lines, sys.stdout)
            return
        try:
            with open(run_out, "w", encoding="utf-8") as out:
                count = write_run(lines, out)
        except OSError as exc:
            raise fail(f"{run_out}: {exc.strerror or exc}") from None
    from indexer.core.text import escape_controls

    click.echo(f"{len(queries)} queries, {count} run lines → {escape_controls(run_out)}", err=True)


@main.command()
@click.argument("query")
@index_option
@click.option(
    "--by",
    type=click.Choice(BYS),
    default="month",
    show_default=True,
    help="Count per day, ISO week (2025-W23) or month.",
)
@click.option("--since", metavar="DATE", help="First period: documents dated on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Last period: documents dated on or before DATE (inclusive).")
@click.option(
    "--lang",
    type=click.Choice(LANGS, case_sensitive=False),
    help="Only documents in this language (xx: any other); default all.",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Only documents whose FIELD is VALUE (repeatable), as in search.",
)
@click.option(
    "--format",
    "fmt",
    type=FormatChoice("timeline", before=("auto",)),
    default="auto",
    show_default=True,
    help="text: a bar chart; json for programs; auto: the chart on a terminal, else JSON.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a count that takes longer (exit status 2); 0: no limit.",
)
@cluster_option
def timeline(
    query: str,
    index_dir: str,
    by: str,
    since: str | None,
    until: str | None,
    lang: str | None,
    filters: tuple[str, ...],
    fmt: str,
    timeout: float,
    cluster: str | None,
) -> None:
    """Count the documents matching QUERY per day, week or month: a bar chart on a terminal,
    JSON otherwise (--format chooses).

    Every period from the first hit to the last (or --since to --until) is shown, empty ones
    as 0; documents without a date are counted apart; '*' counts every document. Exit status 1
    when nothing matches, 2 for a malformed query or a count that takes longer than --timeout.

    \b
      dateline timeline energy
      dateline timeline 'wind OR solar' --by week --since 2025-06-01 --until 2025-07-31
      dateline timeline Unternehmen --lang de > counts.json
    """
    from search.facets import parse_filters

    with _index(index_dir, cluster) as ix:
        result = ix.timeline(
            query, by=by, since=since, until=until, lang=lang, filters=parse_filters(filters), timeout=timeout
        )
    if fmt == "auto":
        fmt = "text" if sys.stdout.isatty() else "json"
    click.echo(_render(fmt, "timeline")(result))
    if result.total == 0:
        raise click.exceptions.Exit(EXIT_NONE)


@main.command(name="eval")
@click.argument("qrels", type=click.Path(dir_okay=False))
@click.argument("run", type=click.Path(dir_okay=False))
@click.option("--per-query", is_flag=True, help="Also print each query's measures.")
@click.option("--format", "fmt", type=FormatChoice("evaluation"), default="text", show_default=True)
def eval_command(qrels: str, run: str, per_query: bool, fmt: str) -> None:
    """Score a TREC RUN against QRELS: nDCG@10, MAP, Recall@100, MRR@10, P@10.

    QRELS is TREC (qid 0 docid rel) or BEIR TSV; the measures come from ir-measures
    (pip install 'dateline[eval]').

    \b
      dateline search --batch queries.tsv --run run.txt
      dateline eval qrels.txt run.txt --per-query
    """
    from search.eval.evaluate import evaluate

    result = evaluate(qrels, run, per_query=per_query)
    click.echo(_render(fmt, "evaluation")(result))


@main.command()
@click.argument("doc_ids", metavar="ID...", nargs=-1, required=True)
@index_option
@click.option(
    "--format",
    "fmt",
    type=FormatChoice("document"),
    default="text",
    show_default=True,
    help="text for people; json, one document a line, for programs.",
)
@click.option(
    "-0", "--null", "null", is_flag=True, help="With -: the ids on standard input each end with NUL, not a newline."
)
@cluster_option
def show(doc_ids: tuple[str, ...], index_dir: str, fmt: str, null: bool, cluster: str | None) -> None:
    """Print stored documents, by the IDs that search prints; - reads IDs from standard input,
    one a line (or NUL-ended with -0: what search --format paths0 writes, so no id can break
    the pipe). Put -- before IDs that may start with a dash.

    Exit status 2 when an ID is not in the index (the others are still printed).

    \b
      dateline show prnewswire-fama-2025-06-06.txt
      dateline search mali --format paths0 | dateline show -0 -
      dateline search mali -0 | xargs -0 dateline show --
    """
    from search.errors import DocumentNotFoundError

    render = _render(fmt, "document")

    ids = [i for doc_id in doc_ids for i in (_read_ids(null) if doc_id == "-" else [doc_id])]
    missing = shown = 0
    with _index(index_dir, cluster) as ix:
        for doc_id in ids:
            try:
                doc = ix.get(doc_id)
            except DocumentNotFoundError as exc:
                fail(str(exc))
                missing += 1
                continue
            if renderer(fmt).people and shown:
                click.echo()  # a blank line between documents
            shown += 1
            click.echo(render(doc))
    if missing:
        raise click.exceptions.Exit(EXIT_ERROR)


@main.command()
@click.argument("doc_id", metavar="ID")
@index_option
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many similar documents to list.",
)
@click.option(
    "--format",
    "fmt",
    type=FormatChoice("results", only=("text", "json", "paths")),
    default="text",
    show_default=True,
    help="text for people; json or paths (one id a line) for programs.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a search that takes longer (exit status 2); 0: no limit.",
)
@cluster_option
def similar(doc_id: str, index_dir: str, limit: int, fmt: str, timeout: float, cluster: str | None) -> None:
    """List the documents most like document ID (as search prints it): more like this, by
    the key terms of its title and body; finds the same story from other wires. Its own copies
    (found while indexing, as dateline duplicates lists them) come first.

    Exit status 1 when no other document shares its key terms, 2 for an unknown ID or a search
    that takes longer than --timeout.

    \b
      dateline similar en/businesswire-corvane-phase2-results-2025-03-12.txt
      dateline similar feed-2025-07-002 -n 3 --format paths
      dateline search corvane --format paths | head -1 | xargs dateline similar
    """
    with _index(index_dir, cluster) as ix:
        results = ix.similar(doc_id, limit=limit, timeout=timeout)
    text = _render(fmt, "results")(results, _style("auto"), None)
    if text:
        click.echo(text)
    if not results.hits:
        raise click.exceptions.Exit(EXIT_NONE)


@main.command()
@click.argument("query", required=False)
@index_option
@click.option(
    "-n", "--limit", default=10, show_default=True, type=click.IntRange(min=1), help="Groups of copies to list."
)
@click.option("--format", "fmt", type=FormatChoice("duplicates"), default="text", show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a search that takes longer (exit status 2); 0: no limit.",
)
def duplicates(query: str | None, index_dir: str, limit: int, fmt: str, timeout: float) -> None:
    """List the largest groups of copies of one story (a release on several portals, a story
    reprinted), most copies first; with QUERY, the groups with a copy matching it. Copies are
    found while indexing: bodies that hold 95% of each other's text (estimated from MinHash
    signatures), published within a week of the group's first copy, which leads it.

    Exit status 1 when no group is found, 2 for a malformed QUERY.

    \b
      dateline duplicates
      dateline duplicates 'class action' -n 3 --format json
    """
    from search import Index

    with _index(index_dir) as ix:
        if not isinstance(ix, Index):  # a served cluster's root
            raise fail("dateline duplicates reads one index, not a cluster")
        stories = ix.duplicates(query, limit=limit, timeout=timeout)
    click.echo(_render(fmt, "duplicates")(stories))
    if not stories:
        raise click.exceptions.Exit(EXIT_NONE)


@main.command()
@index_option
@click.option("--format", "fmt", type=FormatChoice("stats"), default="text", show_default=True)
@cluster_option
def stats(index_dir: str, fmt: str, cluster: str | None) -> None:
    """Summarise the index: documents, date range, wires, top issuers, fields, size.

    \b
      dateline stats
      dateline stats --index ~/news.idx --format json
    """
    with _index(index_dir, cluster) as ix:
        summary = ix.stats()
    click.echo(_render(fmt, "stats")(summary))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option(
    "--repair", is_flag=True, help="Fix what reindexing can (orphans are removed; a damaged index is rebuilt)."
)
@click.option("--format", "fmt", type=FormatChoice("check"), default="text", show_default=True)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=LOCK_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="With --repair: how long to wait for another process writing the index.",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Follow symbolic links out of the roots, as dateline index --follow-links does.",
)
def check(paths: tuple[str, ...], index_dir: str, repair: bool, fmt: str, wait: float, follow_links: bool) -> None:
    """Compare the index with the files it was built from, and read all of it.

    Reports files with no document (missing), documents whose file changed (stale) or is gone or
    outside the PATHS (orphaned), and index files that cannot be read (unreadable). PATHS default
    to the folders the index records; given, they replace them. Exit status 0 when consistent,
    1 when problems were found (and not repaired), 2 for errors.

    \b
      dateline check
      dateline check --repair --index ~/news.idx
      dateline check archive/2025 archive/2024 --format json
    """
    from indexer.check.integrity import check_index, repair_index
    from indexer.core.text import escape_controls

    output = renderer(fmt)
    roots = list(paths) or None
    if repair:
        fixed = repair_index(index_dir, roots, lock_timeout=wait, on_wait=_waiting, follow_links=follow_links)
        report, text = fixed.after, _render(fmt, "repair")(fixed)
    else:
        report = check_index(index_dir, roots, follow_links=follow_links)
        text = _render(fmt, "check")(report)
    if text:
        click.echo(text)
    if output.check_summary is not None:
        _echo_failed(report.failed)
        for problem in report.skipped:
            click.echo(f"dateline: skipped: {escape_controls(str(problem))}", err=True)
        click.echo(output.check_summary(report))
    if not report.ok:
        raise click.exceptions.Exit(EXIT_NONE)


@main.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    Completes commands, options, their choices, field names and paths; add the line for your
    shell to its start-up file (see the README).

    \b
      dateline completion bash > ~/.local/share/bash-completion/completions/dateline
      dateline completion zsh > "${fpath[1]}/_dateline"
      dateline completion fish > ~/.config/fish/completions/dateline.fish
    """
    from search.cli.completion import script

    click.echo(script(main, shell))


@main.command(name="config")
@click.option("--format", "fmt", type=FormatChoice("settings"), default="text", show_default=True)
def config_command(fmt: str) -> None:
    """Show the effective settings and where each comes from: a config file, $DATELINE_INDEX, or
    the built-in default. The text output is itself a valid config file (with
    DATELINE_CONFIG=/dev/null: the built-in defaults, to start one from).

    Files read: $DATELINE_CONFIG alone when set, else ~/.config/dateline/config.toml
    ($XDG_CONFIG_HOME) and then ./dateline.toml, the nearer overriding. Flags override all.

    \b
      dateline config
      dateline config --format json
      DATELINE_CONFIG=/dev/null dateline config
    """
    from search.cli.config import load_config

    click.echo(_render(fmt, "settings")(load_config()))


@main.command()
@click.option(
    "--socket",
    "socket_file",
    envvar=SOCKET_ENV,
    metavar="PATH",
    help="Where to listen (also from $DATELINE_SOCKET) [default: $XDG_RUNTIME_DIR or /tmp, "
    "then dateline-UID/serve.sock].",
)
@click.option(
    "--idle",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="SECONDS",
    help="Stop after this many seconds without a request; 0: never (not with --http).",
)
@click.option("--http", "http", is_flag=True, help="Also serve the web page and JSON API of one index (--index).")
@index_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="With --http: the address to listen on; another than loopback only when you mean it.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="With --http: the port (0: any free one).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="With --http: another name the server may be reached by (repeatable); any other Host header is refused.",
)
@click.option(
    "--no-token",
    is_flag=True,
    help="With --http: no token (default: a random one in the printed URL, then a cookie); for a trusted setup only.",
)
@click.option("--open", "open_browser", is_flag=True, help="With --http: open the page in the web browser.")
@_cluster_option(
    "Keep a searcher of every shard resident on this Dask cluster: a cluster's root given as --index is then "
    "searched as one index, by the command line and with --http"
)
def serve(
    socket_file: str | None,
    idle: int,
    http: bool,
    index_dir: str,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    no_token: bool,
    open_browser: bool,
    cluster: str | None,
) -> None:
    """Keep indexes open in one background process, so that search, show and stats answer in
    milliseconds instead of a quarter of a second.

    While it runs, `dateline search`, `similar`, `show`, `stats` and `timeline` (not `search --batch`) are handed to it
    and print exactly what they would print alone; set DATELINE_NO_SERVE=1 to bypass it. It
    notices new commits to an index, and stops when dateline itself is upgraded.

    With --http it also serves the index of --index as a web page and a JSON API (/api/search,
    /api/timeline, /api/document, /api/similar, /api/stats; /openapi.json describes them) on
    127.0.0.1:8080, and prints the URL to open: it carries a random token, which the browser
    then keeps in a cookie (programs send it as "Authorization: Bearer TOKEN").

    \b
      dateline serve --idle 3600 &
      dateline search '"oil prices"'
      DATELINE_NO_SERVE=1 dateline stats
      dateline serve --http --index ~/news.idx --open
      dateline serve --cluster local:2 --http --index ~/archive
    """
    from search.serve.protocol import socket_path

    path = os.path.abspath(socket_file or socket_path())
    with contextlib.ExitStack() as stack:
        client = None
        if cluster:
            from search.cluster.engine import connect

            client = stack.enter_context(connect(cluster))
        if http:
            _serve_http(path, index_dir, host, port, allow_hosts, None if no_token else "", open_browser, client)
            return
        _detach()
        _serve_socket(path, idle, client=client)


def _serve_socket(path: str, idle: int, *, quiet_if_taken: bool = False, client: Any = None) -> None:
    """Answer the command line's calls on the socket at ``path`` until stopped."""
    from search.serve.replay import replay
    from search.serve.server import IndexPool, ServeError, Server, sources

    stderr = sys.stderr  # a served call swaps sys.stderr for its own, in another thread

    def log(line: str) -> None:
        click.echo(f"dateline serve: {line}", file=stderr)

    pool = IndexPool(client=client)
    server = Server(
        path,
        functools.partial(replay, run=functools.partial(_run_served, pool=pool)),
        idle=idle,
        watch=sources(),
        log=log,
        pool=pool,
    )
    try:
        try:
            server.serve()
        except ServeError as exc:
            if not quiet_if_taken:
                raise
            log(f"not answering the command line: {exc}")
            return
        if not server.finish(timeout=0.25):  # a slow call: its caller, cut off, runs it itself
            log("stopped during a call; its caller runs it itself")
            stderr.flush()
            os._exit(EXIT_OK)  # now: the call holds the indexes, and may not end soon
    finally:
        server.close()


def _serve_http(
    socket_file: str,
    index_dir: str,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    token: str | None,
    open_browser: bool,
    client: Any = None,
) -> None:
    """The web server in this thread until interrupted, the command line's socket in another;
    with a Dask ``client``, the index served is the cluster whose root is ``index_dir``."""
    import threading

    from indexer.core.store import resolve_index_path
    from search.serve.web import WebServer

    stderr = sys.stderr

    def log(line: str) -> None:
        click.echo(f"dateline serve: {line}", file=stderr)

    index_path = resolve_index_path(index_dir).resolve()  # before _detach changes the directory
    opener = None
    if client is not None:
        from search.cluster.sharded import Cluster

        opener = functools.partial(Cluster.open, client)
    server = WebServer(index_path, host=host, port=port, token=token, allow_hosts=allow_hosts, log=log, opener=opener)
    try:
        click.echo(server.url)
        sys.stdout.flush()
        _detach()
        threading.Thread(
            target=_serve_socket, args=(socket_file, 0), kwargs={"quiet_if_taken": True, "client": client}, daemon=True
        ).start()
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        try:
            server.serve_forever(poll_interval=0.5)
        except KeyboardInterrupt:
            pass
    finally:
        server.server_close()


def _detach() -> None:
    """Make the server independent of where it was started: standard input is /dev/null (it
    must never wait for a pipe it was started from, nor read a caller's data as its own) and
    the working directory is / (each call runs in its caller's; the one it started in may go)."""
    null = os.open(os.devnull, os.O_RDONLY)
    if null != 0:
        os.dup2(null, 0)
        os.close(null)
    os.chdir("/")


def _run_served(argv: list[str], pool: IndexPool) -> int:
    """Run ``dateline ARGV`` for `dateline serve`, its indexes from ``pool``, and return its exit
    status as the process would have (`search.serve.replay` gives it the caller's surroundings)."""
    try:
        main.main(args=argv, prog_name="dateline", standalone_mode=True, obj=pool)
        return EXIT_OK
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else EXIT_NONE
    except Exception:  # only with DATELINE_DEBUG set: the CLI maps the rest to exit 3
        import traceback

        traceback.print_exc()
        return EXIT_BUG
