"""Transforms from staging rows to warehouse rows: normalise, pay, tag, deduplicate."""
