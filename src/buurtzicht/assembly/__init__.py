"""Build assembly: what goes into a warehouse build, above every package it gathers from.

``from_mirror`` assembles a build from the offline mirror (sources, harmonisation,
indicator values, the published secure release); ``from_current`` makes a new build from
the current one with a newly published secure release. Both hand
:func:`buurtzicht.warehouse.build.run_build` its inputs; the warehouse itself only
stores, validates and swaps builds.
"""
