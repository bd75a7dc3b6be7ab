"""csa dev generate: developer tools (a large generated copy for benchmarks and load tests)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csa_desktop.cli.output import table
from csa_desktop.domain.kinds import KINDS


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    dev = commands.add_parser("dev", parents=[common], help="developer tools")
    tools = dev.add_subparsers(dest="tool", metavar="TOOL", required=True)
    p = tools.add_parser(
        "generate", parents=[common], help="make a large generated copy (benchmarks)",
        description="Create a lead copy of the demo agreement plus generated local plans, "
                    "actions, progress updates and evidence at county scale. Generated "
                    "records carry no history rows.")
    p.add_argument("--out", required=True, metavar="DIR", type=Path,
                   help="folder for the new copy (must not hold a copy)")
    p.add_argument("--actions", type=int, default=30_000, metavar="N")
    p.add_argument("--evidence", type=int, default=5_000, metavar="N")
    p.add_argument("--partnerships", type=int, default=14, metavar="N",
                   help="partnerships with a generated local plan (default 14)")
    p.add_argument("--updates-per-action", type=int, default=3, metavar="N",
                   help="progress updates per action, one a quarter (0-4, default 3)")
    p.add_argument("--seed", type=int, default=1, help="same seed, same records (default 1)")
    p.set_defaults(run=run_generate)


def run_generate(args: argparse.Namespace, _folder: Path) -> int:
    from csa_desktop.services.generate import generate_copy

    result = generate_copy(args.out.expanduser().resolve(), actions=args.actions,
                           evidence=args.evidence, partnerships=args.partnerships,
                           updates_per_action=args.updates_per_action, seed=args.seed)
    rows = [(KINDS[kind].plural, str(count)) for kind, count in result.added.items()]
    print(f"generated a copy in {result.data_dir} in {result.seconds:.1f} s\n")
    print(table(rows, ["records added to the demo", "count"]))
    return 0
