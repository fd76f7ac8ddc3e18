"""The French catalogue is complete: every string marked in the code and templates has a French translation,
keeps its placeholders and markup, and differs from the English unless it is a name, a code or a unit listed
in translations/same_in_french.txt."""
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
SAME = ROOT / "translations" / "same_in_french.txt"
# What must come through a translation unchanged: named and positional placeholders, HTML tags and entities.
KEPT = re.compile(r"%\([a-z_]+\)[sdr]|%[sd]|\{[a-z_]*\}|<[^>]+>|&[a-z]+;")


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> dict:
    """Every string marked for translation today, extracted from the source as `make messages` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(["pybabel", "--quiet", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k",
                                "lazy_gettext", "-o", str(pot), str(ROOT)])
    with pot.open("rb") as file:
        return {(message.id, message.context): message for message in read_po(file) if message.id}


@pytest.fixture(scope="module")
def french() -> dict:
    """The catalogue, keyed like `marked` by (message, context): "Open" the link and "Open" the status differ."""
    with PO.open("rb") as file:
        return {(message.id, message.context): message for message in read_po(file) if message.id}


def _forms(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_marked_string_has_a_french_translation(marked, french):
    missing = [message_id for message_id in marked if message_id not in french
               or not all(_forms(french[message_id])) or french[message_id].fuzzy]
    assert not missing, f"{len(missing)} marked strings have no French translation (run `make messages` and " \
                        f"translate them): {missing[:10]}"


def test_translations_keep_placeholders_and_markup(french):
    broken = []
    for (message_id, _context), message in french.items():
        english = message_id[-1] if isinstance(message_id, tuple) else message_id
        for form in _forms(message):
            if form and sorted(KEPT.findall(form)) != sorted(KEPT.findall(english)):
                broken.append((english, form))
    assert not broken, broken[:5]


def test_a_french_string_equals_the_english_only_when_listed(french):
    allowed = {line for line in SAME.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    same = [message_id for (message_id, _context), message in french.items()
            if not isinstance(message_id, tuple) and message.string == message_id and message_id not in allowed]
    assert not same, f"French equals English and is not in {SAME.name}: {same[:10]}"
    stale = allowed - {message_id for message_id, _context in french}
    assert not stale, f"{SAME.name} lists strings that are no longer marked: {sorted(stale)[:10]}"


def test_the_catalogue_has_no_translation_for_a_string_no_longer_marked(marked, french):
    obsolete = [message_id for message_id in french if message_id not in marked]
    assert not obsolete, f"run `make messages` to drop strings no longer used: {obsolete[:10]}"
