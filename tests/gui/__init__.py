"""pytest-qt tests of the real window."""
