"""Shared fixtures: every test gets its own data folder; Qt runs offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CSA_DESKTOP_HOME", str(Path(__file__).parent / ".never-used"))


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test touches the real user folders, even by accident."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CSA_DESKTOP_HOME", str(home / "default-copy"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo copy built per test run; tests get their own file copies of it."""
    from csa_desktop.services.copy import init_copy

    folder = tmp_path_factory.mktemp("demo-template")
    init_copy(folder, name="Test lead").close()
    return folder


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh demo copy (lead role) in its own folder."""
    import shutil

    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy2(demo_template / "csa.sqlite3", folder / "csa.sqlite3")
    return folder


@pytest.fixture
def demo_copy(demo_dir: Path) -> Iterator[object]:
    from csa_desktop.services.copy import Copy

    with Copy.open(demo_dir) as copy:
        yield copy


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A lead's master (the demo) and the baseline it published: what a district joins from."""
    from csa_desktop.services.bundles import BundleService
    from csa_desktop.services.copy import init_copy

    root = tmp_path_factory.mktemp("published")
    with init_copy(root / "lead", name="Lancashire county team") as lead:
        BundleService(lead).export(root / "baseline.csabundle")
    return root / "lead", root / "baseline.csabundle"


@pytest.fixture(scope="session", autouse=True)
def _every_export_passes_the_gate() -> Iterator[None]:
    """Every bundle the suite exports is also read back the whole way the import gate reads
    it (unzipped, hashes, signature, JSON, schema, field rules) before it is written: the
    export checks its members in memory instead, and must never let through a bundle that
    the gate would refuse."""
    from csa_desktop.bundle.reader import open_bundle, parse_bundle
    from csa_desktop.services import bundles

    write = bundles.write_atomically

    def checked_write(data: bytes, out: Path) -> Path:
        parse_bundle(open_bundle(data, out.name))
        return write(data, out)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bundles, "write_atomically", checked_write)
        yield
