"""Imports every module that defines tables, so the metadata (and Alembic) sees them all."""
from portal import models  # noqa: F401
from portal import review_models  # noqa: F401  (H4: review, lifecycle, dashboard)
