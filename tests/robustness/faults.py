"""Fault injection for the robustness tests: the Nth database write fails as a full disk would."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from csa_desktop.domain.kinds import KINDS, new_uid
from csa_desktop.services.copy import Copy
from csa_desktop.storage import records

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteCounter:
    """Counts the statements that write (an executemany counts once) and the commit, and makes
    the `fail_at`-th of them raise `error` (None: never)."""

    def __init__(self, fail_at: int | None = None,
                 error: Callable[[], Exception] = lambda: sqlite3.OperationalError(
                     "database or disk is full")) -> None:
        self.fail_at = fail_at
        self.error = error
        self.count = 0
        self.failed = False

    def _write(self) -> None:
        self.count += 1
        if self.count == self.fail_at:
            self.failed = True
            raise self.error()

    def before_cursor_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in WRITES:
            self._write()

    def commit(self, _conn: Any) -> None:
        self._write()


@contextmanager
def injected(engine: Engine, counter: WriteCounter) -> Iterator[WriteCounter]:
    event.listen(engine, "before_cursor_execute", counter.before_cursor_execute)
    event.listen(engine, "commit", counter.commit)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter.before_cursor_execute)
        event.remove(engine, "commit", counter.commit)


def import_like(copy: Copy) -> None:
    """What a bundle import does, in one transaction: a local plan and everything under it
    arrive as new records (each with history), and an existing record is updated."""
    plan = copy.records.list_kind("local-plan")[0]
    with copy.store.transaction() as session:
        under = [("local-plan", plan.uid), *records.children(session, "local-plan", plan.uid)]
        renamed = {uid: new_uid() for _, uid in under}

        def remap(value: Any) -> Any:
            if isinstance(value, list):
                return [renamed.get(v, v) for v in value]
            return renamed.get(value, value) if isinstance(value, str) else value

        for kind_name, uid in under:
            found = records.get(session, kind_name, uid)
            assert found is not None
            values = {name: remap(value) for name, value in found.fields.items()}
            records.insert(session, kind_name, renamed[uid], values, who="Bundle import",
                           bundle_id="bundle-1", outcome="import")
        title_field = KINDS["local-plan"].title_field
        records.update(session, "local-plan", plan.uid,
                       {title_field: f"{plan.title} (imported)"}, who="Bundle import",
                       bundle_id="bundle-1", outcome="import")
