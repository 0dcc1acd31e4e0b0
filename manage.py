#!/usr/bin/env python
"""Django's command-line utility for the qpdo portal."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qpdo.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as exc:
        # An unreachable database is a setup problem: say so in one line.
        from django.conf import settings

        target = settings.DATABASES["default"].get("NAME")
        first_line = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        )
        if "no such table" in first_line or "does not exist" in first_line:
            sys.exit(
                f"qpdo：数据库（{target}）缺少数据表：{first_line}。"
                "请先运行 python manage.py migrate。"
            )
        sys.exit(
            f"qpdo：无法连接数据库（{target}）：{first_line}。"
            "请检查环境变量 DATABASE_URL 与数据库服务是否已启动。"
        )


if __name__ == "__main__":
    main()
