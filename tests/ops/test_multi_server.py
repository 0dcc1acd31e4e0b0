"""Two gunicorn app servers and one worker on the same PostgreSQL and media folder.

Nothing an app server keeps is its own: sessions in the database, uploads in the shared
media folder, jobs in the database queue. Row locks make concurrent decisions safe, so this
runs on PostgreSQL only (CI's PostgreSQL pass).
"""

from __future__ import annotations

import io
import re
import threading

import pytest
from django.db import connection
from pypdf import PdfReader

from qpdo.org.enums import Role
from qpdo.org.models import Unit
from qpdo.workflow.models import Opinion
from tests.factories import DEMO_PASSWORD, UserFactory

from .servers import Portal, Processes, environment, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several app servers share one PostgreSQL; runs when DATABASE_URL points to it",
    ),
]


@pytest.fixture
def servers(tmp_path):
    processes = Processes()
    env = environment(tmp_path)
    try:
        a = processes.gunicorn(env, tmp_path, "a")
        b = processes.gunicorn(env, tmp_path, "b")
        processes.worker(env, tmp_path)
        wait_for(lambda: Portal(a).request("/healthz")[0] == 200, "a fresh worker heartbeat")
        yield a, b, processes
    except BaseException:
        print(processes.logs())
        raise
    finally:
        processes.stop_all()


def _real_passwords(usernames) -> None:
    """The suite hashes with MD5 for speed; the servers accept only the real hashers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hashed = PBKDF2PasswordHasher().encode(DEMO_PASSWORD, "opstestsalt", iterations=100_000)
    get_user_model().objects.filter(username__in=usernames).update(password=hashed)


def _csrf(portal, path) -> str:
    return portal.csrf_from(portal.request(path)[2])


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_and_a_worker_share_everything(
    seeded_transactional_db, servers, approved_nominations, advance, make_nomination, campaign
):
    a, b, processes = servers
    year = campaign.year
    colleague = UserFactory(
        username="branch2", roles=[Role.PARTY_BRANCH], unit=Unit.objects.get(code="party_branch")
    )
    _real_passwords(["baozhang_head", "party_branch", colleague.username])

    # A report uploaded through A is listed and downloaded through B.
    head_a = Portal(a)
    head_a.sign_in("baozhang_head", DEMO_PASSWORD)
    head_b = Portal(b, jar=head_a.jar)  # the same browser, sent to another server by the proxy
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    status, _, _ = head_a.request(
        f"/stars/summaries/upload/?year={year}",
        {"csrfmiddlewaretoken": _csrf(head_a, f"/stars/summaries/?year={year}"), "note": "A"},
        files={"file": ("培树工作总结.pdf", pdf, "application/pdf")},
    )
    assert status == 200
    listing = head_b.request(f"/stars/summaries/?year={year}")[2].decode()
    links = re.findall(r'href="(/stars/summaries/\d+/file/)"', listing)
    assert links, listing[-2000:]
    status, headers, body = head_b.request(links[0])
    assert status == 200 and body == pdf

    # A batch PDF asked for on B is rendered by the worker and downloaded on A.
    approved_nominations(3)
    branch_b = Portal(b)
    branch_b.sign_in("party_branch", DEMO_PASSWORD)
    token = _csrf(branch_b, f"/stars/nominations/?year={year}")
    status, _, _ = branch_b.request(
        f"/stars/batches/new/?year={year}", {"scope": "all", "csrfmiddlewaretoken": token}
    )
    assert status == 200
    branch_a = Portal(a, jar=branch_b.jar)
    jobs = branch_a.request("/jobs/")[2].decode()
    (job_id,) = set(re.findall(r'href="/jobs/(\d+)/"', jobs))
    wait_for(
        lambda: 'data-testid="job-download"' in branch_a.request(f"/jobs/{job_id}/")[2].decode(),
        "the worker to render the batch",
        timeout=180,
    )
    status, headers, body = branch_a.request(f"/jobs/{job_id}/file")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(body)).pages) == 3

    # The same item decided on A and on B at once makes exactly one transition.
    nomination = advance(make_nomination("zonghe_head"), to="branch")
    first, second = Portal(a), Portal(b)
    first.sign_in("party_branch", DEMO_PASSWORD)
    second.sign_in(colleague.username, DEMO_PASSWORD)
    approval = nomination.approval
    detail = f"/workflow/{approval.pk}/"
    forms = []
    for portal in (first, second):
        forms.append(
            {
                "csrfmiddlewaretoken": _csrf(portal, detail),
                "decision": "approve",
                "opinion": "同意推荐。",
                "expected_step": "branch",
            }
        )
    barrier = threading.Barrier(2)
    answers = []

    def decide(portal, form):
        barrier.wait()
        answers.append(portal.request(f"/workflow/{approval.pk}/decide/", form)[0])

    threads = [
        threading.Thread(target=decide, args=(first, forms[0])),
        threading.Thread(target=decide, args=(second, forms[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200, 200]
    assert (
        Opinion.objects.filter(approval=approval, step_code="branch", action="approve").count() == 1
    ), processes.logs()
    approval.refresh_from_db()
    assert approval.step.code == "group"
