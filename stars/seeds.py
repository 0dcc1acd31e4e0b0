"""Seed steps of the 岗位之星 programme: the posts of 附表1 (reference data) and demo records."""

import colorsys
import io

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from campaigns import demo_year
from campaigns.demo import demo_pdf, demo_photo
from campaigns.demo_year import each_year, when
from campaigns.models import Campaign, CompetitionEntry
from campaigns.services import Speaker
from qpdo.documents.pdf import render_pdf
from qpdo.org.models import Staff, Unit
from qpdo.org.seeding import load_json, register
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

from . import selectors, services, summary_draft
from .enums import STANDARD_TEXTS, ObjectionResult, Standard
from .models import CultivationPlan, Nomination, Post, PostCategory, StarYear


@register(order=35, name="岗位之星培树岗位（附件2 附表1）")
def seed_posts(log) -> None:
    campaigns = {c.year: c for c in Campaign.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    for year_data in load_json("stars_posts.json"):
        campaign = campaigns[year_data["year"]]
        StarYear.objects.get_or_create(campaign=campaign, defaults={"quota": year_data["quota"]})
        count = 0
        for category_data in year_data["categories"]:
            category, _ = PostCategory.objects.update_or_create(
                campaign=campaign,
                number=category_data["number"],
                defaults={"name": category_data["name"]},
            )
            for post in category_data["posts"]:
                Post.objects.update_or_create(
                    campaign=campaign,
                    number=post["number"],
                    defaults={
                        "category": category,
                        "name": post["name"],
                        "unit": units[post["unit"]],
                        "form": post["form"],
                    },
                )
                count += 1
        log(f"{campaign.year}年：{count} 个培树岗位，名额 {year_data['quota']} 名")


# Demo records ------------------------------------------------------------------------------


def _evidence_photo(hue: int) -> bytes:
    """Return a plain drawn 'photo' of an activity (a room, a screen, people as shapes)."""

    r, g, b = (int(c * 255) for c in colorsys.hls_to_rgb(hue / 360, 0.8, 0.35))
    image = Image.new("RGB", (800, 600), (r, g, b))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 80, 680, 330), fill=(250, 250, 250), outline=(90, 90, 90), width=6)
    for x in range(140, 700, 110):
        draw.ellipse((x, 400, x + 60, 460), fill=(int(r * 0.5), int(g * 0.5), int(b * 0.5)))
        draw.rounded_rectangle((x - 10, 460, x + 70, 600), radius=30, fill=(int(r * 0.5), 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _seed_implementation(campaign, users, posts, log) -> None:
    """组织实施 (May–September): activities under the filed plans, and the branch's 督查."""

    plans = {p.post.name: p for p in CultivationPlan.objects.filter(campaign=campaign)}
    count = 0
    for index, row in enumerate(load_json("demo", "stars_activities.json")):
        plan = plans.get(row["post"])
        if plan is None:
            continue
        files = []
        if row["photo"]:
            files.append(
                SimpleUploadedFile(
                    f"{row['title']}.jpg",
                    _evidence_photo(25 * index + 10),
                    content_type="image/jpeg",
                )
            )
        with demo_year.record(), demo_year.when(_day(row["on"])):
            services.activity_record(
                acting_user=users[row["by"]],
                plan=plan,
                held_on=demo_year.iso(row["on"]),
                kind=row["kind"],
                title=row["title"],
                people=row["people"],
                headcount=row["headcount"],
                summary=row["summary"],
                files=files,
            )
            count += 1
    visits = 0
    for row in load_json("demo", "stars_visits.json"):
        with demo_year.record():
            with demo_year.when(_day(row["on"])):
                visit = services.visit_record(
                    acting_user=users["party_branch"],
                    campaign=campaign,
                    unit=Unit.objects.get(code=row["unit"]),
                    plan=plans.get(row["post"]) if row["post"] else None,
                    visited_on=demo_year.iso(row["on"]),
                    findings=row["findings"],
                    follow_up_required=bool(row["follow_up"]),
                    follow_up_request=row["follow_up"],
                    follow_up_due=demo_year.iso(row["due"]) if row["due"] else None,
                )
                visits += 1
            if row["done"]:
                with demo_year.when(_day(row["done"])):
                    services.visit_follow_up_record(
                        acting_user=users[f"{row['unit']}_head"],
                        visit=visit,
                        done_on=demo_year.iso(row["done"]),
                        note=row["note"],
                    )
    log(f"{count} 次组织实施活动，{visits} 次督查")

    # 工程指挥科 drafts its 培树工作总结 in the portal, edits it and chooses the second version.

    star_year = StarYear.objects.get(campaign=campaign)
    head = users["gongcheng_head"]
    with demo_year.record():
        with demo_year.when(_day("2024-10-14")):
            summary = summary_draft.summary_create(acting_user=head, star_year=star_year)
        with demo_year.when(_day("2024-10-15")):
            text = summary_draft.version_text(summary_draft.summary_version(summary))
            text["practices"] = (
                "一是以赛促训，组织指挥岗位带队参加全市国防动员指挥所业务比武。"
                "二是以训促建，结合全民国防教育日开展宣教风采展示。"
                "三是以老带新，落实岗位带教制度，年轻同志业务能力明显提升。"
            )
            text["next_steps"] = (
                "继续深化培树成果，把培训、实操常态化，推动比学赶超在科室蔚然成风。"
            )
            version = summary_draft.summary_save(acting_user=head, summary=summary, text=text)
        with demo_year.when(_day("2024-10-16")):
            summary_draft.summary_choose(acting_user=head, summary=summary, version_pk=version.pk)


def _day(value: str):
    """Return the seed's day (written in 2024) in the year being built, at 9:30."""

    return demo_year.iso_at(value, 9, 30)


def _portrait(name: str, hue: int) -> bytes:
    """Return a plain drawn head-and-shoulders silhouette (demo accounts have no real photos)."""

    r, g, b = (int(c * 255) for c in colorsys.hls_to_rgb(hue / 360, 0.86, 0.45))
    image = Image.new("RGB", (600, 800), (r, g, b))
    draw = ImageDraw.Draw(image)
    shade = (int(r * 0.55), int(g * 0.55), int(b * 0.55))
    draw.ellipse((190, 170, 410, 410), fill=shade)
    draw.rounded_rectangle((90, 450, 510, 900), radius=180, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@register(order=240, name="岗位之星演示记录（计划、总结、申报表、评分、人选）", records=True)
def seed_demo_records(log) -> None:
    each_year(_seed_year, log)


def _seed_year(log) -> None:
    """One year of 岗位之星 records (last year complete and announced, this year up to now)."""

    star_year = (
        StarYear.objects.select_related("campaign").filter(campaign__year=demo_year.year()).first()
    )
    if star_year is None:
        return
    campaign = star_year.campaign
    if (
        Nomination.objects.filter(campaign=campaign).exists()
        or CultivationPlan.objects.filter(campaign=campaign).exists()
    ):
        log(f"已有{campaign.year}年度岗位之星记录，跳过")
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    standards = "\n".join(f"{s.label}：{STANDARD_TEXTS[s]}" for s in Standard)
    posts = {p.name: p for p in Post.objects.filter(campaign=campaign)}

    # 培树工作实施计划 (April): filed by the responsible unit, reviewed by the 机关党支部.
    for row in load_json("demo", "stars_plans.json"):
        with demo_year.record():
            author = users[row["by"]]
            with demo_year.when(_day(row["created"])):
                plan = services.plan_create(
                    acting_user=author,
                    post=posts[row["post"]],
                    focus=row["focus"],
                    method=row["method"],
                    carriers=row["carriers"],
                    standards=standards,
                    arrangements=row["arrangements"],
                    deadline=demo_year.iso(row["deadline"]),
                )
            if row["flow"] == "draft":
                continue
            with demo_year.when(_day(row["submitted"])):
                services.plan_submit(acting_user=author, plan=plan)
            if row["flow"] == "returned_approve":
                with demo_year.when(_day("2024-04-26")):
                    workflow.approval_decide(
                        subject=plan,
                        acting_user=users["party_branch"],
                        decision=Action.RETURN,
                        opinion="请补充各阶段的时间节点和培树对象的产生方式。",
                    )
                with demo_year.when(_day("2024-04-28")):
                    services.plan_submit(acting_user=author, plan=plan)
            if row["flow"] in ("approve", "returned_approve"):
                with demo_year.when(_day("2024-04-30")):
                    workflow.approval_decide(
                        subject=plan,
                        acting_user=users["party_branch"],
                        decision=Action.APPROVE,
                        opinion="计划目标明确、措施具体，同意按计划组织实施。",
                    )
    log("12 份培树工作实施计划")
    _seed_implementation(campaign, users, posts, log)

    # 培树工作总结 (October), one unit late and one not yet reported.
    for row in load_json("demo", "stars_summaries.json"):
        with demo_year.record(), demo_year.when(_day(row["on"])):
            pdf = render_pdf(
                "stars/summary/document.html",
                {
                    "title": row["file"].removesuffix(".pdf"),
                    "paragraphs": row["paragraphs"],
                    "unit_name": Unit.objects.get(code=row["unit"]).name,
                    "date": "{}年{}月{}日".format(
                        campaign.year, *map(int, row["on"].split("-")[1:])
                    ),
                },
            )
            services.summary_upload(
                acting_user=users[row["by"]],
                campaign=campaign,
                upload=SimpleUploadedFile(row["file"], pdf, content_type="application/pdf"),
            )
    log("4 份培树工作总结（综合科尚未报送）")

    # 申报表 in every state, scores and the four chosen stars.
    hues = iter([8, 200, 40, 140, 280, 330])
    for row in load_json("demo", "stars_nominations.json"):
        with demo_year.record():
            staff = Staff.objects.get(name=row["nominee"], unit__code=row["unit"])
            head = users[f"{row['unit']}_head"]
            data = {
                "nominee": staff,
                "post": posts[row["post"]] if row["post"] else None,
                "name": staff.name,
                "gender": staff.gender,
                "native_place": staff.native_place,
                "political_status": staff.political_status,
                "education": staff.education,
                "birth_month": staff.birth_month,
                "years_on_post": row["years_on_post"],
                "source": row["source"],
                # The 比武 entry of the nominee's year in that 专业 (campaigns' demo records it;
                # on an early demo day it is not held yet, nor is the 申报表 filed).
                "competition_entry": (
                    CompetitionEntry.objects.filter(
                        staff=staff,
                        competition__campaign=campaign,
                        competition__discipline=row["competition"],
                    ).first()
                    if row.get("competition")
                    else None
                ),
                "deeds": row["deeds"],
            }
            photo = None
            if row.get("photo"):
                photo = SimpleUploadedFile(
                    f"{staff.name}.jpg",
                    _portrait(staff.name, next(hues)),
                    content_type="image/jpeg",
                )
            with demo_year.when(_day(row["created"])):
                nomination = services.nomination_create(
                    acting_user=head, campaign=campaign, **data, photo=photo
                )
            for on, by, move, opinion in row["flow"]:
                with demo_year.when(_day(on)):
                    if move == "submit":
                        services.nomination_submit(
                            acting_user=users[by], nomination=nomination, opinion=opinion
                        )
                    elif move == "submit_only":
                        workflow.approval_submit(subject=nomination, acting_user=users[by])
                    elif move == "withdraw":
                        workflow.approval_withdraw(subject=nomination, acting_user=users[by])
                    else:
                        workflow.approval_decide(
                            subject=nomination,
                            acting_user=users[by],
                            decision=Action(move),
                            opinion=opinion,
                        )
                nomination.approval.refresh_from_db()
            if row.get("score"):
                political, skill, performance, note = row["score"]
                with demo_year.when(_day("2024-10-29")):
                    services.score_save(
                        acting_user=users["party_group"],
                        nomination=nomination,
                        political=political,
                        skill=skill,
                        performance=performance,
                        note=note,
                    )
            if row.get("star"):
                with demo_year.when(_day("2024-10-30")):
                    services.star_select(
                        acting_user=users["party_group"],
                        nomination=nomination,
                        citation=row["star"],
                    )
    # 公示 of the four (5 working days), one objection received and concluded.
    with demo_year.record():
        star_year.refresh_from_db()
        with demo_year.when(_day("2024-10-31")):
            services.stars_publicize(acting_user=users["party_group"], star_year=star_year)
        star_year.refresh_from_db()
        with demo_year.when(_day("2024-11-01")):
            objection = services.objection_record(
                acting_user=users["party_branch"],
                star_year=star_year,
                nomination=Nomination.objects.get(campaign=campaign, name="曹文婷"),
                received_on=_day("2024-11-01").date(),
                raised_by="",
                content="反映该同志今年有一份材料未按期报送，是否影响评选。",
            )
        with demo_year.when(_day("2024-11-04")):
            services.objection_handle(
                acting_user=users["party_branch"],
                objection=objection,
                handling="经向综合科核实，所涉材料系按办领导要求调整报送时间，已按新时限报送，"
                "不属于逾期情形；已向反映人所在科室反馈。",
                result=ObjectionResult.NOT_UPHELD,
            )
    if demo_year.until() is None:  # last year: finished history, the stars announced
        star_year.refresh_from_db()
        with demo_year.when(_day("2024-11-12")):
            try:
                services.stars_announce(acting_user=users["party_group"], star_year=star_year)
            except ValidationError as error:
                log("未能公布：" + "；".join(error.messages))
        _demo_sharing(star_year, users["party_branch"], _day("2024-11-14"))
    log(
        f"{Nomination.objects.filter(campaign=campaign).count()} 份申报表（各种状态），"
        f"已确定 {star_year.quota} 名“岗位之星”（尚未公布）"
    )


def _demo_sharing(star_year, party_branch, moment) -> None:
    """The stars' 交流展示 of a finished year: the four speak, two leave their 体会 as text."""
    stars = [s for s in selectors.sharing_speakers(star_year) if getattr(s, "is_star", False)]
    if not stars:
        return
    reflections = [
        "把每一次值班值守都当作实战，把每一项数据都核到底，是我在岗位上最深的体会。",
        "岗位建功不在大事，在于把日常工作做细做实、做到群众满意。",
    ]
    with when(moment):
        services.star_sharing_save(
            acting_user=party_branch,
            star_year=star_year,
            title=f"{star_year.year}年度“岗位之星”交流展示会",
            held_on=moment.date(),
            place="办机关三楼会议室",
            summary="机关党支部组织“岗位之星”交流展示，四位“岗位之星”结合岗位工作交流体会，"
            "全体干部职工参加，办党组书记作点评讲话。",
            speakers=[
                Speaker(
                    staff=staff,
                    reflection=reflections[i] if i < len(reflections) else "",
                    # The third speaker hands in the 体会 as a document.
                    upload=demo_pdf("交流体会") if i == 2 else None,
                )
                for i, staff in enumerate(stars)
            ],
            photos=[
                demo_photo("交流展示会现场", (166, 27, 27)),
                demo_photo("发言交流", (40, 90, 140)),
            ],
        )
