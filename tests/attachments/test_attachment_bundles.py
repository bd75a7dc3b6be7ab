"""Attachments travel in bundles as members named by their hash, and the gate checks them:
each hostile bundle is refused with a message naming the problem, and nothing is written."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from csa_desktop.bundle.format import FORMAT_VERSION
from csa_desktop.domain.attachments import attachment_uid
from csa_desktop.domain.roles import Role
from csa_desktop.services.attachments import add_attachment, attachment_images
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.new_copy import join_partnership
from csa_desktop.services.sync import SyncService
from tests.attachments.images import jpeg, oversized_png, png, png_bomb
from tests.bundle.builders import BundleParts, csa, database_state, read_members
from tests.bundle.conftest import Exchange


def test_a_baseline_carries_each_attachment_as_a_member_named_by_its_hash(
        exchange: Exchange, tmp_path: Path):
    logo, chart = png(), jpeg(80, 60)
    with Copy.open(exchange.lead) as lead:
        first = add_attachment(lead, logo, "logo.png", "The county council's logo")
        add_attachment(lead, chart, "chart.jpg", "Crime by year, 2019 to 2023")
        result = BundleService(lead).export(tmp_path / "baseline.csabundle")
    members = read_members(result.path.read_bytes())
    sha = {hashlib.sha256(d).hexdigest(): d for d in (logo, chart)}
    assert {n for n in members if n.startswith("attachments/")} == \
        {f"attachments/{s}" for s in sha}
    assert all(members[f"attachments/{s}"] == d for s, d in sha.items())
    with join_partnership(tmp_path / "west", result.path, partnership="West Lancashire CSP",
                          name="Jo") as district:
        images = attachment_images(district)
    assert {i.data for i in images.values()} == {logo, chart}
    assert images[first.uid].alt_text == "The county council's logo"
    assert images[first.uid].media_type == "image/png"


def test_a_baseline_without_attachments_holds_no_attachment_members(exchange: Exchange):
    assert not [n for n in read_members(exchange.baseline) if n.startswith("attachments/")]


def _record(data: bytes, *, name: str = "logo.png", media_type: str = "image/png",
            sha256: str | None = None, size: int | None = None) -> dict[str, object]:
    sha = sha256 or hashlib.sha256(data).hexdigest()
    return {"kind": "attachment", "uid": attachment_uid(sha), "rev": 1,
            "updated_at": dt.datetime(2026, 1, 5, 9, 0).isoformat(),
            "updated_by": "County lead", "deleted": False,
            "fields": {"name": name, "media_type": media_type, "sha256": sha,
                       "size": len(data) if size is None else size,
                       "alt_text": "An image", "restricted": False}}


def baseline_with(ex: Exchange, records: list[dict[str, object]],
                  members: dict[str, bytes]) -> bytes:
    """The lead's baseline, validly signed by the lead, bringing these attachment records and
    members: what a lead's copy gone wrong (or a stolen lead key) would send a district."""
    parts = BundleParts.of(ex.baseline, ex.lead_key)
    parts.payload["records"].extend(records)
    parts.manifest["bundle_id"] = "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
    parts.manifest["format_version"] = FORMAT_VERSION
    parts.attachments = members
    return parts.build()


def _member(data: bytes) -> str:
    return f"attachments/{hashlib.sha256(data).hexdigest()}"


@dataclass(frozen=True)
class Attack:
    name: str
    build: Callable[[Exchange], bytes]
    message: str


