"""Packaging: the wheel carries every resource and they load from an installed wheel; the frozen
program's launcher works; the desktop entry, AppStream metainfo, icons, installer script and
release workflow are well formed and agree on names and the version. The frozen build itself
runs only with CSA_BUILD_TESTS=1 (about a minute; see README, Install)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

import csa_desktop

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
PACKAGE = ROOT / "src" / "csa_desktop"
ICONS = RESOURCES / "icons"
DESKTOP_ENTRY = RESOURCES / "linux" / "csa-desktop.desktop"
METAINFO = RESOURCES / "linux" / "uk.gov.csa_desktop.metainfo.xml"
SPEC = PACKAGING / "csa-desktop.spec"
INNO = PACKAGING / "windows" / "csa-desktop.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
VERSION_LINE = f"CSA Desktop {csa_desktop.__version__}"


def source_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]


def run(*command: str | Path, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          check=False, env=env, timeout=timeout, cwd=ROOT)


def load_launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("csa_launcher", PACKAGING / "launcher.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text("utf-8"))


def spec_name() -> str:
    """The NAME the spec gives the program folder and the GUI executable."""
    for node in spec_tree().body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "NAME":
            return str(ast.literal_eval(node.value))
    raise AssertionError("the spec defines no NAME")


# --- the wheel ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("wheel")
    result = run(sys.executable, PACKAGING / "build_wheel.py", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return Path(result.stdout.strip())


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_contains_every_file_of_the_resources_folder(wheel_names):
    expected = {f"csa_desktop/resources/{p.relative_to(RESOURCES).as_posix()}"
                for p in source_files(RESOURCES)}
    assert sorted(expected - wheel_names) == []


# Used only by `alembic revision` in a checkout, never by the program.
DEVELOPMENT_ONLY = {"csa_desktop/storage/migrations/script.py.mako"}


def test_wheel_contains_every_module_and_data_file_of_the_package(wheel_names):
    """Migrations, bundle JSON schemas and every module included."""
    expected = {f"csa_desktop/{p.relative_to(PACKAGE).as_posix()}" for p in source_files(PACKAGE)}
    assert sorted(expected - wheel_names - DEVELOPMENT_ONLY) == []


def test_wheel_contains_fonts_icons_demo_data_migrations_and_bundle_schema(wheel_names):
    def under(prefix: str, suffix: str) -> set[str]:
        return {n for n in wheel_names if n.startswith(prefix) and n.endswith(suffix)}

    assert under("csa_desktop/resources/fonts/", ".ttf")
    assert {f"csa_desktop/resources/icons/csa-desktop-{size}.png" for size in ICON_SIZES} | {
        "csa_desktop/resources/icons/csa-desktop.svg",
        "csa_desktop/resources/icons/csa-desktop.ico",
    } <= wheel_names
    assert "csa_desktop/resources/demo/lancashire.json" in wheel_names
    assert "csa_desktop/storage/migrations/env.py" in wheel_names
    assert "csa_desktop/storage/migrations/versions/0001_initial.py" in wheel_names
    assert under("csa_desktop/bundle/", ".json"), "the bundle JSON schema is missing"
    assert {"csa_desktop/resources/linux/csa-desktop.desktop",
            "csa_desktop/resources/linux/uk.gov.csa_desktop.metainfo.xml"} <= wheel_names


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts)
             for p in PACKAGE.rglob("__init__.py") if "__pycache__" not in p.parts}
    found.add("csa_desktop.resources")  # resources/ (top level), mapped by package-dir
    assert sorted(found - listed) == [], "add these to [tool.setuptools] packages"
    assert sorted(listed - found) == [], "listed packages that do not exist"


def test_installed_wheel_loads_demo_data_migrations_and_fonts_through_importlib(wheel, tmp_path):
    target = tmp_path / "site"
    install = run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                  "--disable-pip-version-check", "--target", target, wheel)
    assert install.returncode == 0, install.stderr
    copy, pdf = tmp_path / "copy", tmp_path / "plan.pdf"
    script = f"""
