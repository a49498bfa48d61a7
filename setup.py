"""Package discovery under one import name (metadata is in pyproject.toml).

The design card fixes the top-level folders ``core/``, ``w2v_gui/`` and ``assets/``. A wheel
that installed them as they are would put the generic names ``core`` and ``assets`` into
site-packages, where they collide with any other distribution's. So the folders are found
by discovery and mapped under this project's own name: ``core/`` -> ``w2v_gui.core``,
``assets/`` -> ``w2v_gui.assets``. Editable installs map them the same way.
"""

from setuptools import find_packages, setup

MAPPED = {"core": "w2v_gui.core", "assets": "w2v_gui.assets"}

packages = find_packages(include=["w2v_gui", "w2v_gui.*"])
for folder, name in MAPPED.items():
    packages += [
        name + found[len(folder) :] for found in find_packages(include=[folder, folder + ".*"])
    ]

setup(packages=packages, package_dir={name: folder for folder, name in MAPPED.items()})
