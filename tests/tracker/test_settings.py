"""Secure by default: with only DEBUG=false, a SECRET_KEY, the two field-encryption keys and
ALLOWED_HOSTS set, the deploy check is clean; without the keys production refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    dropped = ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.pop("SECURE_SSL_REDIRECT", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


FIELD_KEYS = {
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWZpZWxkLWtleS0wMTIzNDU=",
    "FIELD_HASH_KEY": "h" * 40,
}


def test_check_deploy_is_clean_with_only_the_five_variables(tmp_path):
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
            **FIELD_KEYS,
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


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "tracker.example.org"}


def test_without_the_field_keys_production_refuses_to_start(tmp_path):
    for missing in ("FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"):
        keys = {k: v for k, v in FIELD_KEYS.items() if k != missing}
        result = run_manage("check", env={**PRODUCTION, **keys, "TRACKER_VAR_DIR": str(tmp_path)})
        assert result.returncode == 1, missing
        assert result.stderr == (
            "Configuration error: FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set: private fields are "
            "encrypted at rest (see deploy/tracker.env.example; DEBUG=true derives development keys from "
            "SECRET_KEY).\n"
        ), missing


def test_a_malformed_key_is_named_not_a_traceback(tmp_path):
    bad = run_manage(
        "check", env={**PRODUCTION, **FIELD_KEYS, "FIELD_ENCRYPTION_KEYS": "short", "TRACKER_VAR_DIR": str(tmp_path)}
    )
    assert bad.returncode == 1
    assert bad.stderr == (
        "Configuration error: FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
        "(32 bytes, URL-safe base64).\n"
    )
    short = run_manage(
        "check", env={**PRODUCTION, **FIELD_KEYS, "FIELD_HASH_KEY": "x", "TRACKER_VAR_DIR": str(tmp_path)}
    )
    assert short.returncode == 1
    assert short.stderr == "Configuration error: FIELD_HASH_KEY is too short: use at least 32 random characters.\n"


def test_under_debug_the_keys_are_derived_from_the_secret_key(tmp_path):
    script = (
        "from django.conf import settings; print(len(settings.FIELD_ENCRYPTION_KEYS), len(settings.FIELD_HASH_KEY))"
    )
    result = run_manage("shell", "-c", script, env={"DEBUG": "true", "TRACKER_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1 44"
