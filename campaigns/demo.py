"""Demo records of the 2024 campaign, made through the services as people would, in date order.

The lists (工作事项 and 整改事项) with milestones, progress reports with evidence verified by
the 办领导 (on time, late, returned once, one still waiting), 回头看 (one consolidated, one
relapsed into a new rectification item, one still due), teams, mentoring pairs with check-ins,
rotations, quarterly stars, the 四个够不够 discussions of every
section, and the monthly rankings: March to October published, November waiting for the
leader's confirmation, December still to be compiled.

It runs after the programmes' demo records, so the rankings include their numbers. The 比武
with their results (`build_competitions`) run before them: a 岗位之星 申报表 cites its 比武 entry.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

from . import demo_year, services
from .enums import (
    CompetitionLevel,
    ExchangeKind,
    FourQuestions,
    ItemKind,
    OutputKind,
    RecheckOutcome,
    TeamKind,
)
from .models import AppraisalRecommendation, Campaign, Competition, KeyTask, WorkItem

User = get_user_model()
YEAR = demo_year.TEMPLATE_YEAR  # the script's dates; demo_year maps them into the year built
at = demo_year.at


def _user(username: str):
    return User.objects.get(username=username)


def _staff(name: str) -> Staff:
    return Staff.objects.select_related("unit").get(name=name)


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def demo_pdf(title: str) -> SimpleUploadedFile:
    """Return a small one-page PDF (ASCII body: the file stands for a scanned document)."""
    text = title.encode("ascii", "ignore") or b"document"
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


def demo_photo(title: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 560), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 380, 760, 520], fill=(255, 255, 255))
    draw.rectangle([60, 60, 740, 340], outline=(255, 215, 106), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{title}.jpg", buffer.getvalue(), content_type="image/jpeg")


class Timeline:
    """Events of the year, run in date order with the portal's clock set to each moment."""

    def __init__(self) -> None:
        self.events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []

    def on(self, moment: datetime.datetime, action: Callable[[], None]) -> None:
        self.events.append((moment, len(self.events), action))

    def run(self) -> None:
        for moment, _order, action in sorted(self.events, key=lambda e: (e[0], e[1])):
            if not demo_year.happened(moment):
                break  # in date order: everything after has not happened yet either
            with clock.frozen(moment):
                action()


HEADS = {
    "zonghe": "zonghe_head",
    "gongcheng": "gongcheng_head",
    "dongyuan": "dongyuan_head",
    "baozhang": "baozhang_head",
}

# key, key task, kind, unit, owner, title, goal/problem, measures, deadline, milestones,
# rectify mode, recheck day, listed on (and by)
ITEMS = [
    # 1 加强思想发动
    (
        "study-zonghe",
        1,
        "task",
        "zonghe",
        "王海燕",
        "开展对照“四个够不够”学习大讨论（综合科）",
        "科室全体人员参加，形成讨论纪要，查摆问题列入整改清单。",
        "结合科务会组织专题讨论，逐人发言。",
        (5, 31),
        [("制定讨论方案", (4, 30))],
        "",
        None,
        (4, 15),
    ),
    (
        "study-gongcheng",
        1,
        "task",
        "gongcheng",
        "张卫东",
        "开展对照“四个够不够”学习大讨论（工程指挥科）",
        "科室全体人员参加，形成讨论纪要，查摆问题列入整改清单。",
        "结合科务会组织专题讨论。",
        (5, 31),
        [],
        "",
        None,
        (4, 15),
    ),
    (
        "study-dongyuan",
        1,
        "task",
        "dongyuan",
        "赵立新",
        "开展对照“四个够不够”学习大讨论（动员协调科）",
        "科室全体人员参加，形成讨论纪要，查摆问题列入整改清单。",
        "结合科务会组织专题讨论。",
        (5, 31),
        [],
        "",
        None,
        (4, 15),
    ),
    (
        "study-baozhang",
        1,
        "task",
        "baozhang",
        "徐明",
        "开展对照“四个够不够”学习大讨论（管理保障中心）",
        "中心全体人员参加，形成讨论纪要，查摆问题列入整改清单。",
        "结合中心例会组织专题讨论。",
        (5, 31),
        [],
        "",
        None,
        (4, 15),
    ),
    (
        "reader",
        1,
        "task",
        "zonghe",
        "曹文婷",
        "编印实践活动学习资料汇编",
        "汇编习近平总书记考察上海重要讲话精神及国防动员有关论述，人手一册。",
        "5月中旬前完成编印并分发。",
        (5, 17),
        [("完成资料选编", (5, 6))],
        "",
        None,
        (4, 15),
    ),
    # 2 加强教育培训
    (
        "discipline",
        2,
        "task",
        "zonghe",
        "朱晓东",
        "举办集中性纪律教育专题培训",
        "重点强化政治纪律和组织纪律，全办干部职工参训率100%。",
        "邀请区纪委监委派驻纪检组授课，组织警示教育。",
        (6, 28),
        [("确定授课人和课程", (5, 31)), ("组织专题培训", (6, 21))],
        "",
        None,
        (4, 16),
    ),
    (
        "quality-training",
        2,
        "task",
        "gongcheng",
        "刘洋",
        "开展人防工程质量监督业务培训",
        "提升质量监督人员业务能力，覆盖全区在建人防工程监督人员。",
        "编写培训课件，组织两期集中培训和现场教学。",
        (7, 31),
        [("完成培训课件", (6, 28))],
        "",
        None,
        (4, 16),
    ),
    # 3 强化平台搭建
    (
        "mentoring-rule",
        3,
        "task",
        "zonghe",
        "朱晓东",
        "制定年轻干部职工岗位带教制度",
        "明确带教对象、带教人条件、带教内容和考核方式。",
        "起草制度并征求各科室意见，办务会审议。",
        (5, 31),
        [("起草制度征求意见稿", (5, 10))],
        "",
        None,
        (4, 16),
    ),
    (
        "potential-platform",
        3,
        "task",
        "dongyuan",
        "黄俊杰",
        "完善国防动员潜力调查数据平台功能",
        "实现潜力数据按季度更新、分类查询和统计分析。",
        "与技术单位对接需求，分阶段上线。",
        (9, 30),
        [("完成需求梳理", (6, 28)), ("完成功能开发测试", (8, 30))],
        "",
        None,
        (4, 17),
    ),
    # 4 强化团队攻坚
    (
        "conversion-plan",
        4,
        "task",
        "gongcheng",
        "陈志刚",
        "编制全区人防工程平战转换预案",
        "形成全区人防工程平战转换预案（送审稿）。",
        "组建攻坚团队，开展现场踏勘和专题会商。",
        (10, 31),
        [("完成现场调研", (7, 31)), ("形成预案初稿", (9, 30))],
        "",
        None,
        (4, 17),
    ),
    (
        "rescue-survey",
        4,
        "task",
        "baozhang",
        "马骏",
        "开展重点目标防护救援力量建设调研",
        "摸清重点目标防护救援力量底数，形成调研报告。",
        "走访重点目标单位，座谈交流。",
        (8, 30),
        [("完成走访", (7, 19))],
        "",
        None,
        (4, 17),
    ),
    (
        "siren-maintenance",
        4,
        "task",
        "baozhang",
        "胡晓琳",
        "完成防空警报设施年度维护检修",
        "全区警报器完好率100%，保障9月防空警报试鸣。",
        "分片区逐台检修，建立维护台账。",
        (9, 13),
        [("完成片区检修计划", (6, 14)), ("完成全部检修", (9, 6))],
        "",
        None,
        (4, 18),
    ),
    # 5 强化展示交流
    (
        "siren-contest",
        5,
        "task",
        "baozhang",
        "胡晓琳",
        "组织参加市国动办通信警报专业技能比武",
        "选派骨干参赛，力争取得好成绩。",
        "开展赛前集训和模拟演练。",
        (9, 30),
        [("完成赛前集训", (9, 6))],
        "",
        None,
        (4, 18),
    ),
    (
        "exchange-meeting",
        5,
        "task",
        "dongyuan",
        "许婷",
        "组织动员协调工作经验交流会",
        "总结交流动员协调典型经验，形成经验材料汇编。",
        "邀请各街镇国防动员工作组参加。",
        (11, 29),
        [("征集经验材料", (10, 31))],
        "",
        None,
        (4, 18),
    ),
    (
        "showcase",
        5,
        "task",
        "zonghe",
        "曹文婷",
        "实践活动成效展示和年度总结",
        "全面总结实践活动成效，宣传正面典型，推广先进经验。",
        "编印成效展示材料，形成年度总结报告。",
        (12, 20),
        [("征集各科室成效材料", (11, 29))],
        "",
        None,
        (4, 18),
    ),
]

