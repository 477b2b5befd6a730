"""The signed-in page clients of tests/pages, for the auditors' verification page."""

from tests.pages.conftest import people  # noqa: F401  (a fixture)
