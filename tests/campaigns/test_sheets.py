"""The 工作清单 and 整改清单 printed as of a day: each item as it stood at the end of that day
(from its reports, their 流转记录 and the 回头看), scoped (a section head: their section), in
Excel, PDF (A4 landscape) and Word with the same cells, audited; a long list in the background."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaigns.documents import SHEET_INLINE_LIMIT
from campaigns.enums import ItemKind
from campaigns.selectors.sheets import sheet_for
from qpdo.jobs.enums import JobStatus
from qpdo.jobs.models import Job
from qpdo.org import clock
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord, Unit
from tests.word import docx_of

from .conftest import d

RECT = ItemKind.RECTIFICATION


@pytest.fixture
def lists(make_item, make_report, verify, demo_user):
    """Two 整改 items of 工程指挥科 and 动员协调科 and a 工作 item, listed on 10 May 2024:
    the first reported 50 % (verified 2 June), asked to close on 20 June, closed 25 June;
    a third 整改 item listed on 15 July."""
    with clock.frozen(clock.at(2024, 5, 10, 9)):
        closed = make_item(
            kind=RECT, unit="gongcheng", owner="刘洋", title="台账资料不规范", deadline=d(6, 28)
        )
        open_ = make_item(
            kind=RECT, unit="dongyuan", owner="许婷", title="值班制度落实不严", deadline=d(6, 28)
        )
        task = make_item(unit="gongcheng", owner="刘洋", title="人防工程巡查", deadline=d(9, 30))
    with clock.frozen(clock.at(2024, 6, 1, 10)):
        first = make_report(closed, percent=50, text="已完成台账梳理。")
    with clock.frozen(clock.at(2024, 6, 2, 10)):
        verify(first)
    with clock.frozen(clock.at(2024, 6, 20, 16)):
        final = make_report(closed, final=True, percent=100, text="台账已全部规范。")
    with clock.frozen(clock.at(2024, 6, 25, 9)):
        verify(final)
    with clock.frozen(clock.at(2024, 7, 15, 9)):
        later = make_item(
            kind=RECT, unit="gongcheng", owner="刘洋", title="后续问题", deadline=d(9, 30)
        )
    return {"closed": closed, "open": open_, "task": task, "later": later}


def _lines(sheet):
    return {line.item.title: line for line in sheet.lines}


def test_sheet_shows_each_item_as_it_stood_that_day(lists, demo_user):
    user = demo_user("zonghe_head")
    campaign = lists["closed"].campaign
    june_22 = sheet_for(user=user, campaign=campaign, kind=RECT, as_of=d(6, 22))
    lines = _lines(june_22)
    assert set(lines) == {"台账资料不规范", "值班制度落实不严"}  # no task, nothing listed later
    closed = lines["台账资料不规范"]
    assert closed.progress.split("\n") == ["完成 50%", "6月1日：已完成台账梳理。", "即将到期"]
    assert closed.verification.split("\n") == [
        "进展核验通过：沈建国 2024年6月2日",
        "销号申请待核验（6月20日报送）",
    ]
    assert closed.closed == "未销号"
    assert lines["值班制度落实不严"].progress.startswith("尚未报告进展")

    june_30 = _lines(sheet_for(user=user, campaign=campaign, kind=RECT, as_of=d(6, 30)))
    closed = june_30["台账资料不规范"]
    assert closed.closed == "已销号\n2024年6月20日"
    assert closed.verification == "销号申请核验通过：沈建国 2024年6月25日"
    assert june_30["值班制度落实不严"].progress.endswith("已逾期")
    assert june_30["值班制度落实不严"].closed == "未销号"

    july = sheet_for(user=user, campaign=campaign, kind=RECT, as_of=d(7, 31))
    assert "后续问题" in _lines(july)
    assert (
        july.summary
        == "共 3 项：已销号 1 项（其中逾期销号 0 项），未销号 2 项（其中已逾期 1 项）。"
    )
    tasks = sheet_for(user=user, campaign=campaign, kind=ItemKind.TASK, as_of=d(6, 30))
    assert [line.item.title for line in tasks.lines] == ["人防工程巡查"]


def test_sheet_of_a_section_head_holds_only_their_section(lists, demo_user):
    campaign = lists["closed"].campaign
    sheet = sheet_for(
        user=demo_user("gongcheng_head"), campaign=campaign, kind=RECT, as_of=d(6, 30)
    )
    assert {line.unit for line in sheet.lines} == {"工程指挥科"}


def _post(client, campaign, **data):
    defaults = {"kind": RECT, "as_of": "2024-06-30", "unit": "", "format": "pdf"}
    return client.post(f"/campaigns/{campaign.year}/items/sheet/", {**defaults, **data})


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_three_formats_carry_the_same_cells_and_are_audited(lists, client, login, tmp_path):
    campaign = lists["closed"].campaign
    login("zonghe_head")
    xlsx = _post(client, campaign, format="xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "2024年度实践活动整改清单（范围：全办，截至 2024年6月30日）"
    assert list(rows[1]) == [
        "序号", "问题", "责任科室", "责任人", "措施", "节点", "时限", "进展", "核验", "销号"
    ]  # fmt: skip
    excel = [["" if v is None else v for v in row] for row in rows[2:4]]
    docx = _post(client, campaign, format="docx")
    doc = docx_of(docx)
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape
    [table] = doc.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == list(rows[1])
    assert cells[1:] == excel
    assert cells[1][0] == "整改-01" and cells[1][9] == "已销号\n2024年6月20日"

    pdf = _post(client, campaign, format="pdf")
    assert pdf["Content-Type"] == "application/pdf"
    artifacts = Path("test-artifacts")
    artifacts.mkdir(exist_ok=True)
    (artifacts / "rectification-sheet.pdf").write_bytes(pdf.content)
    (artifacts / "rectification-sheet.docx").write_bytes(docx.content)
    # Wrapped cells are read line by line: compare without line breaks inside the table.
    text = re.sub(r"\s+", "", _pdftotext(pdf.content, tmp_path))
    for expected in (
        "2024年度实践活动整改清单",
        "范围：全办",
        "截至2024年6月30日",
        "台账资料不规范",
        "值班制度落实不严",
        "销号申请核验通过",
        "沈建国",
        "共2项：已销号1项",
    ):
        assert expected in text, expected
    details = list(
        AuditRecord.objects.filter(action=AuditAction.EXPORT, actor__username="zonghe_head")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == [
        f"导出2024年整改清单（{fmt}，全办，截至2024年6月30日），共 2 项。"
        for fmt in ("Excel", "Word", "PDF")
    ]


def test_section_head_may_print_only_their_section(lists, client, login):
    campaign = lists["closed"].campaign
    login("gongcheng_head")
    page = client.get(f"/campaigns/{campaign.year}/items/?kind=rectification")
    form = page.context["sheet_form"]
    assert list(form.fields["unit"].queryset) == [Unit.objects.get(code="gongcheng")]
    assert 'data-testid="sheet-form"' in page.content.decode()
    other = _post(client, campaign, unit=Unit.objects.get(code="dongyuan").pk, format="docx")
    assert (
        other.status_code == 302
        and not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()
    )
    whole = _post(client, campaign, unit="", format="docx")  # 全办 is not offered either
    assert whole.status_code == 302
    own = docx_of(
        _post(client, campaign, unit=Unit.objects.get(code="gongcheng").pk, format="docx")
    )
    units = {row.cells[2].text for row in own.tables[0].rows[1:]}
    assert units == {"工程指挥科"}


def test_staff_without_a_list_to_print_get_a_404(lists, client, login):
    campaign = lists["closed"].campaign
    login("member")
    assert _post(client, campaign).status_code == 404
    page = client.get(f"/campaigns/{campaign.year}/items/")
    assert "sheet_form" not in page.context


def test_a_future_date_is_refused(lists, client, login):
    campaign = lists["closed"].campaign
    login("zonghe_head")
    tomorrow = clock.today().toordinal() + 1
    import datetime

    day = datetime.date.fromordinal(tomorrow).isoformat()
    response = _post(client, campaign, as_of=day, format="xlsx")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["打印清单：截至日期不能晚于今天。"]


def test_a_long_list_prints_in_the_background(
    make_item, client, login, campaign, django_capture_on_commit_callbacks
):
    with clock.frozen(clock.at(2024, 5, 10, 9)):
        for _ in range(SHEET_INLINE_LIMIT + 1):
            make_item(kind=RECT, unit="gongcheng")
    login("zonghe_head")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, campaign, format="docx")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    data = b"".join(client.get(f"/jobs/{job.pk}/file").streaming_content)
    from qpdo.documents.word import read_docx

    table = read_docx(data).tables[0]
    assert len(table.rows) == SHEET_INLINE_LIMIT + 2
    assert AuditRecord.objects.filter(
        detail__startswith="导出2024年整改清单（Word，全办，截至2024年6月30日），共 41 项"
    ).exists()