# Rectification items that come out of the 四个够不够 discussions.
RECTIFICATIONS = [
    (
        "docs-overdue",
        1,
        "zonghe",
        "韩梅",
        "公文流转存在超时现象",
        "部分收文办理超过规定时限，催办提醒不及时。",
        "建立收文办理时限提醒，每周通报超时情况。",
        (6, 28),
        [],
        "immediate",
        (9, 30),
        (6, 5),
    ),
    (
        "inspection-records",
        4,
        "gongcheng",
        "周浩",
        "人防工程监督检查记录不规范",
        "现场检查记录要素不全，问题整改闭环留痕不够。",
        "修订检查记录格式，对存量记录逐项补正，建立整改闭环台账。",
        (9, 30),
        [("修订检查记录格式", (7, 15)), ("完成存量记录补正", (8, 30))],
        "long_term",
        (11, 29),
        (6, 10),
    ),
    (
        "data-updates",
        3,
        "dongyuan",
        "黄俊杰",
        "潜力调查数据更新不及时",
        "部分潜力数据更新周期超过一年，影响统计分析。",
        "建立季度更新机制，明确各数据项责任人和更新时限。",
        (10, 31),
        [("明确各数据项责任人", (8, 30))],
        "long_term",
        (12, 31),
        (6, 12),
    ),
    (
        "duty-handover",
        4,
        "baozhang",
        "林涛",
        "值班值守交接不规范",
        "交接班记录填写不完整，设备状态交接不清。",
        "修订交接班记录表，开展值班规范培训。",
        (7, 19),
        [],
        "immediate",
        (10, 31),
        (7, 2),
    ),
]


