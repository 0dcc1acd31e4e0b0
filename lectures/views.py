"""Pages of the lecture series. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView, ListView

from campaigns.selectors import campaign_current
from qpdo.org.scoping import user_unit
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow import services as workflow

from . import rules, selectors, services
from .forms import TopicForm


class TopicListView(ListView):
    template_name = "lectures/topic/list.html"
    paginate_by = 20

    def get_queryset(self):
        return selectors.topic_list_for(
            user=self.request.user, campaign=campaign_current()
        ).order_by("unit__order", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_propose"] = rules.may_propose_topic(self.request.user)
        context["campaign"] = campaign_current()
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
        )
        return context


class TopicFormMixin:
    form_class = TopicForm
    template_name = "lectures/topic/form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        campaign = self.get_campaign()
        kwargs["speakers"] = selectors.speakers_for_unit(self.get_unit())
        kwargs["slots"] = selectors.slots_of(campaign).filter(unit=self.get_unit())
        return kwargs

    def form_valid(self, form):
        try:
            topic = self.save(form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        except workflow.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if "submit" in self.request.POST:
            try:
                services.topic_submit(
                    acting_user=self.request.user, topic=topic, request=self.request
                )
                messages.success(self.request, "选题已提交，等待综合科初评。")
            except workflow.TransitionRefused as refused:
                messages.error(self.request, refused.message)
        else:
            messages.success(self.request, "草稿已保存，可稍后继续填写并提交。")
        return redirect(topic.get_absolute_url())


class TopicCreateView(TopicFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_propose_topic(request.user):
            raise PermissionDenied("只有各科室负责人可以推荐选题。")
        if campaign_current() is None:
            messages.error(request, "尚未建立本年度实践活动，暂不能推荐选题。")
            return redirect("lectures:topic-list")
        return super().dispatch(request, *args, **kwargs)

    def get_campaign(self):
        return campaign_current()

    def get_unit(self):
        return user_unit(self.request.user)

    def save(self, data):
        return services.topic_create(
            acting_user=self.request.user, campaign=self.get_campaign(), data=data
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
        return services.topic_update(acting_user=self.request.user, topic=self.topic, data=data)
