"""The Lambda zips against the brief's budget: each <= 10 MB, run in 256 MB (``make bench-packages``).

Builds both zips the way ``meety deploy`` does (wheels from the pip cache after the first run) and prints
their size, unzipped size and biggest contributors. The memory side is measured by
``tests/test_deploy_package*.py``, which runs each zip's handlers on a bare Lambda-like runtime.
"""

from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.deploy.package import MAX_ZIP_BYTES, package_all  # noqa: E402


def top_level(path: Path) -> list[tuple[str, int]]:
    sizes: Counter[str] = Counter()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            sizes[info.filename.split("/", 1)[0]] += info.compress_size
    return sizes.most_common(5)


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        built = package_all(REPO, out)
        elapsed = time.perf_counter() - started
        print(f"built {len(built)} zips in {elapsed:.1f} s (budget per zip {MAX_ZIP_BYTES / 1e6:.2f} MB)")
        for name, item in sorted(built.items()):
            print(
                f"  {name:12} {item.size / 1e6:6.2f} MB zipped, {item.unzipped_size / 1e6:6.1f} MB unzipped, "
                f"{item.entries} entries, {len(item.distributions)} vendored distributions"
            )
            for part, size in top_level(item.path):
                print(f"      {part:32} {size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
