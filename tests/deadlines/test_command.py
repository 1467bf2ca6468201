"""`python manage.py deadline <rule> <trigger-date> [--json]`."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_prints_the_due_date_the_rule_version_and_the_steps():
    assert run("ru-gpk-appeal", "2020-01-29").splitlines() == [
        "2020-03-02",
        "Rule: ru-gpk-appeal, version 2012-01-01: Appeal against a first-instance civil decision (Russia, GPK).",
        "Source: GPK RF art. 321(2); counting: GPK RF arts. 107(3), 108(1)-(2).",
        "  - ru-gpk-appeal version 2012-01-01 (GPK RF art. 321(2)) is the version in force on 2020-01-29.",
        "  - Trigger (decision in final form): 2020-01-29. Counting starts on 2020-01-30, the day after "
        "(GPK RF arts. 107(3), 108(1)-(2)).",
        "  - A period of 1 month from 2020-01-29 ends on the same date of the last month, 2020-02-29.",
        "  - 2020-02-29 is a Saturday; 2020-03-01 is a Sunday -> 2020-03-02, the next working day.",
        "  - Due on 2020-03-02.",
    ]


def test_json_output():
    result = json.loads(run("echr-application", "2022-02-01", "--json"))
    assert (result["rule"], result["version"], result["trigger_on"], result["due_on"]) == (
        "echr-application",
        "4-months",
        "2022-02-01",
        "2022-06-01",
    )
    assert (
        result["source"]
        == "ECHR art. 35(1) as amended by Protocol No. 15 (art. 8(3): final decisions from 1 February 2022)"
    )
    assert result["steps"][-1] == "Due on 2022-06-01."


def test_pronouncement_date_caps_the_german_appeal():
    assert run("de-zpo-appeal", "2022-09-15", "--pronounced-on", "2022-03-01").splitlines()[0] == "2022-09-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ru-appeal", "2020-01-29"), "There is no rule 'ru-appeal'. Known rules: de-zpo-appeal, echr-application, "),
        (("ru-gpk-appeal", "2020-02-30"), "The trigger date '2020-02-30' is not a date: give it as YYYY-MM-DD"),
        (("ru-gpk-appeal", "29.01.2020"), "The trigger date '29.01.2020' is not a date: give it as YYYY-MM-DD"),
        (("de-zpo-appeal", "2022-09-15", "--pronounced-on", "soon"), "The pronouncement date 'soon' is not a date"),
        (("ru-gpk-cassation", "2019-09-30"), "No version of ru-gpk-cassation was in force on 2019-09-30"),
    ],
)
def test_bad_input_is_refused_with_a_sentence(args, message):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert str(exc.value).startswith(message)


def test_from_the_shell_bad_input_exits_non_zero_without_a_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings_test"}
    done = subprocess.run(
        [sys.executable, "manage.py", "deadline", "ru-gpk-appeal", "31/01/2021"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "CommandError: The trigger date '31/01/2021' is not a date: give it as YYYY-MM-DD, e.g. 2020-01-31.\n"
    )