def build(log) -> None:
    campaign = Campaign.objects.filter(year=demo_year.year()).first()
    if campaign is None or WorkItem.objects.filter(campaign=campaign).exists():
        return
    tasks = {t.order: t for t in KeyTask.objects.filter(campaign=campaign)}
    items: dict[str, WorkItem] = {}
    reports: dict[str, object] = {}
    timeline = Timeline()
    leader = "office_leader"
    coordinator = "zonghe_head"

    def day(md: tuple[int, int]) -> datetime.date:
        return demo_year.day(YEAR, *md)

    # --- the lists -----------------------------------------------------------------------
    def list_item(row, kind):
        if kind == ItemKind.TASK:
            (
                key,
                task,
                _k,
                unit,
                owner,
                title,
                goal,
                measures,
                deadline,
                stones,
                mode,
                recheck,
                on,
            ) = row
            problem = ""
        else:
            (
                key,
                task,
                unit,
                owner,
                title,
                problem,
                measures,
                deadline,
                stones,
                mode,
                recheck,
                on,
            ) = row
            goal = ""

        def create():
            by = coordinator if kind == ItemKind.TASK else HEADS[unit]
            items[key] = services.item_create(
                acting_user=_user(by),
                campaign=campaign,
                key_task=tasks[task],
                kind=kind,
                title=title,
                goal=goal,
                problem=problem,
                measures=measures,
                rectify_mode=mode,
                unit=_unit(unit),
                owner=_staff(owner),
                deadline=day(deadline),
                recheck_on=day(recheck) if recheck else None,
                milestones=[{"title": t, "due_on": day(d)} for t, d in stones],
            )

        timeline.on(at(YEAR, *on, 9, 30), create)

    for row in ITEMS:
        list_item(row, ItemKind.TASK)
    for row in RECTIFICATIONS:
        list_item(row, ItemKind.RECTIFICATION)

    def report(
        key: str,
        when: tuple[int, int],
        percent: int,
        text: str,
        *,
        files=(),
        final: bool = False,
        milestone: str = "",
        writer: str = "",
        name: str = "",
        submit: bool = True,
    ):
        def write():
            item = items[key]
            unit_code = item.unit.code
            author = writer or HEADS[unit_code]
            stone = item.milestones.filter(title=milestone).first() if milestone else None
            made = services.report_save(
                acting_user=_user(author),
                item=item,
                milestone=stone,
                percent=percent,
                text=text,
                is_final=final,
                files=[f() for f in files],
            )
            reports[name or f"{key}-{when}"] = made
            if submit:
                services.report_submit(acting_user=_user(HEADS[unit_code]), report=made)

        timeline.on(at(YEAR, *when, 16, 0), write)

    def submit_again(name: str, when: tuple[int, int], text: str, files=()):
        def resubmit():
            made = reports[name]
            unit_code = made.item.unit.code
            services.report_save(
                acting_user=_user(HEADS[unit_code]),
                item=made.item,
                report=made,
                milestone=made.milestone,
                percent=made.percent,
                text=text,
                is_final=made.is_final,
                files=[f() for f in files],
            )
            services.report_submit(acting_user=_user(HEADS[unit_code]), report=made)

        timeline.on(at(YEAR, *when, 16, 30), resubmit)

    def verify(name: str, when: tuple[int, int], action=Action.APPROVE, text: str = ""):
        def decide():
            workflow.approval_decide(
                subject=reports[name], acting_user=_user(leader), decision=action, opinion=text
            )

        timeline.on(at(YEAR, *when, 10, 0), decide)

    def pdf(title):
        return lambda: demo_pdf(title)

    def photo(title, colour=(166, 27, 27)):
        return lambda: demo_photo(title, colour)

    # 四个够不够 discussions: three on time, 动员协调科 late.
    for key, when, verified in (
        ("study-zonghe", (5, 13), (5, 15)),
        ("study-gongcheng", (5, 16), (5, 17)),
        ("study-baozhang", (5, 22), (5, 24)),
        ("study-dongyuan", (6, 12), (6, 14)),
    ):
        report(
            key,
            when,
            100,
            "已组织全体人员对照“四个够不够”开展学习大讨论，逐人发言，形成讨论纪要，查摆问题已列入整改清单。",
            files=[pdf("讨论纪要"), photo("讨论现场", (40, 90, 140))],
            final=True,
            name=key,
        )
        verify(key, verified, text="材料齐全，核验通过。")
    report(
        "study-zonghe",
        (4, 28),
        30,
        "已制定讨论方案，明确议程和发言要求。",
        milestone="制定讨论方案",
        name="study-zonghe-plan",
    )
    verify("study-zonghe-plan", (4, 29), text="")

    report(
        "reader",
        (5, 6),
        60,
        "已完成学习资料选编，共收录文章36篇，送办领导审阅。",
        milestone="完成资料选编",
        files=[pdf("学习资料选编目录")],
        writer="zonghe_head",
        name="reader-1",
    )
    verify("reader-1", (5, 7))
    report(
        "reader",
        (5, 15),
        100,
        "学习资料汇编已印制200册，分发至各科室和个人。",
        files=[pdf("学习资料汇编印发通知"), photo("学习资料汇编", (120, 30, 30))],
        final=True,
        name="reader-2",
    )
    verify("reader-2", (5, 16), text="核验通过。")

    report(
        "mentoring-rule",
        (5, 10),
        50,
        "制度征求意见稿已起草，发各科室征求意见。",
        milestone="起草制度征求意见稿",
        files=[pdf("岗位带教制度征求意见稿")],
        name="rule-1",
    )
    verify("rule-1", (5, 11))
    report(
        "mentoring-rule",
        (5, 29),
        100,
        "《年轻干部职工岗位带教制度》经办务会审议通过并印发。",
        files=[pdf("年轻干部职工岗位带教制度")],
        final=True,
        name="rule-2",
    )
    verify("rule-2", (5, 31), text="制度已印发，核验通过。")

    report(
        "discipline",
        (5, 30),
        40,
        "已确定授课人和课程，培训通知已印发。",
        milestone="确定授课人和课程",
        files=[pdf("纪律教育培训通知")],
        name="disc-1",
    )
    verify("disc-1", (5, 31))
    report(
        "discipline",
        (6, 21),
        100,
        "6月21日举办纪律教育专题培训，全办干部职工参训，参训率100%。",
        milestone="组织专题培训",
        files=[pdf("培训签到表"), photo("纪律教育培训现场", (30, 110, 70))],
        final=True,
        name="disc-2",
    )
    verify("disc-2", (6, 24), text="核验通过。")

    # 工程指挥科 training: the completion report is returned once for its sign-in sheets.
    report(
        "quality-training",
        (6, 27),
        40,
        "培训课件已完成，拟分两期组织。",
        milestone="完成培训课件",
        files=[pdf("质量监督培训课件")],
        writer="member",
        name="qt-1",
    )
    verify("qt-1", (6, 28))
    report(
        "quality-training",
        (8, 2),
        100,
        "两期培训已完成，共培训监督人员46人次。",
        files=[photo("质量监督培训现场", (90, 60, 20))],
        final=True,
        writer="member",
        name="qt-2",
    )
    verify("qt-2", (8, 5), Action.RETURN, "请补充两期培训的签到表和课件终稿。")
    submit_again(
        "qt-2",
        (8, 9),
        "两期培训已完成，共培训监督人员46人次，已补充签到表和课件终稿。",
        files=[pdf("两期培训签到表"), pdf("培训课件终稿")],
    )
    verify("qt-2", (8, 12), text="材料已补齐，核验通过（逾期完成）。")

    report(
        "potential-platform",
        (6, 27),
        30,
        "已与技术单位完成需求梳理，形成需求说明书。",
        milestone="完成需求梳理",
        files=[pdf("平台需求说明书")],
        name="pp-1",
    )
    verify("pp-1", (7, 1))
    report(
        "potential-platform",
        (8, 30),
        70,
        "季度更新、分类查询功能开发完成并通过测试。",
        milestone="完成功能开发测试",
        files=[pdf("功能测试报告")],
        name="pp-2",
    )
    verify("pp-2", (9, 3))
    report(
        "potential-platform",
        (9, 27),
        100,
        "平台新功能已上线运行，完成全部数据导入。",
        files=[pdf("平台上线验收单"), photo("平台运行截图", (20, 60, 120))],
        final=True,
        name="pp-3",
    )
    verify("pp-3", (10, 8), text="核验通过。")

    # The 平战转换 plan slips: the first milestone is met, the second is not; still open.
    report(
        "conversion-plan",
        (7, 30),
        40,
        "已完成全区28处人防工程现场踏勘。",
        milestone="完成现场调研",
        files=[pdf("现场踏勘记录"), photo("工程现场踏勘", (70, 70, 70))],
        name="cp-1",
    )
    verify("cp-1", (8, 1))
    report(
        "conversion-plan",
        (10, 18),
        65,
        "预案初稿基本成型，正在征求相关部门意见，较原计划滞后。",
        files=[pdf("平战转换预案初稿")],
        name="cp-2",
    )
    verify("cp-2", (10, 21), text="请抓紧推进，尽快形成送审稿。")

    report(
        "rescue-survey",
        (7, 18),
        50,
        "已走访12家重点目标单位。",
        milestone="完成走访",
        files=[photo("重点目标单位走访", (100, 40, 40))],
        name="rs-1",
    )
    verify("rs-1", (7, 22))
    report(
        "rescue-survey",
        (8, 28),
        100,
        "调研报告已完成并报办领导。",
        files=[pdf("防护救援力量建设调研报告")],
        final=True,
        name="rs-2",
    )
    verify("rs-2", (9, 2), text="核验通过。")

    report(
        "siren-maintenance",
        (6, 13),
        20,
        "片区检修计划已制定。",
        milestone="完成片区检修计划",
        files=[pdf("片区检修计划")],
        name="sm-1",
    )
    verify("sm-1", (6, 17))
    report(
        "siren-maintenance",
        (9, 6),
        100,
        "全区警报器逐台检修完毕，完好率100%，维护台账已建立。",
        milestone="完成全部检修",
        files=[pdf("警报设施维护台账"), photo("警报器检修现场", (60, 60, 140))],
        final=True,
        name="sm-2",
    )
    verify("sm-2", (9, 9), text="核验通过，保障试鸣。")

    report(
        "siren-contest",
        (9, 6),
        50,
        "赛前集训已完成，组织模拟演练3次。",
        milestone="完成赛前集训",
        files=[photo("赛前集训", (40, 40, 120))],
        name="sc-1",
    )
    verify("sc-1", (9, 9))
    report(
        "siren-contest",
        (9, 20),
        100,
        "胡晓琳获市通信警报专业技能比武一等奖，林涛获二等奖。",
        files=[pdf("比武成绩通报"), photo("比武现场", (160, 120, 20))],
        final=True,
        name="sc-2",
    )
    verify("sc-2", (9, 24), text="成绩优异，核验通过。")

    report(
        "exchange-meeting",
        (10, 30),
        40,
        "已征集经验材料15篇。",
        milestone="征集经验材料",
        files=[pdf("经验材料目录")],
        name="em-1",
    )
    verify("em-1", (11, 1))
    report(
        "exchange-meeting",
        (12, 6),
        100,
        "12月5日召开经验交流会，11个街镇参加，形成经验汇编。",
        files=[pdf("经验交流会纪要"), photo("经验交流会现场", (30, 30, 30))],
        final=True,
        name="em-2",
    )
    verify("em-2", (12, 10), text="核验通过（逾期完成）。")

    report(
        "showcase",
        (11, 28),
        40,
        "已征集各科室成效材料。",
        milestone="征集各科室成效材料",
        files=[pdf("成效材料汇总")],
        name="sh-1",
    )
    verify("sh-1", (12, 2))
    report(
        "showcase",
        (12, 18),
        100,
        "年度总结报告和成效展示材料已完成。",
        files=[pdf("实践活动年度总结")],
        final=True,
        name="sh-2",
    )
    # sh-2 still waits for verification.

    # Rectification.
    report(
        "docs-overdue",
        (6, 26),
        100,
        "已建立收文办理时限提醒，每周五通报超时情况，6月未再出现超时。",
        files=[pdf("收文办理超时情况周报")],
        final=True,
        name="do-1",
    )
    verify("do-1", (6, 28), text="整改到位，同意销号。")
    report(
        "inspection-records",
        (7, 12),
        30,
        "检查记录格式已修订。",
        milestone="修订检查记录格式",
        files=[pdf("检查记录格式（修订稿）")],
        name="ir-1",
    )
    verify("ir-1", (7, 16))
    report(
        "inspection-records",
        (8, 29),
        70,
        "存量检查记录已逐项补正。",
        milestone="完成存量记录补正",
        files=[pdf("存量记录补正清单")],
        name="ir-2",
    )
    verify("ir-2", (9, 2))
    report(
        "inspection-records",
        (9, 25),
        100,
        "整改闭环台账已建立，新记录全部按新格式填写。",
        files=[pdf("整改闭环台账")],
        final=True,
        name="ir-3",
    )
    verify("ir-3", (9, 27), text="同意销号。")
    report(
        "data-updates",
        (8, 29),
        40,
        "各数据项责任人已明确。",
        milestone="明确各数据项责任人",
        files=[pdf("数据项责任人清单")],
        name="du-1",
    )
    verify("du-1", (9, 2))
    report(
        "data-updates",
        (10, 29),
        100,
        "季度更新机制已运行，三季度数据全部更新。",
        files=[pdf("三季度数据更新情况")],
        final=True,
        name="du-2",
    )
    verify("du-2", (10, 31), text="同意销号，年底组织回头看。")
    report(
        "duty-handover",
        (7, 24),
        100,
        "交接班记录表已修订，组织值班规范培训1次。",
        files=[pdf("交接班记录表（修订稿）"), photo("值班规范培训", (50, 100, 50))],
        final=True,
        name="dh-1",
    )
    verify("dh-1", (7, 26), text="同意销号（逾期完成）。")

    # 回头看: one consolidated, one relapsed (a new rectification item), one still due.
    def recheck(key, when, outcome, note, follow_up=None, who=""):
        def run():
            item = items[key]
            services.recheck_record(
                acting_user=_user(who or HEADS[item.unit.code]),
                item=item,
                checked_on=day(when),
                outcome=outcome,
                note=note,
                follow_up_deadline=day(follow_up) if follow_up else None,
            )

        timeline.on(at(YEAR, *when, 15, 0), run)

    recheck(
        "docs-overdue",
        (9, 27),
        RecheckOutcome.CONSOLIDATED,
        "7—9月收文均按时办结，提醒机制运行正常。",
    )
    recheck(
        "duty-handover",
        (10, 30),
        RecheckOutcome.CONSOLIDATED,
        "抽查8月以来交接班记录，填写完整规范。",
    )
    recheck(
        "inspection-records",
        (11, 28),
        RecheckOutcome.RELAPSED,
        "抽查10—11月检查记录，仍有3份未按新格式填写整改闭环情况。",
        follow_up=(12, 20),
    )

    # --- teams, mentoring, rotations ------------------------------------------------------
    def team(kind, name, task, topic, goals, leader_name, members, formed, ends, outputs, by):
        def run():
            made = services.team_save(
                acting_user=_user(by),
                campaign=campaign,
                kind=kind,
                name=name,
                key_task=tasks[task],
                topic=topic,
                goals=goals,
                leader=_staff(leader_name),
                formed_on=day(formed),
                ends_on=day(ends),
                members=[(_staff(n), duty) for n, duty in members],
            )
            for when, output_kind, title, text in outputs:
                timeline_outputs.append((when, made, output_kind, title, text, by))

        timeline.on(at(YEAR, *formed, 11, 0), run)

    timeline_outputs: list = []
    team(
        TeamKind.ASSAULT,
        "平战转换预案编制攻坚团队",
        4,
        "围绕战时城市核心功能保障，编制全区人防工程平战转换预案。",
        "10月底前形成预案送审稿，配套形成调研报告。",
        "陈志刚",
        [
            ("刘洋", "现场踏勘"),
            ("周浩", "资料整理"),
            ("马骏", "保障力量对接"),
            ("黄俊杰", "潜力数据支撑"),
        ],
        (5, 8),
        (10, 31),
        [
            (
                (8, 20),
                OutputKind.RESEARCH,
                "全区人防工程平战转换现状调研报告",
                "摸清28处工程平战转换条件。",
            )
        ],
        "gongcheng_head",
    )
    team(
        TeamKind.TASK_FORCE,
        "国防动员潜力调查工作专班",
        4,
        "围绕潜力调查重要任务，健全潜力数据更新和核查机制。",
        "建立季度更新机制，完成年度潜力调查。",
        "孙敏",
        [("黄俊杰", "数据平台"), ("许婷", "部门协调"), ("杨帆", "信息化支持")],
        (5, 15),
        (12, 31),
        [((9, 5), OutputKind.POLICY, "潜力数据季度更新工作机制", "明确更新责任、时限和核查方式。")],
        "dongyuan_head",
    )
    team(
        TeamKind.PROJECT,
        "警报设施智能巡检项目组",
        4,
        "探索防空警报设施远程巡检，提高维护效率。",
        "试点片区实现远程状态监测。",
        "马骏",
        [("胡晓琳", "技术负责"), ("林涛", "现场维护"), ("郑雨欣", "政务协调")],
        (6, 3),
        (11, 29),
        [
            (
                (11, 15),
                OutputKind.RESULT,
                "朱家角片区警报器远程巡检试点",
                "试点12台警报器实现远程状态监测。",
            )
        ],
        "baozhang_head",
    )

    def pair(mentor, mentee, goals, starts, ends, check_ins, by):
        holder = {}

        def run():
            holder["pair"] = services.pair_save(
                acting_user=_user(by),
                campaign=campaign,
                mentor=_staff(mentor),
                mentee=_staff(mentee),
                goals=goals,
                starts_on=day(starts),
                ends_on=day(ends),
            )

        timeline.on(at(YEAR, *starts, 9, 0), run)
        for when, content in check_ins:

            def note(when=when, content=content):
                services.check_in_add(
                    acting_user=_user(by),
                    pair=holder["pair"],
                    held_on=day(when),
                    content=content,
                    next_steps="",
                )

            timeline.on(at(YEAR, *when, 17, 0), note)

    pair(
        "陈志刚",
        "郑雨欣",
        "熟悉人防工程审批和监督流程，能独立承办行政审批事项。",
        (5, 6),
        (12, 31),
        [
            ((5, 24), "讲解人防工程行政审批流程和要点。"),
            ((7, 12), "带领参加工程现场监督检查。"),
            ((9, 20), "指导独立承办两件审批事项，复盘改进。"),
            ((11, 22), "总结带教收获，明确明年提升方向。"),
        ],
        "gongcheng_head",
    )
    pair(
        "孙敏",
        "黄俊杰",
        "掌握潜力调查组织方法，能牵头完成专项调查。",
        (5, 6),
        (12, 31),
        [
            ((6, 7), "梳理潜力调查指标体系。"),
            ((8, 16), "指导牵头组织一次专项调查。"),
            ((10, 25), "复盘专项调查，形成工作方法小结。"),
        ],
        "dongyuan_head",
    )
    pair(
        "朱晓东",
        "杨帆",
        "熟悉机关综合业务，提升公文写作和统筹协调能力。",
        (5, 13),
        (11, 30),
        [
            ((6, 14), "讲解公文格式规范，批改两篇文稿。"),
            ((9, 13), "参与办务会筹备，学习会务统筹。"),
        ],
        "zonghe_head",
    )

    def rotation(name, to_unit, to_name, post, starts, ends, purpose, summary, by):
        def run():
            services.rotation_save(
                acting_user=_user(by),
                campaign=campaign,
                staff=_staff(name),
                to_unit=_unit(to_unit) if to_unit else None,
                to_name=to_name,
                post=post,
                starts_on=day(starts),
                ends_on=day(ends),
                purpose=purpose,
                summary=summary,
            )

        timeline.on(at(YEAR, *starts, 9, 0) - datetime.timedelta(days=7), run)

    rotation(
        "周浩",
        "dongyuan",
        "",
        "潜力调查",
        (7, 1),
        (9, 30),
        "熟悉潜力调查业务，增强跨科室协同能力。",
        "参与完成两项专项调查，熟悉了潜力数据平台操作。",
        "gongcheng_head",
    )
    rotation(
        "曹文婷",
        None,
        "市国动办",
        "文秘宣传",
        (9, 2),
        (11, 29),
        "学习市级机关文稿起草和宣传工作经验。",
        "",
        "zonghe_head",
    )

    # --- 季度之星 ----------------------------------------------------------------------------------
    def star(quarter, name, deeds, chosen):
        """The person's 科室负责人 recommends; 综合科 reviews the next day; 办党组 decides."""
        made = {}

        def recommend():
            person = _staff(name)
            made["star"] = services.quarter_star_recommend(
                acting_user=_user(HEADS[person.unit.code]),
                campaign=campaign,
                quarter=quarter,
                staff=person,
                deeds=deeds,
            )

        def decide(username):
            def run():
                workflow.approval_decide(
                    subject=made["star"], acting_user=_user(username), decision=Action.APPROVE
                )

            return run

        recommended = datetime.date(YEAR, *chosen) - datetime.timedelta(days=4)
        reviewed = recommended + datetime.timedelta(days=1)
        timeline.on(at(YEAR, recommended.month, recommended.day, 15, 0), recommend)
        timeline.on(at(YEAR, reviewed.month, reviewed.day, 10, 0), decide("zonghe_head"))
        timeline.on(at(YEAR, *chosen, 15, 0), decide("party_group"))

    star(2, "曹文婷", "高质量完成实践活动学习资料汇编，按期印发分发。", (7, 5))
    star(2, "刘洋", "牵头人防工程质量监督培训，带队完成28处工程现场踏勘。", (7, 5))
    star(3, "胡晓琳", "完成全区警报设施检修，获市通信警报专业技能比武一等奖。", (10, 10))
    star(3, "黄俊杰", "完善潜力调查数据平台，获办内潜力调查业务比武第一名。", (10, 10))
    star(4, "许婷", "组织动员协调工作经验交流会，形成经验汇编。", (12, 27))

    # --- 四个够不够 discussions ----------------------------------------------------------------
    def discussion(unit, when, place, host, people, minutes, problems, measures):
        def run():
            services.discussion_save(
                acting_user=_user(HEADS[unit]),
                campaign=campaign,
                unit=_unit(unit),
                held_on=day(when),
                place=place,
                host=_staff(host),
                questions=list(FourQuestions.values),
                minutes=minutes,
                problems=problems,
                measures=measures,
                participants=[_staff(n) for n in people],
            )

        timeline.on(at(YEAR, *when, 17, 30), run)

    discussion(
        "zonghe",
        (5, 10),
        "综合科办公室",
        "王海燕",
        ["李静", "朱晓东", "曹文婷", "韩梅", "杨帆", "沈建国"],
        "对照“四个够不够”逐人发言。沈建国主任到会指导，要求把查摆问题转化为整改清单。",
        "公文流转存在超时现象；学习研讨联系实际不够。",
        "建立收文办理时限提醒；每月开展一次专题研讨。",
    )
    discussion(
        "gongcheng",
        (5, 14),
        "工程指挥科会议室",
        "张卫东",
        ["陈志刚", "刘洋", "周浩", "郑雨欣", "吴佳怡"],
        "围绕战备意识和重点任务落地见效展开讨论。",
        "人防工程监督检查记录不规范。",
        "修订检查记录格式，建立闭环台账。",
    )
    discussion(
        "baozhang",
        (5, 20),
        "管理保障中心会议室",
        "徐明",
        ["马骏", "胡晓琳", "林涛"],
        "结合警报设施维护和值班值守查摆问题。",
        "值班值守交接不规范。",
        "修订交接班记录表，开展培训。",
    )
    discussion(
        "dongyuan",
        (6, 11),
        "动员协调科会议室",
        "赵立新",
        ["孙敏", "黄俊杰", "许婷"],
        "围绕研究破解根节难点问题够不够深展开讨论。",
        "潜力调查数据更新不及时。",
        "建立季度更新机制。",
    )

    # --- 交流展示 (重点任务五、三) --------------------------------------------------------------
    def exchange(unit, kind, when, title, place, people, summary, photos=(), material=None):
        def run():
            services.exchange_save(
                acting_user=_user(HEADS[unit]),
                campaign=campaign,
                kind=kind,
                title=title,
                held_on=day(when),
                place=place,
                unit=_unit(unit),
                summary=summary,
                people=[services.Speaker(staff=_staff(n)) for n in people],
                material=material() if material else None,
                photos=[make() for make in photos],
            )

        timeline.on(at(YEAR, *when, 16, 0), run)

    exchange(
        "gongcheng",
        ExchangeKind.PROJECT_VISIT,
        (4, 23),
        "重点人防工程建设现场观摩",
        "区人防指挥工程施工现场",
        ["张卫东", "陈志刚", "刘洋", "周浩"],
        "组织科室人员现场观摩重点人防工程建设，听取施工单位介绍质量控制措施，对照检查发现的问题形成整改建议。",
        photos=[photo("工程现场观摩", (70, 70, 70)), photo("质量控制讲解", (90, 60, 20))],
    )
    exchange(
        "zonghe",
        ExchangeKind.EXPERIENCE,
        (6, 19),
        "公文办理提速典型经验交流",
        "办机关三楼会议室",
        ["王海燕", "曹文婷", "李静"],
        "综合科介绍收文办理时限提醒和“一件事”流转做法，各科室围绕提速增效交流意见。",
        photos=[photo("经验交流现场", (40, 90, 140))],
        material=pdf("公文办理经验材料"),
    )
    exchange(
        "dongyuan",
        ExchangeKind.CASE,
        (9, 12),
        "潜力调查数据平台应用优秀案例汇报",
        "动员协调科会议室",
        ["赵立新", "黄俊杰", "孙敏"],
        "黄俊杰汇报潜力调查数据平台在年度调查中的应用，展示数据核查和季度更新机制的成效。",
        photos=[photo("案例汇报", (20, 60, 120))],
    )
    exchange(
        "baozhang",
        ExchangeKind.INNOVATION,
        (10, 15),
        "警报设施远程巡检创新成果展示",
        "管理保障中心值班室",
        ["徐明", "胡晓琳", "马骏"],
        "展示警报设施远程巡检系统，演示故障自动告警和巡检记录生成，介绍全区警报设施检修经验。",
        photos=[photo("成果展示", (30, 110, 70))],
    )
    exchange(
        "zonghe",
        ExchangeKind.MEETING,
        (11, 20),
        "办务会研讨交流：实践活动年度总结",
        "办机关三楼会议室",
        ["沈建国", "王海燕", "张卫东", "赵立新", "徐明"],
        "办务会上各科室负责人交流实践活动开展情况和下步打算，研究年度总结的重点内容。",
    )

    # --- the monthly rankings -------------------------------------------------------------
    def compile_month(month, when, confirm=None, returned=None):
        def run():
            ranking = services.ranking_compile(
                acting_user=_user(coordinator), campaign=campaign, month=month
            )
            services.ranking_submit(acting_user=_user(coordinator), ranking=ranking)
            holder[month] = ranking

        holder: dict = {}
        timeline.on(at(YEAR, *when, 9, 0), run)
        if returned:
            back_on, reason, again_on = returned

            def send_back():
                workflow.approval_decide(
                    subject=holder[month],
                    acting_user=_user(leader),
                    decision=Action.RETURN,
                    opinion=reason,
                )

            def again():
                ranking = services.ranking_compile(
                    acting_user=_user(coordinator), campaign=campaign, month=month
                )
                services.ranking_submit(acting_user=_user(coordinator), ranking=ranking)

            timeline.on(at(YEAR, *back_on, 10, 0), send_back)
            timeline.on(at(YEAR, *again_on, 9, 0), again)
        if confirm:

            def approve():
                workflow.approval_decide(
                    subject=holder[month],
                    acting_user=_user(leader),
                    decision=Action.APPROVE,
                    opinion="同意公布。",
                )

            timeline.on(at(YEAR, *confirm, 11, 0), approve)

    for month in range(3, 11):
        next_month = month + 1
        if month == 7:
            compile_month(
                month,
                (8, 2),
                confirm=(8, 7),
                returned=((8, 5), "请核对各科室7月到期事项的完成时间后重新汇总提交。", (8, 6)),
            )
        else:
            compile_month(month, (next_month, 3), confirm=(next_month, 5))
    compile_month(11, (12, 3))

    timeline.run()
    # Team outputs were queued by the teams' creation; record them in date order too.
    outputs = Timeline()
    for when, made, output_kind, title, text, by in timeline_outputs:

        def add(made=made, output_kind=output_kind, title=title, text=text, by=by, when=when):
            services.team_output_add(
                acting_user=_user(by),
                team=made,
                kind=output_kind,
                title=title,
                achieved_on=day(when),
                description=text,
                upload=demo_pdf(title),
            )

        outputs.on(at(YEAR, *when, 16, 0), add)
    outputs.run()
    log(
        f"{len(items)} 项清单事项（其中整改 {len(RECTIFICATIONS)} 项）、{len(reports)} 份进展报告、"
        "3 个团队、3 对带教、2 人次交流锻炼、5 人次季度之星、4 场大讨论、"
        "3—10月排名已公布、11月待确认"
    )


