"""The coverage registers' list and export pages come from one declaration each
(outreach/registers.py): same URLs and names as before, one view class for all."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from outreach import exports, registers
from qpdo.org import clock


@pytest.mark.parametrize(
    ("register", "path", "exporter"),
    [
        (registers.SCHOOLS, "/outreach/schools/", exports.SchoolRegisterExporter),
        (registers.COMMUNITIES, "/outreach/communities/", exports.CommunityRegisterExporter),
        (registers.ENTERPRISES, "/outreach/enterprises/", exports.EnterpriseRegisterExporter),
    ],
)
def test_each_register_is_served_from_its_declaration(register, path, exporter):
    assert reverse(f"outreach:{register.key}-list") == path
    assert reverse(f"outreach:{register.key}-export") == f"{path}export.xlsx"
    listed = resolve(path).func.view_class
    exported = resolve(f"{path}export.xlsx").func.view_class
    assert (listed, exported) == (registers.RegisterListView, registers.RegisterExportView)
    assert resolve(path).func.view_initkwargs == {"register": register}
    assert register.exporter is exporter


def test_a_register_export_is_named_by_its_sheet_and_year():
    year = clock.today().year
    exporter = exports.SchoolRegisterExporter([], year=year)
    assert exporter.filename.startswith(f"学校台账-{year}-")
    assert exporter.title == f"学校人民防空紧急疏散行动方案与演练台账（{year}年）"
    assert [c.header for c in exporter.columns][8] == f"{year}年演练次数"
    assert list(exporter.rows()) == []
