"""Shared widgets: plot export, the background-work status line."""
