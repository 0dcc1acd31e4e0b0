"""Seed steps of the 六进 programme.

Reference data: the six fronts of 青国动〔2024〕10号 with their responsible units, and the key
dates of each campaign year. Demo records (`records=True`): 2024 plans, reports with photos in
every state, school and community registers with gaps — all made through the services, dated
in 2024 with the portal's clock.
"""

from __future__ import annotations

import datetime
import functools
import io
import shutil
import subprocess
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import demo_year
from campaigns.models import Campaign
from qpdo.org import clock
from qpdo.org.enums import Role
from qpdo.org.models import Staff, Unit
from qpdo.org.seeding import load_json, register
from qpdo.org.seeds import DEMO_PASSWORD
from qpdo.org.services import account_ensure
from qpdo.workflow.enums import Action

from . import services
from .enums import ActivityForm, ExerciseKind, ReportKind
from .models import Community, Enterprise, Front, Plan, PlanItem, School

YEAR = 2024


@register(order=40, name="宣传教育“六进”方面与关键节点")
def seed_fronts(log) -> None:
    fronts = services.fronts_load(load_json("outreach_fronts.json"))
    for campaign in Campaign.objects.all():
        services.key_dates_sync(campaign=campaign)
    log(f"{len(fronts)} 个方面：{'、'.join(f.name for f in fronts)}")


# --- demo pictures and documents ----------------------------------------------------------------


