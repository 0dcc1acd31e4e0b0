"""The lecture panel on the 工作台 tells each person what they owe or run next."""

from __future__ import annotations

from tests.utils import assert_constant_queries


def test_section_head_sees_speakers_owed_and_manuscripts_to_write(client, login, approved_topic):
    topic = approved_topic("gongcheng_head")
    login("gongcheng_head")
    page = client.get("/").content.decode()
    assert 'data-testid="lectures-panel"' in page
    assert "本科室讲述人：已审定 1 人 / 应落实 2 人" in page
    assert f'讲述稿待完成：<a href="/lectures/topics/{topic.pk}/">{topic.title}</a>' in page


def test_speaker_sees_own_manuscript_to_write(client, login, approved_topic):
    topic = approved_topic("gongcheng_head", speaker_name="刘洋")
    login("member")
    assert topic.title in client.get("/").content.decode()


def test_coordinator_sees_topics_to_schedule(client, login, approved_topic):
    approved_topic()
    login("zonghe_staff")
    assert "1 个已审定选题待安排讲述" in client.get("/").content.decode()


def test_town_reporter_has_no_lecture_panel(client, login):
    login("zhujiajiao")
    assert 'data-testid="lectures-panel"' not in client.get("/").content.decode()


def test_panel_query_count_is_fixed(client, login, approved_topic):
    login("gongcheng_head")
    assert_constant_queries(
        client, "/", lambda n: [approved_topic() for _ in range(n)], few=1, many=6
    )