# 比武 with their results: title ({year}: the year built), 专业, level, organiser, held on, place,
# and (name, score, award) per entrant.
COMPETITIONS = [
    (
        "区国动办潜力调查业务比武",
        "潜力调查",
        CompetitionLevel.OFFICE,
        "区国动办",
        (6, 20),
        "区国动办三楼会议室",
        [("黄俊杰", 95, "第一名"), ("许婷", 88, ""), ("周浩", 88, ""), ("郑雨欣", 80, "")],
    ),
    (
        "{year}年上海市国防动员指挥所业务比武",
        "组织指挥",
        CompetitionLevel.CITY,
        "市国动办",
        (7, 18),
        "市国防动员指挥中心",
        [("陈志刚", 94, "团体一等奖、优秀指挥员")],
    ),
    (
        "{year}年上海市人防行政执法案卷评查",
        "行政执法",
        CompetitionLevel.CITY,
        "市国动办",
        (8, 22),
        "市国动办",
        [("周浩", 88, "优秀案卷、个人三等奖")],
    ),
    (
        "{year}年上海市国动系统通信警报专业技能比武",
        "通信警报",
        CompetitionLevel.CITY,
        "市国动办",
        (9, 12),
        "市民防指挥中心",
        [("胡晓琳", 92.5, "一等奖"), ("林涛", 85, "二等奖"), ("杨帆", 78, "优秀奖")],
    ),
    (
        "{year}年青浦区应急救援技能比武",
        "防护救援",
        CompetitionLevel.DISTRICT,
        "区应急管理局",
        (9, 20),
        "区应急救援训练基地",
        [("马骏", 96, "个人第一名")],
    ),
]


