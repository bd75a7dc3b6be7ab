"""csa backup list, create, restore: the copy's backups (a daily one is made automatically)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop.cli.output import dumps, table
from csa_desktop.services import backups
from csa_desktop.services.backups import BackupInfo


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "backup", parents=[common], help="list, make or restore backups of the copy",
        description="Backups of the copy. A daily one is made at the first start of each day "
                    f"(the last {backups.KEEP_DAILY} are kept), others before upgrades and "
                    "restores.")
    verbs = group.add_subparsers(dest="backup_command", metavar="ACTION", required=True)

    p = verbs.add_parser("list", parents=[common], help="every backup, newest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_list)

    p = verbs.add_parser("create", parents=[common], help="make a backup now")
    p.set_defaults(run=run_create)

    p = verbs.add_parser("restore", parents=[common],
                         help="make the copy what a backup holds (the current state is "
                              "backed up first)")
    p.add_argument("backup_id", metavar="ID", help="a backup's id (or its unique beginning)")
    p.set_defaults(run=run_restore)


def backup_json(backup: BackupInfo) -> dict[str, object]:
    return {"id": backup.id, "created_at": backup.created_at.isoformat(), "kind": backup.kind,
            "label": backup.label, "size": backup.size, "path": str(backup.path)}


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size // 1024} KB"


def run_list(args: argparse.Namespace, folder: Path) -> int:
    found = backups.list_backups(folder)
    if args.json:
        print(dumps([backup_json(b) for b in found]))
        return 0
    if not found:
        print(f"no backups yet in {folder / 'backups'}")
        return 0
    rows = [(b.id, f"{b.created_at:%Y-%m-%d %H:%M}", b.label, _size(b.size)) for b in found]
    print(table(rows, ["id", "made", "kind", "size"]))
    return 0


def run_create(args: argparse.Namespace, folder: Path) -> int:
    made = backups.create_backup(folder)
    print(f"made the backup {made.id} ({_size(made.size)})")
    return 0


def run_restore(args: argparse.Namespace, folder: Path) -> int:
    result = backups.restore_backup(folder, args.backup_id)
    print(f"restored the copy as it was on {result.restored.describe()}")
    if result.previous:
        print(f"the copy as it was before is kept as the backup {result.previous.id}")
    return 0
