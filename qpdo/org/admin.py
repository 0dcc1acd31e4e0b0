"""Admin pages of the org app, split along the three separated admin roles (三员分立).

- 系统管理员: accounts (roles only, never superuser status or loose permissions), units, staff,
  and the staff roster import;
- 安全管理员: failed sign-ins and lockouts (axes), and unlocking;
- 审计管理员: the audit trail, read-only.

The decisions (who may do what, what a user may see) live in selectors; the writes in services.
"""

import contextlib

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ExportForm, ImportForm
from import_export.results import RowResult

from qpdo.org import clock

from . import selectors, services
from .enums import Role
from .models import AccountSecurity, AuditRecord, Staff, Unit
from .resources import ROSTER_MAX_BYTES, RosterXLSX, StaffResource, check_roster_upload

admin.site.site_header = "青浦区国防动员办公室门户 · 管理后台"
admin.site.site_title = "青浦国动办门户"
admin.site.index_title = "管理后台"

User = get_user_model()


class AuditedAdminMixin:
    """Write one audit record for every add, edit and delete made through this admin page.

    The record names the changed fields with their old and new values (a person moved to
    another unit shows 所在单位：综合科 → 工程指挥科, since that changes their scope).
    """

    def _field_values(self, obj) -> dict[str, str]:
        values = {}
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.name, None)
            values[field.name] = "" if value is None else str(value)
        return values

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            request._qpdo_before = self._field_values(obj)
        return obj

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        label = obj._meta.verbose_name
        if not change:
            detail = f"新建{label}：{obj}"
        else:
            before = getattr(request, "_qpdo_before", {})
            after = self._field_values(obj)
            parts = [
                f"{obj._meta.get_field(name).verbose_name}：{before.get(name, '')} → {value}"
                for name, value in after.items()
                if name in form.changed_data and before.get(name, "") != value
            ]
            if not parts:
                return
            detail = f"修改{label} {obj}：" + "；".join(parts)
        services.admin_change_record(acting_user=request.user, target=obj, detail=detail)

    def delete_model(self, request, obj):
        label, shown = obj._meta.verbose_name, str(obj)
        super().delete_model(request, obj)
        services.admin_change_record(
            acting_user=request.user, target=None, detail=f"删除{label}：{shown}"
        )

    def delete_queryset(self, request, queryset):
        label = queryset.model._meta.verbose_name
        shown = "、".join(str(o) for o in queryset[:50])
        super().delete_queryset(request, queryset)
        services.admin_change_record(
            acting_user=request.user, target=None, detail=f"批量删除{label}：{shown}"
        )


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "print_name", "kind", "order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]


