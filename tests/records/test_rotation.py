"""Key rotation: files and cached parts move to the new key while both keys can read; the command resumes
after being killed halfway; an old key is retired only when nothing, backups included, uses it."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from portal.db import session_scope
from portal.documents import keyring, part_cache, storage
from portal.models import BackupRecord
from portal.records import rotation
from tests.support.app import make_app

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _apps(tmp_path):
    """The same instance before the rotation (old key) and after (new key, old key still configured)."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    common = {"SECRET_KEY": "rotation-test-secret", "DATA_DIR": str(tmp_path / "data")}
    before = make_app(tmp_path, url, ENCRYPTION_KEY=OLD, **common)
    after = make_app(tmp_path, url, ENCRYPTION_KEY=NEW, ENCRYPTION_OLD_KEYS=[OLD], **common)
    return before, after


def test_rotation_reseals_files_and_parts_and_frees_the_old_key(tmp_path):
    before, after = _apps(tmp_path)
    keys = [storage.save(f"evidence {n}".encode(), before) for n in range(5)]
    cache = part_cache.for_packet(before, "packet-1")
    cache.put("part-a", b"%PDF part")
    fresh = storage.save(b"written after the switch", after)  # new writes use the new key at once
    assert all(storage.load(key, after) == f"evidence {n}".encode() for n, key in enumerate(keys))

    with after.app_context(), session_scope(after) as session:
        use = rotation.usage(after, session)
    old_id, new_id = keyring.key_id(OLD), keyring.key_id(NEW)
    assert (use[old_id].files, use[old_id].parts, use[new_id].files) == (5, 1, 1)

    report = rotation.rotate(after)
    assert (report.files_resealed, report.files_current, report.parts_resealed) == (5, 1, 1)
    assert rotation.rotate(after).files_resealed == 0  # nothing left: running it again is harmless
    only_new = make_app(tmp_path, f"sqlite:///{tmp_path / 'test.db'}", ENCRYPTION_KEY=NEW,
                        SECRET_KEY="rotation-test-secret", DATA_DIR=str(tmp_path / "data"))
    assert [storage.load(key, only_new) for key in keys] == [f"evidence {n}".encode() for n in range(5)]
    assert storage.load(fresh, only_new) == b"written after the switch"
    assert part_cache.for_packet(only_new, "packet-1").get("part-a") == b"%PDF part"

    runner = after.test_cli_runner()
    with after.app_context(), session_scope(after) as session:
        session.add(BackupRecord(id="b-1", key_ids=[old_id], location="/backups/one"))
    result = runner.invoke(args=["key-status", "--retire", old_id])
    assert result.exit_code == 1 and "still needed" in result.output and "b-1" in result.output
    assert runner.invoke(args=["backup-discarded", "b-1", "--yes"]).exit_code == 0
    result = runner.invoke(args=["key-status", "--retire", old_id])
    assert result.exit_code == 0 and "no longer used" in result.output
    assert runner.invoke(args=["key-status", "--retire", new_id]).exit_code == 1


def test_rotate_key_asks_first(tmp_path):
    _before, after = _apps(tmp_path)
    result = after.test_cli_runner().invoke(args=["rotate-key"], input="n\n")
    assert result.exit_code == 1 and "Re-encrypt" in result.output and "Aborted" in result.output


def test_rotate_key_killed_halfway_resumes(tmp_path):
    before, after = _apps(tmp_path)
    payloads = {storage.save(os.urandom(2048) + bytes([n % 256]), before): n for n in range(120)}
    originals = {key: storage.load(key, before) for key in payloads}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": after.config["DATABASE_URL"],
           "PASSAGE_DATA_DIR": after.config["DATA_DIR"], "SECRET_KEY": "rotation-test-secret",
           "PASSAGE_ENCRYPTION_KEY": NEW, "PASSAGE_ENCRYPTION_OLD_KEYS": OLD,
           "PASSAGE_INSTANCE_DIR": str(tmp_path / "instance")}
    command = [sys.executable, "-m", "flask", "--app", "portal", "rotate-key", "--yes"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith("files 12/"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    ring = keyring.for_app(after)
    under_new = sum(keyring.split(storage.path_of(key, after).read_bytes())[0] == ring.current_id for key in payloads)
    assert 12 <= under_new < 120  # stopped halfway, and every file still opens
    assert all(storage.load(key, after) == data for key, data in originals.items())

    finished = after.test_cli_runner().invoke(args=["rotate-key", "--yes"])  # resumed (in-process: a second
    assert finished.exit_code == 0, finished.output                           # interpreter start costs seconds)
    assert f"Files re-encrypted: {120 - under_new}, already under the current key: {under_new}" in finished.output
    assert all(storage.load(key, after) == data for key, data in originals.items())
    assert not list(storage.root(after).glob("*/.*"))  # a copy the kill left half-written is cleared


@pytest.mark.parametrize("damage", [b"", b"passage-key:unknownkey12\nxyz", b"not a token"])
def test_a_file_no_key_opens_is_reported_not_rewritten(tmp_path, damage):
    _before, after = _apps(tmp_path)
    key = storage.save(b"fine", after)
    bad = storage.path_of(storage.new_key(), after)
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(damage)
    report = rotation.rotate(after)
    assert report.files_unreadable == [bad.name] and bad.read_bytes() == damage
    assert storage.load(key, after) == b"fine"
