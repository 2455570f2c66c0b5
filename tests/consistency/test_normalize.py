"""The normalisation and comparison rules, on hand-built cases (pure functions, no database)."""

from decimal import Decimal

import pytest

from consistency.compare import FactValue, contradictions, differences, facts_agree, same_place
from consistency.models import ConflictKind, FactKey
from consistency.normalize import (
    USPS_ABBREVIATIONS,
    distance_metres,
    normalize_phone,
    normalize_radio,
    normalize_text,
)

SCHOOL = (Decimal("41.912000"), Decimal("-88.081000"))
# One degree of latitude is about 111,195 m on the mean sphere.
METRES_PER_DEGREE = 111_195.0


def north_of(point: tuple[Decimal, Decimal], metres: float) -> tuple[Decimal, Decimal]:
    return (point[0] + Decimal(str(round(metres / METRES_PER_DEGREE, 6))), point[1])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("1450 West Ash Street", "1450 W. Ash St."),
        ("Jefferson Middle School main gym, 1450 W Ash St", "JEFFERSON MIDDLE SCHOOL MAIN GYM - 1450 West Ash Street"),
        ("905 Prairie Ridge Parkway", "905 prairie ridge pkwy"),
        ("The north staff parking lot", "North staff  parking\tlot"),
        ("Fire & EMS staging, east bus loop", "Fire and EMS staging east bus loop"),
        ("St. Mark's Episcopal Church, 700 Central Avenue", "St Marks Episcopal Church 700 Central Ave"),
        ("St. Mark\u2019s Church", "st marks church"),
        ("300 Civic Center Dr", "300 Civic Centre Drive"),
        ("Café Lot", "cafe lot"),
        ("3100 N Kennicott Ave", "3100 North Kennicott Av"),
    ],
)
def test_the_same_place_in_different_spellings_normalises_to_the_same_text(first, second):
    assert normalize_text(first) == normalize_text(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Jefferson Middle School main gym", "Lakeview Middle School gym"),
        ("1450 W Ash St", "1450 E Ash St"),
        ("east bus loop", "west bus loop"),
        ("Door 1", "Door 7"),
    ],
)
def test_different_places_stay_different(first, second):
    assert normalize_text(first) != normalize_text(second)


def test_normalised_text_is_lower_case_words_with_usps_abbreviations():
    assert normalize_text("  The  North Parking-Lot, 12 Main Street!  ") == "n parking lot 12 main st"
    assert normalize_text("the") == "the"  # a lone "the" is the whole statement, kept
    assert normalize_text("") == ""


def test_the_usps_table_maps_full_words_to_their_abbreviations_only():
    assert USPS_ABBREVIATIONS["street"] == "st"
    assert USPS_ABBREVIATIONS["avenue"] == "ave"
    assert USPS_ABBREVIATIONS["north"] == "n"
    assert USPS_ABBREVIATIONS["southwest"] == "sw"
    # Every abbreviation is a fixed point, so applying the table twice changes nothing.
    for abbreviation in set(USPS_ABBREVIATIONS.values()):
        assert USPS_ABBREVIATIONS.get(abbreviation, abbreviation) == abbreviation


@pytest.mark.parametrize(
    "text", ["+16305550101", "(630) 555-0101", "630.555.0101", "1-630-555-0101", "+1 630 555 0101"]
)
def test_phone_numbers_compare_by_their_e164_digits(text):
    assert normalize_phone(text) == "+16305550101"


def test_different_phone_numbers_differ_and_an_empty_one_is_empty():
    assert normalize_phone("(630) 555-0101") != normalize_phone("(630) 555-0102")
    assert normalize_phone("+44 20 7946 0000") == "+442079460000"
    assert normalize_phone("none") == ""


def test_radio_channels_compare_by_upper_case_letters_and_digits():
    assert normalize_radio("LC Schools-1") == normalize_radio("LC SCHOOLS 1") == "LCSCHOOLS1"
    assert normalize_radio("Fire Ops 2") != normalize_radio("Fire Ops 3")
    assert normalize_radio("TAC #4 / 7.5") == "TAC475"


def test_haversine_distance_matches_known_metres():
    assert distance_metres(SCHOOL, SCHOOL) == 0
    assert distance_metres(SCHOOL, north_of(SCHOOL, 20)) == pytest.approx(20, abs=0.2)
    assert distance_metres(SCHOOL, north_of(SCHOOL, 400)) == pytest.approx(400, abs=0.5)
    # One degree of longitude at 41.9° N is about 82.8 km.
    east = (SCHOOL[0], SCHOOL[1] + 1)
    assert distance_metres(SCHOOL, east) == pytest.approx(82_760, rel=0.002)


