"""The shared machinery of drafted year-end documents (qpdo/documents/drafts.py).

Both the 实践活动总结 (campaigns) and the 六进年度工作总结 (outreach) keep their versions, their
choice and their outline through it; the tests use the campaign's summary as the example.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from campaigns.models import Campaign, CampaignSummary, CampaignSummaryVersion
from outreach.models import YearSummary, YearSummaryVersion
from qpdo.documents import drafts
from qpdo.org import clock
from qpdo.org.dates import cn_date, local_date
from qpdo.org.models import AuditRecord


@pytest.fixture
def summary(db, demo_user):
    campaign = Campaign.objects.get(year=2024)
    return CampaignSummary.objects.create(campaign=campaign, created_by=demo_user("zonghe_head"))


def test_versions_are_numbered_on_and_earlier_ones_stay(summary, demo_user):
    head = demo_user("zonghe_head")
    first = drafts.draft_first_version(
        summary, acting_user=head, text={"overview": "  初稿。 ", "experience": None}
    )
    second = drafts.draft_version_save(
        acting_user=head, summary=summary, text={"overview": "二稿。"}, highlights=["item:1"]
    )
    assert (first.number, first.overview, first.experience) == (1, "初稿。", "")
    assert (second.number, second.overview, second.highlights) == (2, "二稿。", ["item:1"])
    assert [str(v) for v in summary.versions.all()] == ["第2稿", "第1稿"]
    assert drafts.draft_version_shown(summary) == second
    assert AuditRecord.objects.filter(detail=f"保存{summary}第2稿").count() == 1


def test_a_chosen_version_prints_and_dates_the_document(summary, demo_user, clock_at):
    head = demo_user("zonghe_head")
    first = drafts.draft_first_version(summary, acting_user=head, text={"overview": "初稿。"})
    drafts.draft_version_save(acting_user=head, summary=summary, text={"overview": "二稿。"})
    drafts.draft_version_choose(acting_user=head, summary=summary, version_pk=first.pk)
    summary.refresh_from_db()
    assert drafts.draft_version_shown(summary) == first
    assert summary.chosen_at == clock.now()
    assert AuditRecord.objects.filter(detail=f"选用{summary}第1稿").count() == 1
    out = drafts.Outline("标题", "〔〕号")
    out.signature("综合科", summary)
    assert out.blocks[-1].lines == ["综合科", cn_date(local_date(summary.chosen_at))]


def test_a_version_of_another_summary_cannot_be_chosen(summary, demo_user):
    head = demo_user("zonghe_head")
    with pytest.raises(Http404):
        drafts.draft_version_choose(acting_user=head, summary=summary, version_pk=10**6)
    summary.refresh_from_db()
    assert summary.chosen_version is None


def test_the_outline_numbers_its_headings():
    out = drafts.Outline("某某总结", "〔〕　　号")
    out.heading(1, "总体情况")
    out.para("正文")
    out.heading(2, "分项")
    out.heading(3, "细项")
    out.heading(1, "下一步")
    out.table(headers=("甲",), rows=[("1",)], widths=(10,))
    assert [(b.kind, b.text) for b in out.blocks[:2]] == [
        ("title", "某某总结"),
        ("number", "〔〕　　号"),
    ]
    assert [b.text for b in out.blocks if b.kind == "heading"] == [
        "一、总体情况",
        "（一）分项",
        "1.细项",
        "二、下一步",
    ]
    assert out.blocks[-1].rows == [["1"]]


def test_the_text_form_is_the_version_models_text_fields():
    form_class = drafts.draft_text_form(
        YearSummaryVersion, rows={"overview": 5}, help_texts={"overview": "说明"}
    )
    fields = form_class().fields
    assert list(fields) == list(YearSummaryVersion.text_fields)
    assert [fields[name].label for name in fields] == [
        "一、总体情况",
        "三、主要做法和经验",
        "四、存在的问题和不足",
        "五、下一步工作打算",
    ]
    assert [fields[name].required for name in fields] == [True, False, False, False]
    assert fields["practices"].max_length == 5000
    assert fields["overview"].widget.attrs["rows"] == 5
    assert fields["overview"].help_text == "说明"


def test_each_app_keeps_its_constraint_names():
    def names(model):
        return {c.name for c in model._meta.constraints}

    assert names(CampaignSummary) == {"campaigns_summary_choice_dated"}
    assert names(CampaignSummaryVersion) == {"campaigns_summary_version_number"}
    assert names(YearSummary) == {"outreach_summary_choice_dated", "outreach_summary_one_per_year"}
    assert names(YearSummaryVersion) == {"outreach_summary_version_number"}
