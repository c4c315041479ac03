"""What a search imports: from the command line, Whoosh without the standard packages it loads
but never uses (`indexer.engine.standins`, installed by the command's entry), which stay
importable, whole and real, for everyone else; a library user's imports are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import CORPUS


def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_search_loads_neither_urllib_request_nor_asyncio(tmp_path: Path) -> None:
    """Including on an index with deleted documents, whose set Whoosh reads through the
    ``cached_property`` package (the one that imports asyncio)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS.rglob("*.txt"))[:6]:
        (corpus / path.name).write_bytes(path.read_bytes())
    out = _python(f"""
        import os, sys
        from pathlib import Path
        from indexer.engine import standins
        standins.install()  # as the command's entry does
        from indexer import index_paths
        from search import Index

        corpus, ix_dir = Path({str(corpus)!r}), {str(tmp_path / "ix")!r}
        index_paths([corpus], ix_dir, workers=1)
        first = sorted(corpus.iterdir())[0]
        first.write_text(first.read_text() + "\\nA changed line about Mali.\\n")
        os.utime(first, (0, 0))
        assert index_paths([corpus], ix_dir, workers=1).updated == 1
        with Index(ix_dir) as ix:
            leaves = [leaf for leaf, _ in ix._current().reader().leaf_readers()]
            assert any(leaf.has_deletions() for leaf in leaves), "no deletions to read"
            assert ix.search("Mali").total >= 1
        print(sorted(m for m in ("urllib.request", "http.client", "ssl", "email", "asyncio") if m in sys.modules))
    """)
    assert out == "[]\n"


def test_the_packages_whoosh_skipped_are_real_when_imported() -> None:
    out = _python("""
        from indexer.engine import standins
        standins.install()
        import search.index  # Whoosh loaded with the stand-ins
        import asyncio, urllib.request, cached_property, whoosh.compat

        assert type(asyncio).__name__ == "module" and type(urllib.request).__name__ == "module"
        assert asyncio.run(asyncio.sleep(0, "ran")) == "ran"
        assert callable(urllib.request.Request) and callable(whoosh.compat.urlretrieve)

        class Thing:
            calls = 0

            @cached_property.cached_property
            def plain(self):
                Thing.calls += 1
                return "plain"

            @cached_property.cached_property
            async def later(self):
                return "later"

        thing = Thing()
        assert (thing.plain, thing.plain, Thing.calls) == ("plain", "plain", 1)

        async def main():
            return await thing.later

        assert asyncio.run(main()) == "later"
        print("ok")
    """)
    assert out == "ok\n"


def test_stand_ins_answer_as_asyncio_does() -> None:
    """cached_property asks ``asyncio.iscoroutinefunction`` on every first read of a property."""
    out = _python("""
        import sys
        import functools
        import indexer.engine.standins as standins

        stand_in = standins._Asyncio("asyncio")

        async def co(): pass
        def plain(): pass
        def marked(): pass
        marked._is_coroutine = object()
        cases = [co, plain, functools.partial(co), functools.partial(plain), marked, print, len]
        answers = [stand_in.iscoroutinefunction(f) for f in cases]
        import asyncio
        assert answers == [asyncio.iscoroutinefunction(f) for f in cases], answers
        print(answers[:2])
    """)
    assert out == "[True, False]\n"


def test_a_plain_search_loads_only_what_it_uses(corpus_index: Path) -> None:
    """Feedback, --explain, did-you-mean, stats and timelines load their code when used, and
    the indexer's tables are made when indexing."""
    out = _python(f"""
        import contextlib, io, sys
        from indexer.engine import standins
        standins.install()
        from search.cli.commands import main

        def run(*args):
            with contextlib.redirect_stdout(io.StringIO()):
                main.main(args=[*args, "--index", {str(corpus_index)!r}], standalone_mode=False)
            return sorted(m for m in ("search.explain", "search.feedback", "search.suggest", "search.stats",
                                      "search.timeline", "urllib.request", "asyncio", "search.serve.web",
                                      "http.server", "search.marking") if m in sys.modules)

        print(run("search", "energy OR solar OR wind"))
        print(sys.modules["indexer.engine.postings"]._SINGLE)  # the indexer's table of encoded positions
        print(run("search", "energy OR solar OR wind", "--explain", "--feedback"))
    """)
    assert out.splitlines() == ["[]", "None", "['search.explain', 'search.feedback']"]


def test_whooshs_english_variations_still_work() -> None:
    """``whoosh.lang.morph_en`` (24 large regular expressions) is loaded when first used."""
    out = _python("""
        import sys
        from indexer.engine import standins
        standins.install()
        import search.index
        from whoosh.query import Variations
        import whoosh.query.terms as terms

        loaded = "whoosh.lang.morph_en" in sys.modules
        found = sorted(terms.variations("render"))
        import whoosh.lang.morph_en as real
        assert found == sorted(real.variations("render")) and "renders" in found and "rendered" in found
        assert type(real).__name__ == "module" and Variations("text", "render").text == "render"
        print(loaded)
    """)
    assert out == "False\n"


def test_the_library_leaves_imports_alone(corpus_index: Path) -> None:
    """Importing and using `search` and `indexer` installs no import stand-ins: a library user's
    process imports asyncio, urllib.request and morph_en as Whoosh asks for them."""
    out = _python(f"""
        import sys
        import indexer, search
        search.Index, indexer.index_paths
        with search.Index({str(corpus_index)!r}) as ix:
            assert ix.search("energy").total >= 1
        finders = [f for f in sys.meta_path if getattr(f, "__module__", "").startswith(("indexer", "search"))]
        assert not finders, finders
        print("indexer.engine.standins" in sys.modules, all(m in sys.modules for m in ("asyncio", "urllib.request")))
    """)
    assert out == "False True\n"


def test_the_commands_entry_installs_the_stand_ins(corpus_index: Path) -> None:
    """`search.cli.launch.main` (the installed ``dateline``) and ``python -m search`` run a search
    without importing urllib.request, asyncio or morph_en (``-X importtime`` lists every import)."""
    entry = "import sys; sys.argv[0] = 'dateline'; from search.cli.launch import main; main()"
    for command in (["-c", entry], ["-m", "search"]):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", *command, "search", "energy", "--index", str(corpus_index)],
            capture_output=True, text=True, timeout=120, env={**os.environ, "DATELINE_NO_SERVE": "1"},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
        assert {"whoosh.query.terms", "whoosh.searching", "whoosh.reading"} <= imported
        assert not imported & {"asyncio", "urllib.request", "http.client", "whoosh.lang.morph_en"}, command


def test_a_no_op_index_run_loads_no_numpy(tmp_path: Path) -> None:
    """A re-run that finds nothing changed reads the stored stamps back and needs no numpy
    (searching does): loading it cost a no-op ``dateline index`` 40 ms and 13 MB."""
    from indexer import index_paths

    index_paths([CORPUS], tmp_path / "ix", workers=1)
    out = _python(f"""
        import sys
        from indexer import index_paths

        report = index_paths([{str(CORPUS)!r}], {str(tmp_path / "ix")!r}, workers=1)
        assert report.unchanged > 0 and not (report.added or report.updated), report
        print("numpy" in sys.modules)
    """)
    assert out == "False\n"