class RosterImportForm(ImportForm):
    """The upload step: an .xlsx of at most 2 MiB, checked before anything opens it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = "人员名册文件"
        self.fields[
            "import_file"
        ].help_text = f"Excel 文件（.xlsx），不超过 {ROSTER_MAX_BYTES // 1024 // 1024} MiB。"
        self.fields["import_file"].widget.attrs["accept"] = ".xlsx"

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        check_roster_upload(upload)
        return upload


@admin.register(Staff)
class StaffAdmin(AuditedAdminMixin, ImportExportModelAdmin):
    list_display = ["name", "unit", "position", "gender", "political_status", "user", "is_active"]
    list_filter = ["unit", "is_active", "political_status"]
    search_fields = ["name", "position", "user__username"]
    list_select_related = ["unit", "user"]
    autocomplete_fields = ["user"]
    list_per_page = 50

    resource_classes = [StaffResource]
    import_formats = [RosterXLSX]
    export_formats = [RosterXLSX]
    import_form_class = RosterImportForm
    export_form_class = ExportForm
    import_template_name = "admin/org/staff/import.html"

    def get_queryset(self, request):
        staff = selectors.staff_roster_for(user=request.user)
        ordering = self.get_ordering(request)
        return staff.order_by(*ordering) if ordering else staff

    def has_import_permission(self, request):
        return selectors.may_import_roster(request.user)

    def has_export_permission(self, request):
        return selectors.may_export_roster(request.user)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if request.method == "POST" and not context.get("confirm_form"):
            # A refused file will never be confirmed: do not leave its personal data in /tmp.
            # (form.files, not cleaned_data: add_error() drops the field from cleaned_data.)
            form = context.get("form")
            upload = getattr(form, "files", {}).get("import_file")
            name = getattr(upload, "tmp_storage_name", None)
            if name:
                with contextlib.suppress(FileNotFoundError):
                    self.get_tmp_storage_class()(name=name).remove()
            if form is not None and form.errors:
                services.staff_roster_import_refused(
                    acting_user=request.user,
                    file_name=getattr(upload, "name", ""),
                    reason="；".join(str(m) for errors in form.errors.values() for m in errors)[
                        :500
                    ],
                )
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ValidationError):
            form.add_error("import_file", e)
        else:
            form.add_error(
                "import_file",
                "无法读取该文件：请确认是未加密的 Excel 文件（.xlsx），第 1 行为列名。",
            )

    def process_dataset(self, dataset, form, request, **kwargs):
        return services.staff_roster_import(
            dataset=dataset,
            acting_user=request.user,
            file_name=form.cleaned_data.get("original_file_name", ""),
        )

    def process_result(self, result, request):
        if not result.is_clean():
            messages.error(
                request,
                f"导入未完成：文件中有 {len(result.problems())} 处问题"
                "（可能在检查后数据又有变动），未保存任何数据。请重新上传核对。",
            )
            return HttpResponseRedirect(reverse("admin:org_staff_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(
            request,
            f"人员名册已导入：新增 {result.count(RowResult.IMPORT_TYPE_NEW)} 人，"
            f"更新 {result.count(RowResult.IMPORT_TYPE_UPDATE)} 人，"
            f"未变 {result.count(RowResult.IMPORT_TYPE_SKIP)} 人。",
        )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return services.staff_roster_export(staff=queryset, acting_user=request.user)

    def export_action(self, request):
        response = super().export_action(request)
        if response.has_header("Content-Disposition"):
            name = f"人员名册-{clock.today():%Y-%m-%d}.xlsx"
            response["Content-Disposition"] = content_disposition_header(True, name)
        return response


# --- accounts: the 系统管理员's UserAdmin ----------------------------------------------------


class RolesFieldMixin(forms.Form):
    """A `roles` field offering only the roles the signed-in admin may give."""

    roles = forms.TypedMultipleChoiceField(
        label="角色",
        choices=(),
        coerce=Role,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="需要使用管理后台的角色会自动开通后台登录。",
    )
    assignable_roles: tuple[Role, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r.value, r.label) for r in self.assignable_roles]
        self.held_roles = selectors.account_roles(self.instance) if self.instance.pk else set()
        self.fields["roles"].initial = [
            r.value for r in self.assignable_roles if r in self.held_roles
        ]
        if "first_name" in self.fields:
            self.fields["first_name"].label = "姓名"

    def clean_roles(self):
        chosen = set(self.cleaned_data["roles"])
        # Roles this admin may not give are kept as they are, never dropped silently.
        kept = {r for r in self.held_roles if r not in self.assignable_roles}
        roles = chosen | kept
        services.account_roles_check(roles)
        return sorted(roles, key=list(Role).index)


class AccountChangeForm(RolesFieldMixin, UserChangeForm):
    pass


class AccountCreationForm(RolesFieldMixin, AdminUserCreationForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts: roles are the only grants; superuser status and loose permissions are not here."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    add_form_template = "admin/org/account/add_form.html"
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "email")}),
        ("角色与状态", {"fields": ("roles", "is_active")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        ("个人信息", {"fields": ("first_name",)}),
        ("角色", {"fields": ("roles",)}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "full_name", "unit", "role_names", "is_active", "admin_access"]
    list_filter = ["is_active", "groups"]
    filter_horizontal = ()
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.account_list_for(user=request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not selectors.may_manage_account(request.user, obj):
            # Read-only page: no "reset password" button leading to a refusal.
            first, *rest = fieldsets
            fieldsets = ((first[0], {"fields": ("username",)}), *rest)
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        assignable = tuple(selectors.roles_assignable_by(request.user))
        return type(form.__name__, (form,), {"assignable_roles": assignable})

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or selectors.may_manage_account(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or selectors.may_manage_account(request.user, obj))

    @admin.display(description="姓名", ordering="first_name")
    def full_name(self, obj):
        return obj.first_name

    @admin.display(description="可登录后台", boolean=True, ordering="is_staff")
    def admin_access(self, obj):
        return obj.is_staff

    @admin.display(description="所在单位")
    def unit(self, obj):
        staff = getattr(obj, "staff", None)
        return staff.unit.display_name if staff else "—"

    @admin.display(description="角色")
    def role_names(self, obj):
        roles = selectors.account_roles(obj)
        return "、".join(r.label for r in Role if r in roles) or "—"

    @admin.display(description="角色")
    def roles(self, obj):
        # Shown on the read-only page of an account the admin may not change.
        return self.role_names(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.account_change_record(
            account=obj,
            acting_user=request.user,
            created=not change,
            changed=form.changed_data if change else [],
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.account_roles_set(
            account=form.instance,
            roles=form.cleaned_data["roles"],
            acting_user=request.user,
        )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            account = User.objects.get(pk=id)
            services.account_password_reset(account=account, acting_user=request.user)
        return response


def _register_group_admin() -> None:
    from django.contrib.auth.admin import GroupAdmin
    from django.contrib.auth.models import Group

    class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
        """Role groups: every change of a group's permissions is audited."""

        def save_related(self, request, form, formsets, change):
            before = set(form.instance.permissions.values_list("codename", flat=True))
            super().save_related(request, form, formsets, change)
            after = set(form.instance.permissions.values_list("codename", flat=True))
            if before != after:
                added, removed = sorted(after - before), sorted(before - after)
                services.admin_change_record(
                    acting_user=request.user,
                    target=form.instance,
                    detail=(
                        f"修改角色 {form.instance} 的权限：增加 {'、'.join(added) or '无'}；"
                        f"取消 {'、'.join(removed) or '无'}"
                    ),
                )

    if admin.site.is_registered(Group):
        admin.site.unregister(Group)
    admin.site.register(Group, AuditedGroupAdmin)


