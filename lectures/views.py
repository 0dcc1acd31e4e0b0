"""Pages of the lecture series. Thin: selectors read, services write."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from campaigns.selectors import campaign_current, who_starts_year, working_year
from qpdo.documents.uploads import file_response
from qpdo.org import clock
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.dates import local_date
from qpdo.org.scoping import user_unit
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow.mixins import SubjectFormMixin, form_add_errors

from . import rules, selectors, services
from .forms import (
    CityPromotionForm,
    DeliveryForm,
    ManuscriptForm,
    ScheduleForm,
    SlotRequestForm,
    TopicForm,
)
from .models import LecturePhoto


class TopicListView(ListView):
    """The year's topics (?year=, else this year's); the year selector reaches every year."""

    template_name = "lectures/topic/list.html"
    paginate_by = 20
    paginator_class = CachedCountPaginator

    def dispatch(self, request, *args, **kwargs):
        self.year = selectors.year_asked(request.GET.get("year"))
        if self.year is None:
            raise Http404("未找到该年度。")
        self.campaign = selectors.lecture_campaign_of(self.year)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        if self.campaign is None:
            return selectors.topic_list_for(user=self.request.user).none()
        return selectors.topic_list_for(user=self.request.user, campaign=self.campaign).order_by(
            "unit__order", "-id"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_current = self.campaign is not None and self.campaign == campaign_current()
        context.update(
            may_propose=rules.may_propose_topic(self.request.user) and is_current,
            campaign=self.campaign,
            year=self.year,
            years=selectors.lecture_years(),
            year_query="" if self.year == working_year() else f"?year={self.year}",
            query_string=f"year={self.year}",
            year_starter=who_starts_year(self.year),
        )
        return context


class TopicDetailView(DetailView):
    template_name = "lectures/topic/detail.html"
    context_object_name = "topic"

    def get_object(self, queryset=None):
        return selectors.topic_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.object
        context.update(
            approval=topic.approval,
            history=workflow_selectors.history(topic.approval),
            return_reason=workflow_selectors.latest_return_reason(topic.approval),
            may_edit=rules.may_edit_topic(self.request.user, topic),
            manuscript=selectors.manuscript_list_for(user=self.request.user)
            .filter(topic=topic)
            .first(),
            lecture=getattr(topic, "lecture", None) if hasattr(topic, "lecture") else None,
            may_write_manuscript=rules.may_write_manuscript(self.request.user, topic),
            may_schedule=(
                rules.may_coordinate(self.request.user)
                and topic.approval.state == "approved"
                and not hasattr(topic, "lecture")
            ),
        )
        return context


class TopicFormMixin(SubjectFormMixin):
    form_class = TopicForm
    template_name = "lectures/topic/form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        campaign = self.get_campaign()
        kwargs["speakers"] = selectors.speakers_for_unit(self.get_unit())
        kwargs["slots"] = selectors.slots_of(campaign).filter(unit=self.get_unit())
        kwargs["taken"] = selectors.slots_taken(kwargs["slots"])
        return kwargs

    submitted_message = "选题已提交，等待综合科初评。"

    def submit(self, topic) -> None:
        services.topic_submit(acting_user=self.request.user, topic=topic)


class TopicCreateView(TopicFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_propose_topic(request.user):
            raise PermissionDenied("只有各科室负责人可以推荐选题。")
        if campaign_current() is None:
            year = working_year()
            messages.error(
                request,
                f"{year}年度实践活动尚未建立，由{who_starts_year(year)}建立；暂不能推荐选题。",
            )
            return redirect("lectures:topic-list")
        return super().dispatch(request, *args, **kwargs)

    def get_campaign(self):
        return campaign_current()

    def get_unit(self):
        return user_unit(self.request.user)

    def save(self, data):
        return services.topic_create(
            acting_user=self.request.user, campaign=self.get_campaign(), **data
        )


class TopicUpdateView(TopicFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.topic = selectors.topic_get_for(user=request.user, pk=kwargs["pk"])
        if not rules.may_edit_topic(request.user, self.topic):
            messages.error(request, "该选题已提交或不属于您的科室，不能修改。")
            return redirect(self.topic.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.topic
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topic"] = self.topic
        context["return_reason"] = workflow_selectors.latest_return_reason(self.topic.approval)
        return context

    def get_campaign(self):
        return self.topic.campaign

    def get_unit(self):
        return self.topic.unit

    def save(self, data):
        return services.topic_update(acting_user=self.request.user, topic=self.topic, **data)


class LectureYearMixin:
    """A page of one year's series: ?year=, else this year's. Before the year's campaign
    exists, the page says in one line who sets it up (with the link for who may); the year
    selector lists every year from the first to this one; a closed year is read-only."""

    missing_template = "lectures/year_missing.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.year = selectors.year_asked(request.GET.get("year"))
        if self.year is None:
            raise Http404("未找到该年度。")
        self.campaign = selectors.lecture_campaign_of(self.year)
        if self.campaign is None:
            if not rules.may_view_schedule(request.user):
                raise Http404("未找到页面。")
            return TemplateResponse(request, self.missing_template, self.year_context())
        return super().dispatch(request, *args, **kwargs)

    def year_context(self) -> dict:
        campaign = getattr(self, "campaign", None)
        return {
            "year": self.year,
            "years": selectors.lecture_years(),
            "year_query": "" if self.year == working_year() else f"?year={self.year}",
            "year_starter": who_starts_year(self.year),
            "is_closed": bool(campaign and campaign.is_closed),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.year_context())
        return context


class ScheduleAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_view_schedule(request.user):
            raise Http404("未找到页面。")
        return super().dispatch(request, *args, **kwargs)


class CoordinatorMixin:
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_coordinate(request.user):
            raise PermissionDenied("只有综合科小讲堂管理人员可以进行此操作。")
        return super().dispatch(request, *args, **kwargs)


class LecturesHomeView(LectureYearMixin, ScheduleAccessMixin, TemplateView):
    """The series at a glance: each section's speakers against its slots, what comes next."""

    template_name = "lectures/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        user = self.request.user
        lines = selectors.section_overview_for(user=user, campaign=campaign)
        context.update(
            campaign=campaign,
            lines=lines,
            owing=[line for line in lines if line.flag == "red"],
            lectures=list(selectors.lecture_list(campaign=campaign)[:8]),
            may_propose=rules.may_propose_topic(user) and campaign == campaign_current(),
            may_coordinate=rules.may_coordinate(user) and not campaign.is_closed,
            manuscript_due=selectors.manuscript_due_date(campaign),
        )
        return context


