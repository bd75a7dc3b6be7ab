"""The agreement's web edition: one self-contained HTML page that a council can publish, checked
by the W3C's Nu Html Checker, by axe-core (WCAG 2.x A/AA rules) and by the structural rules
the accessibility regulations ask for, read back with an HTML parser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.printing.agreement_html import STYLE
from csa_desktop.services.copy import Copy
from csa_desktop.services.documents import document_html

CHECKERS = Path(__file__).resolve().parents[2] / "tools" / "html-check"
VNU = CHECKERS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class Page(HTMLParser):
    """What a checker looks at: elements with their attributes, headings in order, text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[int, str]] = []
        self.text: list[str] = []
        self._heading: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == self._heading[0]:
            self.headings.append((int(tag[1]), "".join(self._heading[1:]).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]


MISSING = "0" * 8 + "-0000-4000-8000-" + "0" * 12  # an attachment this copy does not hold


@pytest.fixture
def page_file(demo_copy: Copy, tmp_path: Path) -> Path:
    from csa_desktop.services.attachments import add_attachment
    from tests.attachments.images import png

    section = demo_copy.records.list_kind("section")[0]
    attached = add_attachment(demo_copy, png(), "districts.png", "Map of the <12> districts")
    demo_copy.records.update(section.uid, {"body": str(section["body"]) + (
        "\n\n## Partners <and> duties\n\n| Partner | Duty |\n| --- | --- |\n"
        "| Police & Crime | <script>alert(1)</script> |\n\n" + attached.markdown
        + f"\n\n![A chart we lost](attachment:{MISSING})")})
    path = tmp_path / "agreement.html"
    path.write_text(document_html(demo_copy, "agreement"), "utf-8")
    return path


def test_the_page_declares_its_language_title_and_a_skip_link_to_the_main_text(
        page_file: Path) -> None:
    page = Page(page_file.read_text("utf-8"))
    assert page.all("html")[0]["lang"] == "en-GB"
    (skip, *_rest) = page.all("a")
    assert skip["href"] == "#main"
    assert any(attrs.get("id") == "main" for tag, attrs in page.elements if tag == "main")
    assert "Lancashire Community Safety Agreement" in "".join(page.text)
    ids = [attrs["id"] for _tag, attrs in page.elements if "id" in attrs]
    assert len(ids) == len(set(ids))
    links = {a["href"][1:] for a in page.all("a") if a["href"].startswith("#")}
    assert links <= set(ids)  # every contents link lands somewhere


def test_headings_start_at_one_h1_and_never_skip_a_level(page_file: Path) -> None:
    levels = [level for level, _text in Page(page_file.read_text("utf-8")).headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
    numbered = [text for _level, text in Page(page_file.read_text("utf-8")).headings
                if text.endswith("Partners <and> duties")]
    assert numbered and numbered[0].startswith("1.")  # numbered from its section, as the PDF


def test_every_table_has_header_cells_with_scope_and_user_text_is_never_markup(
        page_file: Path) -> None:
    html = page_file.read_text("utf-8")
    page = Page(html)
    assert len(page.all("table")) >= 4  # the section's, the framework, the plan, approvals
    assert all(th.get("scope") in ("col", "row") for th in page.all("th"))
    assert len(page.all("table")) <= sum(1 for th in page.all("th") if th["scope"] == "col")
    assert page.all("script") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    (image,) = page.all("img")
    assert image["alt"] == "Map of the <12> districts"
    assert image["src"].startswith("data:image/png;base64,iVBOR")  # the page is self-contained
    assert "Image not available in this copy: A chart we lost" in "".join(page.text)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(("ink", "paper"), [
    ("#1a1a1a", "#ffffff"), ("#555555", "#ffffff"), ("#555555", "#f2f5f8"),
    ("#ffffff", "#1f3a5f"), ("#1f3a5f", "#ffffff"), ("#1f3a5f", "#f2f5f8"),
    ("#8a1c1c", "#ffffff")])
def test_each_colour_the_page_sets_text_in_has_at_least_4_5_to_1_contrast(ink: str,
                                                                         paper: str) -> None:
    assert ink in STYLE and paper in STYLE
    assert _contrast(ink, paper) >= 4.5


def test_the_page_reflows_with_text_and_widths_in_rem_never_fixed(page_file: Path) -> None:
    sizes = re.findall(r"(?:font-size|width|height|grid-template-columns)\s*:\s*([^;]+);", STYLE)
    assert sizes and not [size for size in sizes if re.search(r"\d(px|pt|cm|mm|in)\b", size)]
    assert "max-width: 52rem" in STYLE and "overflow-x: auto" in STYLE
    viewport = [m for m in Page(page_file.read_text("utf-8")).all("meta")
                if m.get("name") == "viewport"]
    assert viewport == [{"name": "viewport", "content": "width=device-width, initial-scale=1"}]


def _checker(tool: str) -> str:
    found = shutil.which(tool)
    ready = found and (VNU.exists() if tool == "java" else (CHECKERS / "node_modules").exists())
    if not ready:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the web edition's {tool} checker: see .ci/run and "
                        "./run test (npm ci in tools/html-check)")
        pytest.skip(f"{tool} or tools/html-check/node_modules is not on this machine")
    return str(found)


def test_the_nu_html_checker_finds_no_error_or_warning(page_file: Path) -> None:
    java = _checker("java")
    done = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--also-check-css",
                           str(page_file)], capture_output=True, text=True, timeout=120)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    assert messages == []


def test_axe_core_finds_no_wcag_violation(page_file: Path) -> None:
    node = _checker("node")
    done = subprocess.run([node, str(CHECKERS / "axe.js"), str(page_file)],
                          capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(done.stdout)
    assert result["violations"] == []
    assert result["passes"] > 30


def test_the_checkers_see_a_broken_page(tmp_path: Path) -> None:
    """The two checkers are not silent: a page with a skipped heading and an unlabelled
    image is refused by both."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><main>'
                   '<h1>x</h1><h4>y</h4><img src="a.png"><table><tr><td>1</td></tr></table>'
                   "</main></body></html>", "utf-8")
    java, node = _checker("java"), _checker("node")
    vnu = subprocess.run([java, "-jar", str(VNU), "--format", "json", str(bad)],
                         capture_output=True, text=True, timeout=120)
    assert json.loads(vnu.stderr)["messages"]
    axe = subprocess.run([node, str(CHECKERS / "axe.js"), str(bad)], capture_output=True,
                         text=True, timeout=120, check=True)
    assert {"image-alt", "html-has-lang"} <= {v["id"] for v in json.loads(axe.stdout)[
        "violations"]}


def test_csa_print_writes_the_web_edition_and_refuses_documents_without_one(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "agreement.html"
    assert main(["--data-dir", str(demo_dir), "print", "agreement", "--out", str(out)]) == 0
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert main(["--data-dir", str(demo_dir), "print", "local-plan", "--partnership",
                 "Pendle CSP", "--out", str(tmp_path / "plan.html")]) == 2
    assert "has no web edition yet" in capsys.readouterr().err
    assert not (tmp_path / "plan.html").exists()
