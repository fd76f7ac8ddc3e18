"""Documents: evidence uploads, packet PDFs rendered by the worker, and the encrypted file store."""
