"""Submission channels and IRCC document types, read from facts.toml (#17)."""
from datetime import date

import pytest

from portal.forms import channels, facts
from portal.forms.registry import PacketTypes


def test_every_packet_type_in_the_package_has_a_channel_with_a_source():
    """A new packet type (wt-16 adds some) fails here until facts.toml says how IRCC takes it."""
    missing = [key for key in PacketTypes() if channels.find_channel(key) is None]
    assert not missing, f"add a [[channel]] to portal/data/facts.toml for: {missing}"
    for key in PacketTypes():
        channel = channels.channel_for(key)
        assert channel.source and channel.why
        assert channel.channel in channels.CHANNELS and channel.preferred in (channels.ONLINE, channels.PAPER)
        if channel.online_possible:
            assert channel.online_by, f"{key}: who may submit online?"
        if channel.paper_possible:
            assert channel.paper_by, f"{key}: who may submit on paper?"


def test_a_type_without_a_channel_fails_loudly():
    with pytest.raises(channels.ChannelMissing, match="no_such_type"):
        channels.channel_for("no_such_type")
    assert channels.find_channel("no_such_type") is None


def test_state_care_is_paper_only_with_address_and_last_day_of_receipt():
    channel = channels.channel_for("state_care_pr")
    assert channel.channel == channels.PAPER and channel.applies("online") == channels.PAPER
    assert channel.deadline == date(2027, 1, 21)
    assert "300-800 Burrard Street" in channel.mailing
    notes = " ".join(channels.checklist_notes(channel, channels.PAPER))
    assert "2027-01-21" in notes and "Burrard" in notes and "Validate" in notes


def test_citizenship_for_a_minor_is_online_by_a_guardian_not_a_representative():
    channel = channels.channel_for("cit_0403")
    assert channel.channel == channels.EITHER and channel.applies() == channels.ONLINE
    assert channel.applies("paper") == channels.PAPER
    assert "representative" not in channel.online_by and "guardian" in channel.online_by
    assert channel.verify and channel.cite().endswith("(VERIFY)")


def test_online_checklist_drops_photos_and_envelope_paper_keeps_barcode_reminder():
    online = channels.channel_for("cit_0403")
    assert channels.not_needed(online, channels.ONLINE, "photos")
    assert not channels.not_needed(online, channels.PAPER, "photos")
    notes = " ".join(channels.checklist_notes(online, channels.ONLINE))
    assert "envelope" in notes and "Validate" not in notes
    work_permit = channels.channel_for("imm_5710")
    assert "barcode page" in " ".join(channels.checklist_notes(work_permit, channels.PAPER))


def test_document_types_name_kit_files_without_personal_data():
    assert channels.document_type("passport").file_stem == "Proof-of-identity_Passport"
    fallback = channels.document_type("unlisted_item", "Letter explaining why (the minor)")
    assert fallback.type == channels.DEFAULT_DOCUMENT_TYPE
    assert fallback.file_stem == "Optional-documents_Letter-explaining-why-the"


def test_upload_limit_comes_from_the_facts_file():
    assert channels.upload_max_bytes() == facts.number("online_upload_max_bytes") == 4 * 1024 * 1024


def test_a_channel_entry_without_a_source_is_refused(tmp_path, monkeypatch):
    broken = tmp_path / "facts.toml"
    broken.write_text('[[channel]]\npacket_type = "x"\nchannel = "online"\nwhy = "because"\n')
    monkeypatch.setenv("PASSAGE_FACTS_FILE", str(broken))
    with pytest.raises(facts.FactsError, match="source"):
        channels.channel_for("x")
