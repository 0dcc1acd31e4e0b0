"""Admin pages of the org app: units and staff for IT, the audit trail for the auditor."""

from django.contrib import admin

from .models import AuditRecord, Staff, Unit

admin.site.site_header = "青浦区国防动员办公室门户 · 管理后台"
admin.site.site_title = "青浦国动办门户"
admin.site.index_title = "管理后台"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "position", "gender", "political_status", "user", "is_active"]
    list_filter = ["unit", "is_active", "political_status"]
    search_fields = ["name", "position", "user__username"]
    list_select_related = ["unit", "user"]
    autocomplete_fields = ["user"]
    list_per_page = 50


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only for the 审计管理员; nobody adds, edits or deletes audit records."""

    list_display = ["at", "actor_name", "action", "object_repr", "ip_address", "success"]
    list_filter = ["action", "success"]
    search_fields = ["actor_name", "object_repr", "detail"]
    date_hierarchy = "at"
    list_per_page = 100

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
