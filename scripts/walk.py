"""The analyst's walk of issue 15, against a running server, with screenshots.

search "Den Haag" -> summary -> map -> compare -> methodology, in Dutch and English, on a
desktop (1400x900) and a phone (390x844), in Debian's Chromium (never a downloaded
browser). Every step is a full-page screenshot in ``build/screenshots/walk-*.png``;
console errors, failed requests and answers >= 400 are listed, and the exit code is 1
when there were any (or when a step could not be taken).

    make run                                  # in one shell
    .venv/bin/python scripts/walk.py          # in another (or --url http://host:port)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox"]
VIEWPORTS = {"desktop": (1400, 900), "phone": (390, 844)}
#: What a user types, and the gemeente it must lead to ('s-Gravenhage).
QUERY, GEMEENTE = "Den Haag", "GM0518"


def _shot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"walk-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _wait_for_map(page: Page) -> None:
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-ready='true']", timeout=60_000)


def _listen(page: Page) -> list[str]:
    """Console errors, page errors, failed requests and answers >= 400, as they come."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: seen.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return seen


def walk(page: Page, base: str, lang: str, device: str) -> list[str]:
    """The five steps; returns what went wrong on the way."""
    tag = f"{lang}-{device}"
    shots = []
    page.goto(f"{base}/?lang={lang}")
    page.fill("#search-input", QUERY)
    page.wait_for_selector("#search-results li", timeout=15_000)
    shots.append(_shot(page, f"{tag}-1-search"))
    page.locator("#search-results li").first.dispatch_event("mousedown")
    page.wait_for_url(f"**/gemeente/{GEMEENTE}", timeout=30_000)
    shots.append(_shot(page, f"{tag}-2-profile"))
    page.locator(f"a[href='/gemeente/{GEMEENTE}/samenvatting']").click()
    page.wait_for_url("**/samenvatting", timeout=30_000)
    shots.append(_shot(page, f"{tag}-3-summary"))
    page.goto(f"{base}/gemeente/{GEMEENTE}")
    page.locator(f"a[href='/kaart?niveau=wijk&binnen={GEMEENTE}']").click()
    _wait_for_map(page)
    shots.append(_shot(page, f"{tag}-4-map"))
    page.goto(f"{base}/gemeente/{GEMEENTE}")
    page.locator("a[href^='/vergelijk?regio=GM0518,']").first.click()
    page.wait_for_selector(".chips li", timeout=30_000)
    if page.locator("#compare-chart").count():
        page.wait_for_selector("#compare-chart svg", timeout=30_000)
    shots.append(_shot(page, f"{tag}-5-compare"))
    page.locator("header a[href='/methodologie']").click()
    page.wait_for_url("**/methodologie", timeout=30_000)
    shots.append(_shot(page, f"{tag}-6-methodology"))
    problems = []
    if page.locator("html").get_attribute("lang") != lang:
        problems.append(f"{tag}: the language switched on the way")
    print(f"{tag}: " + ", ".join(p.name for p in shots))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    args = parser.parse_args()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for device, (width, height) in VIEWPORTS.items():
            for lang in ("nl", "en"):
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    is_mobile=device == "phone",
                    has_touch=device == "phone",
                    locale="nl-NL" if lang == "nl" else "en-GB",
                )
                page = context.new_page()
                seen = _listen(page)
                try:
                    problems += walk(page, args.url.rstrip("/"), lang, device)
                except Exception as exc:  # report the step and go on
                    problems.append(f"{lang}-{device}: {type(exc).__name__}: {exc}")
                    _shot(page, f"{lang}-{device}-failed")
                problems += [f"{lang}-{device}: {s}" for s in seen]
                context.close()
        browser.close()
    for problem in problems:
        print("problem:", problem)
    print(f"screenshots in {SHOTS}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