# Manuscripts ------------------------------------------------------------------------------


class ManuscriptEditView(SubjectFormMixin, FormView):
    """Write or revise the manuscript of an approved topic (the speaker or the section head)."""

    form_class = ManuscriptForm
    template_name = "lectures/manuscript/form.html"
    submitted_message = "讲述稿已提交，等待科室负责人审核。"
    saved_message = "讲述稿已保存。"

    def dispatch(self, request, *args, **kwargs):
        self.topic = selectors.topic_get_for(user=request.user, pk=kwargs["pk"])
        if not rules.may_write_manuscript(request.user, self.topic):
            raise PermissionDenied("只有讲述人或本科室负责人可以撰写经审定的选题的讲述稿。")
        self.manuscript = getattr(self.topic, "manuscript", None)
        if self.manuscript is not None and not self.manuscript.approval.is_editable:
            messages.error(request, "讲述稿已提交，审核期间不能修改。")
            return redirect(self.manuscript.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        version = self.manuscript.latest_version() if self.manuscript else None
        if version is not None:
            kwargs["initial"] = {f: getattr(version, f) for f in services.MANUSCRIPT_TEXT_FIELDS}
        else:
            kwargs["initial"] = {"planned_minutes": 15}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            topic=self.topic,
            manuscript=self.manuscript,
            version=self.manuscript.latest_version() if self.manuscript else None,
            due_date=selectors.manuscript_due_date(self.topic.campaign),
            return_reason=(
                workflow_selectors.latest_return_reason(self.manuscript.approval)
                if self.manuscript
                else None
            ),
        )
        return context

    def save(self, data):
        return services.manuscript_save(
            acting_user=self.request.user,
            topic=self.topic,
            **{f: data[f] for f in services.MANUSCRIPT_TEXT_FIELDS},
            slides=data.get("slides"),
            media=data.get("media"),
        )

    def submit(self, manuscript) -> None:
        services.manuscript_submit(acting_user=self.request.user, manuscript=manuscript)