_register_group_admin()


# --- failed sign-ins and lockouts: the 安全管理员 -----------------------------------------


def _register_access_attempt_admin() -> None:
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt

    class UnlockingAccessAttemptAdmin(AccessAttemptAdmin):
        """Deleting a failed-sign-in record unlocks the account; each unlock is audited."""

        def delete_model(self, request, obj):
            services.account_unlock(
                attempts=type(obj).objects.filter(pk=obj.pk),
                acting_user=request.user,
            )

        def delete_queryset(self, request, queryset):
            services.account_unlock(attempts=queryset, acting_user=request.user)

    if admin.site.is_registered(AccessAttempt):
        admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, UnlockingAccessAttemptAdmin)


_register_access_attempt_admin()


# --- the audit trail: the 审计管理员 ---------------------------------------------------------


AUDIT_EXPORT_LIMIT = 50_000


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only for the 审计管理员: search, filter and export; nobody adds, edits or deletes."""

    list_display = [
        "at",
        "actor_name",
        "actor_roles",
        "action",
        "object_repr",
        "ip_address",
        "success",
    ]
    list_filter = ["action", "success"]
    search_fields = ["actor_name", "object_repr", "detail", "ip_address", "object_id"]
    date_hierarchy = "at"
    list_per_page = 100
    change_list_template = "admin/org/auditrecord/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="org_auditrecord_export"), *urls]

    def export_view(self, request):
        """Export the records the change list shows (same search and filters) as Excel."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)[:AUDIT_EXPORT_LIMIT]
        data = services.audit_records_export(queryset=queryset, acting_user=request.user)
        from django.utils import timezone

        from .clock import now

        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localtime(now()).strftime("%Y%m%d%H%M")
        response["Content-Disposition"] = content_disposition_header(True, f"审计记录-{stamp}.xlsx")
        return response


# --- account security: the 安全管理员 --------------------------------------------------------


@admin.register(AccountSecurity)
class AccountSecurityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Password age, forced change, demo exemption and second factors, for the 安全管理员."""

    list_display = [
        "user",
        "password_changed_at",
        "must_change_password",
        "demo_exempt",
        "two_factor",
    ]
    list_filter = ["must_change_password", "demo_exempt"]
    search_fields = ["user__username", "user__first_name"]
    fields = ["user", "password_changed_at", "must_change_password", "demo_exempt"]
    readonly_fields = ["user", "password_changed_at"]
    actions = ["reset_two_factor"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="双因素登录")
    def two_factor(self, obj):
        from django_otp import user_has_device

        return "已启用" if user_has_device(obj.user, confirmed=True) else "未启用"

    @admin.action(description="重置所选账号的双因素登录（手机丢失时）", permissions=["change"])
    def reset_two_factor(self, request, queryset):
        for security in queryset.select_related("user"):
            services.account_two_factor_reset(account=security.user, acting_user=request.user)
        messages.success(
            request, f"已重置 {queryset.count()} 个账号的双因素登录，下次登录时重新绑定。"
        )
