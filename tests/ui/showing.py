"""Show a window as a desktop does and watch it settle: shown on screen (offscreen platform),
the event loop run, and every layout, geometry and paint event counted while it runs.

A window that has settled receives (almost) no such events while nobody touches it; a window
whose layout feeds back on itself (a scroll bar shown, then hidden, then shown ...) receives
thousands a second and never goes quiet. Tests that build widgets without showing them cannot
see that, so every top-level window and dialog is checked through `settle`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QScrollBar,
    QStackedWidget,
    QWidget,
)

# Events a widget receives while its layout or geometry changes.
LAYOUT_EVENTS = frozenset({
    QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show,
    QEvent.Type.Hide, QEvent.Type.Paint, QEvent.Type.UpdateRequest,
})
RUNAWAY = 5000  # counting stops here: no settling window gets near it
_DIRECT = Qt.FindChildOption.FindDirectChildrenOnly


class _EventCounter(QObject):
    """Counts layout events under one window (stops counting past RUNAWAY)."""

    def __init__(self, root: QWidget) -> None:
        super().__init__()
        self.root = root
        self.count = 0
        self.scroll_bar_toggles = 0
        self.running = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self.running and event.type() in LAYOUT_EVENTS and isinstance(watched, QWidget) \
                and (watched is self.root or self.root.isAncestorOf(watched)):
            self.count += 1
            if isinstance(watched, QScrollBar) and event.type() in (QEvent.Type.Show,
                                                                    QEvent.Type.Hide):
                self.scroll_bar_toggles += 1
            if self.count >= RUNAWAY:
                self.stop()
        return False

    def start(self) -> None:
        self.count = self.scroll_bar_toggles = 0
        self.running = True
        QApplication.instance().installEventFilter(self)

    def stop(self) -> None:
        self.running = False
        QApplication.instance().removeEventFilter(self)


@dataclass
class Settling:
    """What showing a window took, and what it did afterwards while left alone."""

    seconds: float  # from show() until the first quiet stretch
    events_while_idle: int  # layout events during the quiet stretch after settling
    scroll_bar_toggles: int  # scroll bars shown or hidden, from show() to the end
    overlaps: list[str] = field(default_factory=list)

    @property
    def runaway(self) -> bool:
        return self.events_while_idle > 50 or self.scroll_bar_toggles > 20


def settle(qtbot, widget: QWidget, size: tuple[int, int] | None = None, *,
           quiet_ms: int = 250, limit_s: float = 3.0) -> Settling:
    """Show `widget` (at `size`), run the event loop until it is quiet, then keep running it
    for `quiet_ms` more and count what still happens."""
    counter = _EventCounter(widget)
    if size is not None:
        widget.resize(*size)
    started = time.perf_counter()
    counter.start()
    try:
        widget.show()
        qtbot.waitExposed(widget)
        seconds = limit_s
        last = -1
        while time.perf_counter() - started < limit_s and counter.running:
            qtbot.wait(50)
            if counter.count == last:  # a quiet 50 ms
                seconds = time.perf_counter() - started
                break
            last = counter.count
        before = counter.count
        qtbot.wait(quiet_ms)
        idle = counter.count - before if counter.running else RUNAWAY
    finally:
        counter.stop()
    return Settling(seconds, idle, counter.scroll_bar_toggles, overlapping_widgets(widget))


def _visible_children(widget: QWidget) -> list[QWidget]:
    return [child for child in widget.findChildren(QWidget, options=_DIRECT)
            if child.isVisible() and not child.isWindow()]


def overlapping_widgets(root: QWidget) -> list[str]:
    """Visible sibling widgets whose rectangles intersect: one drawn over the other (a stale
    panel showing through, headings drawn on top of each other)."""
    found = []
    for parent in [root, *root.findChildren(QWidget)]:
        if not parent.isVisible() or isinstance(parent, (QAbstractScrollArea, QStackedWidget)):
            continue  # a scroll area's bars and viewport, a stack's pages, are Qt's business
        children = _visible_children(parent)
        for i, first in enumerate(children):
            for second in children[i + 1:]:
                overlap: QRect = first.geometry().intersected(second.geometry())
                if overlap.width() > 1 and overlap.height() > 1:
                    found.append(f"{_describe(first)} overlaps {_describe(second)} "
                                 f"in {_describe(parent)}")
    return found


def _describe(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    label = text() if callable(text) else ""
    name = widget.accessibleName() or widget.objectName()
    return f"{type(widget).__name__}({name or label!s:.40})"