class ManuscriptDetailView(TemplateView):
    template_name = "lectures/manuscript/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manuscript = selectors.manuscript_get_for(user=self.request.user, pk=kwargs["pk"])
        versions = list(manuscript.versions.order_by("-number"))
        due = selectors.manuscript_due_date(manuscript.topic.campaign)
        ends = selectors.manuscript_writing_ends(manuscript.topic.campaign)
        first = selectors.manuscript_first_submitted(manuscript)
        context.update(
            manuscript=manuscript,
            topic=manuscript.topic,
            approval=manuscript.approval,
            version=versions[0] if versions else None,
            versions=versions,
            history=workflow_selectors.history(manuscript.approval),
            due_date=due,
            first_submitted=first,
            writing_ends=ends,
            is_late=bool(first and local_date(first) > ends),
            may_edit=(
                manuscript.approval.is_editable
                and rules.may_write_manuscript(self.request.user, manuscript.topic)
            ),
        )
        return context


class ManuscriptCompareView(TemplateView):
    """Two versions side by side, part by part."""

    template_name = "lectures/manuscript/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manuscript = selectors.manuscript_get_for(user=self.request.user, pk=kwargs["pk"])
        versions = {v.number: v for v in manuscript.versions.all()}
        if len(versions) < 2:
            raise Http404("只有一个版本，无可对比。")
        numbers = sorted(versions)
        left = versions.get(_int(self.request.GET.get("a")), versions[numbers[-2]])
        right = versions.get(_int(self.request.GET.get("b")), versions[numbers[-1]])
        context.update(
            manuscript=manuscript,
            left=left,
            right=right,
            numbers=numbers,
            rows=[
                (label, lt, rt, lt != rt)
                for (label, lt), (_, rt) in zip(left.parts(), right.parts(), strict=True)
            ],
        )
        return context


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


class ManuscriptFileView(View):
    def get(self, request, pk: int, number: int, kind: str):
        manuscript = selectors.manuscript_get_for(user=request.user, pk=pk)
        version = manuscript.versions.filter(number=number).first()
        if version is None or kind not in ("slides", "media") or not getattr(version, kind):
            raise Http404("未找到该附件。")
        name = getattr(version, f"{kind}_name") or f"{manuscript.topic.title}-{kind}"
        return file_response(getattr(version, kind), filename=name)


# Schedule and delivery ----------------------------------------------------------------------


class ScheduleView(LectureYearMixin, ScheduleAccessMixin, TemplateView):
    """The year's lectures by month (or as a list), open to all office staff."""

    template_name = "lectures/schedule.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        lectures = list(selectors.lecture_list(campaign=campaign))
        months: dict[int, list] = {}
        for lecture in lectures:
            months.setdefault(timezone.localtime(lecture.starts_at).month, []).append(lecture)
        may_coordinate = rules.may_coordinate(self.request.user) and not campaign.is_closed
        context.update(
            campaign=campaign,
            view=self.request.GET.get("view", "month"),
            view_keep={"view": self.request.GET.get("view", "month")},
            lectures=lectures,
            months=sorted(months.items()),
            division=selectors.division_rows(campaign=campaign),
            extra_rows=selectors.extra_slot_rows(campaign=campaign),
            slot_requests=list(
                selectors.slot_request_list_for(user=self.request.user, campaign=campaign)
            ),
            may_request_slot=rules.may_request_slot(self.request.user)
            and campaign == campaign_current()
            and not campaign.is_closed,
            may_coordinate=may_coordinate,
            to_schedule=(
                list(selectors.schedulable_topics(campaign=campaign)) if may_coordinate else []
            ),
            calendar_feed=_calendar_url(self.request),
        )
        return context


