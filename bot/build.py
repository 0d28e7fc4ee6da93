"""``meety build``: specs -> validated definition -> LexJson package + CloudFormation.

A pipeline of single-purpose stages: load the project, resolve text,
validate, then write. Writing goes to a temporary folder that replaces the
output only when complete, so a failed build never leaves half a package.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bot.cloudformation import bot_resource, bot_template
from bot.errors import InvalidBot
from bot.lexjson.export import bot_identifier, package_files
from bot.model import Bot
from bot.project import load_project
from bot.resolve import resolve
from bot.settings import BuildSettings
from bot.validate import validate

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def compile_project(root: Path, settings: BuildSettings) -> Bot:
    """The project's bot, or InvalidBot listing every problem with its file."""
    resolution = resolve(load_project(root), settings.slot_values())
    problems = list(resolution.problems)
    if resolution.bot is not None:
        problems += validate(resolution.bot)
    if problems or resolution.bot is None:
        raise InvalidBot(resolution.sources.attach(problems))
    return resolution.bot


@dataclass(frozen=True)
class BuildOutput:
    folder: Path
    zip_file: Path
    cfn_resource: Path
    cfn_template: Path


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A reproducible zip: sorted entries, fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()


def _json(document: object) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def output_files(bot: Bot) -> dict[str, bytes]:
    """Every file ``meety build`` writes, by path relative to the output folder."""
    package = package_files(bot)
    files = {f"lexjson/{path}": data for path, data in package.items()}
    files[f"{bot.name}-DRAFT-{bot_identifier(bot)}-LexJson.zip"] = zip_bytes(package)
    logical_id = f"{bot.name}Bot"
    role = {"Fn::GetAtt": [f"{logical_id}Role", "Arn"]}
    files["cloudformation/bot-resource.json"] = _json({logical_id: bot_resource(bot, role_arn=role)})
    files["cloudformation/bot-template.json"] = _json(bot_template(bot, logical_id=logical_id))
    return files


def write_build(bot: Bot, out: Path) -> BuildOutput:
    files = output_files(bot)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".meety-build-", dir=out.parent))
    try:
        for path, data in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    zip_name = next(p for p in files if p.endswith("-LexJson.zip"))
    return BuildOutput(
        folder=out / "lexjson",
        zip_file=out / zip_name,
        cfn_resource=out / "cloudformation/bot-resource.json",
        cfn_template=out / "cloudformation/bot-template.json",
    )
