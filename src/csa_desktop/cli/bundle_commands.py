"""csa export, import, trust, conflicts, restore-points: bundles between the lead's copy and
the districts' copies, the conflicts they leave, and undoing an import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from csa_desktop.cli.output import ProgressBar, dumps, table
from csa_desktop.domain.kinds import KINDS
from csa_desktop.errors import InputError
from csa_desktop.services import restore_points
from csa_desktop.services.bundles import BundleService, after_export_advice, suggested_file_name
from csa_desktop.services.conflicts import ConflictService, ConflictView
from csa_desktop.services.copy import Copy
from csa_desktop.services.sync import BundleOutcome, ImportReport, SyncService


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "export", parents=[common], help="write a bundle: a baseline (lead) or a contribution",
        description="A lead copy exports a baseline (the whole master) for the districts; a "
                    "district or editor copy exports everything it changed since its last "
                    "baseline. The file is signed with this copy's key.")
    p.add_argument("--out", metavar="FILE",
                   help="the .csabundle file to write (default: in this folder, named for the "
                        "partnership and the day, e.g. west-lancashire-csp-2026-12-06.csabundle)")
    p.set_defaults(run=run_export)

    p = commands.add_parser(
        "import", parents=[common], help="check and merge bundles (or --dry-run to preview)",
        description="Every file is checked first (format, signature, trust, scope, schema, "
                    "baseline, repeats). If any is refused nothing is imported; exit code 2.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true",
                   help="show what each bundle would change, change nothing")
    p.add_argument("--json", action="store_true", help="the report as JSON on stdout")
    p.set_defaults(run=run_import)

    group = commands.add_parser("trust", parents=[common],
                                help="the keys whose bundles this copy accepts")
    verbs = group.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    p = verbs.add_parser("list", parents=[common], help="every trusted key")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_trust_list)
    p = verbs.add_parser("add", parents=[common],
                         help="trust the key that signed a bundle, or a public key")
    p.add_argument("source", metavar="BUNDLE-OR-KEY")
    p.add_argument("--partnership", action="append", default=[], metavar="NAME-OR-UID",
                   help="a partnership the key may change (repeatable)")
    p.add_argument("--name", help="whose key it is (default: the author named in the bundle)")
    p.add_argument("--role", choices=["district", "editor", "lead"])
    p.set_defaults(run=run_trust_add)
    p = verbs.add_parser("remove", parents=[common], help="stop trusting a key")
    p.add_argument("key", metavar="KEY-OR-FINGERPRINT")
    p.set_defaults(run=run_trust_remove)
    p = verbs.add_parser(
        "replace", parents=[common], help="hand a trusted copy over to its new key",
        description="Key rotation, done deliberately: the new key (read from a bundle it "
                    "signed, or given as text) takes over the old key's name, role, "
                    "partnerships and copy; bundles signed by the old key are refused from "
                    "then on. Compare the new fingerprint with its owner first.")
    p.add_argument("old", metavar="OLD-KEY-OR-FINGERPRINT")
    p.add_argument("new", metavar="NEW-BUNDLE-OR-KEY")
    p.set_defaults(run=run_trust_replace)
    p = verbs.add_parser("mine", parents=[common], help="this copy's own public key")
    p.set_defaults(run=run_trust_mine)

    group = commands.add_parser("conflicts", parents=[common],
                                help="fields changed differently on two sides, to decide")
    verbs = group.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    p = verbs.add_parser("list", parents=[common], help="the open conflicts")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_conflicts_list)
    p = verbs.add_parser("show", parents=[common], help="one conflict, its values side by side")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_conflicts_show)
    p = verbs.add_parser("resolve", parents=[common],
                         help="decide: --take base|master|BUNDLE-ID or --value TEXT")
    p.add_argument("id", type=int)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--take", metavar="base|master|BUNDLE-ID",
                     help="keep the base, the master's value, or one bundle's value")
    how.add_argument("--value", metavar="TEXT", help="a value of your own (e.g. a combination)")
    how.add_argument("--suggested", action="store_true",
                     help="the line-by-line merge of long text, when it has no conflicts left")
    p.set_defaults(run=run_conflicts_resolve)

    group = commands.add_parser("restore-points", parents=[common],
                                help="the copy as it was before each import")
    verbs = group.add_subparsers(dest="restore_command", metavar="ACTION", required=True)
    p = verbs.add_parser("list", parents=[common],
                         help=f"restore points, newest first (the last {restore_points.KEEP})")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_points_list)
    p = verbs.add_parser("restore", parents=[common],
                         help="make the copy what it was before that import")
    p.add_argument("id", metavar="ID")
    p.set_defaults(run=run_points_restore)
    p = verbs.add_parser("undo", parents=[common], help="undo the last import")
    p.set_defaults(run=run_points_undo)


def run_export(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        out = Path(args.out) if args.out else Path.cwd() / suggested_file_name(copy)
        result = BundleService(copy).export(out)
    what = "records" if result.kind == "baseline" else "changed records"
    print(f"exported a {result.kind} to {result.path}: {result.count} {what}, "
          f"{result.size:,} bytes (bundle {result.bundle_id})\n{after_export_advice(result)}")
    return 0


def _counts(outcome: BundleOutcome) -> str:
    parts = []
    for op, label in (("create", "new"), ("update", "changed"), ("delete", "deleted")):
        for kind, count in sorted(outcome.counts.get(op, {}).items()):
            parts.append(f"{count} {label} {KINDS[kind].plural.lower() if count != 1 else kind}")
    if outcome.conflicts:
        parts.append(f"{outcome.conflicts} conflict{'s' if outcome.conflicts != 1 else ''}")
    if outcome.kept_lead:
        parts.append(f"{outcome.kept_lead} value{'s' if outcome.kept_lead != 1 else ''} "
                     "kept as the lead edited")
    return ", ".join(parts) or "no changes"


def outcome_json(outcome: BundleOutcome) -> dict[str, object]:
    return {"file": outcome.name, "status": outcome.status, "message": outcome.message,
            "code": outcome.code, "bundle_id": outcome.bundle_id, "kind": outcome.kind,
            "author": outcome.author, "counts": outcome.counts, "conflicts": outcome.conflicts,
            "kept_lead": outcome.kept_lead,
            "records": [{"kind": r.kind, "uid": r.uid, "title": r.title, "op": r.op,
                         "fields": list(r.fields), **({"note": r.note} if r.note else {})}
                        for r in outcome.records]}


def print_report(report: ImportReport, *, as_json: bool) -> None:
    if as_json:
        print(dumps({"dry_run": report.dry_run, "restore_point": report.restore_point,
                     "bundles": [outcome_json(o) for o in report.outcomes]}))
    for outcome in report.outcomes:
        if outcome.refused:
            print(f"csa: refused {outcome.message}", file=sys.stderr)
        elif outcome.status in ("already-imported", "superseded"):
            print(f"csa: {outcome.message}", file=sys.stderr)
        elif not as_json:
            verb = "would import" if outcome.status == "would-import" else "imported"
            print(f"{verb} {outcome.name}: {outcome.kind} from {outcome.author}: "
                  f"{_counts(outcome)}")
            if not report.dry_run:
                for line in outcome.kept_lead_lines:
                    print(f"  {line.kind} {line.uid} '{line.title[:50]}': {line.note}")
            if report.dry_run:
                for line in outcome.records[:200]:
                    fields = f" ({', '.join(line.fields)})" if line.fields else ""
                    note = f" — {line.note}" if line.note else ""
                    print(f"  {line.op:<7} {line.kind:<22} {line.uid}  {line.title[:50]}"
                          f"{fields}{note}")
                if len(outcome.records) > 200:
                    print(f"  … and {len(outcome.records) - 200} more")
    if report.conflicts and not as_json:
        # "would" only when this run would import something: a bundle imported before
        # changes nothing, and the conflicts it reports are the ones already waiting
        would = report.dry_run and any(o.status == "would-import" for o in report.outcomes)
        verb = "would wait" if would else ("waits" if report.conflicts == 1 else "wait")
        print(f"{report.conflicts} conflict{'s' if report.conflicts != 1 else ''} {verb} "
              "for a decision: csa conflicts list")


def run_import(args: argparse.Namespace, folder: Path) -> int:
    paths = [Path(f) for f in args.files]
    bar = ProgressBar()
    with Copy.open(folder) as copy:
        try:
            report = SyncService(copy).import_files(paths, dry_run=args.dry_run, progress=bar)
        finally:
            bar.close()
    print_report(report, as_json=args.json)
    if report.refused:
        if not args.dry_run:
            print("csa: nothing was imported", file=sys.stderr)
        return 2
    return 0


def run_trust_list(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        service = BundleService(copy)
        trusted = service.trusted_keys()
        names = {k.public_key: service.partnership_names(k.partnership_uids) for k in trusted}
        copies = {b.public_key: b.replica_id for b in service.replica_keys()}
    if args.json:
        print(dumps([{"name": k.name, "role": k.role, "fingerprint": k.fingerprint,
                      "public_key": k.public_key, "partnerships": list(names[k.public_key]),
                      "partnership_uids": list(k.partnership_uids), "added_at": k.added_at,
                      "added_how": k.added_how, "replica_id": copies.get(k.public_key)}
                     for k in trusted]))
        return 0
    if not trusted:
        print("no trusted keys yet")
        return 0
    print(table([(k.name, k.role, k.fingerprint, ", ".join(names[k.public_key]) or "everything")
                 for k in trusted], ["name", "role", "fingerprint", "partnerships"]))
    return 0


def run_trust_add(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        service = BundleService(copy)
        key = service.trust(args.source, partnerships=args.partnership, name=args.name,
                            role=args.role)
        names = service.partnership_names(key.partnership_uids)
    print(f"trusted {key.name} ({key.role}, fingerprint {key.fingerprint})"
          + (f" for {', '.join(names)}" if names else ""))
    return 0


def run_trust_remove(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        key = BundleService(copy).untrust(args.key)
    print(f"no longer trusted: {key.name} ({key.fingerprint})")
    return 0


def run_trust_replace(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        done = BundleService(copy).replace_key(args.old, args.new)
    copy_text = f" (copy {done.replica_id})" if done.replica_id else ""
    print(f"replaced the key of {done.new.name}{copy_text}: old fingerprint "
          f"{done.old.fingerprint}, new fingerprint {done.new.fingerprint}; bundles signed by "
          "the old key are refused from now on")
    return 0


def run_trust_mine(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        service = BundleService(copy)
        print(f"{service.public_key}\nfingerprint {service.fingerprint}")
    return 0


# --- conflicts ------------------------------------------------------------------------------

def conflict_json(view: ConflictView) -> dict[str, object]:
    c = view.conflict
    return {"id": c.id, "status": c.status, "side": c.side, "kind": c.kind,
            "record_uid": c.record_uid, "record": view.record_title, "field": c.field,
            "field_label": view.field_label, "base": c.base, "master": c.master,
            "incoming": [i.to_json() for i in c.incoming], "created_at": c.created_at,
            "resolved_at": c.resolved_at, "resolved_by": c.resolved_by,
            "resolution": c.resolution, "resolution_source": c.resolution_source,
            "suggestion": view.suggestion.text if view.suggestion else None,
            "suggestion_clean": view.suggestion.clean if view.suggestion else None}


def run_conflicts_list(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        views = ConflictService(copy).list(include_closed=args.all)
    if args.json:
        print(dumps([conflict_json(v) for v in views]))
        return 0
    if not views:
        print("no conflicts" + ("" if args.all else " waiting for a decision"))
        return 0
    rows = [(str(v.id), v.conflict.status, f"{v.kind_label}: {v.record_title}", v.field_label,
             ", ".join(i.author for i in v.conflict.incoming)) for v in views]
    print(table(rows, ["id", "status", "record", "field", "incoming from"]))
    return 0


def _block(label: str, text: str) -> str:
    lines = text.splitlines() or [""]
    return "\n".join([f"  {label}", *(f"    {line}" for line in lines)])


def run_conflicts_show(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        view = ConflictService(copy).get(args.id)
    if args.json:
        print(dumps(conflict_json(view)))
        return 0
    c = view.conflict
    master = "this copy (local)" if c.side == "district" else "master"
    print(f"conflict {c.id} ({c.status}): {view.kind_label} '{view.record_title}' "
          f"[{c.record_uid}], field {view.field_label}")
    print(_block("base (the baseline's value)", view.typed_text(c.base)))
    print(_block(master, view.typed_text(c.master)))
    for value in c.incoming:
        print(_block(f"{value.author}, bundle {value.bundle_id}"
                     + (f" ({value.file_name})" if value.file_name else ""),
                     view.typed_text(value.value)))
    if view.suggestion is not None:
        state = "merges cleanly" if view.suggestion.clean else "has lines to settle by hand"
        print(_block(f"suggested line-by-line merge ({state})", view.suggestion.text))
    if c.open:
        print(f"\ndecide with: csa conflicts resolve {c.id} --take base|master|BUNDLE-ID, "
              "or --value TEXT")
    return 0


def run_conflicts_resolve(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        service = ConflictService(copy)
        if args.suggested:
            view = service.get(args.id)
            if view.suggestion is None or not view.suggestion.clean:
                raise InputError(f"conflict {args.id} has no clean line-by-line merge; use "
                                 "--take or --value")
            changes = service.decide(args.id, view.suggestion.text, label="suggested merge")
        else:
            changes = service.resolve(args.id, take=args.take, value=args.value)
        view = service.get(args.id)
    print(f"resolved conflict {args.id}: {view.field_label} of '{view.record_title}' is now "
          f"{view.typed_text(view.conflict.resolution)!r}"
          + ("" if not changes.empty else " (as it already was)"))
    return 0


# --- restore points ----------------------------------------------------------------------------

def run_points_list(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        points = restore_points.list_points(copy)
    if args.json:
        print(dumps([{"id": p.id, "created_at": p.created_at, "status": p.status,
                      "bundles": list(p.bundles), "description": p.description}
                     for p in points]))
        return 0
    if not points:
        print("no restore points yet (one is made before every import)")
        return 0
    print(table([(p.id, f"{p.created_at:%Y-%m-%d %H:%M}", p.status, p.description)
                 for p in points], ["id", "made", "status", "what"]))
    return 0


def run_points_restore(args: argparse.Namespace, folder: Path) -> int:
    result = restore_points.restore(folder, args.id)
    saved = f"; what it was is kept as backup {result.previous.id}" if result.previous else ""
    print(f"restored the copy as it was {result.restored.describe()}{saved}")
    return 0


def run_points_undo(args: argparse.Namespace, folder: Path) -> int:
    with Copy.open(folder) as copy:
        point = restore_points.undo_last_import(copy)
    print(f"undid the import of {', '.join(str(b.get('file')) for b in point.bundles)}: the "
          f"copy is as it was at {point.created_at:%Y-%m-%d %H:%M}")
    return 0
