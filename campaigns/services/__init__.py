"""Writes of the campaigns app. Approval state changes go through qpdo.workflow only.

Every write runs in one transaction and checks its rules before anything is stored, raising a
ValidationError (by field where a form has the field) with a Chinese message, or a
Refused (qpdo.errors) when the user may not act. Uploaded files are checked by content first and
deleted again when the write does not commit (`atomic_with_files`).

One module per family, all re-exported here: `campaign` (copy, close), `items` (work items,
progress reports, 回头看, reminders), `activities`, `exchange` (交流展示), `quarter_stars`,
`ranking`, `records`, `appraisal` (年度考核推荐); `common` holds the shared helpers.
"""

from __future__ import annotations

from .activities import (
    CHECK_IN_FIELDS,
    COMPETITION_FIELDS,
    DISCUSSION_FIELDS,
    OUTPUT_FIELDS,
    PAIR_FIELDS,
    ROTATION_FIELDS,
    TEAM_FIELDS,
    check_in_add,
    competition_results_save,
    competition_save,
    discussion_save,
    pair_save,
    rotation_save,
    team_output_add,
    team_save,
)
from .appraisal import (
    appraisal_recommend,
)
from .campaign import (
    campaign_close,
    campaign_copy,
    campaign_preview,
)
from .common import (
    IMAGE_EXTENSIONS,
    check_open,
)
from .exchange import (
    EXCHANGE_FIELDS,
    Speaker,
    exchange_delete,
    exchange_save,
)
from .items import (
    ITEM_FIELDS,
    RECHECK_FIELDS,
    REMIND_DAYS_BEFORE,
    REPORT_FIELDS,
    item_create,
    item_is_done,
    item_update,
    recheck_record,
    reminders_send,
    report_check_complete,
    report_save,
    report_submit,
    validate_item,
)
from .quarter_stars import (
    quarter_star_recommend,
    quarter_star_update,
)
from .ranking import (
    ranking_check_complete,
    ranking_compile,
    ranking_submit,
)
from .records import (
    unit_records_pdf_request,
)

__all__ = [
    "CHECK_IN_FIELDS",
    "COMPETITION_FIELDS",
    "DISCUSSION_FIELDS",
    "EXCHANGE_FIELDS",
    "IMAGE_EXTENSIONS",
    "ITEM_FIELDS",
    "OUTPUT_FIELDS",
    "PAIR_FIELDS",
    "RECHECK_FIELDS",
    "REMIND_DAYS_BEFORE",
    "REPORT_FIELDS",
    "ROTATION_FIELDS",
    "TEAM_FIELDS",
    "Speaker",
    "appraisal_recommend",
    "campaign_close",
    "campaign_copy",
    "campaign_preview",
    "check_in_add",
    "check_open",
    "competition_results_save",
    "competition_save",
    "discussion_save",
    "exchange_delete",
    "exchange_save",
    "item_create",
    "item_is_done",
    "item_update",
    "pair_save",
    "quarter_star_recommend",
    "quarter_star_update",
    "ranking_check_complete",
    "ranking_compile",
    "ranking_submit",
    "recheck_record",
    "reminders_send",
    "report_check_complete",
    "report_save",
    "report_submit",
    "rotation_save",
    "team_output_add",
    "team_save",
    "unit_records_pdf_request",
    "validate_item",
]
