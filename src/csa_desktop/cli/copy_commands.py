"""csa init, info, check: create and describe the local copy."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop import __version__
from csa_desktop.cli.output import dumps, table
from csa_desktop.domain.kinds import KINDS
from csa_desktop.domain.roles import Role
from csa_desktop.services.copy import Copy, init_copy


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("init", parents=[common], help="create a copy (the demo by default)")
    p.add_argument("--role", choices=[r.value for r in Role], default="lead")
    p.add_argument("--name", default="", help="this copy's display name")
    p.add_argument("--partnership", action="append", default=[], metavar="NAME-OR-UID",
                   help="a partnership in a district or editor copy's scope (repeatable)")
    p.add_argument("--empty", action="store_true", help="a blank copy instead of the demo")
    p.set_defaults(run=run_init)

    p = commands.add_parser("info", parents=[common], help="role, scope, schema and counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_info)

    p = commands.add_parser("check", parents=[common],
                            help="integrity, foreign keys and schema version")
    p.set_defaults(run=run_check)


def run_init(args: argparse.Namespace, folder: Path) -> int:
    with init_copy(folder, role=Role(args.role), name=args.name,
                   partnerships=args.partnership, empty=args.empty) as copy:
        info = copy.info()
    print(f"created {'an empty' if args.empty else 'the demo'} copy in {folder}: "
          f"{info.identity.title}, replica {info.identity.replica_id}")
    return 0


def run_info(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        info = copy.info()
    if args.json:
        print(dumps({
            "app_version": __version__, "data_dir": str(info.data_dir),
            "database": str(info.database), "replica_id": info.identity.replica_id,
            "name": info.identity.name, "role": info.identity.role.value,
            "scope": [{"uid": u, "name": n} for u, n in
                      zip(info.identity.partnership_uids, info.partnership_names, strict=True)],
            "schema_revision": info.schema_revision, "counts": info.counts,
        }))
        return 0
    scope = ", ".join(info.partnership_names) or "everything"
    print(f"CSA Desktop {__version__}\ncopy      {info.database}\nname      {info.identity.name}"
          f"\nrole      {info.identity.role.value}\nscope     {scope}"
          f"\nreplica   {info.identity.replica_id}\nschema    {info.schema_revision}\n")
    print(table([(KINDS[k].plural, str(n)) for k, n in info.counts.items()], ["records", "count"]))
    return 0


def run_check(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        problems = copy.check()
    for problem in problems:
        print(f"problem: {problem}")
    if problems:
        return 1
    print("ok: integrity, foreign keys and schema version are sound")
    return 0