ATTACKS = [
    Attack("member-bytes-do-not-match-its-hash",
           lambda ex: baseline_with(ex, [_record(png())], {_member(png()): jpeg()}),
           "does not match its hash"),
    Attack("png-decompression-bomb",
           lambda ex: baseline_with(ex, [_record(png_bomb())], {_member(png_bomb()): png_bomb()}),
           "decompression bomb"),
    Attack("jpeg-renamed-png",
           lambda ex: baseline_with(ex, [_record(jpeg(), name="photo.png")],
                                    {_member(jpeg()): jpeg()}),
           "is, by its bytes, a JPEG image of"),
    Attack("attachment-over-5-mb",
           lambda ex: baseline_with(ex, [_record(oversized_png())],
                                    {_member(oversized_png()): oversized_png()}),
           "(at most 5 MB)"),
    Attack("record-without-its-member",
           lambda ex: baseline_with(ex, [_record(png())], {}),
           "comes without its image (no member 'attachments/"),
    Attack("member-without-a-record",
           lambda ex: baseline_with(ex, [], {_member(png()): png()}),
           "belongs to no attachment the bundle brings"),
    Attack("uid-not-derived-from-the-hash",
           lambda ex: baseline_with(
               ex, [{**_record(png()), "uid": "3f2b8c1e-1111-4222-8333-444455556666"}],
               {_member(png()): png()}),
           "which its SHA-256 derives"),
    Attack("size-in-the-record-is-wrong",
           lambda ex: baseline_with(ex, [_record(png(), size=12)], {_member(png()): png()}),
           "but its record says image/png of 12 bytes"),
    Attack("member-name-not-a-hash",
           lambda ex: baseline_with(ex, [_record(png())],
                                    {_member(png()): png(), "attachments/logo.png": png()}),
           "'attachments/logo.png' is not a plain member name"),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_a_district_refuses_a_hostile_attachment_by_name_and_changes_nothing(
        attack: Attack, exchange: Exchange, capsys: pytest.CaptureFixture[str]):
    path = exchange.file(attack.build(exchange), f"{attack.name}.csabundle")
    before = database_state(exchange.district)
    capsys.readouterr()
    assert csa(exchange.district, "import", str(path)) == 2
    err = capsys.readouterr().err
    assert f"{attack.name}.csabundle" in err
    assert attack.message in err
    assert database_state(exchange.district) == before


def test_a_contribution_may_not_change_what_an_attachment_is(exchange: Exchange):
    parts = BundleParts.of(exchange.contribution, exchange.district_key)
    parts.payload["changes"].append({
        "kind": "attachment", "uid": attachment_uid("a" * 64), "op": "update", "base_rev": 1,
        "fields": {"sha256": {"base": "a" * 64, "new": "b" * 64}}})
    path = exchange.file(parts.build(), "swap.csabundle")
    before = database_state(exchange.lead)
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([path])
    (refusal,) = report.refused
    assert "changes its sha256, which never change" in refusal.message
    assert database_state(exchange.lead) == before


def _editor_contribution(exchange: Exchange, tmp_path: Path, name: str, data: bytes,
                         alt: str) -> Path:
    """An editor copy joined from the lead's baseline attaches an image and sends it."""
    baseline = exchange.file(exchange.baseline, "baseline.csabundle")
    with join_partnership(tmp_path / name, baseline, partnership="West Lancashire CSP",
                          role=Role.EDITOR, name=f"Editor {name}") as editor:
        attached = add_attachment(editor, data, "chart.png", alt)
        section = editor.records.list_kind("section")[0]
        editor.records.update(section.uid, {"body": f"{section['body']}\n\n{attached.markdown}"})
        return BundleService(editor).export(tmp_path / f"{name}.csabundle").path


def test_the_lead_takes_an_editors_new_image_with_its_bytes(exchange: Exchange,
                                                             tmp_path: Path):
    path = _editor_contribution(exchange, tmp_path, "ann", png(), "A chart of the year")
    members = read_members(path.read_bytes())
    assert _member(png()) in members
    with Copy.open(exchange.lead) as lead:
        BundleService(lead).trust(str(path), role="editor",
                                      partnerships=["West Lancashire CSP"])
        report = SyncService(lead).import_files([path])
        assert not report.refused, report.refused
        images = attachment_images(lead)
    (image,) = images.values()
    assert image.data == png() and image.alt_text == "A chart of the year"


def test_two_editors_attaching_the_same_image_make_one_attachment_at_the_lead(
        exchange: Exchange, tmp_path: Path):
    first = _editor_contribution(exchange, tmp_path, "ann", png(), "A chart of the year")
    second = _editor_contribution(exchange, tmp_path, "bob", png(), "A chart of the year")
    with Copy.open(exchange.lead) as lead:
        for path in (first, second):
            BundleService(lead).trust(str(path), role="editor",
                                      partnerships=["West Lancashire CSP"])
        report = SyncService(lead).import_files([first, second])
        assert not report.refused, report.refused
        attachments = lead.records.list_kind("attachment")
    assert [a.uid for a in attachments] == [attachment_uid(hashlib.sha256(png()).hexdigest())]
