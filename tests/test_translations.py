"""The Chinese catalog is complete: every message has a translation and none is left fuzzy."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
def test_the_chinese_catalog_has_no_untranslated_or_fuzzy_message():
    answer = subprocess.run(
        ["msgfmt", "--statistics", "--check-format", "-o", "/dev/null", str(CATALOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    statistics = answer.stderr.strip().splitlines()[-1]
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_a_missing_value_never_reads_null_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("This field cannot be null.") == "此字段不能为空。"


def test_a_persons_name_is_labelled_xingming_and_an_organizations_mingcheng():
    from django.utils import translation

    from branches.models import Organization
    from members.models import Applicant
    from members.models import Cadre
    from members.models import Member
    from members.models import ReserveCadre

    with translation.override("zh-hans"):
        people = {
            str(model._meta.get_field("name").verbose_name)
            for model in (Member, Applicant, Cadre, ReserveCadre)
        }
        assert people == {"姓名"}
        assert str(Organization._meta.get_field("name").verbose_name) == "名称"
