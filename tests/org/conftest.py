"""Fixtures of the org tests."""

import pytest


@pytest.fixture
def sysadmin_user(demo_user):
    return demo_user("sysadmin")
