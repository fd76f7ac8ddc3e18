"""The app factory and configuration from the environment."""
from datetime import timedelta

import pytest

from portal import config, create_app

ENV_VARS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PASSAGE_DATA_DIR", "PASSAGE_ENCRYPTION_KEY", "PASSAGE_ENV",
            "PASSAGE_IDLE_MINUTES", "PASSAGE_SECURE_COOKIES", "PASSAGE_UPLOAD_MAX_MB", "PASSAGE_AUDIT_KEY",
            "PASSAGE_AUDIT_OLD_KEYS", "PASSAGE_PROXY_HOPS")
STRONG_KEY = "k" * 48
FERNET_KEY = "ZmRlZmRlZmRlZmRlZmRlZmRlZmRlZmRlZmRlZmRlZmQ="


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PASSAGE_INSTANCE_DIR", str(tmp_path / "instance"))
    return monkeypatch


def test_embedded_defaults_need_no_server(clean_env, tmp_path):
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'passage.db'}"
    assert app.config["REDIS_URL"] is None
    assert app.config["DATA_DIR"] == str(tmp_path / "instance" / "data")
    assert app.config["IDLE_TIMEOUT"] == timedelta(minutes=30)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert (tmp_path / "instance" / "data").is_dir()


def test_settings_come_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/passage")
    clean_env.setenv("REDIS_URL", "redis://cache.example:6379/2")
    clean_env.setenv("SECRET_KEY", STRONG_KEY)
    clean_env.setenv("PASSAGE_DATA_DIR", str(tmp_path / "store"))
    clean_env.setenv("PASSAGE_ENCRYPTION_KEY", FERNET_KEY)
    clean_env.setenv("PASSAGE_IDLE_MINUTES", "12")
    clean_env.setenv("PASSAGE_SECURE_COOKIES", "yes")
    clean_env.setenv("PASSAGE_UPLOAD_MAX_MB", "5")
    settings = config.from_environment(str(tmp_path))
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u:p@db.example:5432/passage"
    assert settings["REDIS_URL"] == "redis://cache.example:6379/2"
    assert settings["SECRET_KEY"] == STRONG_KEY
    assert settings["DATA_DIR"] == str(tmp_path / "store")
    assert settings["ENCRYPTION_KEY"] == FERNET_KEY
    assert settings["IDLE_TIMEOUT"] == timedelta(minutes=12)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["UPLOAD_MAX_BYTES"] == 5 * 1024 * 1024


def test_postgresql_url_gets_the_psycopg_driver(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgresql://u@h/d")
    assert config.from_environment(str(tmp_path))["DATABASE_URL"] == "postgresql+psycopg://u@h/d"


def test_test_config_overrides_the_environment(clean_env, tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}", "TESTING": True})
    assert app.config["DATABASE_URL"].endswith("other.db") and app.testing


def test_production_refuses_the_development_secret_key(clean_env):
    clean_env.setenv("PASSAGE_ENV", "production")
    clean_env.setenv("PASSAGE_ENCRYPTION_KEY", FERNET_KEY)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app()
    clean_env.setenv("SECRET_KEY", "short")
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_the_development_encryption_key(clean_env):
    clean_env.setenv("PASSAGE_ENV", "production")
    clean_env.setenv("SECRET_KEY", STRONG_KEY)
    with pytest.raises(config.ConfigError, match="PASSAGE_ENCRYPTION_KEY"):
        create_app()


def test_production_refuses_the_development_audit_key_or_a_shared_one(clean_env):
    clean_env.setenv("PASSAGE_ENV", "production")
    clean_env.setenv("SECRET_KEY", STRONG_KEY)
    clean_env.setenv("PASSAGE_ENCRYPTION_KEY", FERNET_KEY)
    with pytest.raises(config.ConfigError, match="PASSAGE_AUDIT_KEY must be set"):
        create_app()
    clean_env.setenv("PASSAGE_AUDIT_KEY", STRONG_KEY)
    with pytest.raises(config.ConfigError, match="a key of its own"):
        create_app()


def test_proxy_hops_must_be_a_small_number(clean_env):
    clean_env.setenv("PASSAGE_PROXY_HOPS", "many")
    with pytest.raises(config.ConfigError, match="PASSAGE_PROXY_HOPS"):
        create_app()


def test_production_starts_with_real_keys(clean_env):
    clean_env.setenv("PASSAGE_ENV", "production")
    clean_env.setenv("SECRET_KEY", STRONG_KEY)
    clean_env.setenv("PASSAGE_ENCRYPTION_KEY", FERNET_KEY)
    clean_env.setenv("PASSAGE_AUDIT_KEY", "another-long-random-audit-key-" + "x" * 20)
    app = create_app()
    assert app.config["ENV_NAME"] == "production"


def test_development_mode_accepts_the_development_keys(clean_env):
    app = create_app()
    assert app.config["SECRET_KEY"] == config.DEV_SECRET_KEY


def test_health_check(clean_env):
    assert create_app().test_client().get("/health").get_json() == {"status": "ok"}