import sys
from pathlib import Path
import csa_desktop
assert Path(csa_desktop.__file__).is_relative_to({str(target)!r}), csa_desktop.__file__
from csa_desktop.cli import main
for args in (["init"], ["check"], ["print", "plan-on-a-page", "--out", {str(pdf)!r}]):
    code = main(["--data-dir", {str(copy)!r}, *args])
    if code:
        sys.exit(code)
"""
    # The wheel's copy comes first on the path, ahead of the checkout's editable install.
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = run(sys.executable, "-c", script, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (copy / "csa.sqlite3").is_file()
    assert pdf.read_bytes().startswith(b"%PDF") and b"DejaVuSans" in pdf.read_bytes()


def test_runtime_dependencies_are_pyside6_essentials_and_pdf_not_the_meta_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower().replace("_", "-")
             for d in project["dependencies"]}
    assert {"pyside6-essentials", "pyside6-pdf"} <= names
    assert not names & {"pyside6", "pyside6-addons", "pyinstaller"}
    locked = (ROOT / "requirements.lock").read_text("utf-8").lower()
    assert "pyinstaller" not in locked, "PyInstaller is a build-only tool"
    assert "pyinstaller==" in (PACKAGING / "requirements-build.txt").read_text("utf-8")


# --- the frozen program's launcher, run from the checkout ---------------------------------------


def test_launcher_runs_the_command_line_tool_after_a_cli_argument():
    result = run(sys.executable, PACKAGING / "launcher.py", "cli", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == VERSION_LINE


def test_launcher_runs_the_command_line_tool_for_an_executable_named_csa(demo_dir, capsys):
    launcher = load_launcher()
    code = launcher.main(["--data-dir", str(demo_dir), "info"],
                         executable=r"C:\Program Files\CSA Desktop\csa.exe")
    assert code == 0
    assert "lead" in capsys.readouterr().out


def test_launcher_gives_the_gui_options_to_the_desktop_executable(capsys):
    launcher = load_launcher()
    with pytest.raises(SystemExit) as stop:
        launcher.main(["info"], executable="/opt/csa-desktop/csa-desktop")
    assert stop.value.code == 2
    assert "csa-desktop" in capsys.readouterr().err


def test_launcher_self_test_opens_the_main_window_on_a_new_data_folder(tmp_path):
    copy = tmp_path / "copy"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = run(sys.executable, PACKAGING / "launcher.py", "--self-test", "--data-dir", copy,
                 env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "main window opened: " in result.stdout
    assert "PDF preview renders 595x842" in result.stdout
    assert "demo data ['lancashire.json']" in result.stdout
    assert (copy / "csa.sqlite3").is_file()


def test_spec_reads_the_version_from_the_package():
    """The spec's project_version() (run on its own) gives csa_desktop.__version__."""
    function = next(n for n in spec_tree().body
                    if isinstance(n, ast.FunctionDef) and n.name == "project_version")
    namespace: dict[str, object] = {"ROOT": ROOT, "ast": ast, "Path": Path}
    exec(compile(ast.Module([function], []), str(SPEC), "exec"), namespace)
    assert namespace["project_version"]() == csa_desktop.__version__  # type: ignore[operator]
    assert csa_desktop.__version__ not in SPEC.read_text("utf-8")


# --- icons ---------------------------------------------------------------------------------------


