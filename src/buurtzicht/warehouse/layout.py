"""Where builds live and which one is current.

``<home>/warehouse/builds/<id>.duckdb`` holds finished builds; a build in progress is
``<id>.duckdb.partial`` and never becomes visible unless it is complete and validated.
``CURRENT`` names the build readers open; ``history.json`` lists activated builds in
order, so ``rollback`` can return to the previous one. Every switch replaces the
pointer file atomically (write a temp file, ``os.replace``), so a reader sees either
the old or the new build, never half of one.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from buurtzicht.errors import BuildError, NoBuildError


@dataclass(frozen=True)
class BuildLayout:
    root: Path

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    @property
    def history_file(self) -> Path:
        return self.root / "history.json"

    def new_build_id(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%f")
        return f"{stamp}-{secrets.token_hex(3)}"

    def database(self, build_id: str) -> Path:
        return self.builds / f"{build_id}.duckdb"

    def partial(self, build_id: str) -> Path:
        return self.builds / f"{build_id}.duckdb.partial"

    def manifest_file(self, build_id: str) -> Path:
        return self.builds / f"{build_id}.manifest.json"

    def current_id(self) -> str | None:
        try:
            build_id = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return build_id or None

    def current_database(self) -> Path:
        build_id = self.current_id()
        if build_id is None:
            raise NoBuildError(
                f"no warehouse build in {self.root}; run 'buurtzicht build' (or 'make run')"
            )
        path = self.database(build_id)
        if not path.is_file():
            raise NoBuildError(f"current build {build_id} is missing its database file {path}")
        return path

    def history(self) -> list[str]:
        try:
            return list(json.loads(self.history_file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return []

    def activate(self, build_id: str) -> None:
        """Make ``build_id`` current and append it to the history."""
        if not self.database(build_id).is_file():
            raise BuildError(
                f"cannot activate {build_id}: {self.database(build_id)} does not exist"
            )
        history = [b for b in self.history() if b != build_id] + [build_id]
        _atomic_write(self.history_file, json.dumps(history, indent=1))
        _atomic_write(self.pointer, build_id + "\n")

    def rollback(self) -> str:
        """Return to the build that was current before this one; returns its id."""
        history = [b for b in self.history() if self.database(b).is_file()]
        current = self.current_id()
        if current in history:
            history.remove(current)
        if not history:
            raise BuildError("no earlier build to roll back to")
        previous = history[-1]
        _atomic_write(self.history_file, json.dumps(history, indent=1))
        _atomic_write(self.pointer, previous + "\n")
        return previous

    def builds_on_disk(self) -> list[str]:
        if not self.builds.is_dir():
            return []
        return sorted(p.name.removesuffix(".duckdb") for p in self.builds.glob("*.duckdb"))

    def prune(self, keep: int) -> list[str]:
        """Delete the oldest finished builds beyond ``keep``, never the current one."""
        current = self.current_id()
        removable = [b for b in self.builds_on_disk() if b != current]
        doomed = removable[: max(0, len(removable) - (keep - 1))]
        for build_id in doomed:
            for path in (self.database(build_id), self.manifest_file(build_id)):
                path.unlink(missing_ok=True)
            for path in self.builds.glob(f"{build_id}.answers-*"):  # the server's renders
                path.unlink(missing_ok=True)
        return doomed

    def clean_partials(self) -> None:
        for path in self.builds.glob("*.partial*"):
            path.unlink(missing_ok=True)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
