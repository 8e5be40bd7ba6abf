#!/usr/bin/env python3
"""Copy the dashboard's third-party JavaScript from node_modules into the package.

Run after ``npm ci`` (``make node`` does both). Files land in the gitignored
``src/buurtzicht/web/static/vendor/`` with their version in the name
(``maplibre-gl-5.24.1.js``), plus ``manifest.json`` mapping a logical name to the
versioned file, which the templates read. Nothing is fetched from a CDN.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "buurtzicht" / "web" / "static" / "vendor"

#: logical name -> (npm package, file inside the package, versioned name pattern)
FILES: dict[str, tuple[str, str, str]] = {
    "maplibre.js": ("maplibre-gl", "dist/maplibre-gl.js", "maplibre-gl-{v}.js"),
    "maplibre.css": ("maplibre-gl", "dist/maplibre-gl.css", "maplibre-gl-{v}.css"),
    "vega.js": ("vega", "build/vega.min.js", "vega-{v}.min.js"),
    "vega-lite.js": ("vega-lite", "build/vega-lite.min.js", "vega-lite-{v}.min.js"),
    "vega-embed.js": ("vega-embed", "build/vega-embed.min.js", "vega-embed-{v}.min.js"),
}


def version_of(package: str) -> str:
    meta = json.loads((NODE_MODULES / package / "package.json").read_text(encoding="utf-8"))
    return str(meta["version"])


def main() -> int:
    if not NODE_MODULES.is_dir():
        print("node_modules is missing: run 'npm ci' first (make node)", file=sys.stderr)
        return 2
    if VENDOR.is_dir():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    manifest: dict[str, str] = {}
    for logical, (package, inner, pattern) in FILES.items():
        source = NODE_MODULES / package / inner
        if not source.is_file():
            print(f"{source} is missing; reinstall with 'npm ci'", file=sys.stderr)
            return 2
        name = pattern.format(v=version_of(package))
        shutil.copyfile(source, VENDOR / name)
        manifest[logical] = name
        licence = NODE_MODULES / package / "LICENSE"
        for candidate in (licence, NODE_MODULES / package / "dist" / "LICENSE.txt"):
            if candidate.is_file():
                shutil.copyfile(candidate, VENDOR / f"{package}-LICENSE.txt")
    (VENDOR / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"vendored {len(manifest)} files into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
