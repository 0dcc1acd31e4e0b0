#!/usr/bin/env bash
# README 命令 1：准备环境并以演示数据启动门户 http://127.0.0.1:8000
#
#   bash scripts/dev.sh             安装所需 Debian 软件包（root 时）、建 .venv、装依赖、
#                                   迁移数据库、载入演示数据，然后启动开发服务器和后台任务进程
#   bash scripts/dev.sh --no-serve  只做准备，不启动服务器（供脚本检查）
#
# scripts/test.sh 以 source 方式复用本文件中的函数（此时不执行 main）。
set -euo pipefail

QPDO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QPDO_VENV="$QPDO_ROOT/.venv"
QPDO_PIP_STAMP="$QPDO_VENV/.qpdo-pip-stamp"
# WeasyPrint 需要 Pango；PDF 需要中文字体；测试用 pdftotext 检查 PDF 文本。
# libharfbuzz-subset0: without it WeasyPrint subsets the CJK fonts with fontTools (about 40x slower).
QPDO_DEBIAN_PACKAGES=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)

qpdo_say() { printf 'qpdo：%s\n' "$*" >&2; }
qpdo_die() {
	qpdo_say "$*"
	exit 1
}

# Print the Debian packages of "$@" that are not installed (one per line).
qpdo_missing_debian_packages() {
	local pkg status
	for pkg in "$@"; do
		status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
		[[ "$status" == "install ok installed" ]] || printf '%s\n' "$pkg"
	done
}

# Install the missing Debian packages of "$@".
# As root: apt-get update + install. Otherwise print the exact command and return 1
# (the caller decides whether to stop or to go on without them).
qpdo_ensure_debian_packages() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		qpdo_say "不是 Debian 系统，无法检查软件包，请自行安装：$*"
		return 1
	fi
	local missing
	mapfile -t missing < <(qpdo_missing_debian_packages "$@")
	if ((${#missing[@]} == 0)); then
		return 0
	fi
	if [[ "$(id -u)" -ne 0 ]]; then
		qpdo_say "缺少 Debian 软件包：${missing[*]}。请以 root 运行："
		printf '  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y %s\n' \
			"${missing[*]}" >&2
		return 1
	fi
	qpdo_say "安装 Debian 软件包：${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

# Echo the first python3 (>= 3.11) found on PATH.
qpdo_find_python() {
	local candidate
	for candidate in python3 python3.13 python3.12 python3.11; do
		if command -v "$candidate" >/dev/null 2>&1 &&
			"$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
			command -v "$candidate"
			return 0
		fi
	done
	return 1
}

# Create .venv when it is missing (or broken) and install the project when pyproject changed.
qpdo_ensure_venv() {
	cd "$QPDO_ROOT"
	if [[ -x "$QPDO_VENV/bin/python" ]] && ! "$QPDO_VENV/bin/python" -c 'import sys' 2>/dev/null; then
		qpdo_say ".venv 已损坏，重新创建。"
		rm -rf "$QPDO_VENV"
	fi
	if [[ ! -x "$QPDO_VENV/bin/python" ]]; then
		local python
		if ! python="$(qpdo_find_python)"; then
			qpdo_ensure_debian_packages python3 python3-venv ||
				qpdo_die "需要 Python 3.11 或更高版本（Debian 12 自带 3.11）。"
			python="$(qpdo_find_python)" || qpdo_die "需要 Python 3.11 或更高版本（Debian 12 自带 3.11）。"
		fi
		if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
			# Debian splits venv support off python3 itself.
			qpdo_ensure_debian_packages python3-venv ||
				qpdo_die "$python 无法创建虚拟环境：缺少 python3-venv。"
		fi
		qpdo_say "创建虚拟环境 .venv（$("$python" --version)）"
		"$python" -m venv "$QPDO_VENV"
	fi
	# Installs come from the lock file (exact versions with hashes); pyproject.toml keeps the
	# ranges. README "依赖锁定" says how to update the lock.
	local stamp
	stamp="$(cat pyproject.toml requirements-test.lock "$QPDO_VENV/pyvenv.cfg" | sha256sum | cut -d' ' -f1)"
	if [[ ! -f "$QPDO_PIP_STAMP" || "$(cat "$QPDO_PIP_STAMP")" != "$stamp" ]]; then
		qpdo_say "安装 Python 依赖（pip install --require-hashes -r requirements-test.lock）"
		"$QPDO_VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes \
			-r requirements-test.lock
		"$QPDO_VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
		printf '%s\n' "$stamp" >"$QPDO_PIP_STAMP"
	fi
}

# Stop a process and the processes it started (runserver's autoreloader has a child).
qpdo_kill_tree() {
	local child
	for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		qpdo_kill_tree "$child"
	done
	kill -TERM "$1" 2>/dev/null || true
}

qpdo_dev_stop() {
	[[ -n "${QPDO_SERVER_PID:-}" ]] && qpdo_kill_tree "$QPDO_SERVER_PID"
	[[ -n "${QPDO_WORKER_PID:-}" ]] && qpdo_kill_tree "$QPDO_WORKER_PID"
	wait 2>/dev/null || true
}

qpdo_dev_main() {
	local serve=1 arg
	for arg in "$@"; do
		case "$arg" in
		--no-serve) serve=0 ;;
		-h | --help)
			sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
			return 0
			;;
		*) qpdo_die "未知参数：$arg（可用：--no-serve）" ;;
		esac
	done
	cd "$QPDO_ROOT"
	if ! qpdo_ensure_debian_packages "${QPDO_DEBIAN_PACKAGES[@]}"; then
		qpdo_say "继续启动门户；装好上述软件包之前，PDF 功能不可用。"
	fi
	qpdo_ensure_venv
	export DEBUG=1
	local python="$QPDO_VENV/bin/python"
	qpdo_say "迁移数据库"
	"$python" manage.py migrate --noinput -v 0
	qpdo_say "载入基础数据与演示数据"
	"$python" manage.py seed --demo -v 0
	if ((serve == 0)); then
		qpdo_say "准备完成（--no-serve）。启动：DEBUG=1 .venv/bin/python manage.py runserver 127.0.0.1:8000"
		return 0
	fi
	# The background worker (batch PDFs, exports, mail, daily reminders) runs beside the
	# development server; when either stops (Ctrl-C, a signal, a crash) both stop.
	local port="${QPDO_PORT:-8000}"
	qpdo_say "启动后台任务进程（manage.py db_worker）"
	"$python" manage.py db_worker --no-reload --interval 1 &
	QPDO_WORKER_PID=$!
	"$python" manage.py runserver "127.0.0.1:$port" &
	QPDO_SERVER_PID=$!
	trap qpdo_dev_stop EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	qpdo_say "门户：http://127.0.0.1:$port （演示账号见 README，密码 Qpdo@2024；Ctrl-C 同时停止门户和后台任务进程）"
	wait -n "$QPDO_SERVER_PID" "$QPDO_WORKER_PID"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	qpdo_dev_main "$@"
fi
