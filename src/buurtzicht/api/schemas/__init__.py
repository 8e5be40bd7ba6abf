"""Public response shapes of the JSON API (separate from the warehouse records).

``common``: the frozen base, errors, region references; ``card``: an indicator and its
figures as a card shows them (with their formatting); ``figures``: one indicator across
regions and periods (map values, rankings, trends, hot spots, the catalog, the build);
``region_page``: a region's profile and the comparison of regions; ``risk``: the risk
models' search areas and model cards.
"""
