"""The worked example in deploy/, checked with the tools that will read it: systemd's own unit
verifier and Caddy's config validator, plus the links between the files (ports, variables)."""

import re
import shutil
import subprocess

from tests.processes import ROOT, clean_env

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("tracker-*.*"))


def installed_here(tmp_path):
    """The units as they would be on the VM, with /srv/tracker pointing at this checkout (its
    .venv has the same programs), so the verifier can check that every command exists."""
    folder = tmp_path / "units"
    folder.mkdir()
    for unit in UNITS:
        text = unit.read_text().replace("/srv/tracker", str(ROOT))
        text = text.replace("/etc/tracker/tracker.env", str(DEPLOY / "tracker.env.example"))
        (folder / unit.name).write_text(text)
    return sorted(folder.iterdir())


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    assert [u.name for u in UNITS] == [
        "tracker-backup.service",
        "tracker-backup.timer",
        "tracker-beat.service",
        "tracker-web.service",
        "tracker-worker.service",
    ]
    units = installed_here(tmp_path)
    result = subprocess.run(
        [shutil.which("systemd-analyze") or "systemd-analyze", "verify", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(SYSTEMD_LOG_LEVEL="warning"),
    )
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "tracker-" in line]
    assert (result.returncode, ours) == (0, [])


def test_verify_does_catch_a_broken_unit(tmp_path):
    # the check above can fail: a unit with a command that does not exist is reported
    broken = tmp_path / "tracker-broken.service"
    broken.write_text("[Service]\nExecStart=/srv/nowhere/gunicorn\n")
    result = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "/srv/nowhere/gunicorn is not executable" in result.stderr


def caddy_validate(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["caddy", "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(**env),
    )


def test_the_caddyfile_is_valid_for_a_domain():
    result = caddy_validate(TRACKER_DOMAIN="tracker.example.org")
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr


def test_the_caddyfile_needs_its_domain():
    assert caddy_validate().returncode != 0


def test_caddy_proxies_to_where_gunicorn_listens():
    web = (DEPLOY / "systemd" / "tracker-web.service").read_text()
    caddy = (DEPLOY / "Caddyfile").read_text()
    (bind,) = re.findall(r"--bind (\S+)", web)
    assert bind == "127.0.0.1:8000"
    assert re.search(rf"^\s*reverse_proxy {re.escape(bind)} ", caddy, re.MULTILINE)


def test_the_env_example_names_only_settings_the_tracker_reads_and_all_the_units_use():
    names = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (DEPLOY / "tracker.env.example").read_text().splitlines()
        if re.match(r"^#? ?[A-Z][A-Z0-9_]+=", line)
    }
    settings_source = (ROOT / "tracker" / "settings.py").read_text()
    used_by_units = {m for unit in UNITS for m in re.findall(r"\$\{([A-Z_]+)\}", unit.read_text())}
    unread = sorted(n for n in names if f'"{n}"' not in settings_source and n not in used_by_units)
    assert unread == []
    assert used_by_units <= names  # WEB_CONCURRENCY, WORKER_CONCURRENCY
    for required in (
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "FIELD_HASH_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "AWS_STORAGE_BUCKET_NAME",
        "ALLOWED_HOSTS",
    ):
        assert required in names
