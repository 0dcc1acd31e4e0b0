#!/usr/bin/env bash
# Backup drill: seed the demo, back up, wipe the database and the media, restore, compare the
# row counts and file hashes with the manifest, sign in and open a 申报表 PDF.
#
#   bash scripts/backup_drill.sh sqlite
#   bash scripts/backup_drill.sh postgres     (PostgreSQL on 127.0.0.1:5432, user postgres)
#
# Everything happens in a throw-away folder (and database); the exit code is non-zero on any
# difference.
set -euo pipefail

# shellcheck source=scripts/dev.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev.sh"

ENGINE="${1:-sqlite}"
cd "$QPDO_ROOT"
qpdo_ensure_debian_packages "${QPDO_DEBIAN_PACKAGES[@]}" || qpdo_die "缺少 Debian 软件包。"
if [[ "$ENGINE" == postgres ]]; then
	# pg_dump / pg_restore must be installed (and not older than the server).
	command -v pg_dump >/dev/null 2>&1 || qpdo_ensure_debian_packages postgresql-client ||
		qpdo_die "缺少 pg_dump：apt-get install postgresql-client"
fi
qpdo_ensure_venv
PY="$QPDO_VENV/bin/python"

WORK="$(mktemp -d /tmp/qpdo-drill.XXXXXX)"
export QPDO_VAR_DIR="$WORK/var" MEDIA_ROOT="$WORK/var/media" QPDO_BACKUP_DIR="$WORK/backups"
export DEBUG=1 ALLOWED_HOSTS=127.0.0.1,localhost
PG_DB="qpdo_drill_$$"
PORT=$((18000 + $$ % 1000))
SERVER_PID=""

pg_sql() {
	"$PY" - "$1" <<'PYEOF'
import sys

import psycopg

with psycopg.connect(
    host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True, connect_timeout=5
) as conn:
    conn.execute(sys.argv[1])
PYEOF
}

cleanup() {
	local rc=$?
	[[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	if [[ "$ENGINE" == postgres ]]; then
		pg_sql "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" || true
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT

case "$ENGINE" in
sqlite) export DATABASE_URL="sqlite:///$WORK/var/qpdo.sqlite3" ;;
postgres)
	export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PG_DB"
	pg_sql "CREATE DATABASE \"$PG_DB\""
	;;
*) qpdo_die "未知数据库：$ENGINE（sqlite 或 postgres）" ;;
esac

qpdo_say "演练（$ENGINE）：迁移并载入演示数据"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed --demo -v 0
"$PY" manage.py backup
ARCHIVE="$(ls "$QPDO_BACKUP_DIR"/qpdo-backup-*.tar)"

qpdo_say "演练：清空数据库和上传文件"
rm -rf "$MEDIA_ROOT"
if [[ "$ENGINE" == sqlite ]]; then
	rm -f "$WORK/var/qpdo.sqlite3"
else
	pg_sql "DROP DATABASE \"$PG_DB\" WITH (FORCE)"
	pg_sql "CREATE DATABASE \"$PG_DB\""
fi

qpdo_say "演练：恢复并核对"
"$PY" manage.py restore "$ARCHIVE"
"$PY" manage.py restore --verify "$ARCHIVE"
# A second restore onto the restored system is refused and changes nothing.
if "$PY" manage.py restore "$ARCHIVE" 2>"$WORK/refused.txt"; then
	qpdo_die "恢复到非空数据库竟然成功了"
fi
cat "$WORK/refused.txt"
"$PY" manage.py restore --verify "$ARCHIVE"

qpdo_say "演练：登录并打开一份申报表 PDF"
NOMINATION="$("$PY" manage.py shell -v 0 -c "
from stars.models import Nomination
from qpdo.workflow.enums import State
print(Nomination.objects.exclude(approval__state=State.DRAFT).order_by('pk').values_list('pk', flat=True).first())
")"
[[ "$NOMINATION" =~ ^[0-9]+$ ]] || qpdo_die "恢复后的演示数据里没有已提交的申报表"
"$QPDO_VENV/bin/gunicorn" qpdo.wsgi --bind "127.0.0.1:$PORT" --workers 1 --log-level warning &
SERVER_PID=$!
for _ in $(seq 1 60); do
	"$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" 2>/dev/null && break
	sleep 0.5
done
"$PY" scripts/portal_http.py "http://127.0.0.1:$PORT" party_branch 'Qpdo@2024' \
	"/stars/nominations/$NOMINATION/form.pdf"
qpdo_say "备份演练（$ENGINE）通过"
