"""The audit log: rows signed and chained as they are written (chain), checkpoints of the chain kept outside
the table (checkpoints), checking it all (verify), pruning and restores (retention), and browsing it (browse)."""
from portal.audit.chain import record, seal
from portal.audit.checkpoints import init_app
from portal.audit.retention import checkpoint_if_due, prune, restored
from portal.audit.verify import Report, verify, verify_chain

__all__ = ["record", "seal", "init_app", "checkpoint_if_due", "prune", "restored", "Report", "verify",
           "verify_chain"]
