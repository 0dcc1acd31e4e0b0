"""Demo records of the 2024 lecture series, made through the services as people would.

Topics in every state (draft, at each step, returned, approved, not approved), manuscripts with
two versions, lectures scheduled and delivered with photos, and one section (管理保障中心)
that still owes a speaker.
"""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from campaigns import demo_year
from campaigns.models import Campaign
from qpdo.org.models import Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

from . import services
from .enums import SpeakerPart
from .models import Slot, Topic

User = get_user_model()

PARTS = {
    "background": "近年来，{event}成为全区国防动员工作的一项重点。面对任务新、要求高、协调面广的实际，我们认真分析了以往工作中的短板，思考如何把改革要求落到具体岗位上。",
    "goals": "目标是在规定时间内高质量完成{event}，形成一套可复制、可推广的工作机制，同时锻炼一支懂业务、能协同的骨干队伍。",
    "planning": "一是成立工作专班，明确分工和时间节点；二是梳理政策依据，编制工作方案；三是加强与相关部门和街镇的沟通，争取支持。",
    "implementation": "实施中坚持问题导向，按周调度、按节点推进。遇到的难点主要有三个方面，我们通过现场踏勘、专题会商和逐项销号的方法一一解决。",
    "results": "工作完成后，相关做法得到市国动办肯定。个人体会是：讲政治是前提，精业务是基础，干成事是检验，身边的每一件小事都能体现大主题。",
}


def _user(username: str):
    return User.objects.get(username=username)


def _photo(label: str, colour: tuple[int, int, int]) -> ContentFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 640), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([60, 420, 900, 600], fill=(255, 255, 255))
    draw.rectangle([80, 80, 880, 380], outline=(255, 215, 106), width=8)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"{label}.jpg")


