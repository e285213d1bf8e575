"""Start-up refuses bad configuration with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_django(**environment) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "sof.settings", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "sof.example.dk",
    "CPR_ENCRYPTION_KEYS": "ZGV2ZWxvcG1lbnQtb25seS1rZXktZG8tbm90LXVzZSE=",
    "CPR_HASH_KEY": "k",
}


def test_embedded_default_starts_with_nothing_set():
    result = start_django()
    assert result.stdout.strip() == "started", result.stderr


def test_production_settings_start():
    assert start_django(**PRODUCTION).stdout.strip() == "started"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "CPR_ENCRYPTION_KEYS", "CPR_HASH_KEY"])
def test_debug_off_refuses_to_start_without(missing):
    result = start_django(**{**PRODUCTION, missing: ""})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DEBUG", "maybe"), ("DATABASE_URL", "nosuchdb://x"), ("SECURE_HSTS_SECONDS", "a")],
)
def test_malformed_variable_is_named(variable, value):
    result = start_django(**{**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert variable in result.stderr or value in result.stderr


def test_templates_are_parsed_once_per_process_in_every_environment():
    """The cached template loader wraps the others (Django's default when no 'loaders' option is set), so no
    page parses its templates again on every request, with DEBUG on or off (issue 21)."""
    from django.template import engines
    from django.template.loaders.cached import Loader as CachedLoader

    loaders = engines["django"].engine.template_loaders
    assert len(loaders) == 1 and isinstance(loaders[0], CachedLoader)
    assert [type(loader).__name__ for loader in loaders[0].loaders] == ["Loader", "Loader"]  # dirs, app dirs
