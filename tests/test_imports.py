"""What a search imports: Whoosh without the standard packages it loads but never uses
(`indexer.core.lazy`), which stay importable, whole and real, for everyone else."""

from __future__ import annotations

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
        import indexer.core.lazy as lazy

        stand_in = lazy._Asyncio("asyncio")

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
        from search.cli.commands import main

        def run(*args):
            with contextlib.redirect_stdout(io.StringIO()):
                main.main(args=[*args, "--index", {str(corpus_index)!r}], standalone_mode=False)
            return sorted(m for m in ("search.explain", "search.feedback", "search.suggest", "search.stats",
                                      "search.timeline", "urllib.request", "asyncio") if m in sys.modules)

        print(run("search", "energy OR solar OR wind"))
        print(sys.modules["indexer.engine.postings"]._SINGLE)  # the indexer's table of encoded positions
        print(run("search", "energy OR solar OR wind", "--explain", "--feedback"))
    """)
    assert out.splitlines() == ["[]", "None", "['search.explain', 'search.feedback']"]


def test_whooshs_english_variations_still_work() -> None:
    """``whoosh.lang.morph_en`` (24 large regular expressions) is loaded when first used."""
    out = _python("""
        import sys
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