def _calendar_url(request) -> str:
    try:
        from .calendar import calendar_url_for
    except ImportError:
        return ""
    return calendar_url_for(request.user, request)


class LectureScheduleView(CoordinatorMixin, FormView):
    """Place an approved topic in a slot (new), or move a scheduled lecture (edit)."""

    form_class = ScheduleForm
    template_name = "lectures/lecture/schedule_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.lecture = None
        if "lecture_pk" in kwargs:
            self.lecture = selectors.lecture_get(pk=kwargs["lecture_pk"])
            self.topic = self.lecture.topic
        else:
            self.topic = selectors.topic_get_for(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["slots"] = selectors.slots_of(self.topic.campaign).filter(unit=self.topic.unit)
        kwargs["taken"] = selectors.slots_taken(kwargs["slots"], except_lecture=self.lecture)
        if self.lecture is not None:
            local = timezone.localtime(self.lecture.starts_at)
            kwargs["initial"] = {
                "slot": self.lecture.slot,
                "date": local.date(),
                "time": local.time(),
                "place": self.lecture.place,
                "duration_minutes": self.lecture.duration_minutes,
            }
        elif (
            self.topic.preferred_slot_id
            and self.topic.preferred_slot_id not in kwargs["taken"]
            and not self.topic.preferred_slot.is_cancelled
        ):
            kwargs["initial"] = {"slot": self.topic.preferred_slot}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(topic=self.topic, lecture=self.lecture)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        starts_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        try:
            if self.lecture is None:
                lecture = services.lecture_schedule(
                    acting_user=self.request.user,
                    topic=self.topic,
                    slot=data["slot"],
                    starts_at=starts_at,
                    place=data["place"],
                    duration_minutes=data["duration_minutes"],
                )
            else:
                lecture = services.lecture_reschedule(
                    acting_user=self.request.user,
                    lecture=self.lecture,
                    slot=data["slot"],
                    starts_at=starts_at,
                    place=data["place"],
                    duration_minutes=data["duration_minutes"],
                )
        except ValidationError as error:
            field_map = {"starts_at": "date", "topic": None}
            for field, errors in error.message_dict.items():
                target = field_map.get(field, field)
                form.add_error(target if target in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, "讲述已安排。")
        return redirect(lecture.get_absolute_url())


class LectureDetailView(ScheduleAccessMixin, TemplateView):
    """A lecture's page: its topic, speaker, manuscript, delivery and promotion."""

    template_name = "lectures/lecture/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lecture = selectors.lecture_get(pk=kwargs["pk"])
        manuscript = (
            selectors.manuscript_list_for(user=self.request.user)
            .filter(topic=lecture.topic)
            .first()
        )
        context.update(
            lecture=lecture,
            topic=lecture.topic,
            manuscript=manuscript,
            version=manuscript.latest_version() if manuscript else None,
            photos=list(lecture.photos.all()),
            promotion=selectors.city_promotion_of(lecture),
            may_coordinate=rules.may_coordinate(self.request.user),
        )
        return context


class LectureDeliveryView(CoordinatorMixin, FormView):
    form_class = DeliveryForm
    template_name = "lectures/lecture/delivery_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.lecture = selectors.lecture_get(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.lecture
        if self.lecture.held_on is None:
            local = timezone.localtime(self.lecture.starts_at)
            kwargs["initial"] = {"held_on": local.date(), "held_place": self.lecture.place}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lecture"] = self.lecture
        return context

    def form_valid(self, form):
        data = {f: form.cleaned_data.get(f) for f in services.DELIVERY_FIELDS}
        try:
            services.lecture_record_delivery(
                acting_user=self.request.user,
                lecture=self.lecture,
                **data,
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "讲述情况已记录。")
        return redirect(self.lecture.get_absolute_url())


class LecturePhotoView(ScheduleAccessMixin, View):
    def get(self, request, pk: int, size: str):
        photo = LecturePhoto.objects.filter(pk=pk).first()
        if photo is None or size not in ("thumb", "full"):
            raise Http404("未找到该照片。")
        field = photo.thumbnail if size == "thumb" else photo.image
        return file_response(field, filename=f"讲堂照片-{photo.pk}", inline=True)


class SlotCancelView(CoordinatorMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        slot = get_object_or_404(selectors.Slot.objects.filter(is_cancelled=False), pk=pk)
        try:
            services.slot_cancel(acting_user=request.user, slot=slot)
            messages.success(request, f"场次“{slot}”已取消。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect(reverse("lectures:schedule") + f"?year={slot.campaign.year}")


# Extra slots (加开场次) ------------------------------------------------------------------------


class SlotRequestCreateView(FormView):
    """A section head asks for a slot beyond 附表1 (month, reason); 综合科 decides."""

    form_class = SlotRequestForm
    template_name = "lectures/slot_request/form.html"

    def dispatch(self, request, *args, **kwargs):
        if not rules.may_request_slot(request.user):
            raise PermissionDenied("只有各科室负责人可以申请加开场次。")
        self.campaign = campaign_current()
        if self.campaign is None:
            year = working_year()
            messages.error(request, f"{year}年度实践活动尚未建立，由{who_starts_year(year)}建立。")
            return redirect("lectures:schedule")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = user_unit(self.request.user)
        context.update(
            campaign=self.campaign,
            unit=unit,
            own_slots=list(selectors.slots_of(self.campaign).filter(unit=unit)),
        )
        return context

    def form_valid(self, form):
        try:
            slot_request = services.slot_request_create(
                acting_user=self.request.user,
                campaign=self.campaign,
                month=form.cleaned_data["month"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "加开场次申请已提交，等待综合科审定。")
        return redirect(slot_request.get_absolute_url())


class SlotRequestDetailView(FormView):
    """One request: month, reason, where it stands, the opinions; a returned one is resent."""

    form_class = SlotRequestForm
    template_name = "lectures/slot_request/detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.slot_request = selectors.slot_request_get_for(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"month": self.slot_request.month, "reason": self.slot_request.reason}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        approval = self.slot_request.approval
        context.update(
            slot_request=self.slot_request,
            approval=approval,
            history=workflow_selectors.history(approval),
            return_reason=workflow_selectors.latest_return_reason(approval),
            may_resubmit=rules.may_resubmit_slot_request(self.request.user, self.slot_request),
        )
        return context

    def form_valid(self, form):
        if not rules.may_resubmit_slot_request(self.request.user, self.slot_request):
            raise PermissionDenied("该申请正在审定或已办结，不能修改。")
        try:
            services.slot_request_resubmit(
                acting_user=self.request.user,
                slot_request=self.slot_request,
                month=form.cleaned_data["month"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "申请已重新提交，等待综合科审定。")
        return redirect(self.slot_request.get_absolute_url())


# 报市国动办推广 -------------------------------------------------------------------------------


class LecturePromotionView(CoordinatorMixin, FormView):
    """综合科 records what went to the 市国动办 (讲述稿, PPT, 视频), when, and the reply."""

    form_class = CityPromotionForm
    template_name = "lectures/lecture/promotion_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.lecture = selectors.lecture_get(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        promotion = selectors.city_promotion_of(self.lecture)
        if promotion is not None:
            kwargs["instance"] = promotion
        else:
            kwargs["initial"] = {"sent_on": clock.today()}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lecture"] = self.lecture
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.lecture_record_city_promotion(
                acting_user=self.request.user,
                lecture=self.lecture,
                **{k: data.get(k) for k in ("sent_on", "note", "reply_on", "reply")},
                **{k: data.get(k) for k in services.CITY_FILES},
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "报市国动办推广已登记。")
        return redirect(self.lecture.get_absolute_url())


class LecturePromotionFileView(ScheduleAccessMixin, View):
    def get(self, request, pk: int, kind: str):
        lecture = selectors.lecture_get(pk=pk)
        promotion = selectors.city_promotion_of(lecture)
        if promotion is None or kind not in services.CITY_FILES or not getattr(promotion, kind):
            raise Http404("未找到该材料。")
        name_field = "manuscript_name" if kind == "manuscript_file" else f"{kind}_name"
        name = getattr(promotion, name_field) or f"{lecture.topic.title}-{kind}"
        return file_response(getattr(promotion, kind), filename=name)
