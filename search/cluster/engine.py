"""Where a cluster's work runs: a Dask scheduler at an address, or a local cluster of N workers.

``--cluster tcp://host:8786`` (or ``host:8786``) connects to a running ``dask scheduler``;
``--cluster local:N`` starts N worker processes on this machine for the length of the call.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from search.errors import ClusterError, MissingExtraError

_LOCAL = re.compile(r"local:(\d+)")
#: Seconds to wait for a scheduler before saying it cannot be reached.
CONNECT_TIMEOUT = 10.0


def distributed() -> Any:
    """The ``distributed`` module, or `MissingExtraError` saying how to install it."""
    try:
        import distributed as dist
    except ImportError:
        raise MissingExtraError("a cluster needs Dask distributed: pip install 'dateline[cluster]'") from None
    return dist


def check_spec(spec: str) -> str:
    """``spec`` if it names a cluster (``local:N`` with N ≥ 1, or a scheduler address), else `ClusterError`."""
    spec = spec.strip()
    match = _LOCAL.fullmatch(spec)
    if match:
        if int(match.group(1)) < 1:
            raise ClusterError(f"--cluster {spec}: a local cluster needs at least 1 worker")
        return spec
    if spec.startswith("local"):
        raise ClusterError(f"--cluster {spec}: write local:N, N the number of worker processes")
    if not spec or any(c.isspace() for c in spec):
        raise ClusterError(f"--cluster {spec!r}: not a scheduler address (tcp://host:8786) or local:N")
    return spec


@contextmanager
def connect(spec: str, *, timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A Dask ``Client`` for ``spec`` (`check_spec`), closed on exit, with its local cluster if it
    started one. Raises `ClusterError` when the scheduler cannot be reached within ``timeout`` seconds."""
    spec = check_spec(spec)
    dist = distributed()
    match = _LOCAL.fullmatch(spec)
    cluster = None
    try:
        if match:
            cluster = dist.LocalCluster(
                n_workers=int(match.group(1)),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                host="127.0.0.1",
            )
            client = dist.Client(cluster)
        else:
            address = spec if "://" in spec else f"tcp://{spec}"
            _probe(address, timeout)
            client = dist.Client(address, timeout=timeout)
    except (OSError, TimeoutError, RuntimeError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"--cluster {spec}: cannot start or reach the scheduler ({exc})") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _probe(address: str, timeout: float) -> None:
    """Raise `OSError` when nothing listens at a ``tcp://HOST:PORT`` address: asked first, because
    a Dask client that fails to connect leaves its event-loop thread running in this process."""
    scheme, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme != "tcp" or not port.isdigit():
        return
    with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
        pass
