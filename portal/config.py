"""Configuration read from the environment, with embedded defaults that need no server."""
import os
from datetime import timedelta
from pathlib import Path

DEV_SECRET_KEY = "passage-development-key-not-for-production"
# A fixed Fernet key for the embedded demo only; production must set PASSAGE_ENCRYPTION_KEY.
DEV_ENCRYPTION_KEY = "cGFzc2FnZS1kZXYta2V5LW5vdC1mb3ItcHJvZHVjdGk="
# The audit log's MAC key, for the embedded demo only; production must set PASSAGE_AUDIT_KEY.
DEV_AUDIT_KEY = "passage-audit-development-key-not-for-production"


class ConfigError(RuntimeError):
    """The environment asks for something unsafe or impossible."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict:
    env = os.environ
    data_dir = Path(env.get("PASSAGE_DATA_DIR") or Path(instance_path) / "data")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'passage.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "ENV_NAME": env.get("PASSAGE_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "DATABASE_URL": database_url,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "DATA_DIR": str(data_dir),
        "ENCRYPTION_KEY": env.get("PASSAGE_ENCRYPTION_KEY", DEV_ENCRYPTION_KEY),
        # Keys used before a rotation, comma-separated: files they sealed still open (flask rotate-key).
        "ENCRYPTION_OLD_KEYS": [key.strip() for key in env.get("PASSAGE_ENCRYPTION_OLD_KEYS", "").split(",")
                                if key.strip()],
        "IDLE_TIMEOUT": timedelta(minutes=int(env.get("PASSAGE_IDLE_MINUTES", "30"))),
        "UPLOAD_MAX_BYTES": int(env.get("PASSAGE_UPLOAD_MAX_MB", "20")) * 1024 * 1024,
        "SESSION_COOKIE_SECURE": _bool(env.get("PASSAGE_SECURE_COOKIES"), False),
        "MAIL_OUTBOX_DIR": env.get("PASSAGE_MAIL_OUTBOX") or str(Path(instance_path) / "outbox"),
        "BASE_URL": env.get("PASSAGE_BASE_URL", ""),
        "AUDIT_KEY": env.get("PASSAGE_AUDIT_KEY", DEV_AUDIT_KEY),
        # Keys used before a rotation, comma-separated: rows they signed still verify.
        "AUDIT_OLD_KEYS": [key.strip() for key in env.get("PASSAGE_AUDIT_OLD_KEYS", "").split(",") if key.strip()],
        "AUDIT_CHECKPOINT_EVERY": int(env.get("PASSAGE_AUDIT_CHECKPOINT_EVERY", "100")),
        # How often each worker runs the maintenance tick (renders whose worker died, renders waiting for Redis).
        "MAINTENANCE_SECONDS": int(env.get("PASSAGE_MAINTENANCE_SECONDS", "30")),
        # Seconds without a heartbeat before a render's worker counts as gone (the heartbeat beats 6 times as often).
        "RENDER_STALE_SECONDS": int(env.get("PASSAGE_RENDER_STALE_SECONDS", "30")),
        "PROXY_HOPS": _count(env.get("PASSAGE_PROXY_HOPS"), "PASSAGE_PROXY_HOPS"),
    }


def _count(value: str | None, name: str) -> int:
    if not value:
        return 0
    if not value.strip().isdigit() or int(value) > 5:
        raise ConfigError(f"{name} must be a whole number from 0 to 5 (the proxies in front of Passage).")
    return int(value)


def check_production_safety(config: dict) -> None:
    """Refuse to run in production with development secrets."""
    if config.get("ENV_NAME") != "production":
        return
    if config["SECRET_KEY"] == DEV_SECRET_KEY or len(config["SECRET_KEY"]) < 32:
        raise ConfigError("SECRET_KEY must be set to a long random value in production.")
    if config["ENCRYPTION_KEY"] == DEV_ENCRYPTION_KEY:
        raise ConfigError("PASSAGE_ENCRYPTION_KEY must be set in production.")
    audit_key = config["AUDIT_KEY"]
    if audit_key == DEV_AUDIT_KEY or len(audit_key) < 32:
        raise ConfigError("PASSAGE_AUDIT_KEY must be set to a long random value in production.")
    if audit_key in (config["SECRET_KEY"], config["ENCRYPTION_KEY"]):
        raise ConfigError("PASSAGE_AUDIT_KEY must be a key of its own, not SECRET_KEY or PASSAGE_ENCRYPTION_KEY.")
