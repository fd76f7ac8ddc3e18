"""Youth participation: invitations, one-time sign-in codes, what a youth sees of their packets."""
