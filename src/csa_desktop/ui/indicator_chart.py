"""An indicator's values over time as a line chart with its target as a dashed line (markers
and value labels on every point, so it reads in black and white, never by colour alone), and
the small trend line of a table cell."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from csa_desktop.domain.numbers import to_decimal
from csa_desktop.ui.models.roles import RECORD_ROLE


class TrendChart(QWidget):
    """Points (period, value) left to right, oldest first; `target` drawn as a dashed line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, Decimal]] = []
        self.target: Decimal | None = None
        self.unit = ""
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Values over time")

    def sizeHint(self) -> QSize:
        return QSize(480, 200)

    def set_series(self, points: Sequence[tuple[str, str]], target: str | None,
                   unit: str = "") -> None:
        self.points = [(period, to_decimal(value)) for period, value in points if value]
        self.target = to_decimal(target) if target else None
        self.unit = unit
        described = ", ".join(f"{p} {v}" for p, v in points) or "no values yet"
        self.setAccessibleDescription(
            described + (f"; target {target}" if target else "; no target"))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        metrics = painter.fontMetrics()
        line = metrics.height()
        if not self.points:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "No values yet: add the first with “Add…” below")
            painter.end()
            return
        numbers = [v for _, v in self.points] + ([self.target] if self.target is not None
                                                 else [])
        low, high = min(numbers), max(numbers)
        if low == high:
            low, high = low - 1, high + 1
        pad = (high - low) / 8
        low, high = low - pad, high + pad
        area = QRectF(12, line * 1.6, max(self.width() - 24.0, 10.0),
                      max(self.height() - line * 3.6, 10.0))

        def y_of(value: Decimal) -> float:
            share = float((value - low) / (high - low))
            return area.bottom() - share * area.height()

        count = len(self.points)
        step = area.width() / max(count - 1, 1)
        xs = [area.left() + (step * i if count > 1 else area.width() / 2) for i in range(count)]
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(),
                                                                       area.bottom()))
        if self.target is not None:
            y = y_of(self.target)
            painter.setPen(QPen(text, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.drawText(QPointF(area.left(), y - 4), f"Target {self.target}")
        series = QColor(palette.color(QPalette.ColorRole.Highlight))
        path = QPainterPath()
        for i, (_, value) in enumerate(self.points):
            point = QPointF(xs[i], y_of(value))
            if i == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        painter.setPen(QPen(series, 2))
        painter.drawPath(path)
        for i, (_, value) in enumerate(self.points):
            point = QPointF(xs[i], y_of(value))
            painter.setPen(QPen(text, 1.5))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.drawEllipse(point, 4, 4)
            label = str(value)
            width = metrics.horizontalAdvance(label)
            x = min(max(point.x() - width / 2, 0.0), self.width() - width)
            painter.drawText(QPointF(x, point.y() - 8), label)
        # period labels: the last always, the others where they fit between their neighbours
        baseline = area.bottom() + line * 1.2
        spans = []
        for i, (period, _) in enumerate(self.points):
            width = metrics.horizontalAdvance(period)
            left = min(max(xs[i] - width / 2, 0.0), self.width() - width)
            spans.append((left, left + width, period))
        last_left = spans[-1][0]
        right_edge = -1e9
        for left, right, period in spans[:-1]:
            if left > right_edge + 8 and right < last_left - 8:
                painter.drawText(QPointF(left, baseline), period)
                right_edge = right
        painter.drawText(QPointF(last_left, baseline), spans[-1][2])
        painter.end()


class TrendDelegate(QStyledItemDelegate):
    """A table cell's small trend line: the values of the row's IndicatorView (RECORD_ROLE)
    oldest first, the latest marked with a dot, the target as a dotted line when in range."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        view = index.data(RECORD_ROLE)
        values = [to_decimal(str(v.fields["value"])) for v in getattr(view, "values", ())
                  if v.fields.get("value")]
        if len(values) < 2:
            return
        target_text = view.indicator.fields.get("target_value")
        target = (to_decimal(str(target_text)) if target_text
                  and view.indicator.fields.get("polarity") != "no-target" else None)
        low, high = min(values), max(values)
        if low == high:
            low, high = low - 1, high + 1
        box = QRectF(option.rect).adjusted(6, 4, -6, -4)
        step = box.width() / (len(values) - 1)

        def point(i: int, value: Decimal) -> QPointF:
            share = float((value - low) / (high - low))
            return QPointF(box.left() + step * i, box.bottom() - share * box.height())

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                      else QPalette.ColorRole.Text)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if target is not None and low <= target <= high:
            y = point(0, target).y()
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(box.left(), y), QPointF(box.right(), y))
        path = QPainterPath(point(0, values[0]))
        for i, value in enumerate(values[1:], start=1):
            path.lineTo(point(i, value))
        painter.setPen(QPen(colour, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(colour)
        painter.drawEllipse(point(len(values) - 1, values[-1]), 2.5, 2.5)
        painter.restore()
