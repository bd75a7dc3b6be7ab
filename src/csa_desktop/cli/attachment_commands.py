"""csa attach: an image for long text, printing its uid and the Markdown to paste."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop.services.attachments import add_attachment
from csa_desktop.services.copy import Copy


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "attach", parents=[common],
        help="attach a PNG or JPEG image (at most 5 MB) and print the Markdown to paste",
        description="Attach an image to the copy, with the text that describes it to people "
                    "who cannot see it. Prints the attachment's uid and the Markdown that "
                    "shows it in a long text, ![alt text](attachment:UID). The same image "
                    "attached again is the same attachment.")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--alt", required=True, metavar="TEXT",
                   help="the alternative text: what the image shows, in a sentence")
    p.add_argument("--name", metavar="NAME", help="the name to keep (default: the file's)")
    p.add_argument("--restricted", action="store_true",
                   help="restricted (OFFICIAL-SENSITIVE): left out of the agreement's public "
                        "edition, printed only in the full one")
    p.set_defaults(run=run_attach)


def run_attach(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        attached = add_attachment(copy, args.file, args.name, args.alt,
                                  restricted=args.restricted)
    print(attached.uid)
    print(attached.markdown)
    if not attached.created:
        print("(this image was attached before; the same attachment is used"
              + (", now restricted)" if attached.changes.updated else ")"))
    return 0
