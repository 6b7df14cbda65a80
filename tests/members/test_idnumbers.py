"""Resident ID numbers (GB 11643): property-based checks of the checksum, the format and the birth date."""

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from members import idnumbers
from members.models import validate_id_number
from tests.utils.factories import MemberFactory

regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=timezone.localdate())
sequences = st.integers(min_value=0, max_value=999)
ASCII_ID_CHARACTERS = "0123456789X"


@given(regions, birth_dates, sequences)
def test_every_built_id_number_is_valid_and_carries_its_birth_date(region, born, sequence):
    id_number = idnumbers.build(region, born, sequence)
    assert idnumbers.parse(id_number) == id_number
    assert idnumbers.birth_date_of(id_number) == born


@given(
    regions,
    birth_dates,
    sequences,
    st.integers(min_value=0, max_value=17),
    st.sampled_from(ASCII_ID_CHARACTERS),
)
def test_any_single_character_change_fails_the_checksum_or_the_format(region, born, sequence, position, new):
    id_number = idnumbers.build(region, born, sequence)
    if id_number[position] == new:
        return
    changed = id_number[:position] + new + id_number[position + 1 :]
    with pytest.raises(idnumbers.IdNumberError) as refused:
        idnumbers.parse(changed)
    assert str(refused.value) in {"checksum", "characters", "birth_date"}


@given(regions, birth_dates, sequences, st.integers(min_value=0, max_value=16))
def test_swapping_two_different_neighbouring_digits_is_caught(region, born, sequence, position):
    id_number = idnumbers.build(region, born, sequence)
    a, b = id_number[position], id_number[position + 1]
    if a == b or "X" in (a, b):
        return
    swapped = id_number[:position] + b + a + id_number[position + 2 :]
    with pytest.raises(idnumbers.IdNumberError):
        idnumbers.parse(swapped)


@given(regions, birth_dates, sequences)
def test_lower_case_x_and_surrounding_spaces_are_normalized(region, born, sequence):
    id_number = idnumbers.build(region, born, sequence)
    assert idnumbers.parse(f"  {id_number.lower()} ") == id_number


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (130123196001010013, "not_text"),
        ("13012319600101001", "length"),
        ("1301231960010100133", "length"),
        ("13012319600101001A", "characters"),
        ("X30123196001010013", "characters"),
        ("130123196002300013", "birth_date"),
    ],
)
def test_malformed_id_numbers_are_refused_with_their_reason(raw, reason):
    with pytest.raises(idnumbers.IdNumberError) as refused:
        idnumbers.parse(raw)
    assert str(refused.value) == reason


@given(
    regions,
    birth_dates,
    sequences,
    st.integers(min_value=0, max_value=17),
    st.characters(exclude_categories=["Cs"]),
)
def test_any_single_character_change_to_any_character_is_refused(region, born, sequence, position, new):
    id_number = idnumbers.build(region, born, sequence)
    if unicodedata.normalize("NFKC", new).upper() == id_number[position]:
        return
    changed = id_number[:position] + new + id_number[position + 1 :]
    with pytest.raises(idnumbers.IdNumberError):
        idnumbers.parse(changed)


def test_full_width_digits_are_stored_as_the_same_ascii_number():
    id_number = idnumbers.build("130123", dt.date(1960, 1, 1), 1)
    full_width = id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert idnumbers.parse(full_width) == id_number


def test_other_scripts_digits_are_refused():
    id_number = idnumbers.build("130123", dt.date(1960, 1, 1), 1)
    arabic_indic = id_number[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + id_number[17]
    with pytest.raises(idnumbers.IdNumberError) as refused:
        idnumbers.parse(arabic_indic)
    assert str(refused.value) == "characters"


def test_validator_message_is_in_chinese_by_default():
    with pytest.raises(ValidationError) as refused:
        validate_id_number("130123196001010010")
    assert refused.value.messages == ["身份证号校验位不正确，请逐位核对。"]


def test_mask_keeps_region_and_last_four():
    assert idnumbers.mask("11010119900307123X") == "110101********123X"


@given(birth_dates, st.integers(min_value=1, max_value=400))
def test_a_birth_date_other_than_the_ids_is_refused(born, days):
    other = born - dt.timedelta(days=days)
    member = MemberFactory.build(birth_date=born, id_number=idnumbers.build("130123", born, 11))
    member.birth_date = other
    with pytest.raises(ValidationError) as refused:
        member.clean()
    assert "birth_date" in refused.value.message_dict


def test_a_birth_date_in_the_future_is_refused_even_when_it_matches_the_id():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    member = MemberFactory.build(birth_date=tomorrow, id_number=idnumbers.build("130123", tomorrow, 11))
    with pytest.raises(ValidationError) as refused:
        member.clean()
    assert refused.value.message_dict["birth_date"] == ["出生日期不能晚于今天。"]


def test_a_birth_date_of_today_is_accepted():
    today = timezone.localdate()
    member = MemberFactory.build(birth_date=today, id_number=idnumbers.build("130123", today, 11))
    # Someone born today cannot have joined yet (Member.clean's other rules); the birth date itself stands.
    with pytest.raises(ValidationError) as refused:
        member.clean()
    assert "birth_date" not in refused.value.message_dict
