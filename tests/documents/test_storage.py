"""The encrypted file store."""
from pathlib import Path

import pytest

from portal.documents import storage


def test_files_are_encrypted_at_rest_under_random_names(app):
    with app.app_context():
        secret = b"%PDF-1.7 passport of Amira Haddad"
        key = storage.save(secret)
        path = Path(app.config["DATA_DIR"]) / "files" / key[:2] / key
        on_disk = path.read_bytes()
        assert b"Amira" not in on_disk and secret not in on_disk
        assert "Amira" not in key and len(key) == 48
        assert storage.load(key) == secret
        assert not list(path.parent.glob(".partial-*")), "no temporary file is left behind"


def test_tampered_or_missing_files_are_refused(app):
    with app.app_context():
        key = storage.save(b"data")
        path = Path(app.config["DATA_DIR"]) / "files" / key[:2] / key
        path.write_bytes(path.read_bytes()[:-5] + b"xxxxx")
        with pytest.raises(storage.StorageError):
            storage.load(key)
        storage.delete(key)
        with pytest.raises(storage.StorageError):
            storage.load(key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "", "ABC", "a/b"])
def test_keys_cannot_name_paths(app, key):
    with app.app_context(), pytest.raises(storage.StorageError):
        storage.load(key)


def test_another_key_cannot_decrypt(app, tmp_path):
    from cryptography.fernet import Fernet

    with app.app_context():
        key = storage.save(b"secret")
        app.config["ENCRYPTION_KEY"] = Fernet.generate_key().decode()
        with pytest.raises(storage.StorageError):
            storage.load(key)
