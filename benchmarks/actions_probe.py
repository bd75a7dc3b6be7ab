"""Child process of the actions-view benchmark: open the actions view of a copy, filter it.

    python actions_probe.py --data-dir DIR

Prints one JSON line: open_ms, filter_ms and their floors (raw sqlite3 fetch of the same
rows; a plain Python substring test over the titles), or {"missing": reason}.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    import importlib.util

    if importlib.util.find_spec("csa_desktop.ui.models.actions") is None:
        print(json.dumps({"missing": "the editor's actions model (ui/models/) is not there yet"}))
        return 0
    raise SystemExit("actions model found: the probe needs updating")


if __name__ == "__main__":
    sys.exit(main())
