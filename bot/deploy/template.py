"""The whole Meety stack as one CloudFormation template, merged from small pure fragments.

Each ``template_*`` module returns a ``Fragment`` (``Resources``, and optionally ``Outputs``,
``Conditions``) from the ``TemplateContext``; they reference each other only through ``bot.deploy.names``.
Merging refuses a logical id defined twice, so two fragments can never silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bot.deploy.config import TemplateContext

Json = dict[str, Any]
Fragment = dict[str, Json]
SECTIONS = ("Conditions", "Resources", "Outputs")


def merge(fragments: Iterable[Fragment]) -> Fragment:
    merged: Fragment = {section: {} for section in SECTIONS}
    for fragment in fragments:
        unknown = set(fragment) - set(SECTIONS)
        if unknown:
            raise ValueError(f"unknown template section(s): {', '.join(sorted(unknown))}")
        for section, entries in fragment.items():
            clash = set(entries) & set(merged[section])
            if clash:
                raise ValueError(f"{section} defined twice: {', '.join(sorted(clash))}")
            merged[section].update(entries)
    return {section: entries for section, entries in merged.items() if entries}


def fragment_builders() -> list[Callable[[TemplateContext], Fragment]]:
    """Every fragment of the stack, in the order they are read best."""
    from bot.deploy import (
        template_api,
        template_auth,
        template_core,
        template_lex,
        template_monitoring,
        template_slack,
        template_web,
    )

    return [
        template_core.fragment,
        template_lex.fragment,
        template_auth.fragment,
        template_api.fragment,
        template_slack.fragment,
        template_web.fragment,
        template_monitoring.fragment,
    ]


def build_template(ctx: TemplateContext) -> Json:
    body = merge(builder(ctx) for builder in fragment_builders())
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Meety ({ctx.config.stack}): Lex V2 bot, Lambdas, DynamoDB, admin API, Cognito, web",
        **body,
    }
