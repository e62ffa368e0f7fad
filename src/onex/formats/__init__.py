"""Per-locale format overrides (``FORMAT_MODULE_PATH``)."""
