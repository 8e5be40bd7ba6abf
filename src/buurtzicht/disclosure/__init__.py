"""Statistical disclosure control: rules, primary and secondary suppression, audit.

Every secure-side aggregate passes :func:`protect` before it reaches the warehouse;
:func:`audit` proves afterwards that no suppressed cell can be narrowed down from what
is published. See docs/disclosure.md for the rules, the method and the references.
"""

from buurtzicht.disclosure.audit import AuditReport, audit
from buurtzicht.disclosure.protect import ProtectedTable, protect
from buurtzicht.disclosure.publish import cbs_symbol
from buurtzicht.disclosure.rules import RuleSet, get_rule_set, load_rule_sets
from buurtzicht.disclosure.spec import DisclosureSpec, RegionHierarchy, TableSpec
from buurtzicht.errors import DisclosureError

__all__ = [
    "AuditReport",
    "DisclosureError",
    "DisclosureSpec",
    "ProtectedTable",
    "RegionHierarchy",
    "RuleSet",
    "TableSpec",
    "audit",
    "cbs_symbol",
    "get_rule_set",
    "load_rule_sets",
    "protect",
]
