"""csa adopt actions | agreement: bring existing work in — an action plan from an Excel workbook
or a CSV file, the agreement from a Word document."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop.cli.output import ProgressBar
from csa_desktop.domain.sheet_values import TARGETS
from csa_desktop.errors import InputError
from csa_desktop.services.adoption import (
    ActionSheetAdoption,
    BadRowsError,
    MappingError,
    parse_map,
)
from csa_desktop.services.agreement_adoption import KIND_LABELS, AgreementAdoption
from csa_desktop.services.copy import Copy


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "adopt", parents=[common],
        help="bring existing work in (action plans, the agreement from Word)",
        description="Bring existing work in. Nothing is written while a row cannot be read; "
                    "an adoption is one undo ('csa restore-points undo').")
    verbs = group.add_subparsers(dest="adopt_command", metavar="WHAT", required=True)
    p = verbs.add_parser(
        "actions", parents=[common], help="an action plan from .xlsx or .csv",
        description="Adopt the actions of a spreadsheet into a partnership's local plan. "
                    "Columns are guessed from their headings; change any with --map. Fields: "
                    + ", ".join(TARGETS) + ".")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--partnership", required=True, metavar="NAME-OR-UID")
    p.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the first)")
    p.add_argument("--map", default="", metavar="COLUMN=field,…",
                   help="map columns (by heading or letter) to fields, e.g. "
                        "\"Owner=lead,Notes=ignore\"")
    p.add_argument("--dry-run", action="store_true", help="show what would be adopted; "
                   "write nothing")
    p.add_argument("--skip-bad", action="store_true",
                   help="adopt the rows that can be read and list the others")
    p.add_argument("--update", action="store_true",
                   help="rows with a uid (from 'csa list action --csv') change those actions")
    p.set_defaults(run=run_actions)
    p = verbs.add_parser(
        "agreement", parents=[common], help="the agreement's text from a Word file (.docx)",
        description="Bring the agreement's text in from Word, on the lead's copy: each Heading 1 "
                    "becomes a section (updating the section of the same title, if there is "
                    "one), deeper headings, lists, tables and bold/italic its formatted text, "
                    "and a delivery framework table (key issue | lead | mechanism | reports to) "
                    "the framework's rows. What cannot come in is listed. Kinds of section: "
                    + ", ".join(KIND_LABELS) + ".")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--kind", action="append", default=[], metavar="N=KIND",
                   help="the kind of the Nth section instead of the one guessed from its "
                        "heading, e.g. \"3=governance\" (repeatable)")
    p.add_argument("--keep-framework-table", action="store_true",
                   help="keep a delivery framework table as a table in the text rather than "
                        "making it the framework's rows")
    p.add_argument("--dry-run", action="store_true", help="show the outline; write nothing")
    p.set_defaults(run=run_agreement)


def run_actions(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        adoption = ActionSheetAdoption(copy)
        try:
            plan = adoption.plan(args.file, args.partnership, sheet=args.sheet,
                                 overrides=parse_map(args.map), update=args.update)
        except MappingError as exc:
            raise InputError(f"{exc}: {exc.cli_hint}") from None
        columns = ", ".join(f"{plan.table.headings[i]}→{t}" for i, t in plan.mapping.items()
                            if t != "ignore")
        print(f"columns: {columns}")
        bar = ProgressBar()
        try:
            result = adoption.adopt(plan, skip_bad=args.skip_bad, dry_run=args.dry_run,
                                    progress=bar)
        except BadRowsError as exc:
            raise InputError(f"{exc}\n{exc.cli_hint}") from None
        finally:
            bar.close()
        print(result.summary())
    return 0


def _kinds(values: list[str]) -> dict[int, str]:
    kinds: dict[int, str] = {}
    for value in values:
        number, sep, kind = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise InputError(f"--kind '{value}': write the section's number in the outline "
                             "and a kind, e.g. 3=governance")
        kinds[int(number)] = kind.strip()
    return kinds


def run_agreement(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        adoption = AgreementAdoption(copy)
        plan = adoption.plan(args.file, kinds=_kinds(args.kind),
                             framework_rows=not args.keep_framework_table)
        bar = ProgressBar()
        try:
            result = adoption.adopt(plan, dry_run=args.dry_run, progress=bar)
        finally:
            bar.close()
        print(result.summary())
    return 0
