"""The widget's budget (brief section 7): JS + CSS <= 25 KB gzipped, no third-party code, no HTML parsing.

Sizes are measured as a CDN would serve them: each file gzipped at level 9, the two sizes added up.
"""

from __future__ import annotations

import gzip
import re

from tests.widget_support import WIDGET_DIR

BUDGET_BYTES = 25 * 1024
FILES = ("meety-widget.js", "meety-widget.css")


def gzipped_size(name: str) -> int:
    return len(gzip.compress((WIDGET_DIR / name).read_bytes(), compresslevel=9, mtime=0))


def test_js_and_css_fit_the_gzipped_budget() -> None:
    sizes = {name: gzipped_size(name) for name in FILES}
    total = sum(sizes.values())
    print(f"widget gzip -9: {sizes} = {total} bytes ({total / 1024:.1f} KB of {BUDGET_BYTES // 1024} KB)")
    assert total <= BUDGET_BYTES, sizes


def test_the_script_loads_nothing_else_and_never_parses_html() -> None:
    """No third-party runtime dependency, and bot or user text can never become markup."""
    source = (WIDGET_DIR / "meety-widget.js").read_text(encoding="utf-8")
    # what comments say does not count; "//" after ":" is a URL, not a comment
    code = re.sub(r"(?<![:\\])//[^\n]*|/\*.*?\*/", "", source, flags=re.DOTALL)
    forbidden = [
        r"\binnerHTML\b",
        r"\bouterHTML\b",
        r"\binsertAdjacentHTML\b",
        r"\bdocument\.write",
        r"\beval\s*\(",
        r"\bnew\s+Function\b",
        r"\bimport\s*\(",
        r"createElement\(\s*[\"']script",
        r"setAttribute\(\s*[\"']style",
    ]
    found = [pattern for pattern in forbidden if re.search(pattern, code)]
    assert found == []
