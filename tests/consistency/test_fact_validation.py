"""The rules each kind of facility key fact follows (consistency/facts.py), without a database."""

from decimal import Decimal

import pytest

from consistency.facts import PHONE_MESSAGE, FactsInvalidError, FactValue, facts_clean


def errors_of(raw: dict) -> dict[str, list[str]]:
    with pytest.raises(FactsInvalidError) as caught:
        facts_clean(raw)
    return caught.value.errors


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("(217) 555-0142", "+12175550142"),
        ("217.555.0142", "+12175550142"),
        ("+1 412 268 3000", "+14122683000"),
        ("1-412-268-3000", "+14122683000"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phones_are_stored_in_e164_with_the_us_as_default_region(written, stored):
    assert facts_clean({"onsite_contact_phone": written}) == {"onsite_contact_phone": FactValue(text=stored)}


@pytest.mark.parametrize("written", ["911", "555-CALL-NOW", "(555) 123-4567", "12", "+1 217 555 01420000"])
def test_impossible_phones_are_refused_with_an_example_of_a_good_one(written):
    assert errors_of({"onsite_contact_phone": written}) == {"onsite_contact_phone": [PHONE_MESSAGE]}


def test_phone_extensions_are_refused_because_e164_cannot_hold_them():
    assert "extension" in errors_of({"onsite_contact_phone": "(412) 268-3000 x12"})["onsite_contact_phone"][0]


def test_a_place_keeps_its_words_and_a_rounded_coordinate_pair():
    cleaned = facts_clean(
        {"reunification_site": {"text": "  Lincoln   Middle gym ", "latitude": "41.8781236", "longitude": -87.6298}}
    )
    assert cleaned == {
        "reunification_site": FactValue(
            text="Lincoln Middle gym", latitude=Decimal("41.878124"), longitude=Decimal("-87.629800")
        )
    }


def test_a_place_may_be_given_as_its_text_alone():
    assert facts_clean({"command_post": "North parking lot"}) == {"command_post": FactValue(text="North parking lot")}


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ({"text": "Gym", "latitude": 41.9}, "Give the longitude too"),
        ({"text": "Gym", "longitude": -87.6}, "Give the latitude too"),
        ({"text": "Gym", "latitude": 91, "longitude": 0}, "Latitude must be between -90 and 90"),
        ({"text": "Gym", "latitude": 0, "longitude": -180.5}, "Longitude must be between -180 and 180"),
        ({"text": "Gym", "latitude": "north", "longitude": 0}, "Latitude must be a number"),
        ({"text": "Gym", "latitude": True, "longitude": 0}, "Latitude must be a number"),
        ({"text": "Gym", "latitude": "NaN", "longitude": 0}, "Latitude must be between"),
        ({"latitude": 41.9, "longitude": -87.6}, "Describe the place in words too"),
        ({"text": "x" * 301}, "Keep the description to 300 characters"),
        ({"text": "Gym", "floor": 2}, "Unknown part floor"),
        (["Gym"], "Give a place as"),
    ],
)
def test_bad_places_are_refused_by_key_with_what_to_fix(place, message):
    errors = errors_of({"staging_area": place})
    assert list(errors) == ["staging_area"]
    assert any(text.startswith(message) for text in errors["staging_area"]), errors


def test_coordinates_at_the_limits_are_accepted():
    cleaned = facts_clean({"knox_box": {"text": "Left of door A", "latitude": -90, "longitude": 180}})
    assert cleaned["knox_box"].latitude == Decimal("-90")
    assert cleaned["knox_box"].longitude == Decimal("180")


@pytest.mark.parametrize("channel", ["FD TAC-3", "CH 12/B", "Ops #2", "PD.MAIN", "x" * 60])
def test_radio_channels_in_a_radio_charset_are_accepted(channel):
    assert facts_clean({"radio_channel": channel}) == {"radio_channel": FactValue(text=channel)}


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("TAC_3", "Use only letters"),
        ("Fire (main)", "Use only"),
        ("Kanal Ä", "Use only"),
        ("x" * 61, "Keep the channel to 60"),
    ],
)
def test_radio_channels_outside_the_charset_or_too_long_are_refused(channel, message):
    assert errors_of({"radio_channel": channel})["radio_channel"][0].startswith(message)


def test_contact_roles_are_free_text_up_to_120_characters():
    assert facts_clean({"onsite_contact_role": "Principal (or assistant principal)"})
    assert errors_of({"onsite_contact_role": "r" * 121})["onsite_contact_role"][0].startswith("Keep the role to 120")


def test_empty_values_are_dropped_and_the_result_is_in_display_order():
    cleaned = facts_clean(
        {
            "onsite_contact_phone": "",
            "radio_channel": "FD TAC-3",
            "command_post": {"text": "", "latitude": None, "longitude": ""},
            "staging_area": None,
            "main_entry": "Door A",
        }
    )
    assert list(cleaned) == ["main_entry", "radio_channel"]


def test_unknown_keys_and_several_bad_facts_are_all_reported_at_once():
    errors = errors_of({"helipad": "Roof", "radio_channel": "TAC_3", "onsite_contact_phone": "12"})
    assert set(errors) == {"helipad", "radio_channel", "onsite_contact_phone"}
    assert errors["helipad"][0].startswith("Not a key fact; use one of: command_post")


def test_facts_must_be_an_object():
    assert "facts" in errors_of(["radio_channel"])  # type: ignore[arg-type]


def test_text_values_must_be_strings():
    assert errors_of({"radio_channel": 12}) == {"radio_channel": ["Give this as text."]}
