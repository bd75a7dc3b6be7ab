"""csa due: what is due (actions past their date, progress updates owed for the reporting
period, approvals waiting on the next step of their chain, what is not yet sent to the PCC,
and the next meetings)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop.cli.output import dumps, table
from csa_desktop.domain.kinds import parse_date
from csa_desktop.services.copy import Copy
from csa_desktop.services.due import HEADINGS, due_items


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "due", parents=[common], help="what is due: overdue actions, updates owed, approvals",
        description="List what is due: actions past their due date and still open, the "
                    "progress updates owed for the reporting period (with the county's "
                    "calendar, the agreement's update_due_days, once they are due that many "
                    "days after a quarter ends; without, the current quarter, due by its last "
                    "day), the approvals waiting on the next step of their chain (the "
                    "agreement's and each local plan's), the agreement or a local plan not "
                    "yet sent to the PCC after its last approval, and the next meeting of each "
                    "board (csa add meeting body=… held_on=YYYY-MM-DD [partnership_uid=…]). A "
                    "district copy lists its own partnerships; the lead every partnership. "
                    "'csa print due-list' prints the same.")
    p.add_argument("--partnership", metavar="NAME-OR-UID", help="one partnership's actions only")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="judge as on this day (default: today)")
    p.add_argument("--json", action="store_true", help="a JSON list instead of tables")
    p.set_defaults(run=run_due)


def run_due(args: argparse.Namespace, folder: Path) -> int:
    today = parse_date(args.today, "--today") if args.today else None
    with Copy.open(folder) as copy:
        items = due_items(copy, partnership=args.partnership, today=today)
    if args.json:
        print(dumps([item.as_json() for item in items]))
        return 0
    if not items:
        print("nothing is due")
        return 0
    for kind, heading in HEADINGS.items():
        found = [i for i in items if i.kind == kind]
        if not found:
            continue
        print(f"{heading} ({len(found)}):")
        print(table([[i.partnership, i.title, i.due_on.isoformat() if i.due_on else "",
                      i.detail] for i in found], ["partnership", "what", "due", "detail"]))
        print()
    return 0
