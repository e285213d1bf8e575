"""Personas (Healthchecks' Alice/Bob/Charlie pattern): who may see what is tested against these."""

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from staff.roles import Role
from tests.factories import PASSWORD, StaffMemberFactory, TeamFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every persona costs a password hash; production's PBKDF2 makes that ~1 s each. Tests are not about
    hashing strength, so they use a fast hasher (the live server thread shares these settings)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _danish_again_after_each_test():
    """A request in English (LocaleMiddleware) leaves English active in the thread; the next test would read
    English messages where it expects Danish ones, depending on the order tests run in."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def team(db):
    return TeamFactory(name="Fastholdelsesteamet", slug="fastholdelse")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Syg og ledig", slug="syg-og-ledig")


@pytest.fixture
def consultant(team):
    return StaffMemberFactory(user__username="alice", user__roles=[Role.CONSULTANT], team=team).user


@pytest.fixture
def other_consultant(other_team):
    """A consultant of another team: must not see the first team's cases."""
    return StaffMemberFactory(user__username="charlie", user__roles=[Role.CONSULTANT], team=other_team).user


@pytest.fixture
def booker(team):
    return StaffMemberFactory(user__username="bente", user__roles=[Role.BOOKER], team=team).user


@pytest.fixture
def leader(team):
    return StaffMemberFactory(user__username="lars", user__roles=[Role.LEADER], team=team).user


@pytest.fixture
def administrator(db):
    return StaffMemberFactory(
        user__username="admin", user__roles=[Role.ADMINISTRATOR], user__is_staff=True, team=None
    ).user


@pytest.fixture
def password():
    return PASSWORD


# What the data migrations seed. A transactional test (browser, concurrency) ends with a flush that empties
# every table, so each one puts this back first; the ordinary tests run before them (pytest-django's order).
MIGRATION_SEEDS = [
    ("staff.migrations.0002_role_groups", "create_role_groups"),
    ("staff.migrations.0004_seed_competence_catalogue", "seed"),
    ("visitation.migrations.0002_seed_rulebook", "seed"),
    ("visitation.migrations.0003_legal_sources", "seed_2025_sources"),
    ("reporting.migrations.0002_seed_herning_milestones", "seed"),
]


@pytest.fixture(autouse=True)
def _migration_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    by_marker = marker is not None and marker.kwargs.get("transaction", False)
    if not by_marker and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from staff.services import role_permissions_grant

    for module, function in MIGRATION_SEEDS:
        getattr(import_module(module), function)(apps, None)
    role_permissions_grant()


@pytest.fixture
def broker_down():
    """The broker unreachable: nothing listens on port 1 of the loopback address, a real refused connection
    (broker_write_url, because a CELERY_BROKER_URL environment variable wins over conf.broker_url).
    `broker_down.back()` brings the configured broker back within the test."""
    from sof.celery import app

    class Broker:
        @staticmethod
        def back():
            app.conf.broker_write_url = None
            Broker.fresh_pools()

        @staticmethod
        def fresh_pools():  # .delay() reuses pooled connections: an earlier test's would bypass the new URL
            app._pool = None
            app.amqp._producer_pool = None

    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    Broker.fresh_pools()
    yield Broker
    Broker.back()
