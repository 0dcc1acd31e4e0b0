"""The portal answers: sign-in page for strangers, the 工作台 for a signed-in user."""


def test_home_requires_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_unit_and_campaign(client, login, clock_at):
    clock_at(2024, 10, 10)
    login("gongcheng_head")
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "工程指挥科" in text
    assert "科室负责人" in text
    assert "青国动〔2024〕7号" in text


DEMO_ACCOUNTS = {
    "zonghe_head": "综合科",
    "gongcheng_head": "工程指挥科",
    "dongyuan_head": "动员协调科",
    "baozhang_head": "民防管理保障中心",
    "zonghe_staff": "综合科",
    "member": "工程指挥科",
    "office_leader": "办领导",
    "party_branch": "机关党支部",
    "party_group": "办党组",
    "outreach_reviewer": "工程指挥科",
    "zhujiajiao": "朱家角镇",
    "jiaoyuju": "区教育局",
    "sysadmin": "综合科",
    "secadmin": "综合科",
    "auditor": "综合科",
}


def test_every_demo_role_lands_on_a_chinese_workbench(client, login):
    for username, unit_name in DEMO_ACCOUNTS.items():
        login(username)
        response = client.get("/")
        text = response.content.decode()
        assert response.status_code == 200, username
        assert "工作台" in text and unit_name in text, username
        for entry in ("待办", "我的申报", "消息"):
            assert entry in text, (username, entry)