def build_competitions(log) -> None:
    """Record the year's 比武 and their results (before the 岗位之星 申报表 that cite them)."""

    campaign = Campaign.objects.filter(year=demo_year.year()).first()
    if campaign is None or Competition.objects.filter(campaign=campaign).exists():
        return
    timeline = Timeline()
    coordinator = "zonghe_head"

    def competition(title, discipline, level, organiser, held, place, entries):
        holder = {}

        def register():
            holder["c"] = services.competition_save(
                acting_user=_user(coordinator),
                campaign=campaign,
                title=title.format(year=demo_year.year()),
                discipline=discipline,
                level=level,
                organiser=organiser,
                held_on=demo_year.day(YEAR, *held),
                place=place,
                max_score=Decimal(100),
                note="",
            )

        def results():
            services.competition_results_save(
                acting_user=_user(coordinator),
                competition=holder["c"],
                rows=[
                    {"staff": _staff(n), "score": Decimal(str(s)), "award": a}
                    for n, s, a in entries
                ],
            )

        timeline.on(at(YEAR, held[0], 1, 9, 0), register)
        timeline.on(at(YEAR, *held, 18, 0), results)

    for row in COMPETITIONS:
        competition(*row)
    timeline.run()
    log(f"{Competition.objects.filter(campaign=campaign).count()} 场比武（含成绩）")


