"""Imports every module that defines tables, so the metadata (and Alembic) sees them all."""
from portal import models  # noqa: F401
from portal import referral_models, youth_models  # noqa: F401  (H5: youth, referrals, directory)
from portal import review_models  # noqa: F401  (H4: review, lifecycle, dashboard)
