"""Browser-test harness: Playwright drives Debian's Chromium against Django's live server.

Browsers are never downloaded (no `playwright install`): Debian's /usr/bin/chromium is used.
Every browser test is marked `@pytest.mark.browser` and needs the seeded transactional
database, because the live server runs in another thread and sees only committed data.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qpdo.org.seeds import DEMO_PASSWORD

# Playwright's sync API keeps an event loop running in the main thread; Django would refuse
# ORM calls from test code there. Only the test process sets this, never the settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    f"浏览器测试需要 Debian 的 Chromium（{CHROMIUM}），但未找到：请以 root 运行 "
    "apt-get install -y chromium（或运行 bash scripts/test.sh 自动安装），"
    "不要运行 playwright install。"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=zh-CN",
]


def _require_chromium() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.exit(CHROMIUM_MISSING, returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Stop before running anything when browser tests are selected and Chromium is missing."""
    if any(item.get_closest_marker("browser") for item in items):
        _require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1366, "height": 900},
    }


@pytest.fixture(autouse=True)
def _close_leftover_contexts(browser):
    """Close browser contexts a test opened and left open, when the test ends.

    An open context keeps HTTP connections to the live server alive; their server threads
    would then touch the database after the test (or the live server) has finished.
    """
    yield
    for context in list(browser.contexts):
        context.close()


@pytest.fixture
def portal_url(live_server, seeded_transactional_db):
    """Return the live server's absolute URL of a path: portal_url("/workflow/todo/")."""

    def url(path: str = "/") -> str:
        return live_server.url + path

    return url


def submit_login_form(
    page, base_url: str, username: str, password: str = DEMO_PASSWORD, next_path=""
):
    """Fill in and send the real login form on `page`; the page ends where the form sends it."""
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{base_url}/accounts/login/{query}")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    return page


@pytest.fixture
def sign_in(page, live_server, seeded_transactional_db):
    """Sign in on the test's page through the real login form: sign_in("gongcheng_head").

    Returns the page, left where the form sends it (the 工作台, or the form again on failure).
    """

    def submit(username: str, password: str = DEMO_PASSWORD, next_path: str = ""):
        return submit_login_form(page, live_server.url, username, password, next_path)

    return submit


@pytest.fixture
def signed_in_page(browser, browser_context_args, live_server, seeded_transactional_db):
    """Open a new browser context per person, signed in: signed_in_page("office_leader").

    For tests where several people take turns (submitter, reviewer, leader); each page has its
    own cookies. The contexts are closed after the test.
    """
    contexts = []

    def open_page(username: str, password: str = DEMO_PASSWORD):
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return submit_login_form(context.new_page(), live_server.url, username, password)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot under test-artifacts/ and return its path.

    screenshot() names the file after the test; screenshot("step") adds a suffix.
    """
    folder = Path(request.config.rootpath) / "test-artifacts"

    def save(suffix: str = "") -> Path:
        stem = re.sub(r"[^\w.-]+", "_", request.node.nodeid.replace("tests/", "", 1)).strip("_")
        path = folder / f"{stem}{'-' + suffix if suffix else ''}.png"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
