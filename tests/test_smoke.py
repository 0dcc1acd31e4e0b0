"""The portal answers: sign-in page for strangers, the 工作台 for a signed-in user."""


def test_home_requires_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_unit_and_campaign(client, login):
    login("gongcheng_head")
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "工程指挥科" in text
    assert "科室负责人" in text
    assert "青国动〔2024〕7号" in text
