"""csa init, info, check: create and describe the local copy."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop import __version__, paths
from csa_desktop.cli.output import ProgressBar, dumps, table
from csa_desktop.domain.kinds import KINDS
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.new_copy import join_partnership, read_baseline


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "init", parents=[common],
        help="create a copy: join from the lead's baseline, or the demo",
        description="A district or editorial group member joins from the lead's baseline: "
                    "csa init --role district --partnership NAME --baseline FILE --name NAME. "
                    "Without --baseline: the demo agreement (--empty: a blank lead copy).")
    p.add_argument("--role", choices=[r.value for r in Role], default="lead")
    p.add_argument("--name", default="", help="this copy's display name")
    p.add_argument("--partnership", action="append", default=[], metavar="NAME-OR-UID",
                   help="a partnership in a district or editor copy's scope")
    p.add_argument("--baseline", metavar="FILE", type=Path,
                   help="the baseline the county lead published (joins that agreement)")
    p.add_argument("--demo", action="store_true",
                   help="a district or editor copy of the demo agreement, to try those roles")
    p.add_argument("--empty", action="store_true", help="a blank copy instead of the demo")
    p.set_defaults(run=run_init, new_copy=True)

    p = commands.add_parser("info", parents=[common], help="role, scope, schema and counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_info)

    p = commands.add_parser("check", parents=[common],
                            help="integrity, foreign keys and schema version")
    p.set_defaults(run=run_check)


def run_init(args: argparse.Namespace, folder: Path) -> int:
    role = Role(args.role)
    if args.baseline is not None:
        return _join(args, folder, role)
    if role is not Role.LEAD and not (args.demo or args.empty):
        raise InputError(f"a {role.value} copy is made from the baseline the county lead "
                         f"published: csa init --role {role.value} --partnership NAME "
                         "--baseline FILE --name 'YOUR NAME' (--demo: try the role on the "
                         "demo agreement)")
    with init_copy(folder, role=role, name=args.name,
                   partnerships=args.partnership, empty=args.empty) as copy:
        info = copy.info()
    paths.remember_copy(folder, info.identity.title)
    print(f"created {'an empty' if args.empty else 'the demo'} copy in {folder}: "
          f"{info.identity.title}, replica {info.identity.replica_id}")
    return 0


def _join(args: argparse.Namespace, folder: Path, role: Role) -> int:
    if role is Role.LEAD:
        raise InputError("--baseline is for district and editor copies (--role district or "
                         "--role editor); the lead's copy is the master")
    if len(args.partnership) != 1 or args.empty or args.demo:
        raise InputError("joining takes one --partnership NAME-OR-UID from the baseline, "
                         "and neither --empty nor --demo")
    summary = read_baseline(args.baseline)
    summary.partnership(args.partnership[0])  # an unknown name is refused before anything
    bar = ProgressBar()
    try:
        with join_partnership(folder, args.baseline, partnership=args.partnership[0],
                              role=role, name=args.name, summary=summary,
                              progress=bar) as copy:
            info = copy.info()
    finally:
        bar.close()
    paths.remember_copy(folder, info.identity.title)
    print(f"joined '{summary.agreement_title}' as {info.identity.title} for "
          f"{info.partnership_names[0]} in {folder}\nbaseline {summary.number} published by "
          f"{summary.lead_name}, key {summary.lead_fingerprint}: check this fingerprint with "
          "the county team")
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
