"""Scroll areas that keep a page's minimum size from becoming the window's."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QTabWidget, QWidget


def scrolled(widget: QWidget, name: str = "") -> QScrollArea:
    """``widget`` in a frameless scroll area that gives it all the room there is."""
    scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
    scroll.setObjectName(name or f"{widget.objectName() or type(widget).__name__}Scroll")
    scroll.setWidget(widget)
    return scroll


class ScrollingTabs(QTabWidget):
    """Tabs whose pages scroll when the window is smaller than they would like.

    Callers keep speaking of the pages themselves: :meth:`addTab`, :meth:`setCurrentWidget`,
    :meth:`currentWidget`, :meth:`indexOf` and :meth:`widget` see through the scroll areas.
    """

    def addTab(self, widget: QWidget, title: str) -> int:  # noqa: N802 - Qt's name
        return super().addTab(scrolled(widget), title)

    def widget(self, index: int) -> QWidget | None:
        scroll = super().widget(index)
        return scroll.widget() if isinstance(scroll, QScrollArea) else scroll

    def indexOf(self, widget: QWidget) -> int:  # noqa: N802 - Qt's name
        for i in range(self.count()):
            if self.widget(i) is widget:
                return i
        return super().indexOf(widget)

    def currentWidget(self) -> QWidget | None:  # noqa: N802 - Qt's name
        return self.widget(self.currentIndex())

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt's name
        index = self.indexOf(widget)
        if index >= 0:
            self.setCurrentIndex(index)
