"""Before the first window: can Qt's X11 plugin load here? If not, say what to install.

Qt 6.5+ links its xcb platform plugin against a dozen X libraries that a fresh Debian 12
desktop lacks in part (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, ...). Without
them ``QApplication()`` prints "could not load the Qt platform plugin xcb" and aborts
the process (exit 134), which a user reads as a crash. This module checks for those
libraries first, without importing Qt, and names the packages.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: The shared libraries Qt 6's xcb plugin (libqxcb.so and libQt6XcbQpa.so.6, PySide6
#: 6.5-6.11) needs from the system, and the Debian/Ubuntu package of each.
XCB_PLUGIN_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libGL.so.1": "libgl1",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def can_load(soname: str) -> bool:
    """Whether the dynamic loader finds ``soname`` (and what it needs) right now.

    dlopen searches exactly where Qt's own loading will (LD_LIBRARY_PATH, the ld.so
    cache, the default folders), so there is no second opinion to disagree with it.
    """
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will pick its X11 plugin: Linux/BSD, X display, not told otherwise."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        # "xcb", "xcb:...", or a fallback list such as "wayland;xcb"
        return chosen.split(";")[0].split(":")[0] == "xcb" and bool(environ.get("DISPLAY"))
    # Under Wayland Qt takes its wayland plugin first; xcb is only its fallback.
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def missing_xcb_libraries(
    environ: Mapping[str, str] | None = None,
    lookup: Callable[[str], bool] | None = None,
    platform: str = sys.platform,
) -> list[str]:
    """The system libraries Qt's xcb plugin needs that cannot be loaded (sonames).

    Empty when all are there, or when Qt will not use the xcb plugin at all.
    ``lookup(soname) -> bool`` defaults to :func:`can_load`.
    """
    environ = os.environ if environ is None else environ
    lookup = lookup or can_load
    if not uses_xcb(environ, platform):
        return []
    return [soname for soname in XCB_PLUGIN_LIBRARIES if not lookup(soname)]


def install_advice(missing: list[str]) -> str:
    """What to tell the user: which libraries are missing and the apt-get line."""
    packages = list(dict.fromkeys(XCB_PLUGIN_LIBRARIES[s] for s in missing))
    return (
        "w2v-gui: Qt cannot open a window: its X11 (xcb) plugin needs system libraries "
        f"that are not installed: {', '.join(missing)}.\n"
        "On Debian or Ubuntu install them with:\n\n"
        f"    sudo apt-get install {' '.join(packages)}\n\n"
        "(other systems: the packages that provide these files, e.g. xcb-util-cursor on "
        "Fedora). The command line, w2v, works without them.\n"
    )


def check_display(environ: Mapping[str, str] | None = None, err=None) -> bool:
    """Print the advice and return False if the X11 plugin would fail to load."""
    missing = missing_xcb_libraries(environ)
    if missing:
        (err or sys.stderr).write(install_advice(missing))
    return not missing
