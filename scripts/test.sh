#!/usr/bin/env bash
# README 命令 2：准备环境并运行全部测试（含浏览器测试，使用 Debian 的 chromium）。
#
#   bash scripts/test.sh                 全部测试（SQLite）
#   bash scripts/test.sh tests/org -x    其余参数原样交给 pytest
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/qpdo bash scripts/test.sh
#                                        在 PostgreSQL 上运行（pytest-django 建 test_qpdo 库）
#
# 退出码即 pytest 的退出码：任何失败都非零。
set -euo pipefail

# shellcheck source=scripts/dev.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev.sh"

cd "$QPDO_ROOT"
# Playwright 驱动 Debian 的 chromium（不下载浏览器，从不运行 playwright install）。
qpdo_ensure_debian_packages "${QPDO_DEBIAN_PACKAGES[@]}" chromium ||
	qpdo_die "缺少测试所需的 Debian 软件包，请先按上面一行安装。"
qpdo_ensure_venv

# 无障碍检查用的 axe-core 来自 npm，装在仓库根目录的 node_modules/（不入库，从不用 CDN）。
if [ ! -f "$QPDO_ROOT/node_modules/axe-core/axe.min.js" ]; then
	command -v npm >/dev/null 2>&1 || qpdo_ensure_debian_packages npm ||
		qpdo_die "缺少 npm，请先按上面一行安装。"
	npm ci --no-audit --no-fund --prefix "$QPDO_ROOT" >/dev/null
fi

# 测试使用 qpdo.settings_test（见 pyproject.toml）；浏览器截图写入 test-artifacts/。
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec "$QPDO_VENV/bin/python" -m pytest "$@"
