"""Bringing a ward's lists in from Excel (see ``kinds`` for the shape of a sheet kind)."""