def _manuscript_docx(title: str, text: str) -> ContentFile:
    """Return the manuscript as the Word file sent to the 市国动办."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return ContentFile(buffer.getvalue(), name=f"{title}-讲述稿.docx")


def _topic(
    campaign,
    head: str,
    speaker: str,
    title: str,
    event: str,
    event_date,
    part,
    summary: str,
    slot_number: int | None = None,
):
    user = _user(head)
    staff = Staff.objects.get(name=speaker)
    slot = (
        Slot.objects.filter(campaign=campaign, number=slot_number).first() if slot_number else None
    )
    return services.topic_create(
        acting_user=user,
        campaign=campaign,
        title=title,
        speaker=staff,
        event=event,
        event_date=event_date,
        speaker_part=part,
        summary=summary,
        preferred_slot=slot,
    )


def _decide(subject, username: str, action=Action.APPROVE, text: str = "同意。", **kwargs):
    return workflow.approval_transition(
        approval=subject.approval,
        action=action,
        acting_user=_user(username),
        opinion=text,
        **kwargs,
    )


def _manuscript_parts(event: str, minutes: int = 14, extra: str = "") -> dict:
    data = {key: text.format(event=event) for key, text in PARTS.items()}
    data["results"] += extra
    data["planned_minutes"] = minutes
    return data


def build(log) -> None:
    campaign = Campaign.objects.filter(year=demo_year.year()).first()
    if campaign is None or Topic.objects.filter(campaign=campaign).exists():
        return
    at = demo_year.at

    with demo_year.when(at(2024, 4, 8, 9, 30)):
        a = _topic(
            campaign,
            "zonghe_head",
            "曹文婷",
            "一份公文背后的“数字化”改革",
            "推进机关公文处理数字化改革",
            demo_year.day(2023, 6, 1),
            SpeakerPart.PARTICIPANT,
            "讲述机关公文流转从纸质到线上的改革过程，体现干成事的担当。",
            1,
        )
        c = _topic(
            campaign,
            "gongcheng_head",
            "陈志刚",
            "城市地下空间人防工程平战转换实战化演练",
            "组织全区人防工程平战转换综合演练",
            demo_year.day(2023, 9, 16),
            SpeakerPart.DECIDER,
            "从筹划到组织实施的全过程，体现精业务、干成事。",
            3,
        )
        d = _topic(
            campaign,
            "gongcheng_head",
            "刘洋",
            "把好人防工程质量“第一道关”",
            "牵头开展人防工程质量监督专项检查",
            demo_year.day(2022, 11, 10),
            SpeakerPart.PARTICIPANT,
            "专项检查发现问题、推动整改的经过。",
            4,
        )
        e = _topic(
            campaign,
            "dongyuan_head",
            "黄俊杰",
            "国防动员潜力调查数据平台建设纪实",
            "建设区国防动员潜力调查数据平台",
            demo_year.day(2023, 3, 20),
            SpeakerPart.PARTICIPANT,
            "用数据说话，让潜力“看得见、调得动”。",
            5,
        )
        f = _topic(
            campaign,
            "dongyuan_head",
            "许婷",
            "动员协调的“加减法”",
            "协调多部门完成年度动员任务",
            demo_year.day(2021, 8, 5),
            SpeakerPart.PARTICIPANT,
            "讲述协调工作中的方法与体会。",
            6,
        )
        h = _topic(
            campaign,
            "baozhang_head",
            "胡晓琳",
            "警报试鸣背后的日日夜夜",
            "保障全区防空警报试鸣",
            demo_year.day(2023, 9, 16),
            SpeakerPart.WITNESS,
            "警报设施维护与试鸣保障的经历。",
            7,
        )
        _topic(
            campaign,
            "zonghe_head",
            "朱晓东",
            "机关后勤保障精细化管理的探索",
            "推行机关后勤保障精细化管理",
            demo_year.day(2022, 5, 12),
            SpeakerPart.MAKER,
            "（草稿，待完善）",
            2,
        )
        for topic, head in (
            (a, "zonghe_head"),
            (c, "gongcheng_head"),
            (d, "gongcheng_head"),
            (e, "dongyuan_head"),
            (f, "dongyuan_head"),
            (h, "baozhang_head"),
        ):
            workflow.approval_submit(subject=topic, acting_user=_user(head))

    with demo_year.when(at(2024, 4, 15, 10, 0)):
        for topic in (a, c, d, e, h):
            _decide(topic, "zonghe_staff", text="选题符合要求，同意推荐。")
        _decide(f, "zonghe_staff", Action.RETURN, "请聚焦一个具体事件，写明时间和本人承担的工作。")
    with demo_year.when(at(2024, 4, 22, 16, 0)):
        for topic in (a, c, d):
            _decide(topic, "office_leader", text="同意。")
        _decide(h, "office_leader", Action.REJECT, "与其他科室选题重复，建议明年另选事件。")
    with demo_year.when(at(2024, 4, 25, 9, 0)):
        g = _topic(
            campaign,
            "dongyuan_head",
            "孙敏",
            "征兵工作中的“暖心”服务",
            "优化征兵体检站服务流程",
            demo_year.day(2023, 7, 18),
            SpeakerPart.PARTICIPANT,
            "服务流程优化的经过与成效。",
            6,
        )
        workflow.approval_submit(subject=g, acting_user=_user("dongyuan_head"))

    # Manuscripts: A returned once then received (two versions); C received; D at review.
    with demo_year.when(at(2024, 5, 20, 15, 0)):
        ma = services.manuscript_save(
            acting_user=_user("zonghe_head"),
            topic=a,
            **_manuscript_parts("推进机关公文处理数字化改革", 13),
        )
        services.manuscript_submit(acting_user=_user("zonghe_head"), manuscript=ma)
    with demo_year.when(at(2024, 5, 22, 11, 0)):
        _decide(ma, "zonghe_head", Action.RETURN, "“成效与体会”请补充具体数据，时长按15分钟准备。")
    with demo_year.when(at(2024, 5, 27, 17, 0)):
        services.manuscript_save(
            acting_user=_user("zonghe_head"),
            topic=a,
            **_manuscript_parts(
                "推进机关公文处理数字化改革",
                15,
                "改革后公文平均流转时间由3天缩短到1天，纸张使用减少六成。",
            ),
        )
        services.manuscript_submit(acting_user=_user("zonghe_head"), manuscript=ma)
        _decide(ma, "zonghe_head", text="内容已审核。")
    with demo_year.when(at(2024, 5, 28, 9, 0)):
        _decide(ma, "zonghe_staff", text="已收稿。")
    with demo_year.when(at(2024, 6, 5, 10, 0)):
        mc = services.manuscript_save(
            acting_user=_user("gongcheng_head"),
            topic=c,
            **_manuscript_parts("组织全区人防工程平战转换综合演练"),
        )
        services.manuscript_submit(acting_user=_user("gongcheng_head"), manuscript=mc)
        _decide(mc, "gongcheng_head", text="同意。")
    with demo_year.when(at(2024, 6, 6, 10, 0)):
        _decide(mc, "zonghe_staff", text="已收稿。")
    with demo_year.when(at(2024, 6, 12, 10, 0)):
        md = services.manuscript_save(
            acting_user=_user("member"),
            topic=d,
            **_manuscript_parts("开展人防工程质量监督专项检查", 12),
        )
        services.manuscript_submit(acting_user=_user("member"), manuscript=md)

    # Schedule and delivery.
    coordinator = _user("zonghe_staff")
    slots = {s.number: s for s in Slot.objects.filter(campaign=campaign)}
    with demo_year.when(at(2024, 5, 23, 9, 0)):
        la = services.lecture_schedule(
            acting_user=coordinator,
            topic=a,
            slot=slots[1],
            starts_at=at(2024, 5, 30, 14, 30),
            place="区国动办三楼会议室",
        )
        lc = services.lecture_schedule(
            acting_user=coordinator,
            topic=c,
            slot=slots[3],
            starts_at=at(2024, 6, 27, 14, 30),
            place="区民防指挥中心报告厅",
        )
        services.lecture_schedule(
            acting_user=coordinator,
            topic=d,
            slot=slots[4],
            starts_at=at(2024, 7, 25, 14, 30),
            place="区国动办三楼会议室",
        )
    with demo_year.when(at(2024, 6, 12, 16, 0)):
        services.lecture_record_delivery(
            acting_user=coordinator,
            lecture=la,
            held_on=demo_year.day(2024, 5, 30),
            held_place="区国动办三楼会议室",
            audience_count=42,
            notes="全办干部职工参加，办领导作点评。",
            promoted_district_on=demo_year.day(2024, 6, 5),
            photos=[_photo("lecture-a-1", (166, 27, 27)), _photo("lecture-a-2", (40, 90, 140))],
        )
        promotion = {
            "sent_on": demo_year.day(2024, 6, 12),
            "note": "推荐参加全市“身边人讲身边事”展播",
        }
        files = {"manuscript_file": _manuscript_docx(la.topic.title, "背景与思考……\n成效与体会……")}
        services.lecture_record_city_promotion(
            acting_user=coordinator, lecture=la, **promotion, **files
        )
    with demo_year.when(at(2024, 6, 21, 9, 30)):
        services.lecture_record_city_promotion(
            acting_user=coordinator,
            lecture=la,
            **{
                **promotion,
                "reply_on": demo_year.day(2024, 6, 20),
                "reply": "已采用，刊发于市国动办“国动讲堂”专栏。",
            },
        )
    with demo_year.when(at(2024, 7, 1, 10, 0)):
        services.lecture_record_delivery(
            acting_user=coordinator,
            lecture=lc,
            held_on=demo_year.day(2024, 6, 27),
            held_place="区民防指挥中心报告厅",
            audience_count=56,
            notes="结合演练视频讲解，现场交流热烈。",
            promoted_district_on=demo_year.day(2024, 7, 1),
            photos=[_photo("lecture-c-1", (30, 110, 70))],
        )
    log("8 个选题（各种状态）、3 份讲述稿（含两稿对比）、3 场讲述安排（2 场已讲述）")
