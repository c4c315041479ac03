"""`search.cluster.engine`: which ``--cluster`` values name a cluster, and a local one that runs work."""

from __future__ import annotations

import pytest

from search.cluster.engine import check_spec, connect
from search.errors import ClusterError


@pytest.mark.parametrize("spec", ["local:2", "tcp://10.0.0.5:8786", "scheduler:8786"])
def test_a_cluster_is_named_by_local_n_or_an_address(spec):
    assert check_spec(spec) == spec


@pytest.mark.parametrize("spec", ["local:0", "local", "local:two", "", "tcp://a b"])
def test_a_bad_cluster_value_names_itself(spec):
    with pytest.raises(ClusterError, match="--cluster"):
        check_spec(spec)


def test_an_unreachable_scheduler_is_a_cluster_error():
    pytest.importorskip("distributed")
    with pytest.raises(ClusterError, match="cannot start or reach"), connect("tcp://127.0.0.1:9", timeout=1):
        pass


def test_local_one_runs_a_task():
    pytest.importorskip("distributed")
    with connect("local:1") as client:
        assert client.submit(sum, [1, 2, 3]).result() == 6
        assert len(client.scheduler_info()["workers"]) == 1
