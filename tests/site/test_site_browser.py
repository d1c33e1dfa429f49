"""The provenance page in a real browser: the system's Chromium, driven by Playwright.

Skipped, with the reason, when there is no Chromium, unless PEACETALKS_REQUIRE_BROWSER=1 (as in
CI), where that is a failure. The screenshots go to a temporary folder; with
PEACETALKS_SCREENSHOTS_TO=docs (`make screenshots`) they are also written there, stamped with
the page they show (tests/site/test_build_site.py checks the stamp).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT

# A real browser: `make test-slow`.
pytestmark = pytest.mark.slow

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES = {"desktop": ({"width": 1280, "height": 1000}, 1), "phone": ({"width": 390, "height": 844}, 2)}
STAMP_KEY = "peacetalks-site-sha256"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("PEACETALKS_CHROMIUM"), "chromium", "chromium-browser"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    return None


def no_browser(reason: str):
    if os.environ.get("PEACETALKS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and PEACETALKS_REQUIRE_BROWSER=1 requires the browser test")
    pytest.skip(f"{reason}: install it (apt-get install chromium) to run the browser test")


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        no_browser("no Chromium found (chromium, chromium-browser or $PEACETALKS_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        no_browser("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """A page opened from the file system that records every request and console error."""

    def __init__(self, browser, site: Path, kind: str = "desktop"):
        viewport, scale = SIZES[kind]
        self.context = browser.new_context(viewport=viewport, device_scale_factor=scale)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self.route)
        self.seen: list[str] = []
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("request", lambda request: self.seen.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))
        self.page.goto((site / "index.html").as_uri())

    def route(self, route):
        self.requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    def close(self):
        self.context.close()
        assert any(url.endswith("/site.js") for url in self.seen), "the page's own script was not even loaded"
        outside = [url for url in self.requests + self.seen if not url.startswith("file://")]
        assert outside == [], f"the page asked for something outside the file system: {outside}"
        assert self.errors == [], f"the console shows errors: {self.errors}"


@pytest.fixture
def visit(browser, built_site):
    opened = Visit(browser, built_site)
    yield opened.page
    opened.close()


def test_a_request_to_the_network_is_caught(browser, built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    index = site / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("</main>", '<img src="http://example.invalid/x.png" alt=""></main>'), encoding="utf-8"
    )
    opened = Visit(browser, site)
    opened.page.wait_for_load_state("load")
    with pytest.raises(AssertionError, match=r"outside the file system: \['http://example.invalid/x.png'"):
        opened.close()


def fact_tables() -> dict[str, list[dict]]:
    """The rows of every table with a quote column, read with the csv module, for expectations."""
    found = {}
    for path in sorted((ROOT / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if rows and "quote" in rows[0]:
            found[path.stem] = rows
    return found


def primary_key(table: str) -> list[str]:
    schema = json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text(encoding="utf-8"))
    key = schema["primaryKey"]
    return [key] if isinstance(key, str) else key


def rows_quoting(sentence: str) -> set[tuple[str, str]]:
    return {
        (table, " · ".join(row[k] for k in primary_key(table)))
        for table, rows in fact_tables().items()
        for row in rows
        if row["quote"] == sentence
    }


def listed_rows(page) -> set[tuple[str, str]]:
    cards = page.eval_on_selector_all(
        "#evidence-body .card",
        "cards => cards.map(c => [c.getAttribute('data-row'), c.querySelector('.key').textContent])",
    )
    assert len(cards) == len({row for row, _ in cards}), "a row is listed twice"
    return {(row.split("-")[1], key) for row, key in cards}


def passage_id(page, starts_with: str) -> str:
    return page.evaluate(
        """start => Array.from(document.querySelectorAll('mark.span[id]')).find(m => {
            const copy = m.cloneNode(true); copy.querySelectorAll('.tags').forEach(t => t.remove());
            return copy.textContent.startsWith(start); }).id""",
        starts_with,
    )


def click_passage(page, span_id: str) -> None:
    """Click the first words of a passage: the box of a passage over several lines also covers other text."""
    page.eval_on_selector(f"#{span_id}", "m => m.scrollIntoView({block: 'center'})")
    x, y = page.eval_on_selector(f"#{span_id}", "m => { const r = m.getClientRects()[0]; return [r.x + 4, r.y + r.height / 2]; }")
    page.mouse.click(x, y)


def test_every_row_is_reached_from_a_passage_and_every_passage_leads_to_rows(visit):
    links = visit.evaluate(
        """() => ({
          spans: Array.from(document.querySelectorAll('mark.span[id]')).map(m => [m.id, m.dataset.rows.split(' ').filter(Boolean)]),
          rows: Array.from(document.querySelectorAll('#facts tbody tr')).map(r =>
                [r.id, Array.from(r.querySelectorAll('a.to-span')).map(a => a.getAttribute('href').slice(1))]),
          cards: Array.from(document.querySelectorAll('#cards > .card')).map(c => c.dataset.row),
        })"""
    )
    spans = dict(links["spans"])
    rows = dict(links["rows"])
    expected_rows = {f"row-{table}-{line}" for table, found in fact_tables().items() for line in range(2, len(found) + 2)}
    assert set(rows) == expected_rows
    assert set(links["cards"]) == expected_rows
    assert spans, "no passage is marked"
    for span, supported in spans.items():
        assert supported, f"passage {span} leads to no row"
        for row in supported:
            assert span in rows[row], f"{row} is listed under {span} but does not link back to it"
    for row, targets in rows.items():
        assert targets, f"{row} is reached from no passage"
        for target in targets:
            assert row in spans[target], f"{row} links to {target}, which does not list it"


def test_clicking_a_passage_lists_the_rows_that_quote_it(visit):
    sentence = next(row["quote"] for row in fact_tables()["actors"] if row["actor_id"] == "reporters")
    outer = passage_id(visit, sentence[:40])
    click_passage(visit, outer)
    assert listed_rows(visit) == rows_quoting(sentence)
    assert visit.get_attribute(f"#{outer}", "aria-pressed") == "true"
    assert visit.text_content("#evidence-body blockquote") == sentence
    assert visit.text_content("#evidence-body .summary") == f"Passage {outer[1:]} supports {len(rows_quoting(sentence))} rows:"
    # A passage inside it, drawn as a second layer, lists only its own rows.
    inner_sentence = next(row["quote"] for row in fact_tables()["actors"] if row["actor_id"] == "germany")
    assert inner_sentence in sentence and inner_sentence != sentence
    inner = passage_id(visit, inner_sentence[:30])
    assert visit.evaluate(f"document.getElementById('{inner}').parentElement.closest('mark.span').id") == outer
    click_passage(visit, inner)
    assert listed_rows(visit) == rows_quoting(inner_sentence)
    assert visit.get_attribute(f"#{outer}", "aria-pressed") == "false"


def test_from_a_row_to_its_passage_and_back(visit):
    statuses = fact_tables()["statuses"]
    line = next(number for number, row in enumerate(statuses, start=2) if row["status_id"] == "deal_broad_agreement_90_percent")
    row_id = f"row-statuses-{line}"
    visit.click(f"#{row_id} a.to-span")
    focused = visit.evaluate("document.activeElement.id")
    assert visit.evaluate("document.activeElement.matches('mark.span.selected')")
    assert ("statuses", "deal_broad_agreement_90_percent") in listed_rows(visit)
    assert listed_rows(visit) == rows_quoting(statuses[line - 2]["quote"])
    visit.click(f'#evidence-body .card[data-row="{row_id}"] a.to-row')
    assert visit.evaluate("document.activeElement.id") == row_id
    assert visit.evaluate(f"document.getElementById('{row_id}').classList.contains('current')")
    assert focused.startswith("s")


def test_the_filter_keeps_the_rows_that_match(visit):
    actors = fact_tables()["actors"]
    visit.fill("#filter-actors", "zelensky")
    visible = visit.eval_on_selector_all("#table-actors tbody tr:not([hidden])", "rows => rows.map(r => r.id)")
    shown = [f for f in actors[0] if f not in ("quote", "source_id")]
    expected = [f"row-actors-{n}" for n, row in enumerate(actors, start=2) if any("zelensky" in row[f].lower() for f in shown)]
    assert visible == expected and 1 < len(expected) < len(actors)
    assert visit.text_content("#count-actors") == f"{len(expected)} of {len(actors)} rows"
    # A row the filter hides is shown again when a link leads to it.
    hidden = next(f"row-actors-{n}" for n, row in enumerate(actors, start=2) if row["actor_id"] == "united_states")
    click_passage(visit, visit.get_attribute(f'mark.span[data-rows~="{hidden}"][id]', "id"))
    visit.click(f'#evidence-body .card[data-row="{hidden}"] a.to-row')
    assert visit.is_visible(f"#{hidden}")
    assert visit.input_value("#filter-actors") == ""
    assert visit.text_content("#count-actors") == f"{len(actors)} of {len(actors)} rows"


def test_keyboard_alone_reaches_a_passage_and_lists_its_rows(visit):
    for _ in range(40):
        visit.keyboard.press("Tab")
        if visit.evaluate("document.activeElement.matches('mark.span')"):
            break
    else:
        pytest.fail("Tab never reached a marked passage")
    first = visit.evaluate("document.activeElement.id")
    visit.keyboard.press("Enter")
    expected = visit.get_attribute(f"#{first}", "data-rows").split()
    assert [c.split("-", 1)[1] for c in visit.eval_on_selector_all("#evidence-body .card", "cs => cs.map(c => c.dataset.row)")] == [
        r.split("-", 1)[1] for r in expected
    ]
    visit.keyboard.press("Tab")
    second = visit.evaluate("document.activeElement.id")
    assert second != first and visit.evaluate("document.activeElement.matches('mark.span')")
    visit.keyboard.press(" ")
    assert visit.get_attribute(f"#{second}", "aria-pressed") == "true"
    assert visit.get_attribute(f"#{first}", "aria-pressed") == "false"
    assert len(visit.query_selector_all("#evidence-body .card")) == len(visit.get_attribute(f"#{second}", "data-rows").split())


def screenshot(browser, site: Path, kind: str, folder: Path) -> Path:
    opened = Visit(browser, site, kind)
    page = opened.page
    page.evaluate("document.getElementById('article').scrollIntoView()")
    sentence = next(row["quote"] for row in fact_tables()["actors"] if row["actor_id"] == "reporters")
    click_passage(page, passage_id(page, sentence[:40]))
    if kind == "desktop":  # the page's title, the legend and the list of facts beside the article
        page.evaluate("document.getElementById('article').scrollIntoView()")
    if kind == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page is wider than a phone"
        assert page.is_visible("#evidence-close")
    page.mouse.move(0, 0)  # a pointer left over a passage would show it hovered
    target = folder / f"site-{kind}.png"
    page.screenshot(path=str(target))
    opened.close()
    return target


def test_screenshots_at_desktop_and_phone_width(browser, built_site, tmp_path):
    from PIL import Image, PngImagePlugin

    from peacetalks.site.build_site import page_stamp

    shots = [screenshot(browser, built_site, kind, tmp_path) for kind in SIZES]
    for shot, (kind, (viewport, scale)) in zip(shots, SIZES.items(), strict=True):
        with Image.open(shot) as image:
            assert image.size == (viewport["width"] * scale, viewport["height"] * scale), kind
    destination = os.environ.get("PEACETALKS_SCREENSHOTS_TO")
    if destination:
        info = PngImagePlugin.PngInfo()
        info.add_text(STAMP_KEY, page_stamp(built_site))
        for shot in shots:
            with Image.open(shot) as image:
                image.save(Path(destination) / shot.name, pnginfo=info, optimize=True)
