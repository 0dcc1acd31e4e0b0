#!/usr/bin/env bash
# 性能基准（issue #15）：在一个临时 PostgreSQL 库上，以演示数据与十年数据分别压测门户，
# 与仓库中的裸 Django 对照页（bench/peer）交替轮测，打印一张表。不属于测试套件。
#
#   bash scripts/bench.sh
#
# 需要 127.0.0.1:5432 上的 PostgreSQL（BENCH_PG_URL，默认 postgres://postgres@127.0.0.1:5432）；
# 以 root 运行时自动安装 wrk 等 Debian 软件包。只向 127.0.0.1 发请求，整体限时 60 分钟（BENCH_TIMEOUT 秒；多人共用、负载高的机器上 25 分钟不够）。
# 可调：BENCH_WRK_SECONDS（每轮秒数，默认 2）、BENCH_ROUNDS（交替轮数，默认 2）。
set -euo pipefail

# shellcheck source=scripts/dev.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev.sh"
cd "$QPDO_ROOT"
qpdo_ensure_debian_packages "${QPDO_DEBIAN_PACKAGES[@]}" wrk redis-server ||
	qpdo_die "缺少基准所需的 Debian 软件包，请先按上面一行安装。"
qpdo_ensure_venv
PY="$QPDO_VENV/bin/python"

PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="qpdo_bench_$$"
export BENCH_DIR
BENCH_DIR="$(mktemp -d -t qpdo-bench.XXXXXX)"
export DATABASE_URL="$PG_URL/$DB_NAME"
export DEBUG=0 SECRET_KEY="bench-not-secret-$(date +%s)-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
export SECURE_COOKIES=0 QPDO_PLAIN_STATIC=1 ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export QPDO_VAR_DIR="$BENCH_DIR/var" MEDIA_ROOT="$BENCH_DIR/var/media"
mkdir -p "$QPDO_VAR_DIR/staticfiles"

pg() { # run one statement on the server's postgres database
	"$PY" - "$1" <<PYEOF
import sys, psycopg
with psycopg.connect("$PG_URL/postgres", autocommit=True) as connection:
    connection.execute(sys.argv[1])
PYEOF
}
# A throw-away Redis on 127.0.0.1 as the shared cache (CACHE_URL), as production runs with
# several app servers: the workers then share the data version and the cached pages.
REDIS_PORT="${BENCH_REDIS_PORT:-18017}"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
	--dir "$BENCH_DIR" --logfile "$BENCH_DIR/redis.log" &
REDIS_PID=$!
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
for _ in $(seq 50); do
	redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
	sleep 0.2
done
cleanup() {
	kill "$REDIS_PID" 2>/dev/null || true
	pg "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" || true
	rm -rf "$BENCH_DIR"
}
trap cleanup EXIT
pg "CREATE DATABASE $DB_NAME" || qpdo_die "连不上 PostgreSQL（$PG_URL），请检查 BENCH_PG_URL。"

qpdo_say "基准库 $DB_NAME：迁移并载入演示数据"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed --demo -v 0 >/dev/null
DJANGO_SETTINGS_MODULE=bench.peer.settings "$PY" -m django migrate --run-syncdb -v 0
DJANGO_SETTINGS_MODULE=bench.peer.settings "$PY" -c \
	"import django; django.setup(); from bench.peer.urls import fill; fill()"

timeout "${BENCH_TIMEOUT:-3600}" "$PY" -m bench.run
