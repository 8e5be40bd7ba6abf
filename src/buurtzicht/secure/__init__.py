"""From the secure side to the warehouse: publication and its audit.

``publish`` (:mod:`.publish`) turns the secure aggregates into published observations
through disclosure control, with the measures, tables and rule sets the indicator
catalog defines (:mod:`.release`); :mod:`.published` is the only part the warehouse
build reads; :mod:`.audit` checks a whole published warehouse against the true values.
See docs/disclosure.md.
"""
