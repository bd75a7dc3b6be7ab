"""Build the csa-desktop wheel from a clean copy of the sources; print the wheel's path.

    python packaging/build_wheel.py OUTPUT_DIR

Copying first keeps setuptools' in-tree build/ folder (which can hold stale modules) out of it,
so the wheel holds exactly what pyproject.toml maps from src/ and resources/ today. Needs
setuptools and wheel in the running Python (both are in requirements.lock); no network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "src", "resources")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".mypy_cache")


def build_wheel(output: Path) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    for old in output.glob("csa_desktop-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="csa-wheel-") as tmp:
        source = Path(tmp) / "csa-desktop"
        source.mkdir()
        for name in SOURCES:
            path = ROOT / name
            if path.is_dir():
                shutil.copytree(path, source / name, ignore=JUNK)
            else:
                shutil.copy2(path, source / name)
        # setuptools warns at length about data folders under resources/; show that only
        # when the build fails.
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
             "--no-build-isolation", "--disable-pip-version-check", "-q", "-w", str(output)],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"pip wheel failed:\n{result.stdout}{result.stderr}")
    built = sorted(output.glob("csa_desktop-*.whl"))
    if len(built) != 1:
        raise SystemExit(f"expected one csa_desktop wheel in {output}, found {len(built)}")
    return built[0]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(build_wheel(Path(sys.argv[1]).resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
