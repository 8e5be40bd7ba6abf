"""The analyst's walk of issue 15, against a running server, with screenshots.

search "Den Haag" -> summary -> map -> compare -> methodology, in Dutch and English, on a
desktop (1400x900) and a phone (390x844), in Debian's Chromium (never a downloaded
browser); then the ondermijning pages an analyst opens next: the profile of a buurt in
Rotterdam-Zuid (Afrikaanderwijk), the national hennep and vastgoed maps, a buurt map of
Rotterdam and the kansrijke zoekgebieden. Every step is a full-page screenshot in
``build/screenshots/walk-*.png`` (``--out`` elsewhere) with the seconds it took; console
errors, failed requests and answers >= 400 are listed, and the exit code is 1 when there
were any (or when a step could not be taken).

    make run                                  # in one shell
    .venv/bin/python scripts/walk.py          # in another (or --url http://host:port)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox"]
VIEWPORTS = {"desktop": (1400, 900), "phone": (390, 844)}
#: What a user types, and the gemeente it must lead to ('s-Gravenhage).
QUERY, GEMEENTE = "Den Haag", "GM0518"
#: A buurt of Rotterdam-Zuid (Afrikaanderwijk, wijk Feijenoord) and its gemeente.
BUURT, ROTTERDAM = "BU05991086", "GM0599"
#: The ondermijning pages after the five steps: (name, path).
ANALYST_PAGES = [
    ("7-buurt", f"/buurt/{BUURT}"),
    ("8-hennep", "/kaart?indicator=drugs_hennep_per_10000_woningen"),
    ("9-vastgoed", "/kaart?indicator=vastgoed_onverklaarbaar_woningbezit"),
    (
        "10-hennep-buurten",
        f"/kaart?indicator=drugs_hennep_per_10000_woningen&niveau=buurt&binnen={ROTTERDAM}",
    ),
    ("11-zoekgebieden", "/zoekgebieden"),
    ("12-samengesteld-wijken", f"/kaart?indicator=veiligheidsindex&niveau=wijk&binnen={ROTTERDAM}"),
]


class Walker:
    """One browser page walking in one language and device; keeps shots and timings."""

    def __init__(self, page: Page, base: str, lang: str, device: str, out: Path) -> None:
        self.page, self.base, self.lang, self.device, self.out = page, base, lang, device, out
        self.tag = f"{lang}-{device}"
        self.timings: list[tuple[str, float]] = []

    def step(self, name: str, action: Callable[[], object]) -> Path:
        """Run ``action``, wait for its map, take the screenshot, note the seconds."""
        start = time.monotonic()
        action()
        if self.page.locator("#map").count():
            self.page.wait_for_selector("#map[data-ready='true']", timeout=60_000)
        self.page.wait_for_load_state("networkidle")
        self.timings.append((name, time.monotonic() - start))
        return self.shot(name)

    def shot(self, name: str) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / f"walk-{self.tag}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def goto(self, path: str) -> Callable[[], object]:
        sep = "&" if "?" in path else "?"
        return lambda: self.page.goto(f"{self.base}{path}{sep}lang={self.lang}")


def _listen(page: Page) -> list[str]:
    """Console errors, page errors, failed requests and answers >= 400, as they come."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: seen.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return seen


def walk(w: Walker) -> list[str]:
    """The five steps of the issue; returns what went wrong on the way."""
    page = w.page

    def search() -> None:
        page.goto(f"{w.base}/?lang={w.lang}")
        page.fill("#search-input", QUERY)
        page.wait_for_selector("#search-results li", timeout=15_000)

    def choose() -> None:
        page.locator("#search-results li").first.dispatch_event("mousedown")
        page.wait_for_url(f"**/gemeente/{GEMEENTE}", timeout=30_000)

    def summary() -> None:
        page.locator(f"a[href='/gemeente/{GEMEENTE}/samenvatting']").click()
        page.wait_for_url("**/samenvatting", timeout=30_000)

    def wijk_map() -> None:
        page.goto(f"{w.base}/gemeente/{GEMEENTE}")
        page.locator(f"a[href='/kaart?niveau=wijk&binnen={GEMEENTE}']").click()

    def compare() -> None:
        page.goto(f"{w.base}/gemeente/{GEMEENTE}")
        page.locator(f"a[href^='/vergelijk?regio={GEMEENTE},']").first.click()
        page.wait_for_selector(".chips li", timeout=30_000)
        if page.locator("#compare-chart").count():
            page.wait_for_selector("#compare-chart svg", timeout=30_000)

    def methodology() -> None:
        page.locator("header a[href='/methodologie']").click()
        page.wait_for_url("**/methodologie", timeout=30_000)

    w.step("1-search", search)
    w.step("2-profile", choose)
    w.step("3-summary", summary)
    w.step("4-map", wijk_map)
    w.step("5-compare", compare)
    w.step("6-methodology", methodology)
    if page.locator("html").get_attribute("lang") != w.lang:
        return [f"{w.tag}: the language switched on the way"]
    return []


def analyst_pages(w: Walker) -> list[str]:
    """The ondermijning pages; a step that fails is reported and the walk goes on."""
    problems = []
    for name, path in ANALYST_PAGES:
        try:
            w.step(name, w.goto(path))
        except Exception as exc:  # report the step and go on
            problems.append(f"{w.tag} {name}: {type(exc).__name__}: {exc}")
            w.shot(f"{name}-failed")
    return problems


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url", default="http://127.0.0.1:8000", help="the running server (make run's port)"
    )
    parser.add_argument("--out", type=Path, default=SHOTS, help="where the screenshots go")
    parser.add_argument("--lang", choices=["nl", "en"], action="append", help="only this language")
    parser.add_argument(
        "--device", choices=list(VIEWPORTS), action="append", help="only this viewport"
    )
    parser.add_argument(
        "--no-analyst-pages", action="store_true", help="only the five steps of the issue"
    )
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    problems: list[str] = []
    timings: list[tuple[str, str, float]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for device in args.device or list(VIEWPORTS):
            width, height = VIEWPORTS[device]
            for lang in args.lang or ["nl", "en"]:
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    is_mobile=device == "phone",
                    has_touch=device == "phone",
                    locale="nl-NL" if lang == "nl" else "en-GB",
                )
                page = context.new_page()
                seen = _listen(page)
                walker = Walker(page, args.url.rstrip("/"), lang, device, args.out)
                try:
                    problems += walk(walker)
                except Exception as exc:  # report the step and go on
                    problems.append(f"{walker.tag}: {type(exc).__name__}: {exc}")
                    walker.shot("failed")
                if not args.no_analyst_pages:
                    problems += analyst_pages(walker)
                problems += [f"{walker.tag}: {s}" for s in seen]
                timings += [(walker.tag, name, s) for name, s in walker.timings]
                context.close()
        browser.close()
    for tag, name, seconds in timings:
        print(f"{tag:10} {name:24} {seconds:6.1f} s")
    for problem in problems:
        print("problem:", problem)
    print(f"screenshots in {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
