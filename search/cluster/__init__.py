"""Shards on Dask: a set of ordinary dateline indexes searched as one (``dateline[cluster]``).

`manifest` says which files go to which shard; `building` indexes the shards on the workers;
`engine` connects to a scheduler or starts a local cluster; `merging` joins the shards'
answers; `sharded` searches them with global statistics (`search.statistics`).
"""
