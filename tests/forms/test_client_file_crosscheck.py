"""Answers that differ from the client file (date of birth, names, UCI) are flagged beside the field, which
offers both values: use the client file's, or keep the answer and correct the client file."""
from datetime import date

from portal.forms.crosscheck import client_file_differences
from tests.support.forms import load, save

CLIENT = {"dob": date(2012, 5, 17), "family_name": "Haddad", "given_names": "Amira", "uci": "12345678"}


def test_differences_are_found_and_spelling_variants_are_not():
    same = {"dob": "2012-05-17", "family_name": " haddad", "given_names": "Amira", "uci": "1234-5678"}
    assert client_file_differences(same, CLIENT) == {}
    other = {"dob": "2012-05-18", "family_name": "Hadad", "given_names": "", "uci": "00-1234-5678"}
    assert client_file_differences(other, CLIENT) == {"dob": "2012-05-17", "family_name": "Haddad",
                                                      "uci": "12345678"}
    assert client_file_differences(other, {}) == {}  # nothing in the client file: nothing to compare


def test_the_step_flags_the_difference_and_can_use_the_client_file(app, draft_world, auth, client):
    world = draft_world
    packet = save(app, packet=world.packet, user=world.worker, changes={"dob": "2012-06-17"})
    auth.login(world.worker)
    path = f"/packets/{packet.id}/steps/identity"
    page = client.get(path).get_data(as_text=True)
    assert 'id="dob-crosscheck"' in page and "2012-05-17" in page and "differs from the client file" in page
    response = auth.post(path, {"dob": "2012-06-17", "version": str(packet.version), "use_client_file": "dob"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="2012-05-17"' in html and 'id="dob-crosscheck"' not in html
    assert load(app, packet.id).answers["dob"] == "2012-06-17"  # shown for saving, not saved behind their back
