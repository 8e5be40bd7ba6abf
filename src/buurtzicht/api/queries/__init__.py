"""Read-only queries on a warehouse cursor for the API and the pages.

Plain functions without any web framework, so that a notebook or the CLI can call them
too. They only look up and format published figures; indicators, comparisons and
statistics come from :mod:`buurtzicht.analysis`.
"""
