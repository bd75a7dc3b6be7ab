"""One window per copy: the first CSA Desktop on a data folder listens on a local socket named
after the folder; a second start asks it to come to the front, then tells the user."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

COME_FORWARD = b"show\n"


def server_name(folder: Path) -> str:
    """The same name for the same folder and user, short enough for any platform."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    key = f"{user}\0{folder.resolve()}".encode()
    return "csa-desktop-" + hashlib.sha256(key).hexdigest()[:24]


class InstanceServer(QObject):
    """Listens for later starts on the same folder; `show_requested` when one asks."""

    show_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(folder)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # This program holds the folder's writer lock, so a leftover socket is a dead one's.
        QLocalServer.removeServer(self.name)
        self.listening = self.server.listen(self.name)
        self.server.newConnection.connect(self._connected)

    def _connected(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(COME_FORWARD.strip()):
            self.show_requested.emit()
            socket.write(b"ok\n")
            socket.flush()

    def close(self) -> None:
        self.server.close()


def bring_to_front(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)


def listen_for_later_starts(folder: Path, window: QWidget) -> InstanceServer:
    server = InstanceServer(folder, window)
    server.show_requested.connect(lambda: bring_to_front(window))
    return server


def ask_first_instance_to_come_forward(folder: Path, timeout_ms: int = 1000) -> bool:
    """Whether a CSA Desktop already showing this folder answered and came to the front."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(folder))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(COME_FORWARD)
    socket.flush()
    answered = (socket.waitForReadyRead(timeout_ms)
                and bytes(socket.readAll().data()).startswith(b"ok"))
    socket.disconnectFromServer()
    return bool(answered)
