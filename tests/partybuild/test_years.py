"""The one year vocabulary (partybuild.years): the same bounds and the same message, in the user's language,
from a model, a serializer, a form and a filter; the model validators name no bound in a migration."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assessments.api.reports import ReportParamsSerializer
from assessments.models import QuotaPolicy
from branches.filters.records import FinancialDisclosureFilter
from branches.filters.records import RoomInvestmentFilter
from partybuild.years import FIRST_DATE_YEAR
from partybuild.years import FIRST_YEAR
from partybuild.years import LAST_YEAR
from partybuild.years import FirstYearValidator
from partybuild.years import YearFormField

MESSAGES = {"zh-hans": "请选择 2000 至 2100 年之间的年份。", "en": "Choose a year from 2000 to 2100."}


def _model_errors(year):
    try:
        QuotaPolicy._meta.get_field("year").run_validators(year)
    except ValidationError as error:
        return error.messages
    return []


def _serializer_errors(year):
    serializer = ReportParamsSerializer(data={"organization": 1, "year": year})
    serializer.is_valid()
    return [str(message) for message in serializer.errors.get("year", [])]


def _form_errors(year):
    try:
        YearFormField().clean(year)
    except ValidationError as error:
        return error.messages
    return []


def _filter_errors(year):
    filterset = FinancialDisclosureFilter(data={"year": str(year)})
    filterset.is_valid()
    return [str(message) for message in filterset.errors.get("year", [])]


@pytest.mark.parametrize("language", sorted(MESSAGES))
@pytest.mark.parametrize("errors", [_model_errors, _serializer_errors, _form_errors, _filter_errors])
def test_every_layer_takes_the_same_years_with_the_same_message(errors, language):
    with translation.override(language):
        assert errors(FIRST_YEAR) == errors(LAST_YEAR) == []
        assert errors(FIRST_YEAR - 1) == errors(LAST_YEAR + 1) == [MESSAGES[language]]


def test_the_year_of_a_date_reaches_back_further():
    assert RoomInvestmentFilter(data={"year": str(FIRST_DATE_YEAR)}).is_valid()
    assert not RoomInvestmentFilter(data={"year": str(FIRST_DATE_YEAR - 1)}).is_valid()


def test_model_validators_deconstruct_without_the_bound():
    assert FirstYearValidator().deconstruct() == ("partybuild.years.FirstYearValidator", (), {})
