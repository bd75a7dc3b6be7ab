"""The `csa` command: the same services as the GUI, for scripts, tests and power users."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from csa_desktop import __version__, paths
from csa_desktop.cli import (
    adopt_commands,
    attachment_commands,
    backup_commands,
    bundle_commands,
    copy_commands,
    cycle_commands,
    dev_commands,
    due_commands,
    indicator_commands,
    print_commands,
    record_commands,
)
from csa_desktop.cli.output import TerminalSafeStream
from csa_desktop.errors import CsaError

log = logging.getLogger(__name__)

COMMAND_MODULES = [copy_commands, record_commands, dev_commands, backup_commands, print_commands,
                   cycle_commands, bundle_commands, adopt_commands,
                   indicator_commands, due_commands, attachment_commands]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="PATH", default=argparse.SUPPRESS,
                        help=f"the copy's folder (default: ${paths.ENV_VAR} or the user data "
                             "folder)")
    parser = argparse.ArgumentParser(
        prog="csa", parents=[common],
        description="CSA Desktop on the command line: the community safety agreement copy.",
    )
    parser.add_argument("--version", action="version", version=f"CSA Desktop {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    chosen = paths.explicit_dir(getattr(args, "data_dir", None))
    if chosen is not None:
        folder = chosen
    elif getattr(args, "new_copy", False):  # csa init: a folder of its own under copies/
        folder = paths.new_copy_folder(getattr(args, "name", "") or "copy")
    else:
        folder = paths.data_dir()
    try:
        from csa_desktop.logs import setup_logging

        if folder.exists() or not getattr(args, "new_copy", False):  # a refused init
            setup_logging(folder)  # leaves no folder behind
    except OSError:
        pass  # a read-only folder must not stop read-only commands
    with terminal_safe_output():
        return _run(args, folder)


@contextlib.contextmanager
def terminal_safe_output() -> Iterator[None]:
    """stdout and stderr through TerminalSafeStream while a command runs: no user text
    (a record's field, a bundle's author, a file name) reaches the terminal raw."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = TerminalSafeStream(out)
    sys.stderr = TerminalSafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _run(args: argparse.Namespace, folder: Path) -> int:
    try:
        code: int = args.run(args, folder)
        sys.stdout.flush()  # here, where a closed pipe is handled, not at exit
    except CsaError as exc:
        print(f"csa: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `csa list … | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the final flush at exit cannot fail
        return 1
    except KeyboardInterrupt:
        print("csa: interrupted; nothing was changed by the unfinished command", file=sys.stderr)
        return 130
    except Exception:
        log.exception("unexpected error in csa %s", args.command)
        print(f"csa: internal error (a bug); details are in the log in {paths.log_dir(folder)}",
              file=sys.stderr)
        return 70
    return code


if __name__ == "__main__":
    sys.exit(main())