@pytest.mark.gui
def test_app_icon_pngs_are_the_svg_rendered_at_every_size(qapp):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ICONS / "csa-desktop.svg"))
    assert renderer.isValid()
    for size in ICON_SIZES:
        png = QImage(str(ICONS / f"csa-desktop-{size}.png")).convertToFormat(
            QImage.Format.Format_ARGB32)
        assert (png.width(), png.height()) == (size, size)
        assert png.pixelColor(size // 2, size // 2).alpha() == 255
        assert png.pixelColor(0, size - 1).alpha() == 0  # transparent beside the shield
        fresh = QImage(size, size, QImage.Format.Format_ARGB32)
        fresh.fill(Qt.GlobalColor.transparent)
        painter = QPainter(fresh)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        diff = sum(abs(png.pixelColor(x, y).red() - fresh.pixelColor(x, y).red())
                   + abs(png.pixelColor(x, y).alpha() - fresh.pixelColor(x, y).alpha())
                   for x in range(size) for y in range(size)) / (size * size)
        assert diff < 2, f"{size} px PNG is stale: run packaging/render_icons.py"


def test_windows_icon_holds_every_size():
    from PIL import Image

    with Image.open(ICONS / "csa-desktop.ico") as ico:
        sizes = ico.ico.sizes()  # type: ignore[attr-defined]
    assert {(s, s) for s in (16, 32, 48, 256)} <= sizes


# --- Linux desktop integration -------------------------------------------------------------------


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(DESKTOP_ENTRY.read_text("utf-8"))
    return parser["Desktop Entry"]


def test_desktop_entry_passes_desktop_file_validate():
    tool = shutil.which("desktop-file-validate")
    if not tool:
        pytest.skip("desktop-file-validate is not installed (apt: desktop-file-utils)")
    result = run(tool, DESKTOP_ENTRY)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_passes_appstreamcli_validate():
    tool = shutil.which("appstreamcli")
    if not tool:
        pytest.skip("appstreamcli is not installed (apt: appstream)")
    result = run(tool, "validate", "--no-net", METAINFO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_metainfo_and_spec_name_the_same_program():
    entry = desktop_entry()
    name = spec_name()
    assert entry["Exec"].split()[0] == entry["TryExec"] == name
    assert entry["StartupWMClass"] == name
    assert (ICONS / f"{entry['Icon']}.svg").is_file()
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP_ENTRY.name
    assert component.findtext("icon[@type='stock']") == entry["Icon"]
    assert {b.text for b in component.iter("binary")} == {name, "csa"}


def test_metainfo_newest_release_is_the_package_version():
    releases = ET.parse(METAINFO).getroot().findall("releases/release")
    assert releases, "the metainfo lists no release"
    assert releases[0].get("version") == csa_desktop.__version__


def test_linux_menu_installer_adds_a_valid_entry_and_uninstall_removes_it(tmp_path):
    program = tmp_path / "unpacked" / "csa-desktop"
    (program / "_internal" / "csa_desktop").mkdir(parents=True)
    (program / "_internal" / "csa_desktop" / "resources").symlink_to(RESOURCES)
    for name in ("csa-desktop", "csa"):
        (program / name).write_text("#!/bin/sh\necho frozen\n")
        (program / name).chmod(0o755)
    script = program / "install-desktop-entry.sh"
    shutil.copy2(PACKAGING / "linux" / "install-desktop-entry.sh", script)
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}

    result = run("bash", script, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    entry = home / "data" / "applications" / "csa-desktop.desktop"
    assert f'Exec="{program}/csa-desktop"' in entry.read_text("utf-8")
    assert (home / "data" / "icons" / "hicolor" / "256x256" / "apps" / "csa-desktop.png").is_file()
    assert (home / "data" / "metainfo" / METAINFO.name).is_file()
    assert run(home / ".local" / "bin" / "csa").stdout == "frozen\n"
    if shutil.which("desktop-file-validate"):
        check = run("desktop-file-validate", entry)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout

    result = run("bash", script, "--uninstall", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    left = [p for p in home.rglob("*csa*")]
    assert left == []


# --- Windows installer and release workflow -----------------------------------------------------


def test_inno_setup_script_installs_the_built_folder_with_the_version_passed_in():
    text = INNO.read_text("utf-8")
    name = spec_name()
    assert "AppVersion={#AppVersion}" in text
    assert "#error" in text  # refuses to build without /DAppVersion
    assert not re.search(r"^AppVersion=\d", text, re.MULTILINE)
    assert f'Source: "dist\\{name}\\*"' in text
    assert f'#define AppExe "{name}.exe"' in text
    assert "PrivilegesRequired=lowest" in text  # no administrator rights needed
    assert re.search(r"^SourceDir=\.\.\\\.\.$", text, re.MULTILINE)
    icon = re.search(r"^SetupIconFile=(.+)$", text, re.MULTILINE)
    assert icon and (ROOT / icon.group(1).replace("\\", "/")).is_file()


def release_workflow() -> dict:
    import yaml

    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def test_release_workflow_builds_linux_and_windows_on_a_version_tag():
    workflow = release_workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers["push"]["tags"] == ["v*"]
    jobs = workflow["jobs"]
    assert jobs["linux"]["runs-on"].startswith("ubuntu")
    assert jobs["windows"]["runs-on"].startswith("windows")
    assert sorted(jobs["release"]["needs"]) == ["linux", "windows"]
    assert jobs["release"]["permissions"] == {"contents": "write"}
    assert "refs/tags/" in jobs["release"]["if"]
    for job in jobs.values():
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_release_workflow_runs_the_build_script_spec_and_installer_that_exist():
    jobs = release_workflow()["jobs"]
    linux = "\n".join(s.get("run", "") for s in jobs["linux"]["steps"])
    windows = "\n".join(s.get("run", "") for s in jobs["windows"]["steps"])
    assert "packaging/build-linux.sh" in linux
    assert "--self-test" in linux and "--self-test" in windows
    assert "PyInstaller" in windows and "packaging\\csa-desktop.spec" in windows
    assert "ISCC.exe" in windows and "/DAppVersion=$version" in windows
    paths = re.findall(r"(?:packaging|resources)[\\/][\w./\\-]+\w", linux + "\n" + windows)
    assert paths
    missing = [p for p in paths if not (ROOT / p.replace("\\", "/")).exists()]
    assert missing == []


# --- the frozen program (slow: CSA_BUILD_TESTS=1) ---------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("CSA_BUILD_TESTS") != "1",
                    reason="builds the frozen program with PyInstaller (about a minute); "
                           "set CSA_BUILD_TESTS=1 to run it")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="build-linux.sh is for Linux")
def test_built_program_prints_its_version_and_opens_its_main_window(tmp_path):
    dist = tmp_path / "dist"
    env = {**os.environ, "CSA_BUILD_WORK": str(tmp_path / "work")}
    build = run("bash", PACKAGING / "build-linux.sh", dist, env=env, timeout=1800)
    assert build.returncode == 0, build.stdout + build.stderr
    program = dist / spec_name()

    for executable in (spec_name(), "csa"):
        result = run(program / executable, "--version")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == VERSION_LINE

    copy = tmp_path / "copy"
    result = run(program / spec_name(), "--self-test", "--data-dir", copy,
                 env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "main window opened: " in result.stdout
    assert "PDF preview renders 595x842" in result.stdout
    assert run(program / "csa", "--data-dir", copy, "check").returncode == 0
    pdf = tmp_path / "plan.pdf"
    printed = run(program / "csa", "--data-dir", copy, "print", "plan-on-a-page", "--out", pdf)
    assert printed.returncode == 0, printed.stderr
    assert b"DejaVuSans" in pdf.read_bytes()
    bundle = tmp_path / "baseline.csabundle"  # signing, orjson, the ZIP writer: all frozen in
    exported = run(program / "csa", "--data-dir", copy, "export", "--out", bundle)
    assert exported.returncode == 0, exported.stderr
    assert zipfile.is_zipfile(bundle)

    unwanted = ("libQt6Quick", "libQt6Qml", "libQt6WebEngine", "libQt63D", "libQt6Multimedia")
    assert [p.name for p in program.rglob("*") if p.name.startswith(unwanted)] == []
    assert (dist / f"csa-desktop-{csa_desktop.__version__}-linux-{platform.machine()}.tar.gz"
            ).is_file()


def test_bundle_files_open_in_csa_desktop_on_linux_and_windows():
    import xml.etree.ElementTree as ET

    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(RESOURCES / "linux" / "csa-desktop-mime.xml").getroot()
    [kind] = mime.findall("m:mime-type", ns)
    assert [g.get("pattern") for g in kind.findall("m:glob", ns)] == ["*.csabundle"]
    entry = DESKTOP_ENTRY.read_text("utf-8")
    assert f"MimeType={kind.get('type')};" in entry.splitlines()
    assert "Exec=csa-desktop %F" in entry.splitlines()
    installer = INNO.read_text("utf-8")
    assert 'Subkey: "Software\\Classes\\.csabundle"' in installer
    assert '""{app}\\{#AppExe}"" ""%1""' in installer
    assert "ChangesAssociations=yes" in installer
    script = (PACKAGING / "linux" / "install-desktop-entry.sh").read_text("utf-8")
    assert "csa-desktop-mime.xml" in script and "update-mime-database" in script
