"""csa import-values: indicator values from a spreadsheet (.csv or .xlsx)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop.services.copy import Copy
from csa_desktop.services.value_import import ValueImport


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "import-values", parents=[common],
        help="indicator values from .csv or .xlsx (columns indicator, period, value, note)",
        description="Import indicator values: one row per indicator and period, with the "
                    "columns indicator (its name or uid), period (2024/25 Q1, 2024/25 or "
                    "2024-07, as the indicator's frequency), value and note. A row that "
                    "cannot be taken is named by its line and nothing is written; an import "
                    "is one undo ('csa restore-points undo').")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the first)")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would change; write nothing")
    p.set_defaults(run=run_import_values)


def run_import_values(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        service = ValueImport(copy)
        result = service.apply(service.plan(args.file, sheet=args.sheet),
                               dry_run=args.dry_run)
    print(result.summary())
    return 0
