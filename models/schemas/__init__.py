"""Pydantic schemas of the JSON API: XCreate (input), XRead (output), XPage (lists)."""
