"""The services' refusals are in the language active when they are raised (a request's): English
by default, Russian under the Russian interface."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from actions import cases as case_actions
from cases import services
from cases.models import Ruling
from tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


def test_a_version_conflict_is_told_in_russian(case):
    case_actions.case_update(case=case, summary="First lawyer's edit", expected_version=1)
    with translation.override("ru"), pytest.raises(services.VersionConflict) as exc:
        case_actions.case_update(case=case, summary="Second lawyer's edit", expected_version=1)
    assert str(exc.value) == (
        "Дело: запись изменил кто-то другой (ваша копия — версия 1, текущая — 2). "
        "Обновите страницу и внесите изменение снова."
    )
    case.refresh_from_db()
    assert (case.summary, case.version) == ("First lawyer's edit", 2)


def test_a_protected_ruling_is_told_in_russian_and_kept():
    appeal = AppealFactory()
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        services.ruling_delete(ruling=appeal.ruling)
    assert exc.value.messages == ["Решение: на эту запись ещё ссылаются: жалобы. Сначала удалите их."]
    assert Ruling.objects.filter(pk=appeal.ruling_id).exists()


def test_a_model_constraint_is_told_in_the_active_language(case):
    for language, message in (
        ("en", "A closed case needs an outcome, and only a closed case has one."),
        ("ru", "У завершённого дела должен быть итог, и итог бывает только у завершённого дела."),
    ):
        with translation.override(language), pytest.raises(ValidationError) as exc:
            case_actions.case_update(case=case, status="closed")
        assert (language, exc.value.messages) == (language, [message])
    case.refresh_from_db()
    assert (case.status, case.version) == ("filed", 1)
