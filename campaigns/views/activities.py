"""Pages of teams, 带教, 交流 and the 四个够不够 discussions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from qpdo.documents.uploads import file_response
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.selectors import campaign_units
from qpdo.workflow.mixins import form_add_errors

from .. import rules, selectors, services
from ..forms import CheckInForm, DiscussionForm, PairForm, RotationForm, TeamForm, TeamOutputForm
from ..models import TeamOutput
from .base import PAGE_SIZE, CampaignMixin, ServiceFormMixin

# --- teams ---------------------------------------------------------------------------------------


class TeamListView(CampaignMixin, ListView):
    template_name = "campaigns/team/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "teams"

    def get_queryset(self):
        return selectors.team_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = rules.may_create_team(self.request.user, self.campaign)
        return context


class TeamDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/team/detail.html"
    tab = "teams"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team = selectors.team_get(campaign=self.campaign, pk=kwargs["pk"])
        members = list(team.members.select_related("staff__unit"))
        context.update(
            team=team,
            members=members,
            units=sorted(
                {m.staff.unit.display_name for m in members} | {team.lead_unit.display_name}
            ),
            outputs=list(team.outputs.order_by("achieved_on", "id")),
            may_edit=rules.may_edit_team(self.request.user, team),
            output_form=TeamOutputForm(),
        )
        return context


class TeamFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:team-list"
    form_class = TeamForm
    template_name = "campaigns/team/form.html"
    tab = "teams"
    team = None
    success_message = "团队已保存。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            key_tasks=self.campaign.key_tasks.order_by("order"),
            people=selectors.office_people(),
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["team"] = self.team
        return context

    def save(self, data):
        members = [(staff, "") for staff in data["members"]]
        if self.team is not None:
            duties = {m.staff_id: m.duty for m in self.team.members.all()}
            members = [(staff, duties.get(staff.pk, "")) for staff in data["members"]]
        return services.team_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            **{k: data.get(k) for k in services.TEAM_FIELDS},
            members=members,
            team=self.team,
        )


class TeamCreateView(TeamFormView):
    heading = "组建团队"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_team(request.user, self.campaign):
            raise Refused("只有办领导、牵头科室和各科室负责人可以组建团队。")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"formed_on": clock.today()}


class TeamUpdateView(TeamFormView):
    heading = "修改团队"

    def get_form(self, form_class=None):
        self._load()
        return super().get_form(form_class)

    def _load(self):
        if self.team is None:
            self.team = selectors.team_get(campaign=self.campaign, pk=self.kwargs["pk"])
            if not rules.may_edit_team(self.request.user, self.team):
                raise Refused("只有团队负责人、牵头单位负责人或活动组织者可以修改团队。")

    def get_initial(self):
        self._load()
        team = self.team
        return {
            "kind": team.kind,
            "name": team.name,
            "key_task": team.key_task,
            "topic": team.topic,
            "goals": team.goals,
            "leader": team.leader,
            "members": [m.staff for m in team.members.select_related("staff")],
            "formed_on": team.formed_on,
            "ends_on": team.ends_on,
        }


class TeamOutputCreateView(CampaignMixin, View):
    http_method_names = ["post"]

    def post(self, request, year: int, pk: int):
        team = selectors.team_get(campaign=self.campaign, pk=pk)
        form = TeamOutputForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, "；".join(errors))
            return redirect(team.get_absolute_url())
        try:
            services.team_output_add(
                acting_user=request.user,
                team=team,
                **{k: form.cleaned_data.get(k) for k in services.OUTPUT_FIELDS},
                upload=form.cleaned_data.get("file"),
            )
            messages.success(request, "成果已登记。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect(team.get_absolute_url())


class TeamOutputFileView(CampaignMixin, View):
    def get(self, request, year: int, pk: int):
        output = (
            TeamOutput.objects.filter(pk=pk, team__campaign=self.campaign).exclude(file="").first()
        )
        if output is None:
            raise Http404("未找到该文件。")
        return file_response(
            output.file, filename=output.original_name or output.title, inline=True
        )


# --- mentoring -----------------------------------------------------------------------------------


class PairListView(CampaignMixin, ListView):
    template_name = "campaigns/pair/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "pairs"

    def get_queryset(self):
        return selectors.pair_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = rules.may_create_unit_records(self.request.user, self.campaign)
        return context


class PairDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/pair/detail.html"
    tab = "pairs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pair = selectors.pair_get(campaign=self.campaign, pk=kwargs["pk"])
        user = self.request.user
        context.update(
            pair=pair,
            check_ins=(
                list(pair.check_ins.order_by("held_on", "id"))
                if rules.may_see_check_ins(user, pair)
                else None
            ),
            check_in_count=pair.check_ins.count(),
            may_check_in=rules.may_check_in(user, pair),
            may_edit=rules.may_edit_pair(user, pair),
            check_in_form=kwargs.get("check_in_form")
            or CheckInForm(initial={"held_on": clock.today()}),
        )
        return context

    def post(self, request, year: int, pk: int):
        pair = selectors.pair_get(campaign=self.campaign, pk=pk)
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                services.check_in_add(
                    acting_user=request.user,
                    pair=pair,
                    **{k: form.cleaned_data.get(k) for k in services.CHECK_IN_FIELDS},
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "带教记录已保存。")
                return redirect(pair.get_absolute_url())
        return self.render_to_response(self.get_context_data(pk=pk, check_in_form=form))


class PairFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:pair-list"
    form_class = PairForm
    template_name = "campaigns/pair/form.html"
    tab = "pairs"
    pair = None
    success_message = "带教关系已保存。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["people"] = selectors.campaign_staff()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pair"] = self.pair
        return context

    def save(self, data):
        return services.pair_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            **{k: data.get(k) for k in services.PAIR_FIELDS},
            pair=self.pair,
        )


class PairCreateView(PairFormView):
    heading = "建立岗位带教关系"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_unit_records(request.user, self.campaign):
            raise Refused("只有科室负责人或活动组织者可以建立带教关系。")
        return super().get(request, *args, **kwargs)


class PairUpdateView(PairFormView):
    heading = "修改岗位带教关系"

    def get_form(self, form_class=None):
        if self.pair is None:
            self.pair = selectors.pair_get(campaign=self.campaign, pk=self.kwargs["pk"])
            if not rules.may_edit_pair(self.request.user, self.pair):
                raise Refused("只有被带教人所在科室负责人或活动组织者可以修改带教关系。")
        return super().get_form(form_class)

    def get_initial(self):
        pair = self.pair or selectors.pair_get(campaign=self.campaign, pk=self.kwargs["pk"])
        return {
            "mentor": pair.mentor,
            "mentee": pair.mentee,
            "goals": pair.goals,
            "starts_on": pair.starts_on,
            "ends_on": pair.ends_on,
        }


# --- rotations -----------------------------------------------------------------------------------


class RotationListView(CampaignMixin, ListView):
    template_name = "campaigns/rotation/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "rotations"

    def get_queryset(self):
        return selectors.rotation_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for rotation in context["object_list"]:
            rotation.may_edit = rules.may_edit_rotation(user, rotation)
        context["may_create"] = rules.may_create_unit_records(user, self.campaign)
        return context


class RotationFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:rotation-list"
    form_class = RotationForm
    template_name = "campaigns/rotation/form.html"
    tab = "rotations"
    rotation = None
    success_message = "交流锻炼已登记。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(people=selectors.campaign_staff(), units=campaign_units())
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rotation"] = self.rotation
        return context

    def save(self, data):
        return services.rotation_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            **{k: data.get(k) for k in services.ROTATION_FIELDS},
            rotation=self.rotation,
        )

    def success_url_for(self, obj) -> str:
        return reverse("campaigns:rotation-list", args=[self.campaign.year])


class RotationCreateView(RotationFormView):
    heading = "登记交流锻炼"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_unit_records(request.user, self.campaign):
            raise Refused("只有科室负责人或活动组织者可以登记交流锻炼。")
        return super().get(request, *args, **kwargs)


class RotationUpdateView(RotationFormView):
    heading = "修改交流锻炼"

    def get_form(self, form_class=None):
        if self.rotation is None:
            self.rotation = selectors.rotation_get(campaign=self.campaign, pk=self.kwargs["pk"])
            if not rules.may_edit_rotation(self.request.user, self.rotation):
                raise Refused("只有本人所在科室负责人或活动组织者可以修改交流锻炼。")
        return super().get_form(form_class)

    def get_initial(self):
        rotation = self.rotation or selectors.rotation_get(
            campaign=self.campaign, pk=self.kwargs["pk"]
        )
        return {key: getattr(rotation, key) for key in services.ROTATION_FIELDS}


# --- 四个够不够 discussions ------------------------------------------------------------


class DiscussionListView(CampaignMixin, ListView):
    template_name = "campaigns/discussion/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "discussions"

    def get_queryset(self):
        return selectors.discussion_list_for(user=self.request.user, campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            units=selectors.discussion_units(campaign=self.campaign),
            may_create=rules.may_create_unit_records(self.request.user, self.campaign),
        )
        return context


class DiscussionDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/discussion/detail.html"
    tab = "discussions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        discussion = selectors.discussion_get_for(
            user=self.request.user, campaign=self.campaign, pk=kwargs["pk"]
        )
        from ..enums import FourQuestions

        labels = dict(FourQuestions.choices)
        context.update(
            discussion=discussion,
            participants=list(
                discussion.participants.select_related("unit").order_by("unit__order", "id")
            ),
            questions=[labels[q] for q in discussion.questions if q in labels],
        )
        return context


class DiscussionCreateView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:discussion-list"
    form_class = DiscussionForm
    template_name = "campaigns/discussion/form.html"
    tab = "discussions"
    heading = "记录“四个够不够”学习大讨论"
    success_message = "大讨论已记录。"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_unit_records(request.user, self.campaign):
            raise Refused("只有科室负责人或活动组织者可以记录大讨论。")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            units=selectors.item_units_for(user=self.request.user, campaign=self.campaign),
            people=selectors.office_people(),
        )
        return kwargs

    def save(self, data):
        return services.discussion_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            **{k: data.get(k) for k in services.DISCUSSION_FIELDS},
            participants=list(data["participants"]),
            upload=data.get("file"),
        )


class DiscussionFileView(CampaignMixin, View):
    def get(self, request, year: int, pk: int):
        discussion = selectors.discussion_get_for(user=request.user, campaign=self.campaign, pk=pk)
        if not discussion.file:
            raise Http404("未找到该文件。")
        return file_response(
            discussion.file, filename=discussion.original_name or "讨论纪要", inline=True
        )
