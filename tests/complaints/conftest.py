"""Complaints tests share the root conftest's `file` and `category` fixtures; the points and
the valid national code are the factories' (tests/factories.py)."""

from __future__ import annotations

from tests.factories import INSIDE_HM02, INSIDE_K01, INSIDE_K02, VALID_NATIONAL_CODE

__all__ = ["INSIDE_HM02", "INSIDE_K01", "INSIDE_K02", "VALID_NATIONAL_CODE"]
