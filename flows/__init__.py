"""The pure flow engine: flows are validated YAML data driven by `advance()`.

Nothing in this package performs I/O; a test checks its imports.
"""
