"""Attaching images: checked by their bytes, kept once per SHA-256, refused with a reason."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from csa_desktop.domain.attachments import attachment_uid, markdown_reference
from csa_desktop.domain.rich_text import ImageBlock, parse
from csa_desktop.errors import InputError
from csa_desktop.services.attachments import add_attachment, attachment_images
from csa_desktop.services.copy import Copy
from tests.attachments.images import jpeg, oversized_png, png, png_bomb, truncated_png
from tests.bundle.builders import csa
from tests.helpers import dump


def test_attaching_a_png_keeps_its_bytes_and_gives_markdown_to_paste(demo_copy: Copy):
    data = png()
    attached = add_attachment(demo_copy, data, "logo.png", "The county council's logo")
    sha = hashlib.sha256(data).hexdigest()
    assert attached.uid == attachment_uid(sha)
    assert attached.created
    assert attached.markdown == f"![The county council's logo](attachment:{attached.uid})"
    record = demo_copy.records.get(attached.uid)
    assert record.fields == {"name": "logo.png", "media_type": "image/png", "sha256": sha,
                             "size": len(data), "alt_text": "The county council's logo",
                             "restricted": False}
    assert attachment_images(demo_copy)[attached.uid].data == data


def test_the_same_image_attached_twice_is_one_attachment(demo_copy: Copy):
    first = add_attachment(demo_copy, jpeg(), "photo.jpg", "A meeting of the Board")
    again = add_attachment(demo_copy, jpeg(), "copy of photo.jpg", "Another description")
    assert again.uid == first.uid and not again.created
    assert again.markdown == first.markdown
    attachments = demo_copy.records.list_kind("attachment")
    assert [a.uid for a in attachments] == [first.uid]
    assert attachments[0].fields["name"] == "photo.jpg"


def test_a_deleted_attachment_attached_again_comes_back(demo_copy: Copy):
    first = add_attachment(demo_copy, png(), "chart.png", "A bar chart")
    demo_copy.records.delete(first.uid)
    again = add_attachment(demo_copy, png(), "chart.png", "A bar chart of crime by year")
    assert again.uid == first.uid and again.created
    record = demo_copy.records.get(first.uid)
    assert not record.deleted and record.fields["alt_text"] == "A bar chart of crime by year"


@pytest.mark.parametrize(("data", "name", "message"), [
    (png_bomb(), "bomb.png", "decompression bomb"),
    (png_bomb(7000, 7000), "wide.png", "claims 7,000 × 7,000 pixels"),
    (truncated_png(), "cut.png", "cut.png is a damaged PNG image"),
    (oversized_png(), "big.png", "an attachment may be at most 5 MB"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.png", "is not a PNG or JPEG image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "drawing.png", "is not a PNG or JPEG"),
])
def test_attaching_a_hostile_or_unsupported_image_is_refused_and_writes_nothing(
        demo_copy: Copy, demo_dir: Path, data: bytes, name: str, message: str):
    before = dump(demo_dir)
    with pytest.raises(InputError, match=message):
        add_attachment(demo_copy, data, name, "Some picture")
    assert dump(demo_dir) == before


def test_an_image_without_alternative_text_is_refused(demo_copy: Copy, demo_dir: Path):
    before = dump(demo_dir)
    with pytest.raises(InputError, match="Alternative text is required"):
        add_attachment(demo_copy, png(), "logo.png", "   ")
    assert dump(demo_dir) == before


def test_a_jpeg_named_png_is_kept_as_the_jpeg_it_is(demo_copy: Copy):
    attached = add_attachment(demo_copy, jpeg(), "renamed.png", "A photograph")
    assert demo_copy.records.get(attached.uid).fields["media_type"] == "image/jpeg"


def test_an_attachment_cannot_be_made_or_changed_without_its_bytes(demo_copy: Copy):
    with pytest.raises(InputError, match="csa attach FILE --alt TEXT"):
        demo_copy.records.create("attachment", {
            "name": "x.png", "media_type": "image/png", "sha256": "0" * 64, "size": 10,
            "alt_text": "Nothing"})
    attached = add_attachment(demo_copy, png(), "logo.png", "Logo")
    with pytest.raises(InputError, match="sha256 never change"):
        demo_copy.records.update(attached.uid, {"sha256": "1" * 64})
    demo_copy.records.update(attached.uid, {"alt_text": "The logo of the county council"})
    assert demo_copy.records.get(attached.uid).fields["alt_text"] == \
        "The logo of the county council"


def test_the_markdown_reference_escapes_markup_in_the_alt_text_and_parses_back():
    uid = attachment_uid("a" * 64)
    text = markdown_reference(uid, "Crime [2023] *rose* \\ fell")
    assert text == f"![Crime \\[2023\\] \\*rose\\* \\\\ fell](attachment:{uid})"
    assert parse(text) == [ImageBlock(uid, "Crime [2023] *rose* \\ fell")]


def test_csa_attach_prints_the_uid_and_the_markdown(demo_dir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]):
    image = tmp_path / "map.png"
    image.write_bytes(png(60, 40))
    assert csa(demo_dir, "attach", str(image), "--alt", "A map of the districts") == 0
    uid, markdown = capsys.readouterr().out.splitlines()[:2]
    assert uid == attachment_uid(hashlib.sha256(image.read_bytes()).hexdigest())
    assert markdown == f"![A map of the districts](attachment:{uid})"
    with Copy.open(demo_dir) as copy:
        assert copy.records.get(uid).fields["name"] == "map.png"


def test_csa_attach_refuses_a_missing_file_with_its_name(demo_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]):
    assert csa(demo_dir, "attach", str(tmp_path / "nope.png"), "--alt", "x") != 0
    assert "nope.png: no such file" in capsys.readouterr().err
