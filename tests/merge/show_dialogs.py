"""Open the import preview or the conflicts dialog on realistic data, for screenshots:

    python -m tests.merge.show_dialogs preview|conflicts WORK-FOLDER

(docs/screenshots/bundles-*.png are taken with /work/shared/tools/shot running this.)"""

from __future__ import annotations

import sys
from pathlib import Path

from csa_desktop.bundle import keys
from csa_desktop.bundle.format import DELETED, FieldChange, RecordChange
from csa_desktop.domain.kinds import new_uid
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import SyncService
from tests.merge.conftest import District, Lab


def prepare(work: Path) -> tuple[Path, list[Path]]:
    lead_dir = work / "lead"
    districts = [District("West Lancs CSP officer", keys.SigningKey.generate(), new_uid()),
                 District("Skelmersdale neighbourhood team", keys.SigningKey.generate(),
                          new_uid())]
    with init_copy(lead_dir, name="County community safety team") as lead:
        west = next(r.uid for r in lead.records.list_kind("partnership")
                    if r.title == "West Lancashire CSP")
        plan = lead.records.list_kind("local-plan", partnership=west)[0].uid
        service = BundleService(lead)
        baseline = service.export(work / "baseline.csabundle")
        for district in districts:
            service.trust(district.key.public_key, name=district.name, partnerships=[west])
        records = {r.uid: r for kind in ("action", "local-priority")
                   for r in lead.records.list_kind(kind, partnership=west)}
    lab = Lab(lead_dir, baseline.bundle_id, west, plan, records, districts, work)
    actions = lab.actions
    priority = next(r for r in records.values() if r.kind == "local-priority")
    text = str(priority.fields["description"] or "Tackle hate crime with local partners.")
    first_line, _, rest = text.partition("\n")

    def describe(new: str) -> RecordChange:
        return RecordChange("local-priority", priority.uid, "update", priority.rev,
                            {"description": FieldChange(priority.fields["description"], new)})

    west_officer, skem = districts
    one = lab.bundle(west_officer, [
        lab.update(actions[0], rag="red", partners="Police; district council; Fire and Rescue"),
        lab.update(actions[1], title="Walk-and-talk safety programme in Ormskirk and Aughton"),
        describe(f"{first_line}\nQuarterly reports go to the CSP board." + (
            f"\n{rest}" if rest else "")),
        lab.create(title="Pilot a hotspot patrol near the bus station", rag="green"),
        RecordChange("action", actions[2], "delete", 1, {DELETED: FieldChange(False, True)}),
    ])
    two = lab.bundle(skem, [
        lab.update(actions[0], rag="amber"),
        lab.update(actions[1], title="Walk-and-talk programme in Skelmersdale town centre"),
        describe(f"Our local priority: {first_line[:1].lower()}{first_line[1:]}" + (
            f"\n{rest}" if rest else "")),
        lab.update(actions[2], status="on-hold"),
    ])
    stranger = District("Chorley officer", keys.SigningKey.generate(), new_uid())
    three = lab.bundle(stranger, [lab.update(actions[3], partners="Chorley council")])
    return lead_dir, [one, two, three]


def main(argv: list[str]) -> int:
    which, work = argv[0], Path(argv[1])
    work.mkdir(parents=True, exist_ok=True)
    lead_dir, bundles = prepare(work)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from csa_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    copy = Copy.open(lead_dir)
    window = MainWindow(copy)
    window.resize(1280, 820)
    window.show()
    if which == "preview":
        from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog

        report = SyncService(copy).import_files(bundles, dry_run=True)
        dialog = ImportPreviewDialog(report, window)
    else:
        from csa_desktop.ui.dialogs.conflicts import ConflictsDialog

        SyncService(copy).import_files(bundles[:2])
        dialog = ConflictsDialog(copy, window, edits=window.edits)
        rows = [dialog.model.view(r).field_label for r in range(dialog.model.rowCount())]
        if "Description" in rows:
            dialog.table.selectRow(rows.index("Description"))
    QTimer.singleShot(300, dialog.show)
    code = app.exec()
    copy.close()
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
