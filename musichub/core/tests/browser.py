"""Helpers for browser tests: accessibility with axe-core, fitting on a phone, no CSP violations."""

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

_axe = Axe()


def assert_accessible(page, label: str = "") -> None:
    """axe-core finds no WCAG 2.2 AA violation on the page as it is now."""
    results = _axe.run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
    assert results.violations_count == 0, f"{label or page.url}\n{results.generate_report()}"


def assert_fits_width(page, width: int = 320) -> None:
    """At `width` px nothing makes the page scroll sideways."""
    page.set_viewport_size({"width": width, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow}px wide at a {width}px viewport"


def watch_console(page) -> list[str]:
    """Collect console errors (CSP refusals among them) for a test to assert on."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
