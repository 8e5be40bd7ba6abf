"""docs/architecture.md, "The path of one indicator", says what the code does.

The section lists the files an indicator passes from its YAML entry to the card on a
profile page (issue 16: at most eight) and names the files that only hold it on the way.
The test follows the imports: each step is linked to the one before it, directly or
through files named as holding it, so that a step added to the code (a new module
between two steps) or left out of the list fails here.
"""

from __future__ import annotations

import re
from collections import deque
from itertools import pairwise

from buurtzicht.indicators.loader import default_catalog
from tests.test_layers import SRC, import_graph

ROOT = SRC.parents[1]
MAX_STEPS = 8


def _section() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = text.index("## The path of one indicator")
    end = text.index("\n## ", start + 1) if "\n## " in text[start + 1 :] else len(text)
    return text[start:end]


def steps() -> list[str]:
    """The numbered files of the path, in order (paths inside ``src/buurtzicht``)."""
    return re.findall(r"^\d+\. `([^`]+)`", _section(), flags=re.M)


def holders() -> set[str]:
    """Modules the section names as holding the indicator on the way."""
    part = _section().split("Holding the indicator on the way", 1)[1]
    part = part.split("The other response shapes", 1)[0]
    return {_module(path) for path in re.findall(r"`([\w/]+\.py)`", part)}


def _module(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _linked(graph: dict[str, set[str]], a: str, b: str, through: set[str]) -> bool:
    """An import path from ``a`` to ``b`` whose inner modules are all in ``through``."""
    seen, queue = {a}, deque([a])
    while queue:
        node = queue.popleft()
        for target in graph.get(node, set()):
            if target == b:
                return True
            if target in through and target not in seen:
                seen.add(target)
                queue.append(target)
    return False


def test_the_path_names_at_most_eight_files_that_exist() -> None:
    found = steps()
    assert 3 <= len(found) <= MAX_STEPS, found
    for path in found:
        assert (SRC / path).is_file(), f"docs/architecture.md names {path}, which is gone"
    for module in holders():
        assert (SRC / (module.replace(".", "/") + ".py")).is_file(), module


def test_the_path_starts_at_the_yaml_entry_and_ends_at_the_template() -> None:
    found = steps()
    yaml_file, model, *_, page, template = found
    indicator = re.search(r"here\s+`(\w+)`", _section())
    assert indicator is not None
    entry = default_catalog().get(indicator.group(1))
    assert yaml_file == f"indicators/catalog/{entry.theme}.yaml"
    assert f"- id: {entry.id}\n" in (SRC / yaml_file).read_text(encoding="utf-8")
    assert f"class {type(entry).__name__}(" in (SRC / model).read_text(encoding="utf-8")
    name = template.rsplit("/", 1)[1]
    assert f'"{name}"' in (SRC / page).read_text(encoding="utf-8")
    assert "card.indicator" in (SRC / template).read_text(encoding="utf-8")


def test_each_step_imports_the_one_before_or_is_imported_by_it() -> None:
    graph = import_graph()
    modules = [_module(p) for p in steps() if p.endswith(".py")]
    through = holders()
    for before, after in pairwise(modules):
        assert _linked(graph, after, before, through) or _linked(graph, before, after, through), (
            f"{after} and {before} are not linked by an import (through {sorted(through)}): "
            "the path in docs/architecture.md misses a step"
        )


def test_the_link_check_sees_a_missing_step() -> None:
    graph = {"a": {"x"}, "x": {"b"}, "c": set()}
    assert _linked(graph, "a", "b", {"x"})
    assert not _linked(graph, "a", "b", set())
    assert not _linked(graph, "a", "c", {"x"})


def test_the_doc_names_no_file_twice() -> None:
    found = steps()
    assert len(found) == len(set(found))
    assert not {_module(p) for p in found} & holders()
