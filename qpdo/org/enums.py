"""Fixed choices of the org app."""

from django.db import models


class UnitKind(models.TextChoices):
    OFFICE = "office", "本办"
    SECTION = "section", "机关科室"
    INSTITUTION = "institution", "直属事业单位"
    PARTY_BRANCH = "party_branch", "机关党支部"
    PARTY_GROUP = "party_group", "办党组"
    LEADERSHIP = "leadership", "办领导"
    TOWN = "town", "街镇"
    MEMBER_UNIT = "member_unit", "区国动委成员单位"


# The office's own sections: the units that take part in the campaign, lectures and stars.
CAMPAIGN_UNIT_KINDS = (UnitKind.SECTION, UnitKind.INSTITUTION)
# Units outside the office that report for 六进.
OUTREACH_UNIT_KINDS = (UnitKind.TOWN, UnitKind.MEMBER_UNIT)


class Role(models.TextChoices):
    """The portal's roles; each is a Django group named by its Chinese label."""

    MEMBER = "member", "科员"
    SECTION_HEAD = "section_head", "科室负责人"
    LECTURES_COORDINATOR = "lectures_coordinator", "小讲堂管理"
    OFFICE_LEADER = "office_leader", "办领导"
    PARTY_BRANCH = "party_branch", "机关党支部"
    PARTY_GROUP = "party_group", "办党组"
    OUTREACH_REVIEWER = "outreach_reviewer", "宣教审核"
    OUTREACH_REPORTER = "outreach_reporter", "填报员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# Roles whose holders see every unit's records (they review or lead office-wide).
OFFICE_WIDE_ROLES = frozenset(
    {
        Role.LECTURES_COORDINATOR,
        Role.OFFICE_LEADER,
        Role.PARTY_BRANCH,
        Role.PARTY_GROUP,
        Role.OUTREACH_REVIEWER,
    }
)
# Roles that work in the Django admin.
ADMIN_ROLES = OFFICE_WIDE_ROLES | {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", "中共党员"
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL_MEMBER = "cyl_member", "共青团员"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派成员"
    MASSES = "masses", "群众"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专及以下"


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    PASSWORD_CHANGE = "password_change", "修改密码"
    TRANSITION = "transition", "审批流转"
    IMPORT = "import", "数据导入"
    EXPORT = "export", "数据导出"
    CHANGE = "change", "数据变更"
    DOWNLOAD = "download", "文件下载"
    PASSWORD_RESET = "password_reset", "重置密码"
    LOCKOUT = "lockout", "账号锁定"
    TWO_FACTOR = "two_factor", "双因素认证"
    ARCHIVE = "archive", "审计归档"
