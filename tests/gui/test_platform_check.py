"""A desktop without Qt's X11 libraries gets the apt-get line, not an abort (exit 134)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from w2v_gui import platform_check as pc

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_12_DESKTOP_LACKS = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}


def debian_12(soname: str) -> bool:
    return soname not in DEBIAN_12_DESKTOP_LACKS


def test_missing_libraries_give_the_exact_apt_get_line():
    missing = pc.missing_xcb_libraries({"DISPLAY": ":0"}, lookup=debian_12, platform="linux")
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    advice = pc.install_advice(missing)
    assert "\n    sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in advice
    assert "libxcb-cursor.so.0" in advice


@pytest.mark.parametrize(
    "environ, platform, checked",
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "w-0"}, "linux", True),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),  # Qt takes wayland
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),  # no display: a different problem
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "darwin", False),
        ({"DISPLAY": ":0"}, "win32", False),
    ],
)
def test_only_checked_where_qt_would_load_its_xcb_plugin(environ, platform, checked):
    missing = pc.missing_xcb_libraries(environ, lookup=lambda s: False, platform=platform)
    assert bool(missing) is checked


def test_nothing_missing_nothing_said():
    assert pc.missing_xcb_libraries({"DISPLAY": ":0"}, lookup=lambda s: True) == []


def test_the_loader_answers_for_real_libraries():
    assert pc.can_load("libc.so.6")
    assert not pc.can_load("libw2v-gui-no-such-library.so.7")


def test_the_app_exits_with_the_advice_before_qt_aborts(tmp_path):
    """The real entry point under X with the libraries faked away: exit 3, one message."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":97", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    code = (
        "import sys\n"
        "from w2v_gui import platform_check as pc\n"
        f"pc.can_load = lambda s: s not in {sorted(DEBIAN_12_DESKTOP_LACKS)!r}\n"
        "from w2v_gui.app import main\n"
        "sys.exit(main(['--quit-after-ms', '100']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3, proc.stderr
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in proc.stderr
    assert "qt.qpa" not in proc.stderr and "Traceback" not in proc.stderr


def test_the_readme_lists_every_package_next_to_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    two_commands = readme[readme.index("## Two commands") :]
    two_commands = two_commands[: two_commands.index("\n## ", 5)]
    line = re.search(r"sudo apt-get install ([^\n`]+)", two_commands)
    assert line, "no apt-get line in the Two commands section"
    assert set(line.group(1).split()) == set(pc.XCB_PLUGIN_LIBRARIES.values())
