"""One module per panel; each shows core objects and emits what the person asked for."""