@functools.cache
def _font_path() -> str | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    found = subprocess.run(
        [fc_match, "-f", "%{file}", "Noto Sans CJK SC:style=Bold"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout.strip()
    return found or None


def _font(size: int):
    from PIL import ImageFont

    path = _font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


PALETTES = [
    ((176, 42, 42), (250, 226, 160)),
    ((32, 92, 150), (220, 236, 250)),
    ((40, 120, 80), (225, 245, 225)),
    ((120, 70, 150), (238, 226, 248)),
    ((200, 110, 30), (252, 236, 210)),
]


def demo_photo(caption: str, scene: str, variant: int = 0) -> SimpleUploadedFile:
    """Return a small JPEG of an activity: a banner with its caption over a simple scene."""
    from PIL import Image, ImageDraw

    dark, light = PALETTES[variant % len(PALETTES)]
    image = Image.new("RGB", (960, 640), light)
    draw = ImageDraw.Draw(image)
    for row in range(6):  # the audience, row by row
        for seat in range(12):
            x, y = 90 + seat * 66 + (row % 2) * 20, 330 + row * 48
            draw.ellipse((x, y, x + 26, y + 26), fill=(70, 70, 80))
            draw.rounded_rectangle((x - 6, y + 24, x + 32, y + 46), 8, fill=(90, 90, 110))
    draw.rectangle((60, 60, 900, 250), fill=dark)
    draw.text((480, 125), caption, fill=(255, 236, 170), font=_font(38), anchor="mm")
    draw.text((480, 195), scene, fill="white", font=_font(26), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"IMG_{2024}{variant:04d}.jpg", buffer.getvalue())


def demo_pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    """Return a one-page PDF (an A4 picture of the text: quick to make, opens anywhere)."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.text((620, 180), title, fill="black", font=_font(44), anchor="mm")
    for index, line in enumerate(lines):
        draw.text((140, 320 + index * 64), line, fill=(40, 40, 40), font=_font(30))
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue())


# --- demo records --------------------------------------------------------------------------------

DEMO_REPORTERS = [  # staff of fixtures/demo/staff.json who get a 填报员 sign-in for the demo
    ("xiayang", "陶静"),
    ("yingpu", "俞斌"),
    ("xujing", "潘晓燕"),
    ("dangxiao", "范立群"),
]

SCHOOLS = {
    "zhujiajiao": [
        ("青浦区朱家角中学", "完全中学"),
        ("青浦区珠溪中学", "初级中学"),
        ("青浦区朱家角小学", "小学"),
        ("青浦区沈巷小学", "小学"),
        ("青浦区朱家角幼儿园", "幼儿园"),
    ],
    "xiayang": [
        ("青浦区实验中学", "完全中学"),
        ("青浦区东方中学", "初级中学"),
        ("青浦区夏阳小学", "小学"),
        ("青浦区青浦第一中学附属小学", "小学"),
    ],
    "yingpu": [
        ("青浦区第一中学", "高级中学"),
        ("青浦区庆华小学", "小学"),
        ("青浦区盈浦幼儿园", "幼儿园"),
    ],
    "xianghuaqiao": [("青浦区香花桥中学", "初级中学"), ("青浦区香花桥小学", "小学")],
    "liantang": [("青浦区练塘中学", "初级中学"), ("青浦区练塘小学", "小学")],
    "jinze": [("青浦区金泽中学", "初级中学"), ("青浦区金泽小学", "小学")],
    "zhaoxiang": [("青浦区赵巷中学", "初级中学"), ("青浦区赵巷小学", "小学")],
    "xujing": [
        ("青浦区徐泾中学", "初级中学"),
        ("青浦区徐泾第一小学", "小学"),
        ("青浦区徐泾第二小学", "小学"),
    ],
    "huaxin": [("青浦区华新中学", "初级中学"), ("青浦区华新小学", "小学")],
    "chonggu": [("青浦区重固中学", "初级中学")],
    # 白鹤镇: the list has not come in yet (a 街镇 with no schools on the register).
}
COMMUNITIES = {
    "zhujiajiao": [
        ("北大街居委会", "居委会"),
        ("西井街居委会", "居委会"),
        ("新溪居委会", "居委会"),
        ("张马村", "村委会"),
        ("沈巷村", "村委会"),
        ("林家村", "村委会"),
    ],
    "xiayang": [("青平居委会", "居委会"), ("新青浦居委会", "居委会"), ("塘郁村", "村委会")],
    "yingpu": [("南门居委会", "居委会"), ("三分荡居委会", "居委会"), ("盈中村", "村委会")],
    "xianghuaqiao": [("香花居委会", "居委会"), ("东方村", "村委会")],
    "liantang": [("练塘居委会", "居委会"), ("东厍村", "村委会")],
    "jinze": [("金泽居委会", "居委会"), ("莲湖村", "村委会")],
    "zhaoxiang": [("赵巷居委会", "居委会"), ("中步村", "村委会")],
    "xujing": [("徐泾居委会", "居委会"), ("金云村", "村委会"), ("二联村", "村委会")],
    "huaxin": [("华新居委会", "居委会"), ("凤溪村", "村委会")],
    "chonggu": [("重固居委会", "居委会"), ("章堰村", "村委会")],
    "baihe": [("白鹤居委会", "居委会"), ("赵屯村", "村委会")],
}
# Schools with an evacuation plan (all but those listed) and schools that drilled in 2024.
SCHOOLS_WITHOUT_PLAN = {"青浦区沈巷小学", "青浦区盈浦幼儿园", "青浦区金泽小学", "青浦区华新小学"}
SCHOOLS_NOT_DRILLED = {"青浦区朱家角幼儿园", "青浦区庆华小学", "青浦区金泽中学", "青浦区重固中学"}
COMMUNITIES_NOT_TRAINED = {"林家村", "盈中村", "莲湖村"}
COMMUNITIES_NOT_DRILLED = {"沈巷村", "林家村", "三分荡居委会", "凤溪村", "赵屯村"}


# 企业（园区）: (街镇, name, park, group?, person); a gap or two in each requirement.
ENTERPRISES = [
    ("zhujiajiao", "上海朱家角精密机械有限公司", "朱家角工业园区", True, "陈刚"),
    ("zhujiajiao", "上海角里纺织科技有限公司", "朱家角工业园区", True, ""),
    ("xiayang", "上海夏阳智慧物流有限公司", "", True, "周立"),
    ("xujing", "上海徐泾会展服务有限公司", "国家会展中心周边", True, "吴倩"),
    ("xujing", "上海徐泾生物医药有限公司", "徐泾工业园区", False, ""),
    ("huaxin", "上海华新汽车零部件有限公司", "华新工业园区", True, "沈伟"),
]
ENTERPRISES_WITHOUT_PLAN = {"上海角里纺织科技有限公司", "上海徐泾生物医药有限公司"}
ENTERPRISES_NOT_DRILLED = {"上海徐泾生物医药有限公司", "上海华新汽车零部件有限公司"}
TEAM = [("committee", "居委主任"), ("property", "物业经理"), ("volunteer", "社区志愿者")]
PARTY_SCHOOL_COURSES = [
    ("习近平强军思想与国防动员", "处级干部进修班", 3, "区国动办主任", (4, 18)),
    ("总体国家安全观与人民防空", "中青年干部培训班", 2, "区国动办副主任", (6, 13)),
]
BASE_VISITS = [((5, 16), "处级干部进修班", 82), ((6, 20), "中青年干部培训班", 45)]


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _at(month: int, day: int, hour: int = 10):
    """Set the clock to the seed's day in the year being built (NotYet if still to come)."""
    return demo_year.when(demo_year.at(YEAR, month, day, hour))


def _items(rows) -> list[dict]:
    fronts = {f.name: f for f in Front.objects.all()}
    return [
        {
            "front": fronts[front],
            "month": month,
            "title": title,
            "form": form,
            "audience": audience,
            "expected_count": count,
            "budget": Decimal(budget) if budget else None,
            "budget_line": "国防动员宣传教育专项经费" if budget else "",
        }
        for front, month, title, form, audience, count, budget in rows
    ]


F = ActivityForm
PLANS = {
    "zhujiajiao": {
        "dates": ((2, 18), (2, 20), (2, 26)),
        "outcome": Action.APPROVE,
        "goals": "围绕“能力建设年”，以古镇旅游区和学校、村居为重点，推动“六进”全覆盖；"
        "打造“古镇国防教育微展馆”特色品牌。",
        "items": [
            (
                "进机关",
                4,
                "镇党委理论学习中心组国防教育专题学习",
                F.LECTURE,
                "镇机关干部",
                40,
                "2000",
            ),
            ("进学校", 9, "全民国防教育日中小学疏散演练", F.DRILL, "辖区中小学师生", 1800, "8000"),
            ("进企业", 11, "消防日工业园区企业防空疏散演练", F.DRILL, "园区企业职工", 300, "6000"),
            ("进社区", 5, "防灾减灾日社区应急疏散演练", F.DRILL, "社区居民", 200, "5000"),
            (
                "进社区",
                9,
                "全民国防教育日警报试鸣集中宣传",
                F.CAMPAIGN,
                "镇区居民、游客",
                500,
                "12000",
            ),
            ("进网络", 9, "“朱家角国防”公众号专题推送", F.ONLINE, "全镇居民", None, "3000"),
        ],
    },
    "jiaoyuju": {
        "dates": ((2, 25), (2, 27), (3, 1)),
        "outcome": Action.APPROVE,
        "goals": "将国防动员、人民防空宣教内容融入学生军训、军事课教学，指导全区学校编制紧急疏散"
        "行动方案并组织演练，实现全区学校全覆盖。",
        "items": [
            ("进机关", 4, "局机关国防教育专题党课", F.LECTURE, "局机关干部", 60, "1500"),
            (
                "进学校",
                9,
                "全区中小学全民国防教育日主题活动",
                F.CAMPAIGN,
                "全区中小学生",
                30000,
                "50000",
            ),
            ("进学校", 10, "《人民防空讲义》进课堂教学观摩", F.LECTURE, "骨干教师", 120, "6000"),
            ("进网络", 9, "“青浦教育”视频号国防教育短视频", F.ONLINE, "师生和家长", None, "8000"),
        ],
    },
    "xiayang": {
        "dates": ((3, 6), (3, 8), (3, 12)),
        "outcome": Action.APPROVE,
        "goals": "以新城社区和学校为重点，建设居民区“体验角”，开展自救互救技能培训。",
        "items": [
            ("进机关", 6, "街道机关疏散演练", F.DRILL, "街道机关干部", 80, "3000"),
            ("进学校", 9, "辖区学校警报试鸣疏散演练", F.DRILL, "辖区学校师生", 2500, "6000"),
            ("进企业", 5, "防灾减灾日楼宇企业宣传", F.CAMPAIGN, "楼宇企业职工", 150, "2000"),
            ("进社区", 5, "居民区自救互救技能培训", F.TRAINING, "社区居民、志愿者", 300, "8000"),
            ("进网络", 9, "街道公众号国防教育日专题", F.ONLINE, "辖区居民", None, "1000"),
        ],
    },
    "yingpu": {
        "dates": ((2, 26), (2, 28), (3, 4)),
        "outcome": Action.RETURN,
        "opinion": "各项活动未列经费预算，“进企业”“进网络”活动过于笼统，请细化后重新提交。",
        "goals": "推进居民区国防动员宣教阵地建设，做好学校疏散演练。",
        "items": [
            ("进机关", 4, "街道机关国防教育专题学习", F.LECTURE, "街道机关干部", 50, None),
            ("进学校", 9, "辖区学校疏散演练", F.DRILL, "辖区学校师生", 2000, None),
            ("进企业", 11, "企业宣传", F.OTHER, "企业职工", None, None),
            ("进社区", 9, "居民区防空袭预案演练", F.DRILL, "社区居民", 400, None),
            ("进网络", 9, "网络宣传", F.ONLINE, "居民", None, None),
        ],
    },
    "dangxiao": {
        "dates": ((2, 20), (2, 22), (2, 26)),
        "outcome": Action.APPROVE,
        "goals": "将国防动员课程纳入主体班次培训计划，"
        "做到“书上架、图上墙、片进屏、课进班、人进馆”。",
        "items": [
            ("进党校", 3, "主体班国防动员专题课", F.LECTURE, "处级干部进修班学员", 60, "4000"),
            ("进党校", 7, "组织学员参观人防科普教育基地", F.VISIT, "中青班学员", 45, "3000"),
            ("进机关", 9, "全民国防教育日校园集中宣传", F.CAMPAIGN, "教职工、学员", 200, "2000"),
            ("进网络", 9, "党校网站国防教育专栏", F.ONLINE, "全区党员干部", None, "1000"),
        ],
    },
    # The office's own share (区国动办 is named for 进党校、进学校、进企业、进社区).
    "quguodong": {
        "dates": ((2, 10), (2, 14), (2, 19)),
        "outcome": Action.APPROVE,
        "goals": "发挥区国动办牵头作用，抓好党校课程、全区学校疏散演练指导、工业园区企业演练和"
        "居民区防空袭方案修订，带动各街镇、成员单位落实“六进”。",
        "items": [
            ("进党校", 5, "区委党校主体班国防动员专题授课", F.LECTURE, "主体班学员", 80, "3000"),
            (
                "进学校",
                4,
                "全区学校紧急疏散行动方案编制培训",
                F.TRAINING,
                "各校安全干部",
                90,
                "2000",
            ),
            (
                "进企业",
                11,
                "全国消防日工业园区企业人防疏散演练指导",
                F.DRILL,
                "园区企业",
                400,
                "8000",
            ),
            ("进社区", 9, "居民区防空袭方案修订现场推进会", F.TRAINING, "各街镇、居委", 60, "2000"),
        ],
    },
}
# xujing: a draft only (逾期未报); the other units file nothing (highlighted on the dashboard).
DRAFT_PLANS = {
    "xujing": {
        "date": (3, 20),
        "goals": "结合徐泾镇大型企业集中的特点，重点推进“进企业”。",
        "items": [("进企业", 11, "消防日企业疏散演练", F.DRILL, "企业职工", 500, "10000")],
    }
}

REPORTS = [
    # unit, fronts, kind, title, (month, day), place, participants, count, content,
    # plan item title (or None), outcome (approve/return/pending/draft), promote, photos
    (
        "zhujiajiao",
        ["进社区"],
        ReportKind.ACTIVITY,
        "朱家角镇开展“防灾减灾日”社区应急疏散演练",
        (5, 12),
        "北大街居委会及周边防空地下室",
        "社区居民、志愿者、物业人员",
        210,
        "5月12日，镇国防动员工作组在北大街居委会组织应急疏散演练。警报响起后，居民在志愿者引导下"
        "沿预定路线有序进入防空地下室，随后开展心肺复苏、止血包扎和灭火器使用体验。",
        "防灾减灾日社区应急疏散演练",
        Action.APPROVE,
        True,
        3,
    ),
    (
        "zhujiajiao",
        ["进学校"],
        ReportKind.ACTIVITY,
        "朱家角中学组织人民防空紧急疏散演练",
        (9, 13),
        "青浦区朱家角中学",
        "全校师生",
        1260,
        "按照学校人民防空紧急疏散行动方案，全校师生在4分钟内完成疏散集结；演练后由镇国防动员"
        "工作组讲解《人民防空讲义》相关内容。",
        "全民国防教育日中小学疏散演练",
        Action.APPROVE,
        False,
        2,
    ),
    (
        "zhujiajiao",
        ["进社区", "进网络"],
        ReportKind.ACTIVITY,
        "全民国防教育日：古镇防空警报试鸣集中宣传",
        (9, 21),
        "朱家角镇放生桥广场",
        "镇区居民、游客",
        560,
        "9月21日防空警报试鸣期间，镇国防动员工作组在放生桥广场设置宣传点，发放宣传资料1200份，"
        "同步在“朱家角国防”公众号推送警报识别知识。",
        "全民国防教育日警报试鸣集中宣传",
        Action.APPROVE,
        False,
        3,
    ),
    (
        "zhujiajiao",
        ["进企业"],
        ReportKind.ACTIVITY,
        "消防日工业园区企业防空疏散演练",
        (11, 8),
        "朱家角工业园区",
        "园区企业职工",
        320,
        "结合全国消防日，组织园区三家企业开展防空疏散与消防联合演练，检验企业防空疏散演练方案。",
        "消防日工业园区企业防空疏散演练",
        None,
        False,
        2,
    ),
    (
        "zhujiajiao",
        ["进机关"],
        ReportKind.ACTIVITY,
        "镇机关干部参观人防科普教育基地",
        (6, 20),
        "青浦区人防科普教育基地",
        "镇机关干部",
        35,
        "组织镇机关干部参观人防科普教育基地。",
        None,
        Action.RETURN,
        False,
        1,
    ),
    (
        "zhujiajiao",
        ["进社区"],
        ReportKind.FEATURE,
        "打造“古镇国防教育微展馆”",
        (10, 15),
        "西井街居委会",
        "社区居民",
        0,
        "利用西井街居委会闲置用房建设微展馆，设置“故事长廊”和“体验角”。（草稿，待补充照片）",
        None,
        "draft",
        False,
        0,
    ),
    (
        "xiayang",
        ["进社区"],
        ReportKind.ACTIVITY,
        "夏阳街道居民区自救互救技能培训",
        (5, 10),
        "青平居委会活动室",
        "社区居民、志愿者",
        180,
        "邀请区红十字会讲师开展心肺复苏、止血包扎和打逃生绳结训练，居民在互动体验中学到技能。",
        "居民区自救互救技能培训",
        Action.APPROVE,
        False,
        2,
    ),
    (
        "xiayang",
        ["进学校"],
        ReportKind.ACTIVITY,
        "辖区学校警报试鸣期间开展疏散演练",
        (9, 21),
        "青浦区实验中学、夏阳小学",
        "辖区学校师生",
        2300,
        "防空警报试鸣期间，辖区两所学校同步组织疏散演练，街道国防动员工作组现场指导。",
        "辖区学校警报试鸣疏散演练",
        Action.APPROVE,
        True,
        2,
    ),
    (
        "xiayang",
        ["进网络"],
        ReportKind.PRACTICE,
        "“夏阳国防”公众号开设警报识别小课堂",
        (9, 25),
        "街道融媒体平台",
        "辖区居民",
        0,
        "制作警报识别小课堂系列图文，阅读量超过一万次，做法可在其他街镇推广。",
        "街道公众号国防教育日专题",
        None,
        False,
        1,
    ),
    (
        "jiaoyuju",
        ["进学校"],
        ReportKind.ACTIVITY,
        "全区中小学开展全民国防教育日主题活动",
        (9, 20),
        "全区各中小学",
        "全区中小学生",
        31000,
        "各中小学结合全民国防教育日开展国防知识竞赛、主题班会和疏散演练，《人民防空讲义》进课堂。",
        "全区中小学全民国防教育日主题活动",
        Action.APPROVE,
        True,
        3,
    ),
    (
        "jiaoyuju",
        ["进机关"],
        ReportKind.ACTIVITY,
        "区教育局机关国防教育专题党课",
        (4, 17),
        "区教育局报告厅",
        "局机关干部",
        58,
        "邀请区国动办同志讲授国防动员和人民防空基本知识，纳入局党组理论学习中心组专题学习。",
        "局机关国防教育专题党课",
        Action.APPROVE,
        False,
        1,
    ),
    (
        "jiaoyuju",
        ["进网络"],
        ReportKind.ACTIVITY,
        "“青浦教育”视频号推出国防教育短视频",
        (10, 9),
        "“青浦教育”视频号",
        "师生和家长（视频播放量）",
        8600,
        "推出三集国防教育短视频，介绍防空警报识别和紧急疏散要领。",
        "“青浦教育”视频号国防教育短视频",
        None,
        False,
        1,
    ),
    (
        "dangxiao",
        ["进党校"],
        ReportKind.ACTIVITY,
        "处级干部进修班开设国防动员专题课",
        (3, 26),
        "区委党校报告厅",
        "处级干部进修班学员",
        62,
        "区国动办领导以“新时代国防动员建设”为题授课，课程纳入党校主体班培训计划。",
        "主体班国防动员专题课",
        Action.APPROVE,
        False,
        2,
    ),
    (
        "dangxiao",
        ["进党校"],
        ReportKind.ACTIVITY,
        "中青班学员参观人防科普教育基地",
        (7, 11),
        "青浦区人防科普教育基地",
        "中青年干部培训班学员",
        45,
        "学员参观防护设备展区并体验防毒面具穿戴，做到“人进馆”。",
        "组织学员参观人防科普教育基地",
        Action.APPROVE,
        False,
        2,
    ),
    (
        "yingpu",
        ["进学校"],
        ReportKind.ACTIVITY,
        "盈浦街道学校疏散演练",
        (9, 21),
        "青浦区第一中学",
        "师生",
        900,
        "组织学校疏散演练。",
        None,
        Action.RETURN,
        False,
        1,
    ),
    (
        "quguodong",
        ["进党校"],
        ReportKind.ACTIVITY,
        "区国动办在区委党校主体班开设国防动员专题课",
        (5, 16),
        "区委党校报告厅",
        "区委党校主体班学员",
        82,
        "区国动办主任以“新时代国防动员和人民防空”为题授课，课后组织学员参观人防科普教育基地。",
        "区委党校主体班国防动员专题授课",
        Action.APPROVE,
        False,
        1,
    ),
]
RETURN_OPINIONS = {
    "镇机关干部参观人防科普教育基地": "内容过于简略，请补充参观的主要内容、干部反响，"
    "并补充现场照片。",
    "盈浦街道学校疏散演练": "请写明演练的组织过程和用时，并说明与学校紧急疏散行动方案的衔接。",
}


def _ensure_reporters(log) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    for code, name in DEMO_REPORTERS:
        staff = Staff.objects.get(unit=units[code], name=name)
        account_ensure(
            staff=staff, username=code, roles=[Role.OUTREACH_REPORTER], password=DEMO_PASSWORD
        )
    names = "、".join(code for code, _ in DEMO_REPORTERS)
    log(f"{len(DEMO_REPORTERS)} 个街镇/成员单位填报员演示账号：{names}")


def _seed_plans(reviewer) -> None:
    for code, spec in PLANS.items():
        with demo_year.record():
            user = _user(code)
            (cm, cd), (sm, sd), (dm, dd) = spec["dates"]
            data = {
                "goals": spec["goals"],
                "measures": "成立工作专班，专项经费纳入年度预算，每季度督导落实。",
                "contact_name": user.staff.name,
                "contact_phone": "021-5970" + f"{user.pk:04d}",
            }
            with _at(cm, cd):
                plan = services.plan_create(
                    acting_user=user, year=demo_year.year(), **data, items=_items(spec["items"])
                )
            with _at(sm, sd, 15):
                services.plan_submit(acting_user=user, plan=plan)
            with _at(dm, dd, 9):
                services.subject_review(
                    acting_user=reviewer,
                    subject=plan,
                    decision=spec["outcome"],
                    opinion=spec.get("opinion", "计划安排具体，同意。"),
                )
    for code, spec in DRAFT_PLANS.items():
        with demo_year.record():
            user = _user(code)
            with _at(*spec["date"]):
                services.plan_create(
                    acting_user=user,
                    year=demo_year.year(),
                    goals=spec["goals"],
                    measures="",
                    contact_name=user.staff.name,
                    contact_phone="",
                    items=_items(spec["items"]),
                )


def _seed_reports(reviewer) -> dict[str, object]:
    fronts = {f.name: f for f in Front.objects.all()}
    made = {}
    for number, row in enumerate(REPORTS):
        (
            code,
            front_names,
            kind,
            title,
            (month, day),
            place,
            participants,
            count,
            content,
            item_title,
            outcome,
            promote,
            photo_count,
        ) = row
        user = _user(code)
        held_on = demo_year.day(YEAR, month, day)
        item = (
            PlanItem.objects.filter(
                plan__unit=user.staff.unit, plan__year=demo_year.year(), title=item_title
            ).first()
            if item_title
            else None
        )
        photos = [
            demo_photo(title[:22], f"{user.staff.unit.name} · {place[:16]}", number + i)
            for i in range(photo_count)
        ]
        documents = []
        if kind == ReportKind.FEATURE or number % 4 == 0:
            documents.append(
                demo_pdf(
                    f"{title[:20]}（新闻稿）", [content[i : i + 30] for i in range(0, 120, 30)]
                )
            )
        filed = held_on + datetime.timedelta(days=1 if number % 3 else 9)
        if not demo_year.happened(clock.at(filed.year, filed.month, filed.day, 16)):
            continue  # filed after the seeding moment: not yet
        with clock.frozen(clock.at(filed.year, filed.month, filed.day, 16)):
            report = services.report_create(
                acting_user=user,
                kind=kind,
                title=title,
                held_on=held_on,
                place=place,
                organiser=user.staff.unit.name,
                participants=participants,
                audience_count=count,
                content=content,
                plan_item=item,
                fronts=[fronts[n] for n in front_names],
                photos=photos,
                documents=documents,
            )
            if outcome != "draft":
                services.report_submit(acting_user=user, report=report)
        made[title] = report
        if outcome in (Action.APPROVE, Action.RETURN):
            decided = filed + datetime.timedelta(days=2)
            if not demo_year.happened(clock.at(decided.year, decided.month, decided.day, 11)):
                continue  # the reviewer has not decided yet
            with clock.frozen(clock.at(decided.year, decided.month, decided.day, 11)):
                services.subject_review(
                    acting_user=reviewer,
                    subject=report,
                    decision=outcome,
                    opinion=RETURN_OPINIONS.get(title, "内容翔实，予以采用。"),
                )
                if promote:
                    services.report_promote(acting_user=reviewer, report=report)
    return made


def _seed_registers(reviewer, reports: dict) -> None:
    def rows(table, name_header, kind_header):
        lines = [(1, ["街镇", name_header, kind_header])]
        for code, places in table.items():
            town = Unit.objects.get(code=code)
            lines += [(len(lines) + 1, [town.name, name, kind]) for name, kind in places]
        return lines

    first_build = not School.objects.exists()  # the registers are standing lists
    with demo_year.record(), _at(3, 5):
        if not first_build:
            raise demo_year.NotYet("registers already imported")
        services.register_import(
            acting_user=reviewer,
            spec_code="schools",
            raw_rows=rows(SCHOOLS, "学校名称", "学段"),
            file_name=f"{demo_year.year()}年青浦区中小学幼儿园名单.xlsx",
        )
        services.register_import(
            acting_user=reviewer,
            spec_code="communities",
            raw_rows=rows(COMMUNITIES, "名称", "类型"),
            file_name=f"{demo_year.year()}年青浦区村居委名单.xlsx",
        )
    school_report = reports.get("朱家角中学组织人民防空紧急疏散演练")
    for index, school in enumerate(School.objects.select_related("town").order_by("pk")):
        if first_build and school.name not in SCHOOLS_WITHOUT_PLAN:
            with demo_year.record(), _at(4, 8 + index % 15):
                services.evacuation_plan_add(
                    acting_user=reviewer,
                    school=school,
                    upload=demo_pdf(
                        f"{school.name}人民防空紧急疏散行动方案",
                        [
                            "一、组织指挥：成立学校疏散工作领导小组",
                            "二、疏散路线：按楼层、班级划分疏散通道",
                            "三、集结地域：学校操场及就近人防工程",
                            "四、保障措施：通信联络、医疗救护、秩序维护",
                        ],
                    ),
                    compiled_on=demo_year.day(YEAR, 3, 20),
                )
        if school.name not in SCHOOLS_NOT_DRILLED:
            linked = school_report if school.name == "青浦区朱家角中学" else None
            held_on = demo_year.day(YEAR, 9, 13 if linked else 21)
            with demo_year.record(), _at(9, 24):
                services.school_drill_record(
                    acting_user=reviewer,
                    school=school,
                    held_on=held_on,
                    participants=300 + index * 40,
                    note="防空警报试鸣期间组织" if not linked else "按紧急疏散行动方案组织",
                    report=linked,
                )
    for community in Community.objects.select_related("town").order_by("pk"):
        if community.name not in COMMUNITIES_NOT_TRAINED:
            with demo_year.record(), _at(5, 20):
                services.community_exercise_record(
                    acting_user=reviewer,
                    community=community,
                    kind=ExerciseKind.TRAINING,
                    held_on=demo_year.day(YEAR, 5, 12 + community.pk % 6),
                    participants=60,
                    note="自救互救技能培训",
                )
        if (
            first_build
            and community.kind == "residents"
            and community.name not in COMMUNITIES_NOT_DRILLED
        ):
            with demo_year.record(), _at(4, 10):
                services.community_air_raid_plan_add(
                    acting_user=reviewer,
                    community=community,
                    compiled_on=demo_year.day(YEAR, 4, 8),
                    year=demo_year.year(),
                )
                services.community_positions_set(
                    acting_user=reviewer,
                    community=community,
                    has_story_corridor=community.pk % 2 == 0,
                    has_micro_museum=community.pk % 3 == 0,
                    has_experience_corner=True,
                )
                for kind, role in TEAM:
                    services.community_team_member_add(
                        acting_user=reviewer,
                        community=community,
                        kind=kind,
                        name=f"{community.name.removesuffix('居委会')}{role}",
                    )
        if community.name not in COMMUNITIES_NOT_DRILLED:
            with demo_year.record(), _at(9, 25):
                services.community_exercise_record(
                    acting_user=reviewer,
                    community=community,
                    kind=ExerciseKind.DRILL,
                    held_on=demo_year.day(YEAR, 9, 21),
                    participants=120,
                    note="结合全民国防教育日组织防空袭预案演练",
                )


def _seed_front_registers(reviewer) -> None:
    """Enterprises, school courses and the 进党校 register of the demo year."""
    town_names = {u.code: u.name for u in Unit.objects.filter(kind="town")}
    lines = [(1, ["街镇", "企业名称", "所在园区", "已成立工作小组", "专人"])]
    for code, name, park, group, person in ENTERPRISES:
        cells = [town_names[code], name, park, "是" if group else "否", person]
        lines.append((len(lines) + 1, cells))
    with _at(3, 6):
        services.register_import(
            acting_user=reviewer,
            spec_code="enterprises",
            raw_rows=lines,
            file_name="2024年青浦区重点企业（园区）名单.xlsx",
        )
    occasions = ["disaster_day", "defence_day", "fire_day"]
    for index, enterprise in enumerate(Enterprise.objects.order_by("pk")):
        if enterprise.name not in ENTERPRISES_WITHOUT_PLAN:
            with _at(4, 15):
                services.enterprise_drill_plan_add(
                    acting_user=reviewer,
                    enterprise=enterprise,
                    compiled_on=demo_year.day(YEAR, 4, 12),
                    upload=demo_pdf(
                        f"{enterprise.name}防空疏散演练方案",
                        ["一、工作小组与职责", "二、疏散路线与集结地域", "三、警报信号与行动"],
                    ),
                )
        if enterprise.name not in ENTERPRISES_NOT_DRILLED:
            occasion = occasions[index % 2]
            held_on = (
                demo_year.day(YEAR, 5, 12)
                if occasion == "disaster_day"
                else (demo_year.day(YEAR, 9, 21))
            )
            with _at(10, 8):
                services.enterprise_drill_record(
                    acting_user=reviewer,
                    enterprise=enterprise,
                    held_on=held_on,
                    occasion=occasion,
                    participants=120 + index * 30,
                    year=demo_year.year(),
                )
    for index, school in enumerate(School.objects.order_by("pk")[:12]):
        with _at(3, 10):
            services.school_course_add(
                acting_user=reviewer,
                school=school,
                year=demo_year.year(),
                title="《人民防空讲义》防空警报识别与疏散",
                hours=2 + index % 3,
            )
    for title, class_name, hours, speaker, (month, day) in PARTY_SCHOOL_COURSES:
        with _at(month, day):
            services.party_school_course_add(
                acting_user=reviewer,
                year=demo_year.year(),
                title=title,
                class_name=class_name,
                hours=hours,
                speaker=speaker,
                taught_on=demo_year.day(YEAR, month, day),
            )
    for (month, day), class_name, people in BASE_VISITS:
        with _at(month, day, 16):
            services.base_visit_record(
                acting_user=reviewer,
                visited_on=demo_year.day(YEAR, month, day),
                class_name=class_name,
                participants=people,
                year=demo_year.year(),
            )


@register(order=160, name="宣传教育“六进”演示记录", records=True)
def seed_demo_records(log) -> None:
    _ensure_reporters(log)
    demo_year.each_year(_seed_year, log)


def _seed_year(log) -> None:
    """One year of 六进 records (last year complete, this year up to the seeding moment)."""
    if Plan.objects.filter(year=demo_year.year()).exists():
        log(f"已有 {demo_year.year()} 年“六进”记录，跳过")
        return
    reviewer = _user("outreach_reviewer")
    _seed_plans(reviewer)
    reports = _seed_reports(reviewer)
    _seed_registers(reviewer, reports)
    if demo_year.until() is None:  # the standing registers: built once, with last year
        with demo_year.record():
            _seed_front_registers(reviewer)
    from .models import PartySchoolAgreement

    if not PartySchoolAgreement.objects.exists():
        with demo_year.record():
            _seed_agreement(reviewer)
    log(
        f"{demo_year.year()}年：{Plan.objects.filter(year=demo_year.year()).count()} 份年度计划，"
        f"{len(reports)} 条活动信息，{School.objects.count()} 所学校，"
        f"{Community.objects.count()} 个村居"
    )


def _seed_agreement(reviewer) -> None:
    start = demo_year.year() - 1
    with _at(3, 1):
        services.agreement_create(
            acting_user=reviewer,
            title="区国动办与区委党校国防动员宣传教育共建协议",
            partner=Unit.objects.get(code="dangxiao"),
            signed_on=datetime.date(start, 3, 15),
            valid_until=datetime.date(start + 2, 12, 31),
            content="国防动员课程纳入党校主体班培训计划；组织学员参观人防科普教育基地；"
            "将临近党校的公用人防工程作为宣传阵地。",
            upload=demo_pdf(
                "国防动员宣传教育共建协议",
                [
                    "甲方：青浦区国防动员办公室",
                    "乙方：中共青浦区委党校",
                    f"有效期：{start}年3月—{start + 2}年12月",
                ],
            ),
        )
