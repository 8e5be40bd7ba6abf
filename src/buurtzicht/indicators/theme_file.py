"""One theme file of the catalog: YAML with line numbers -> a validated :class:`ThemeFile`.

A validation error names the file and the line of the offending key, so that a
catalog author can open the file and fix it. The rules over the whole catalog
(:mod:`buurtzicht.indicators.rules`) report :class:`Issue` objects located by the
lines kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from buurtzicht.errors import SourceFormatError
from buurtzicht.indicators.themes import LoadedTheme, ThemeFile

__all__ = ["CatalogError", "Issue", "LoadedTheme", "line_of", "load_theme_file"]

Loc = tuple[str | int, ...]
#: libyaml's parser when available (5x faster); both keep line marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogError(SourceFormatError):
    """A catalog file does not validate; carries the file and line."""


@dataclass(frozen=True)
class Issue:
    """One finding of a validation rule."""

    severity: str  # "error" | "warning"
    message: str
    file: str = ""
    line: int | None = None
    indicator: str = ""

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        who = f" [{self.indicator}]" if self.indicator else ""
        return f"{where}{who}: {self.severity}: {self.message}"


def line_of(loaded: LoadedTheme, *loc: str | int) -> int | None:
    """The line of the deepest known key on ``loc`` in the file ``loaded`` was read from."""
    while loc:
        if loc in loaded.lines:
            return loaded.lines[loc]
        loc = loc[:-1]
    return loaded.lines.get((), None)


def _construct(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> object:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _construct(value_node, (*loc, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, i), lines) for i, item in enumerate(node.value)]
    # Scalars: let PyYAML's safe resolver type them (ints, floats, bools, null).
    return yaml.SafeLoader("").construct_object(node, deep=True)


def read_yaml_with_lines(path: Path) -> tuple[object, dict[Loc, int]]:
    """Parse a YAML file into plain data plus a map from key path to line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogError(path, "file not found") from exc
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CatalogError(path, f"not valid YAML ({exc})", line=line) from exc
    if node is None:
        raise CatalogError(path, "file is empty", expected="a theme document")
    lines: dict[Loc, int] = {}
    return _construct(node, (), lines), lines


def load_theme_file(path: Path) -> LoadedTheme:
    """Read and validate one theme file; the first error names file and line."""
    data, lines = read_yaml_with_lines(path)
    try:
        theme = ThemeFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        line = _line_for(lines, loc)
        where = ".".join(str(p) for p in loc) or "document"
        raise CatalogError(
            path,
            f"{where}: {first['msg']} ({len(exc.errors())} problem(s) in this file)",
            line=line,
        ) from exc
    return LoadedTheme(path, theme, lines)


def _line_for(lines: dict[Loc, int], loc: Loc) -> int | None:
    # pydantic adds model names for unions; drop parts until a known path is found.
    parts = [p for p in loc if not (isinstance(p, str) and p[:1].isupper())]
    probe: Loc = tuple(parts)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get(())
