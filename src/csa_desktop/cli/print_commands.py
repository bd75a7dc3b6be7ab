"""csa print: the plan on a page, the agreement or a local plan as a PDF file (the agreement
also as Word or as its accessible web page)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from csa_desktop.domain.kinds import parse_date
from csa_desktop.errors import InputError
from csa_desktop.files import write_atomically
from csa_desktop.printing.model import EDITIONS, RESTRICTED_MARKING
from csa_desktop.services.committee_report import export_committee_report
from csa_desktop.services.copy import Copy
from csa_desktop.services.documents import (
    DOCUMENTS,
    check_edition,
    document_html,
    print_document,
)
from csa_desktop.services.printing import write_pdf


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "print", parents=[common], help="print a document to a PDF file",
        description="Print a document to PDF. plan-on-a-page: the county plan on a page, or "
                    "with --partnership that partnership's local plan on a page; agreement: "
                    "the detailed agreement; local-plan: a partnership's plan and action "
                    "tracker; performance-report: the quarterly performance report to the "
                    "board (exceptions first), for every partnership or with --partnership "
                    "one; due-list: what is due, for a partnership meeting (as on --date, "
                    "for --partnership or every partnership the copy sees). Exit code 3: the "
                    "plan on a page does not fit on one page.",
    )
    p.add_argument("document", choices=[*DOCUMENTS, "committee-report"], metavar="DOCUMENT",
                   help=f"one of: {', '.join(DOCUMENTS)}; committee-report: the covering "
                        "report that takes the agreement to a body (Word, with --body and "
                        "--meeting)")
    p.add_argument("--body", metavar="STEP", help="committee-report: the step of the "
                   "county's approval chain it goes to (board, cabinet, council or its own)")
    p.add_argument("--meeting", metavar="YYYY-MM-DD",
                   help="committee-report: the date of the body's meeting")
    p.add_argument("--partnership", metavar="NAME-OR-UID",
                   help="the partnership (local-plan; plan-on-a-page for a local plan; "
                        "performance-report for one partnership)")
    p.add_argument("--period", metavar="QUARTER",
                   help='the quarter of a performance report, e.g. "2024/25 Q2" '
                        "(default: the current quarter)")
    p.add_argument("--out", metavar="FILE.pdf", required=True, type=Path,
                   help="the PDF file to write (replaced if it exists); FILE.docx for the "
                        "agreement in Word, FILE.xlsx for the action trackers in Excel; "
                        "the performance report as .pdf, .docx or .xlsx; FILE.html for the "
                        "agreement's accessible web edition")
    p.add_argument("--edition", choices=list(EDITIONS),
                   help="the agreement's edition: public (the default, for publishing) "
                        "leaves restricted sections, evidence and images out and says so in "
                        f"the contents; full includes them and marks every page "
                        f"{RESTRICTED_MARKING} (PDF and Word; the web edition is public)")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="the print date shown on the pages (default: today)")
    p.add_argument("--reproducible", action="store_true",
                   help="byte-identical output for the same content and date")
    p.set_defaults(run=run_print)


def run_print(args: argparse.Namespace, folder: Path) -> int:
    printed_on = parse_date(args.date, "--date") if args.date else None
    if args.document == "committee-report":
        if args.edition:
            raise InputError("the committee report has no editions; --edition is for the "
                             "agreement")
        return _committee_report(args, folder)
    check_edition(args.document, args.edition)  # before anything is read or written
    if args.document == "performance-report" and args.out.suffix.lower() in (".docx", ".xlsx"):
        from csa_desktop.services.performance_office import export_report
        from csa_desktop.services.performance_report import performance_report_data

        with Copy.open(folder) as copy:
            report = performance_report_data(copy, args.period, partnership=args.partnership,
                                             printed_on=printed_on,
                                             invariant=args.reproducible)
        path = export_report(report, args.out)
        print(f"wrote {path} ({path.stat().st_size // 1024 + 1} KB)")
        return 0
    if args.out.suffix.lower() in (".html", ".htm"):
        with Copy.open(folder) as copy:
            page = document_html(copy, args.document, partnership=args.partnership,
                                 printed_on=printed_on, invariant=args.reproducible,
                                 edition=args.edition)
        path = write_atomically(page.encode("utf-8"), args.out)
        print(f"wrote {path} ({path.stat().st_size // 1024 + 1} KB)")
        return 0
    if args.out.suffix.lower() in (".docx", ".xlsx"):  # Word and Excel: issue 10's exporters
        from csa_desktop.cli.cycle_commands import run_office_export

        return run_office_export(args, folder, printed_on)
    with Copy.open(folder) as copy:
        printed = print_document(copy, args.document, partnership=args.partnership,
                                 printed_on=printed_on, invariant=args.reproducible,
                                 period=args.period, edition=args.edition)
    path = write_pdf(printed.data, args.out)
    print(f"wrote {path} ({len(printed.data) // 1024 + 1} KB)")
    if printed.message:
        print(f"note: {printed.message}", file=sys.stderr)
    return 0


def _committee_report(args: argparse.Namespace, folder: Path) -> int:
    if not args.body or not args.meeting:
        raise InputError("the committee report needs the body it goes to and the meeting: "
                         "--body STEP --meeting YYYY-MM-DD (steps: 'csa approvals chain')")
    meeting = parse_date(args.meeting, "--meeting")
    with Copy.open(folder) as copy:
        path = export_committee_report(copy, args.body, meeting, args.out)
    print(f"wrote {path} ({path.stat().st_size // 1024 + 1} KB): a draft for the officer to "
          "complete and edit")
    return 0
