#!/usr/bin/env python3
"""Copy the dashboard's third-party JavaScript from node_modules into the package.

Run after ``npm ci`` (``make node`` does both). Files land in the gitignored
``src/buurtzicht/web/static/vendor/`` with their version in the name
(``maplibre-gl-5.24.1.js``), plus ``manifest.json`` mapping a logical name to the
versioned file, which the templates read. Nothing is fetched from a CDN.

Every file works under the dashboard's strict Content-Security-Policy (no ``eval``, no
inline script): MapLibre's CSP build with its worker as a file, and Vega's expression
interpreter. The interpreter is an ES module that imports three helpers from the bare
specifier ``vega-util``, which a browser cannot resolve without an (inline) import map;
the copy reads them from the ``vega`` global that ``vega.min.js`` defines instead.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "buurtzicht" / "web" / "static" / "vendor"


def _vega_util_from_global(text: str) -> str:
    """``import { a, b } from 'vega-util';`` -> ``const { a, b } = globalThis.vega;``."""
    pattern = re.compile(r"^import \{([^}]*)\} from 'vega-util';$", re.M)
    if not pattern.search(text):
        raise ValueError("vega-interpreter no longer imports from 'vega-util' as expected")
    return pattern.sub(r"const {\1} = globalThis.vega;", text)


#: logical name -> (npm package, file inside the package, versioned name pattern)
FILES: dict[str, tuple[str, str, str]] = {
    "maplibre.js": ("maplibre-gl", "dist/maplibre-gl-csp.js", "maplibre-gl-csp-{v}.js"),
    "maplibre-worker.js": (
        "maplibre-gl",
        "dist/maplibre-gl-csp-worker.js",
        "maplibre-gl-csp-worker-{v}.js",
    ),
    "maplibre.css": ("maplibre-gl", "dist/maplibre-gl.css", "maplibre-gl-{v}.css"),
    "vega.js": ("vega", "build/vega.min.js", "vega-{v}.min.js"),
    "vega-lite.js": ("vega-lite", "build/vega-lite.min.js", "vega-lite-{v}.min.js"),
    "vega-embed.js": ("vega-embed", "build/vega-embed.min.js", "vega-embed-{v}.min.js"),
    "vega-interpreter.js": (
        "vega-interpreter",
        "build/vega-interpreter.js",
        "vega-interpreter-{v}.js",
    ),
    "swagger-ui.js": ("swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui-bundle-{v}.js"),
    "swagger-ui.css": ("swagger-ui-dist", "swagger-ui.css", "swagger-ui-{v}.css"),
}
#: logical name -> change made to the copy (see the module docstring)
TRANSFORMS: dict[str, Callable[[str], str]] = {"vega-interpreter.js": _vega_util_from_global}


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
        transform = TRANSFORMS.get(logical)
        if transform is None:
            shutil.copyfile(source, VENDOR / name)
        else:
            text = transform(source.read_text(encoding="utf-8"))
            (VENDOR / name).write_text(text, encoding="utf-8")
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