def test_coordinates_20_metres_apart_are_the_same_place_even_when_the_words_differ():
    first = FactValue("Bus loop", *SCHOOL)
    second = FactValue("Front circle drive", *north_of(SCHOOL, 20))
    assert same_place(first, second)
    assert facts_agree(FactKey.STAGING_AREA, first, second)


def test_coordinates_400_metres_apart_are_different_places_even_when_the_words_agree():
    first = FactValue("Bus loop", *SCHOOL)
    second = FactValue("Bus loop", *north_of(SCHOOL, 400))
    assert not same_place(first, second)


def test_the_50_metre_threshold_is_inclusive_and_only_coordinates_on_both_sides_count():
    assert same_place(FactValue("a", *SCHOOL), FactValue("b", *north_of(SCHOOL, 49.5)))
    assert not same_place(FactValue("a", *SCHOOL), FactValue("b", *north_of(SCHOOL, 51)))
    # Coordinates on one side only: the words decide.
    assert same_place(FactValue("East bus loop", *SCHOOL), FactValue("east bus loop"))
    assert not same_place(FactValue("East bus loop", *SCHOOL), FactValue("west bus loop"))


def test_facts_are_compared_by_the_rule_of_their_kind():
    assert facts_agree(FactKey.ONSITE_CONTACT_PHONE, FactValue("+16305550101"), FactValue("(630) 555-0101"))
    assert facts_agree(FactKey.RADIO_CHANNEL, FactValue("LC SCHOOLS 1"), FactValue("lc schools-1"))
    assert not facts_agree(FactKey.RADIO_CHANNEL, FactValue("LC SCHOOLS 1"), FactValue("LC SCHOOLS 2"))
    assert facts_agree(FactKey.ONSITE_CONTACT_ROLE, FactValue("The Principal"), FactValue("principal"))
    # A radio channel is not a place: "North 1" and "N 1" are different talkgroups to a radio.
    assert not facts_agree(FactKey.RADIO_CHANNEL, FactValue("North 1"), FactValue("N 1"))


def test_differences_are_the_facts_both_sides_state_differently():
    school = {
        FactKey.REUNIFICATION_SITE: FactValue("Lakeview Middle School gym, 2200 Lakeview Dr"),
        FactKey.STAGING_AREA: FactValue("East bus loop"),
        FactKey.RADIO_CHANNEL: FactValue("LC SCHOOLS 2"),
    }
    fire = {
        FactKey.REUNIFICATION_SITE: FactValue("Lakeview Middle School Gym - 2200 Lakeview Drive"),
        FactKey.STAGING_AREA: FactValue("South parking lot"),
        FactKey.COMMAND_POST: FactValue("Front circle"),
    }
    findings = differences(school, fire)
    assert [(f.kind, f.first_key, f.second_key) for f in findings] == [
        (ConflictKind.DIFFERS, FactKey.STAGING_AREA, FactKey.STAGING_AREA)
    ]


def test_a_staging_area_where_the_other_plan_reunifies_contradicts_it():
    fire = {FactKey.STAGING_AREA: FactValue("Fairbrook Park District Recreation Center, 300 Civic Center Drive")}
    school = {
        FactKey.REUNIFICATION_SITE: FactValue("Fairbrook Park District Recreation Center, 300 Civic Center Dr"),
        FactKey.SHELTER_IN_PLACE: FactValue("Interior hallways"),
    }
    findings = contradictions(fire, school)
    assert [(f.kind, f.first_key, f.second_key) for f in findings] == [
        (ConflictKind.CONTRADICTS, FactKey.STAGING_AREA, FactKey.REUNIFICATION_SITE)
    ]
    # Gathering places on the responders' side are not contradictions of it.
    assert contradictions(school, fire) == []


def test_a_command_post_within_50_metres_of_the_evacuation_site_contradicts_it():
    police = {FactKey.COMMAND_POST: FactValue("Visitor lot", *SCHOOL)}
    school = {FactKey.EVACUATION_PRIMARY: FactValue("Church lot across the street", *north_of(SCHOOL, 30))}
    assert [f.second_key for f in contradictions(police, school)] == [FactKey.EVACUATION_PRIMARY]
    far = {FactKey.EVACUATION_PRIMARY: FactValue("Church lot", *north_of(SCHOOL, 400))}
    assert contradictions(police, far) == []
