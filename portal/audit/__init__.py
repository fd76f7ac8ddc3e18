"""The audit log: the tamper-evident chain every area writes to (chain), and browsing it (browse)."""
from portal.audit.chain import record, seal, verify_chain

__all__ = ["record", "seal", "verify_chain"]
