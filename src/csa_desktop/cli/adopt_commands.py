"""csa adopt actions: bring an existing action plan in from an Excel workbook or a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop.domain.sheet_values import TARGETS
from csa_desktop.errors import InputError
from csa_desktop.services.adoption import (
    ActionSheetAdoption,
    BadRowsError,
    MappingError,
    parse_map,
)
from csa_desktop.services.copy import Copy


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "adopt", parents=[common], help="bring existing work in (an action plan spreadsheet)",
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
        try:
            result = adoption.adopt(plan, skip_bad=args.skip_bad, dry_run=args.dry_run)
        except BadRowsError as exc:
            raise InputError(f"{exc}\n{exc.cli_hint}") from None
        print(result.summary())
    return 0
