"""A unit may only draft its own 六进 summary (issue #19, "Bad input"): a town asking for the
district's, or naming another unit, gets its own or a refusal; another unit's summary is a 404
by every URL that writes to it."""

from __future__ import annotations

import pytest

from outreach.models import YearSummary

from .test_summaries import _draft, year_data  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("in_2024")


def test_a_town_cannot_draft_the_district_summary(client, login, year_data):  # noqa: F811
    login("zhujiajiao")
    response = client.post("/outreach/summaries/new/", {"year": 2024, "district": "1"})
    assert response.status_code == 403
    assert not YearSummary.objects.exists()


def test_naming_another_unit_still_drafts_ones_own(client, login, year_data, unit):  # noqa: F811
    login("zhujiajiao")
    other = unit("jiaoyuju")
    client.post("/outreach/summaries/new/", {"year": 2024, "unit": other.pk})
    assert list(YearSummary.objects.values_list("unit__code", flat=True)) == ["zhujiajiao"]


def test_another_units_summary_is_a_404_to_every_write(
    client,
    login,
    year_data,  # noqa: F811
):
    summary = _draft(client, login)
    version = summary.versions.get()
    login("jiaoyuju")
    for url, data in (
        (f"/outreach/summaries/{summary.pk}/edit/", {"overview": "改写"}),
        (f"/outreach/summaries/{summary.pk}/versions/{version.pk}/choose/", {}),
        (f"/outreach/summaries/{summary.pk}/submit/", {}),
        (f"/outreach/summaries/{summary.pk}/job/", {"format": "docx"}),
        (f"/outreach/summaries/{summary.pk}/summary.pdf", None),
    ):
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == 404, url
    assert summary.versions.count() == 1
