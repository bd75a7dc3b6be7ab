"""csa list, show, set, add, delete, history: scripting access to every record kind."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from csa_desktop.cli.output import dumps, record_json, record_text, table
from csa_desktop.domain.indicators import Judgement
from csa_desktop.domain.kinds import KINDS, format_value, kind
from csa_desktop.domain.records import Changes
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    kinds = ", ".join(KINDS)
    p = commands.add_parser("list", parents=[common], help="records of a kind with their uids",
                            description=f"KIND is one of: {kinds}")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("--partnership", metavar="NAME-OR-UID")
    p.add_argument("--deleted", action="store_true", help="include deleted records")
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv", action="store_true",
                   help="a CSV table for Excel, with a uid column (actions edited in it come "
                        "back with 'csa adopt actions FILE --update')")
    p.set_defaults(run=run_list)

    p = commands.add_parser("show", parents=[common], help="one record, every field")
    p.add_argument("uid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_show)

    p = commands.add_parser("set", parents=[common], help="change fields: FIELD=VALUE ...")
    p.add_argument("uid")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(run=run_set)

    p = commands.add_parser("add", parents=[common], help="create a record: KIND FIELD=VALUE ...",
                            description=f"KIND is one of: {kinds}")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("assignments", nargs="*", metavar="FIELD=VALUE")
    p.set_defaults(run=run_add)

    p = commands.add_parser("delete", parents=[common],
                            help="delete a record (and the records under it)")
    p.add_argument("uid")
    p.set_defaults(run=run_delete)

    p = commands.add_parser("history", parents=[common], help="every value a record has had")
    p.add_argument("uid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_history)


def assignments(items: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"'{item}' is not FIELD=VALUE")
        if name.strip() in result:
            raise InputError(f"field '{name.strip()}' is given twice")
        result[name.strip()] = value
    return result


def run_list(args: argparse.Namespace, folder: Path) -> int:
    spec = kind(args.kind)
    with Copy.open(folder) as copy:
        found = copy.records.list_kind(spec.name, partnership=args.partnership,
                                  include_deleted=args.deleted)
        if args.csv:
            from csa_desktop.services.lists import records_csv

            sys.stdout.write(records_csv(copy, spec.name, found))
            return 0
    if args.json:
        print(dumps([record_json(r) for r in found]))
        return 0
    rows = [(r.uid, r.title + (" [deleted]" if r.deleted else "")) for r in found]
    print(table(rows, ["uid", spec.label.lower()]))
    return 0


def run_show(args: argparse.Namespace, folder: Path) -> int:
    """An indicator also shows what its values say (latest, rag, direction: derived)."""
    with Copy.open(folder) as copy:
        record = copy.records.get(args.uid)
        derived = None
        if record.kind == "indicator" and not record.deleted:
            from csa_desktop.services.indicators import indicator_view

            derived = indicator_view(copy, record.uid).judgement
    if args.json:
        print(dumps({**record_json(record), **(derived.as_json() if derived else {})}))
        return 0
    print(record_text(record))
    if derived is not None:
        print(judgement_text(derived))
    return 0


def judgement_text(found: Judgement) -> str:
    if found.latest_period is None:
        return "  (derived)  no values yet: no RAG, no direction of travel"
    against = (f"{found.against_previous} since {found.previous_period}"
               if found.against_previous else f"no value for {found.previous_period}")
    lines = [f"  (derived)  latest {found.latest_value} for {found.latest_period}",
             f"             RAG {found.rag or 'none (no target)'}; {against}; "
             f"{found.against_baseline or 'no baseline'} against the baseline"]
    return "\n".join(lines)


def _report(changes: Changes) -> None:
    for kind_name, uid in changes.created:
        print(f"created {kind_name} {uid}")
    for kind_name, uid in changes.updated:
        print(f"updated {kind_name} {uid}: {', '.join(changes.fields.get(uid, ()))}")
    for kind_name, uid in changes.deleted:
        print(f"deleted {kind_name} {uid}")
    if changes.empty:
        print("nothing changed: the values were already so")


def run_set(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        _report(copy.records.update_from_text(args.uid, assignments(args.assignments)))
    return 0


def run_add(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        _report(copy.records.create_from_text(args.kind, assignments(args.assignments)))
    return 0


def run_delete(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        _report(copy.records.delete(args.uid))
    return 0


def run_history(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        entries = copy.records.history(args.uid)
    if args.json:
        print(dumps([e.__dict__ for e in entries]))
        return 0
    rows = [(f"{e.at:%Y-%m-%d %H:%M}", e.who, e.outcome, e.field, format_value(e.old),
             format_value(e.new)) for e in entries]
    print(table(rows, ["when", "who", "how", "field", "old", "new"]))
    return 0
