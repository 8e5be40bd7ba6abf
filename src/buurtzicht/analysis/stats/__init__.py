"""Pure statistics: data in, a frozen result out; no warehouse, no SQL (esda style).

The warehouse-bound engine in :mod:`buurtzicht.analysis` reads a build through
:mod:`buurtzicht.queries` and hands plain arrays and frames to these functions.
"""
