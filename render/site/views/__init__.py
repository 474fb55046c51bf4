"""Turn requests into pages: one module per concern (pages, editor, files, accounts)."""
