"""Load and validate the catalog: YAML with line numbers -> pydantic -> rules.

A validation error names the file and the line of the offending key, so that a
catalog author can open the file and fix it. Validation rules
(:mod:`buurtzicht.indicators.rules`) return issues; only errors block loading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from buurtzicht.errors import SourceFormatError, UnknownMeasureError
from buurtzicht.indicators.model import Composite, Indicator, MeasureDefinition, ThemeFile

CATALOG_DIR = Path(__file__).with_name("catalog")

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


@dataclass(frozen=True)
class LoadedTheme:
    """A validated theme file with the line of every key (for later rule messages)."""

    path: Path
    theme: ThemeFile
    lines: dict[Loc, int] = field(repr=False)

    def line_of(self, *loc: str | int) -> int | None:
        """The line of the deepest known key on ``loc``."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


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


@dataclass(frozen=True)
class Catalog:
    """All validated themes, with lookups by indicator id."""

    themes: tuple[LoadedTheme, ...]
    warnings: tuple[Issue, ...] = ()

    @cached_property
    def indicators(self) -> list[Indicator]:
        return [ind for t in self.themes for ind in t.theme.indicators]

    @cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    @property
    def composites(self) -> list[Composite]:
        return [c for t in self.themes for c in t.theme.composites]

    @cached_property
    def measures(self) -> dict[str, MeasureDefinition]:
        """The measures the catalog defines itself (secure side), by id."""
        return {m.id: m for t in self.themes for m in t.theme.measures}

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id, or :class:`UnknownMeasureError` listing close ids."""
        if indicator_id in self._by_id:
            return self._by_id[indicator_id]
        close = [i.id for i in self.indicators if indicator_id.split("_")[0] in i.id][:8]
        hint = f"; similar: {', '.join(close)}" if close else ""
        raise UnknownMeasureError(
            f"indicator {indicator_id!r} is not in the catalog "
            f"(run `buurtzicht indicators list`){hint}"
        )

    def composite(self, composite_id: str) -> Composite:
        for comp in self.composites:
            if comp.id == composite_id:
                return comp
        raise UnknownMeasureError(
            f"composite index {composite_id!r} is not in the catalog; known: "
            + ", ".join(c.id for c in self.composites)
        )

    def theme_of(self, indicator_id: str) -> ThemeFile:
        for t in self.themes:
            if any(i.id == indicator_id for i in t.theme.indicators):
                return t.theme
        raise UnknownMeasureError(f"indicator {indicator_id!r} is not in the catalog")

    def context_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.context]


def load_catalog(paths: Iterable[Path] | None = None) -> Catalog:
    """Load every theme file (default: the packaged ``catalog/*.yaml``) and run the rules.

    Raises :class:`CatalogError` for the first rule error; warnings are kept on the
    returned catalog.
    """
    from buurtzicht.indicators.rules import run_rules

    files = sorted(paths) if paths is not None else sorted(CATALOG_DIR.glob("*.yaml"))
    if not files:
        raise CatalogError(CATALOG_DIR, "no catalog files found", expected="<theme>.yaml files")
    themes = tuple(load_theme_file(Path(f)) for f in files)
    issues = run_rules(themes)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CatalogError(first.file, f"{first.message}{more}", line=first.line)
    return Catalog(themes, tuple(i for i in issues if i.severity != "error"))


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The packaged catalog, loaded once per process."""
    return load_catalog()
