"""Large exports as background jobs: a year's 六进 reports (Excel), a unit's records (PDF)."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader

from campaigns.models import Campaign
from qpdo.jobs.enums import JobStatus
from qpdo.jobs.models import Job
from qpdo.org import clock
from qpdo.org.models import Unit


def _run_after_commit(client, url, data, capture):
    with capture(execute=True):
        response = client.post(url, data)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    return job


def test_year_of_reports_is_exported_in_the_background(
    client, login, django_capture_on_commit_callbacks
):
    login("outreach_reviewer")
    year = clock.today().year
    job = _run_after_commit(
        client, "/outreach/reports/export-year/", {"year": year}, django_capture_on_commit_callbacks
    )
    assert job.kind == "outreach.reports_year" and job.status == JobStatus.DONE, job.error
    assert job.params == {"year": year}
    response = client.get(f"/jobs/{job.pk}/file")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row >= 1
    assert "年度“六进”活动信息" in job.label


def test_reports_page_offers_the_background_export(client, login):
    login("outreach_reviewer")
    page = client.get("/outreach/reports/").content.decode()
    assert 'data-testid="report-export-year"' in page


def test_a_units_records_print_as_one_pdf_in_the_background(
    client, login, django_capture_on_commit_callbacks
):
    campaign = Campaign.objects.order_by("-year").first()
    login("gongcheng_head")
    unit = Unit.objects.get(code="gongcheng")
    job = _run_after_commit(
        client,
        f"/campaigns/{campaign.year}/records/unit-pdf/",
        {"unit": unit.pk},
        django_capture_on_commit_callbacks,
    )
    assert job.status == JobStatus.DONE, job.error
    assert job.done == job.total and job.total >= 1
    response = client.get(f"/jobs/{job.pk}/file")
    assert len(PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages) == job.total


def test_another_units_records_are_a_404(client, login):
    campaign = Campaign.objects.order_by("-year").first()
    login("gongcheng_head")
    response = client.post(
        f"/campaigns/{campaign.year}/records/unit-pdf/",
        {"unit": Unit.objects.get(code="zonghe").pk},
    )
    assert response.status_code == 404 and not Job.objects.exists()
