"""Reading the pickles an index holds as data, never as code.

Whoosh pickles an index's schema and segment list into its TOC, and posting blocks and some
columns into its files, and reads them back with ``pickle.load``: a planted or tampered index
could run any code as whoever opens it. Every such read goes through `IndexUnpickler`, which
builds only the classes a dateline index is made of (Whoosh's fields, analysis, formats, columns
and codec records, dateline's own schema parts) and a few harmless builtins; anything else is an
`UnsafePickleError`. `install` points Whoosh's own ``loads``/``load`` at it.
"""

from __future__ import annotations

import functools
import io
import pickle
import re
import sys
import types
from typing import IO, Any

from indexer.core.errors import UnsafeIndexError

#: Modules whose classes (types only, never functions) an index may name.
CLASS_MODULES = (
    "whoosh.fields",
    "whoosh.analysis",
    "whoosh.formats",
    "whoosh.columns",
    "whoosh.lang",
    "indexer.core.analysis",
    "indexer.core.schema",
    "indexer.core.language",
)

#: Where the schema's classes lived before the modules moved into stage folders (0.2.0): an index
#: written then names the old modules, which are read as the new ones.
MOVED = {
    "indexer.analysis": "indexer.core.analysis",
    "indexer.schema": "indexer.core.schema",
    "indexer.language": "indexer.core.language",
}

#: Other names an index's pickles use: Whoosh's segment records, and builtins that build plain data.
NAMES = frozenset(
    {
        ("whoosh.codec.whoosh3", "W3Segment"),
        ("whoosh.codec.whoosh3", "W3Codec"),
        ("whoosh.codec.whoosh3", "W3TermInfo"),
        ("whoosh.idsets", "BitSet"),
        ("whoosh.idsets", "SortedIntSet"),
        ("re", "_compile"),
        ("copyreg", "_reconstructor"),
        ("array", "array"),
        ("array", "_array_reconstructor"),
        ("_codecs", "encode"),
        ("codecs", "encode"),
        ("collections", "OrderedDict"),
        ("collections", "defaultdict"),
        ("datetime", "datetime"),
        ("datetime", "date"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        *(
            (b, n)
            for b in ("builtins", "__builtin__")
            for n in (
                "int",
                "long",
                "float",
                "complex",
                "bool",
                "str",
                "unicode",
                "bytes",
                "bytearray",
                "list",
                "tuple",
                "dict",
                "set",
                "frozenset",
                "object",
                "slice",
                "range",
                "xrange",
            )
        ),
    }
)


class UnsafePickleError(UnsafeIndexError, pickle.UnpicklingError):
    """An index's pickle names something other than the data dateline's indexes are made of."""

    def __init__(self, module: str, name: str) -> None:
        super().__init__(
            f"a pickle in an index file names {module}.{name}, which is code, not data; nothing of it was run "
            f"(rebuild the index from the documents)"
        )
        self.module, self.name = module, name


def allowed(module: str, name: str) -> bool:
    """Whether an index's pickle may name ``module.name``."""
    if (module, name) in NAMES:
        return True
    if not any(module == m or module.startswith(m + ".") for m in CLASS_MODULES) or name.startswith("_"):
        return False
    found = getattr(sys.modules.get(module), name, None)
    if found is None:  # not imported yet: import it (the module is one of ours or Whoosh's)
        try:
            __import__(module)
        except ImportError:
            return False
        found = getattr(sys.modules[module], name, None)
    return isinstance(found, type)


class IndexUnpickler(pickle.Unpickler):
    """``pickle.Unpickler`` that builds only what `allowed` admits."""

    def find_class(self, module: str, name: str) -> Any:
        module = MOVED.get(module, module)
        if not allowed(module, name):
            raise UnsafePickleError(module, name)
        return super().find_class(module, name)


class Bytes(io.BytesIO):
    """``BytesIO`` with ``peek``: the C unpickler then reads ahead in one call instead of calling
    ``read`` for every opcode (a restricted ``loads`` costs ~2× ``pickle.loads``, not ~5×)."""

    def peek(self, size: int = 0) -> bytes:
        return self.getvalue()[self.tell() :]


#: A protocol-2 pickle of a list of small integers and nothing else, as Whoosh encodes a posting's
#: positions (``Positions.encode``): the list, its memo, the numbers (1, 2 or 4 bytes) appended
#: one by one or in marked batches, the stop. Its opcodes build no object but ints and one list,
#: so the C unpickler reads it safely, in ~55% of `IndexUnpickler`'s time (short lists, measured
#: with timeit): a phrase search decodes the positions of every document holding all its words.
_INT_LIST = re.compile(rb"\x80\x02\](?:q.|r....)?(?:(?:K.|M..|J....)a|\((?:K.|M..|J....)+e)*\.", re.DOTALL)


def loads(data: bytes, **kwargs: Any) -> Any:
    """``pickle.loads`` for data read from an index."""
    if not kwargs and _INT_LIST.fullmatch(data):
        return pickle.loads(data)
    return IndexUnpickler(Bytes(data), **kwargs).load()


def load(file: IO[bytes], **kwargs: Any) -> Any:
    """``pickle.load`` for a file of an index."""
    return IndexUnpickler(file, **kwargs).load()


@functools.cache
def install() -> None:
    """Make Whoosh read every pickle with `IndexUnpickler` (once; Whoosh's writing is unchanged).

    Whoosh binds ``loads``/``load`` by name in each module that reads pickles, and the TOC reads
    them through ``whoosh.index.pickle``; each is replaced. The loaders of older Whoosh TOC
    formats use an unrestricted unpickler, and dateline never wrote those formats: they are
    dropped, so such a TOC is refused as of an unknown version.
    """
    import whoosh.codec.whoosh3
    import whoosh.columns
    import whoosh.compat
    import whoosh.filedb.structfile
    import whoosh.formats
    import whoosh.index
    import whoosh.legacy

    for module in (whoosh.compat, whoosh.codec.whoosh3, whoosh.columns, whoosh.formats):
        module.loads = loads
    whoosh.compat.load = load
    whoosh.filedb.structfile.load_pickle = load
    whoosh.index.pickle = types.SimpleNamespace(
        loads=loads, load=load, dumps=pickle.dumps, dump=pickle.dump, PicklingError=pickle.PicklingError
    )
    whoosh.legacy.toc_loaders.clear()
