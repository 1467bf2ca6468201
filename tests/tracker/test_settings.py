"""Secure by default: with only DEBUG=false, a SECRET_KEY and ALLOWED_HOSTS set, the deploy check is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY")}
    base.pop("SECURE_SSL_REDIRECT", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_only_the_three_variables(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": "k" * 20 + "an-unguessable-production-secret-0123456789",
            "ALLOWED_HOSTS": "tracker.example.org",
            "TRACKER_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_without_a_secret_key_and_debug_off_it_refuses_to_start(tmp_path):
    result = run_manage("check", env={"DEBUG": "false", "TRACKER_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr == (
        "Configuration error: SECRET_KEY is not set. Set it in the environment (or set DEBUG=true for local work).\n"
    )


def test_every_command_says_which_setting_is_missing_never_a_traceback(tmp_path):
    for command in (["makemigrations", "--check", "--dry-run"], ["migrate", "--plan"], ["showmigrations"]):
        result = run_manage(*command, env={"DEBUG": "false", "TRACKER_VAR_DIR": str(tmp_path)})
        assert result.returncode == 1, command
        assert result.stderr == (
            "Configuration error: SECRET_KEY is not set. Set it in the environment (or set DEBUG=true for local work).\n"
        ), command
