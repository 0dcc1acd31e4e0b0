"""Password rules with messages in Chinese (Django 5.2's zh_Hans catalogue lacks this one)."""

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import (
    MinimumLengthValidator as DjangoMinimumLengthValidator,
)
from django.core.exceptions import ValidationError

from . import clock
from .models import AccountSecurity, PasswordHistory


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码长度太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """Require characters from at least `min_classes` of: lower case, upper case, digits, others."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            )
        )

    def validate(self, password: str, user=None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_few_classes",
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Refuse the current password and the last `count` ones; remember each new one."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return

        previous = list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-created_at", "-id")
            .values_list("password", flat=True)[: self.count]
        )
        if user.password:
            previous.append(user.password)
        if any(check_password(password, encoded) for encoded in previous if encoded):
            raise ValidationError(
                f"不能使用最近 {self.count} 次用过的密码，请换一个新密码。",
                code="password_reused",
            )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return

        PasswordHistory.objects.create(user=user, password=user.password, created_at=clock.now())
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_changed_at": clock.now()}
        )
        stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")[
            self.count :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self) -> str:
        return f"不能与最近 {self.count} 次用过的密码相同。"
