"""Units, staff and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .enums import AuditAction, Education, Gender, PoliticalStatus, UnitKind


class UnitManager(models.Manager["Unit"]):
    def get_by_natural_key(self, code: str) -> Unit:
        return self.get(code=code)


class Unit(models.Model):
    """An organisation the portal knows: a section, a 街镇, a member unit, a party body."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    print_name = models.CharField(
        "打印名称",
        max_length=30,
        blank=True,
        help_text="正式文件、附表中印出的名称（如“管理保障中心”）；不填则印名称。",
    )
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = UnitManager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def print_label(self) -> str:
        """Return the name printed on the office's forms and tables (附表1: 管理保障中心)."""
        return self.print_name or self.name


class Staff(models.Model):
    """A person of a unit; not every person has a sign-in (a nominee may not)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="staff"
    )
    position = models.CharField("职务/岗位", max_length=60, blank=True)
    native_place = models.CharField("籍贯", max_length=30, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    birth_month = models.DateField(
        "出生年月", null=True, blank=True, help_text="只记年月，日固定为1日。"
    )
    post_since = models.DateField("任现岗位时间", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("在职", default=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["unit__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="org_staff_unique_name_in_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.display_name}）"


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    """Refuse every bulk write: the trail is append-only (see AuditRecord)."""

    def update(self, **kwargs):
        raise PermissionError("审计记录不可修改。")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("审计记录不可修改。")

    def update_or_create(self, *args, **kwargs):
        raise PermissionError("审计记录不可修改。")

    def delete(self):
        raise PermissionError("审计记录不可删除。")

    def _raw_delete(self, using):
        raise PermissionError("审计记录不可删除。")

    _raw_delete.queryset_only = True


class AuditRecord(models.Model):
    """Who did what, when, from where, and whether it succeeded. Append-only, hash-chained.

    The application cannot change or delete a record: save() of an existing one, delete(),
    queryset update()/delete()/_raw_delete() (also through `_base_manager`) raise, loaddata
    cannot overwrite one, and on PostgreSQL a trigger rejects UPDATE and DELETE (migration
    0004; only the retention command may delete records older than the retention period).
    Each record's `record_hash` covers its fields and the previous record's hash, so an edit
    made around all of that (raw SQL as the table owner, an edited dump) breaks the chain at
    the edited record: `manage.py audit_verify` names it.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # PROTECT: deleting an account must not rewrite the audit trail (deactivate it instead).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=60, blank=True)
    actor_roles = models.CharField("操作人角色", max_length=200, blank=True)
    action = models.CharField("操作", max_length=30, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    detail = models.TextField("详情", blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    success = models.BooleanField("成功", default=True)
    previous_hash = models.CharField("上一条记录的校验值", max_length=64, blank=True)
    record_hash = models.CharField("校验值", max_length=64, blank=True, editable=False)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError("审计记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除。")


class PasswordHistory(models.Model):
    """The hashes of an account's last passwords, so they cannot be used again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class AccountSecurity(models.Model):
    """An account's password age and whether it must change its password at next sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="security",
        verbose_name="账号",
    )
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    demo_exempt = models.BooleanField(
        "演示账号豁免",
        default=False,
        help_text="只用于演示数据：不强制修改初始密码、密码不过期。生产环境不得勾选。",
    )

    class Meta:
        verbose_name = "账号安全"
        verbose_name_plural = "账号安全"

    def __str__(self) -> str:
        return str(self.user)
