"""Developer tools run from the checkout (``python -m tools.screenshots`` ...); not shipped."""
