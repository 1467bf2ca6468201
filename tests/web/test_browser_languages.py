"""The public pages in Debian's Chromium (Playwright): each reader gets the case in their own
language, and a text that exists only in another language carries its real `lang`."""

import pytest

from tests.web.test_browser import browser, demo, new_page, shot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_russian_reader_gets_the_russian_case_and_an_english_reader_the_english_one(browser, demo):  # noqa: F811
    # a browser asking for Russian
    page = new_page(browser, locale="ru-RU")
    page.goto(f"{demo}/public/popova-v-moscow/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Попова против Москвы (распознавание лиц на акциях протеста)"
    assert page.get_by_text("Алёна Попова, активистка движения за права женщин").count() == 1
    assert page.get_by_text("Савёловский районный суд г. Москвы").count() >= 1
    assert page.get_by_text("Alena Popova").count() == 0
    shot(page, "40-public-case-ru")

    # the same page for an English reader
    page = new_page(browser, locale="en-GB")
    page.goto(f"{demo}/public/popova-v-moscow/")
    assert page.locator("h1").inner_text() == "Popova v. Moscow (facial recognition at protests)"
    assert page.get_by_text("Alena Popova, a women's-rights campaigner").count() == 1
    assert page.get_by_text("Попова").count() == 0
    shot(page, "41-public-case-en")


def test_a_name_with_no_russian_form_is_marked_with_its_language(browser, demo):  # noqa: F811
    page = new_page(browser, locale="ru-RU")
    page.goto(f"{demo}/public/bridges-v-south-wales-police/")
    # the title was never translated: shown in English, with lang="en" and "(на английском)"
    fallback = page.locator('h1 span[lang="en"]')
    assert fallback.inner_text() == "R (Bridges) v Chief Constable of South Wales Police"
    assert page.locator("h1 .content-fallback").inner_text() == "(на английском)"
    assert page.locator('span[lang="en"]', has_text="Edward Bridges").count() == 1
    # the summary has a Russian translation: no marking there
    assert page.get_by_text("Оспаривание применения полицией Южного Уэльса").count() == 1
    shot(page, "42-public-case-ru-fallback")
