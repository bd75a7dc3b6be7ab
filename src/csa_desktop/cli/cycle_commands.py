"""csa refresh, approve, approvals, diff: the yearly cycle of the agreement."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
from pathlib import Path
from typing import Any

from csa_desktop.cli.output import dumps, record_json, table
from csa_desktop.domain.cycle import PRESETS, STAGES, Refresh
from csa_desktop.domain.kinds import KINDS, parse_date
from csa_desktop.domain.records import Changes
from csa_desktop.services.copy import Copy

STAGE_HELP = ", ".join(s.status for s in STAGES[1:])
CHAIN_HELP = ("The steps after editorial review, in order. --preset takes two-tier (Board → "
              "Cabinet → Full Council → PCC), unitary (Board → Cabinet → PCC) or board-only "
              "(Board → PCC). --set takes the steps: board, cabinet, council and pcc as the "
              "presets have them, or NAME:LABEL[:BODY[:FLAGS]] for a county's own step, FLAGS "
              "being 'minute' (a minute reference is required) and/or 'pcc' (the step sends "
              "it to the PCC; the last). Decisions already recorded are kept.")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    refresh = commands.add_parser("refresh", parents=[common], help="annual refreshes of the "
                                  "agreement: start, list, read, version-control table")
    verbs = refresh.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("start", parents=[common], help="start the next annual refresh (lead)",
                         description="Close the refresh in progress (every record is kept as "
                         "it stands) and start a new one from it: closed actions are archived, "
                         "open ones carry on, the agreement goes back to Draft.")
    p.add_argument("--year", required=True, metavar="YYYY/YY", help="e.g. 2023/24")
    p.add_argument("--dry-run", action="store_true", help="say what would happen; change nothing")
    p.set_defaults(run=run_refresh_start)

    p = verbs.add_parser("list", parents=[common], help="every refresh, oldest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_refresh_list)

    p = verbs.add_parser("changes", parents=[common],
                         help="the version-control table: what changed since the previous "
                              "refresh")
    p.add_argument("refresh", nargs="?", default="current", metavar="REFRESH",
                   help="year label, uid or 'current' (default)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_refresh_changes)

    p = verbs.add_parser("summary", parents=[common],
                         help="edit the one-line summary of a change (lead); empty: derived")
    p.add_argument("refresh", metavar="REFRESH")
    p.add_argument("uid", metavar="UID", help="the changed record (see 'csa refresh changes')")
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(run=run_refresh_summary)

    p = verbs.add_parser("records", parents=[common],
                         help="records of a kind as they stood in a refresh")
    p.add_argument("refresh", metavar="REFRESH")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_refresh_records)

    p = commands.add_parser(
        "approve", parents=[common], help="record the next approval step (lead)",
        description=f"STAGE is the next step of the refresh in progress: {STAGE_HELP} "
                    "(or board, cabinet, council, pcc); 'undo' steps back one stage (its "
                    "decision record is withdrawn). With --correct, STAGE is a step already "
                    "recorded whose date or minute reference is corrected in place.")
    p.add_argument("stage", metavar="STAGE")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date of the decision (needed from the "
                   "Board on)")
    p.add_argument("--minute", metavar="REF", help="minute reference of the decision "
                   "(with --correct, '' clears it)")
    p.add_argument("--correct", action="store_true",
                   help="correct the date or minute reference of a step already recorded")
    p.add_argument("--plan", metavar="PARTNERSHIP",
                   help="a step of this partnership's local plan (its own chain), not the "
                        "agreement's")
    p.set_defaults(run=run_approve)

    p = commands.add_parser("approvals", parents=[common],
                            help="where the refresh in progress stands in its approvals; "
                                 "'approvals chain' shows or sets the steps")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plan", metavar="PARTNERSHIP", help="this partnership's local plan")
    p.set_defaults(run=run_approvals)
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=False)
    c = verbs.add_parser("chain", parents=[common], help="show or set the approval chain",
                         description=CHAIN_HELP)
    group = c.add_mutually_exclusive_group()
    group.add_argument("--preset", choices=list(PRESETS), help="one of the presets")
    group.add_argument("--set", nargs="+", metavar="STEP", dest="steps",
                       help="the steps, in order")
    c.add_argument("--plan", metavar="PARTNERSHIP",
                   help="the chain of this partnership's local plan (default: its board, "
                        "then sent to the PCC)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=run_approvals_chain)

    p = commands.add_parser("diff", parents=[common],
                            help="compare two refreshes field by field",
                            description="REFRESH is a year label (2022/23), a uid or 'current'.")
    p.add_argument("a", metavar="REFRESH-A")
    p.add_argument("b", metavar="REFRESH-B")
    p.add_argument("--kind", action="append", default=[], metavar="KIND",
                   help=f"only records of this kind (repeatable): {', '.join(KINDS)}")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_diff)


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _report(changes: Changes) -> None:
    for kind_name, uid in changes.created:
        print(f"created {kind_name} {uid}")
    for kind_name, uid in changes.updated:
        print(f"updated {kind_name} {uid}: {', '.join(changes.fields.get(uid, ()))}")
    for kind_name, uid in changes.deleted:
        print(f"deleted {kind_name} {uid}")


def run_refresh_start(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.services.refresh import plan_refresh, start_refresh

    with Copy.open(folder) as copy:
        if args.dry_run:
            plan = plan_refresh(copy, args.year)
            print(f"would start the {plan.label} refresh from {plan.previous.label}: "
                  f"{plan.records} records carried forward, {len(plan.archive)} closed actions "
                  f"archived, {plan.carry_on} open actions carry on, {plan.approvals} approval "
                  f"records stay with {plan.previous.label}; nothing was changed")
            return 0
        started = start_refresh(copy, args.year)
    print(f"started the {started.refresh.label} refresh from {started.previous.label}: "
          f"{started.snapshot_records} records carried forward ({started.previous.label} kept "
          f"as it stood), {len(started.archived)} closed actions archived, "
          f"{started.carried_on} open actions carry on; the agreement is a draft again")
    print(f"restore point: {started.backup}")
    return 0


def _refresh_json(refresh: Refresh) -> dict[str, object]:
    return {"uid": refresh.uid, "label": refresh.label, "based_on": refresh.based_on_label,
            "based_on_uid": refresh.based_on_uid, "started_at": refresh.started_at,
            "started_by": refresh.started_by, "closed_at": refresh.closed_at,
            "current": refresh.current}


def run_refresh_list(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.services.refresh import list_refreshes

    with Copy.open(folder) as copy:
        found = list_refreshes(copy)
    if args.json:
        print(dumps([_refresh_json(r) for r in found]))
        return 0
    rows = [(r.label, r.based_on_label or "", _when(r.started_at), r.started_by,
             "in progress" if r.current else f"closed {_when(r.closed_at)}") for r in found]
    print(table(rows, ["refresh", "based on", "started", "by", "state"]))
    return 0


def run_refresh_changes(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.services.refresh import find_refresh, version_table

    with Copy.open(folder) as copy:
        found = version_table(copy, find_refresh(copy, args.refresh))
    if args.json:
        print(dumps({
            "refresh": found.refresh.label,
            "based_on": found.based_on.label if found.based_on else None,
            "changes": [c.__dict__ for c in found.changes],
        }))
        return 0
    if found.based_on is None:
        print(f"no refresh before {found.refresh.label} is recorded in this copy: there is "
              "nothing to compare it with")
        return 0
    if not found.changes:
        print(f"no section, key issue or delivery framework row has changed in "
              f"{found.refresh.label} since {found.based_on.label}")
        return 0
    print(f"Version control: {found.refresh.label} (changes since {found.based_on.label})\n")
    rows = [(c.area, c.item, c.change, c.summary + ("" if not c.edited else " *"),
             c.changed_on.isoformat() if c.changed_on else "", c.record_uid)
            for c in found.changes]
    print(table(rows, ["area", "item", "change", "summary", "changed on", "uid"]))
    if any(c.edited for c in found.changes):
        print("\n* summary edited by the lead")
    return 0


def run_refresh_summary(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.services.refresh import find_refresh, set_change_summary

    with Copy.open(folder) as copy:
        changed = set_change_summary(copy, find_refresh(copy, args.refresh), args.uid, args.text)
    print("summary saved" if changed else "nothing changed: the summary was already so")
    return 0


def run_refresh_records(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.domain.kinds import kind
    from csa_desktop.services.refresh import find_refresh, refresh_records

    spec = kind(args.kind)
    with Copy.open(folder) as copy:
        found = refresh_records(copy, find_refresh(copy, args.refresh), spec.name)
    if args.json:
        print(dumps([record_json(r) for r in found]))
        return 0
    print(table([(r.uid, r.title) for r in found], ["uid", spec.label.lower()]))
    return 0


def run_approve(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.errors import InputError
    from csa_desktop.services import approvals, plan_approvals

    on = parse_date(args.date, "--date") if args.date else None
    undo = args.stage.strip().lower() == "undo"
    if undo and (on is not None or args.minute or args.correct):
        raise InputError("'csa approve undo' takes no --date, --minute or --correct")
    with Copy.open(folder) as copy:
        if args.plan:
            if undo:
                changes = plan_approvals.plan_step_back(copy, args.plan)
            elif args.correct:
                changes = plan_approvals.plan_correct(copy, args.plan, args.stage, on=on,
                                                 minute_ref=args.minute)
            else:
                changes = plan_approvals.plan_advance(copy, args.plan, args.stage, on=on,
                                                 minute_ref=args.minute)
            flow = plan_approvals.plan_workflow(copy, args.plan)
            _report(changes)
            if changes.empty:
                print("nothing changed: the values were already so")
            where = flow.current_stage.label if flow.current_stage else "not yet approved"
            print(f"{flow.partnership_name}'s plan is now at '{where}'"
                  + (f"; next: {flow.next_stage.label}" if flow.next_stage else ""))
            return 0
        if undo:
            changes = approvals.step_back(copy)
        elif args.correct:
            changes = approvals.correct(copy, args.stage, on=on, minute_ref=args.minute)
        else:
            changes = approvals.advance(copy, args.stage, on=on, minute_ref=args.minute)
        now = approvals.workflow(copy)
    _report(changes)
    if changes.empty:
        print("nothing changed: the values were already so")
    print(f"the {now.refresh_label} refresh is now at '{now.current_stage.label}'"
          + (f"; next: {now.next_stage.label}" if now.next_stage else ""))
    return 0


def _stage_rows(stages: Any) -> list[tuple[str, ...]]:
    return [("→" if s.current else ("✓" if s.reached else ""), s.name or s.status, s.label,
             s.decided_on.isoformat() if s.decided_on else "", s.minute_ref,
             s.body if s.reached or s.approval_uid else "") for s in stages]


def run_approvals(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.services.approvals import workflow
    from csa_desktop.services.plan_approvals import plan_workflow

    with Copy.open(folder) as copy:
        if args.plan:
            plan = plan_workflow(copy, args.plan)
            if args.json:
                print(dumps({"plan": plan.plan_title, "partnership": plan.partnership_name,
                             "print_status": plan.print_status,
                             "stages": [s.__dict__ for s in plan.stages]}))
                return 0
            print(f"{plan.plan_title}: {plan.print_status}\n")
            print(table(_stage_rows(plan.stages), ["", "step", "label", "date", "minute", "by"]))
            if plan.next_stage:
                print(f"\nnext: csa approve {plan.next_stage.name} --plan "
                      f"\"{plan.partnership_name}\" --date YYYY-MM-DD")
            return 0
        now = workflow(copy)
    if args.json:
        print(dumps({"refresh": now.refresh_label, "status": now.status, "draft": now.draft,
                     "print_status": now.print_status,
                     "stages": [s.__dict__ for s in now.stages]}))
        return 0
    print(f"{now.refresh_label} refresh: {now.print_status}\n")
    print(table(_stage_rows(now.stages), ["", "step", "label", "date", "minute", "by"]))
    if now.next_stage:
        print(f"\nnext: csa approve {now.next_stage.name or now.next_stage.status}"
              + (" --date YYYY-MM-DD" if now.next_stage.needs_date else ""))
    return 0


def _chain_json(steps: Any) -> list[dict[str, object]]:
    return [{"name": s.name, "label": s.label, "body": s.body,
             "minute_required": s.minute_required, "sends_to_pcc": s.sends_to_pcc}
            for s in steps]


def run_approvals_chain(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.domain.cycle import parse_step
    from csa_desktop.services import approvals, plan_approvals

    with Copy.open(folder) as copy:
        if args.preset or args.steps:
            chain = (approvals.preset_named(args.preset) if args.preset
                     else tuple(parse_step(text) for text in args.steps))
            result = (plan_approvals.set_plan_chain(copy, args.plan, chain) if args.plan
                      else approvals.set_chain(copy, chain))
            if result.empty:
                print("nothing changed: the chain was already so")
            else:
                for name in result.added:
                    print(f"added step {name}")
                for name in result.removed:
                    print(f"removed step {name} (kept in the history)")
                if result.kept_decisions:
                    print("decisions already recorded are kept: "
                          + "; ".join(result.kept_decisions))
                if result.status_moved:
                    print(f"the agreement's status moved from '{result.status_moved[0]}' to "
                          f"'{result.status_moved[1]}': its step left the chain")
        if args.plan:
            flow = plan_approvals.plan_workflow(copy, args.plan)
            title, recorded = f"{flow.partnership_name}'s plan", flow.chain_recorded
            steps = flow.stages
        else:
            now = approvals.workflow(copy)
            title, recorded = "the agreement", now.chain_recorded
            steps = now.chain
    preset = approvals.preset_of([_as_step(s) for s in steps])
    if args.json:
        print(dumps({"of": title, "preset": preset, "recorded": recorded,
                     "steps": _chain_json(steps)}))
        return 0
    kind = f"the {preset} preset" if preset else "its own chain"
    print(f"approval chain of {title} ({kind}"
          + ("" if recorded else ", the default: none recorded") + "):")
    print(table([(str(i), s.name, s.label, s.body, "yes" if s.minute_required else "",
                  "yes" if s.sends_to_pcc else "") for i, s in enumerate(steps, 1)],
                ["", "step", "label", "deciding body", "minute required", "sends to PCC"]))
    return 0


def _as_step(state: Any) -> Any:
    from csa_desktop.domain.cycle import ChainStep

    return ChainStep(state.name, state.label, state.body, state.minute_required,
                     state.sends_to_pcc)


def run_diff(args: argparse.Namespace, folder: Path) -> int:
    from csa_desktop.services.compare import compare_refreshes

    with Copy.open(folder) as copy:
        result = compare_refreshes(copy, args.a, args.b, args.kind or None)
    if args.json:
        print(dumps({
            "a": result.a.label, "b": result.b.label, "counts": result.counts,
            "records": [{
                "kind": r.kind, "uid": r.uid, "title": r.title, "change": r.change,
                "fields": [{"name": f.name, "label": f.label, "a": f.old, "b": f.new,
                            "a_text": f.old_text, "b_text": f.new_text} for f in r.fields],
            } for r in result.records],
        }))
        return 0
    counts = result.counts
    if result.empty:
        print(f"no differences between {result.a.label} and {result.b.label}")
        return 0
    print(f"{result.a.label} → {result.b.label}: {counts['added']} added, "
          f"{counts['changed']} changed, {counts['removed']} removed")
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for record in result.records:
        print(f"\n{marks[record.change]} {record.kind_label}: {record.title}  [{record.uid}]")
        if record.change != "changed":
            continue
        for f in record.fields:
            if f.long and "\n" in (f.old_text + f.new_text):
                print(f"    {f.label}:")
                for line in difflib.unified_diff(f.old_text.splitlines(),
                                                 f.new_text.splitlines(), lineterm="", n=1):
                    if not line.startswith(("---", "+++")):
                        print(f"      {line}")
            else:
                print(f"    {f.label}: {f.old_text or '(empty)'} → {f.new_text or '(empty)'}")
    return 0


def run_office_export(args: argparse.Namespace, folder: Path,
                      printed_on: dt.date | None) -> int:
    """`csa print DOCUMENT --out FILE.docx|FILE.xlsx`: the format follows the file name."""
    from csa_desktop.errors import InputError
    from csa_desktop.services.documents import check_edition
    from csa_desktop.services.office_export import export_agreement_docx, export_local_plans_xlsx

    suffix = args.out.suffix.lower()
    if suffix == ".docx" and args.document != "agreement":
        raise InputError(f"a Word file (.docx) is made of the agreement: csa print agreement "
                         f"--out {args.out.name}; print {args.document} to .pdf")
    if suffix == ".xlsx" and args.document != "local-plan":
        raise InputError(f"an Excel file (.xlsx) is made of the action trackers: csa print "
                         f"local-plan [--partnership P] --out {args.out.name}; print "
                         f"{args.document} to .pdf")
    with Copy.open(folder) as copy:
        if suffix == ".docx":
            if args.partnership:
                raise InputError("the agreement is the county's document; --partnership is "
                                 "for plan-on-a-page and local-plan")
            edition = check_edition(args.document, getattr(args, "edition", None))
            path = export_agreement_docx(copy, args.out, printed_on=printed_on,
                                         edition=edition)
        else:
            path = export_local_plans_xlsx(copy, args.out, partnership=args.partnership)
    print(f"wrote {path} ({path.stat().st_size // 1024 + 1} KB)")
    return 0
