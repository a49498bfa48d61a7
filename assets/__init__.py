"""Data that ships with the app: demo corpus, evaluation sets, screenshots (see README.md)."""
