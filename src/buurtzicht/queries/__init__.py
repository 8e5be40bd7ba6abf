"""Named queries over a built warehouse, with typed results.

The one package that runs SQL on a built warehouse when serving and analysing: the API,
the pages, the analysis engine and the command line read a build through these
functions (``tests/test_read_layer.py`` fails on SQL over a build anywhere else, apart
from the build-time writers it lists). Plain functions on a DuckDB connection, without
any web framework, so that a notebook or the CLI can call them too.
"""