# (who marks, person, kind, reason, the 办党组's decision, its opinion)
APPRAISAL_MARKS = (
    (
        "office_leader",
        "刘洋",
        "excellent",
        "牵头人防工程质量监督培训，带队完成28处工程现场踏勘，获第二季度“季度之星”，一贯表现优秀。",
        Action.APPROVE,
        "经党组会议研究，同意确定为年度考核优秀等次。",
    ),
    (
        "office_leader",
        "胡晓琳",
        "commendation",
        "完成全区警报设施检修，获市通信警报专业技能比武一等奖，推荐参加评先表彰。",
        Action.APPROVE,
        "经党组会议研究，同意推荐参加评先表彰。",
    ),
    (
        "party_group",
        "黄俊杰",
        "excellent",
        "完善潜力调查数据平台，获办内潜力调查业务比武第一名，负责事项按期完成。",
        Action.APPROVE,
        "经党组会议研究，同意确定为年度考核优秀等次。",
    ),
    (
        "office_leader",
        "许婷",
        "excellent",
        "组织动员协调工作经验交流会，形成经验汇编。",
        Action.REJECT,
        "经党组会议研究，本年度优秀等次名额已满，记入平时考核。",
    ),
)


def build_appraisal(log) -> None:
    """The 办领导 and the 办党组 mark people from the 年度考核参考 list late in December; the
    办党组 decides at its meeting before the year ends (last year: all decided)."""

    campaign = Campaign.objects.filter(year=demo_year.year()).first()
    if (
        campaign is None
        or AppraisalRecommendation.objects.filter(campaign=campaign).exists()
        or campaign.is_closed
    ):
        return
    timeline = Timeline()
    made: dict[str, object] = {}

    def propose(username, name, kind, reason):
        def run():
            made[name] = services.appraisal_recommend(
                acting_user=_user(username),
                campaign=campaign,
                staff=_staff(name),
                kind=kind,
                reason=reason,
            )

        return run

    def decide(name, decision, opinion):
        def run():
            workflow.approval_decide(
                subject=made[name],
                acting_user=_user("party_group"),
                decision=decision,
                opinion=opinion,
            )

        return run

    for number, (username, name, kind, reason, decision, opinion) in enumerate(APPRAISAL_MARKS):
        timeline.on(at(YEAR, 12, 22, 9, 30 + number), propose(username, name, kind, reason))
        timeline.on(at(YEAR, 12, 29, 15, number), decide(name, decision, opinion))
    timeline.run()
    log(f"{AppraisalRecommendation.objects.filter(campaign=campaign).count()} 条年度考核推荐")
