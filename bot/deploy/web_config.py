"""Stack outputs -> the files the deployed web client needs. Pure: text in, bytes out, no I/O.

- ``admin/config.json``: the portal signs in with the stack's Cognito user pool and calls the admin API.
- ``index.html``: the demo page's widget tag switches to AWS mode (``data-region``,
  ``data-identity-pool-id``, the real ``data-bot-id`` and ``data-alias-id``; no ``data-endpoint``).

The widget tag is found with ``html.parser`` (the one ``<script>`` whose ``src`` ends in
``meety-widget.js``) and only that tag's text is replaced, attributes in their order and layout; the rest of
the page is left byte for byte.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from html.parser import HTMLParser

from bot.deploy import names
from bot.deploy.aws import DeployError, check_region

WIDGET_SCRIPT = "meety-widget.js"
ADMIN_CONFIG = "admin/config.json"
INDEX = "index.html"
WEB_OUTPUTS = (
    names.OUT_ADMIN_API_URL,
    names.OUT_USER_POOL_CLIENT_ID,
    names.OUT_IDENTITY_POOL_ID,
    names.OUT_BOT_ID,
    names.OUT_BOT_ALIAS_ID,
)
Attributes = list[tuple[str, str | None]]


def web_files(outputs: Mapping[str, str], region: str, index_html: str) -> dict[str, bytes]:
    """The files to overwrite in the web folder, by path relative to it."""
    missing = [name for name in WEB_OUTPUTS if not outputs.get(name)]
    if missing:
        raise DeployError(
            f"the stack has no output {', '.join(missing)}: the web client cannot be configured"
        )
    region = check_region(outputs.get(names.OUT_REGION) or region)
    return {
        ADMIN_CONFIG: _json(admin_config(outputs, region)),
        INDEX: set_widget_attributes(index_html, widget_attributes(outputs, region)).encode("utf-8"),
    }


def admin_config(outputs: Mapping[str, str], region: str) -> dict[str, str]:
    return {
        "auth": "cognito",
        "apiBase": outputs[names.OUT_ADMIN_API_URL].rstrip("/"),
        "region": region,
        "userPoolClientId": outputs[names.OUT_USER_POOL_CLIENT_ID],
    }


def widget_attributes(outputs: Mapping[str, str], region: str) -> dict[str, str | None]:
    """The widget's AWS mode; ``None`` removes an attribute (the endpoint follows from the region)."""
    return {
        "data-endpoint": None,
        "data-bot-id": outputs[names.OUT_BOT_ID],
        "data-alias-id": outputs[names.OUT_BOT_ALIAS_ID],
        "data-region": region,
        "data-identity-pool-id": outputs[names.OUT_IDENTITY_POOL_ID],
    }


def outputs_document(outputs: Mapping[str, str]) -> bytes:
    """``meety-outputs.json``: every output of the stack, for scripts (``jq -r .WebUrl``)."""
    return _json(dict(sorted(outputs.items())))


def set_widget_attributes(page: str, changes: Mapping[str, str | None]) -> str:
    """``page`` with the widget tag's attributes set (or removed, for ``None``); nothing else touched."""
    finder = _WidgetTags()
    finder.feed(page)
    finder.close()
    if len(finder.found) != 1:
        raise DeployError(
            f'index.html must hold exactly one <script src=".../{WIDGET_SCRIPT}"> tag, '
            f"found {len(finder.found)}"
        )
    (line, column), original, attributes = finder.found[0]
    start = sum(len(text) for text in page.splitlines(keepends=True)[: line - 1]) + column
    if page[start : start + len(original)] != original:  # pragma: no cover - HTMLParser's positions are exact
        raise DeployError("could not locate the widget tag in index.html")
    tag = _render(original, _edited(attributes, changes))
    return page[:start] + tag + page[start + len(original) :]


class _WidgetTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[tuple[int, int], str, Attributes]] = []

    def handle_starttag(self, tag: str, attrs: Attributes) -> None:
        source = dict(attrs).get("src") or ""
        if tag == "script" and source.split("?")[0].endswith(WIDGET_SCRIPT):
            self.found.append((self.getpos(), self.get_starttag_text() or "", attrs))


def _edited(attributes: Attributes, changes: Mapping[str, str | None]) -> Attributes:
    """Existing attributes keep their place; new ones go after the last ``data-*`` (or ``src``)."""
    kept: Attributes = []
    for name, value in attributes:
        if name in changes:
            if changes[name] is not None:
                kept.append((name, changes[name]))
        else:
            kept.append((name, value))
    present = {name for name, _ in kept}
    added: Attributes = [
        (name, value) for name, value in changes.items() if value is not None and name not in present
    ]
    anchor = max(
        (i for i, (name, _) in enumerate(kept) if name.startswith("data-") or name == "src"), default=-1
    )
    return kept[: anchor + 1] + added + kept[anchor + 1 :]


def _render(original: str, attributes: Attributes) -> str:
    """The tag in the original's layout: one attribute per line if it was so, else on one line."""
    lines = original.split("\n")
    if len(lines) > 1:
        first_attribute = lines[1]
        separator = "\n" + first_attribute[: len(first_attribute) - len(first_attribute.lstrip())]
        last = lines[-1]
        closing = "\n" + last if last.strip() == ">" else ">"
    else:
        separator, closing = " ", ">"
    parts = "".join(
        separator + (name if value is None else f'{name}="{html.escape(value, quote=True)}"')
        for name, value in attributes
    )
    return f"<script{parts}{closing}"


def _json(document: object) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
