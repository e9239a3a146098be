"""The pages only a superuser reaches (users, groups, 登录保护) speak Chinese and Beijing time.

Issue 9, item 7: permission names read "Can add 文章", the permission picker "Choose all
权限", the user-add page "After you’ve created a user…", login records "Access Log for
root @ 2026-03-08 00:30:00+00:00". fedsite/accounts_admin.py and locale/zh_Hans name
them; these tests read the pages as a superuser does.
"""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import django
import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.helpers import logged_in, page

pytestmark = pytest.mark.django_db

# 2026-03-08 00:30 UTC is 08:30 in Beijing.
MARCH_8_UTC = datetime(2026, 3, 8, 0, 30, 5, tzinfo=UTC)
MARCH_8_BEIJING = "2026年3月8日 08:30:05"

# What leaked before, by class: Django's stored permission names, the picker's
# untranslated JavaScript, django-axes' English record names and UTC times, the
# nameless rows linking users to groups, English page titles and labels.
LEAKS = [
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Choose all",
    "+00:00",
    "Access Log",
    "Attempted Access",
    "Failed access",
    "object (",
    "relationship",
    "Error:",
    'alt="Search"',
    "Django",
]


def leaks_in(text):
    return [leak for leak in LEAKS if leak in text]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw-for-tests-only")


@pytest.fixture
def client(superuser):
    return logged_in(superuser)


@pytest.fixture
def editor_user(django_user_model):
    """A user in the 编辑 group, with one permission of their own."""
    user = django_user_model.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    user.user_permissions.add(Permission.objects.get(codename="view_siteprofile"))
    return user


@pytest.fixture
def login_records():
    """One locked-out pair, one with attempts left, one successful login, at a known time."""
    locked = AccessAttempt.objects.create(
        username="bianji",
        ip_address="10.0.0.8",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        get_data="",
        post_data="username=bianji",
        failures_since_start=5,
    )
    AccessAttempt.objects.create(
        username="shenhe",
        ip_address="10.0.0.9",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        get_data="",
        post_data="username=shenhe",
        failures_since_start=2,
    )
    login = AccessLog.objects.create(
        username="root",
        ip_address="10.0.0.1",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
    )
    # attempt_time is auto_now_add: set the known time afterwards.
    AccessAttempt.objects.update(attempt_time=MARCH_8_UTC)
    AccessLog.objects.update(attempt_time=MARCH_8_UTC)
    return {"locked": locked, "login": login}


# -- Permissions -------------------------------------------------------------------------


def test_the_user_page_names_permissions_in_chinese(client, editor_user):
    text = page(client.get(reverse("admin:auth_user_change", args=[editor_user.pk])))

    assert leaks_in(text) == []
    assert "新闻 | 文章 | 可以增加" in text
    assert "工作数据 | 指标 | 可以查看" in text
    assert "登录保护 | 登录日志 | 可以删除" in text
    # A permission of our own keeps its own Chinese name.
    assert "新闻 | 文章 | 可以审核、发布、退回和撤回文章" in text


def test_the_group_page_names_permissions_in_chinese(client):
    group = Group.objects.get(name="编辑")
    text = page(client.get(reverse("admin:auth_group_change", args=[group.pk])))

    assert leaks_in(text) == []
    assert "新闻 | 文章 | 可以修改" in text


def test_a_permission_given_on_the_user_page_is_saved(client, editor_user):
    """The Chinese labels change only what is shown: the picker still saves what was chosen."""
    add_article = Permission.objects.get(codename="add_article")
    data = {
        "username": "bianji",
        "is_active": "on",
        "is_staff": "on",
        "groups": [group.pk for group in editor_user.groups.all()],
        "user_permissions": [add_article.pk],
        "date_joined_0": "2026-03-08",
        "date_joined_1": "08:30:00",
    }

    response = client.post(reverse("admin:auth_user_change", args=[editor_user.pk]), data)

    assert response.status_code == 302, page(response)
    assert list(editor_user.user_permissions.all()) == [add_article]


def admin_script_strings():
    """Every literal the admin's own scripts pass to gettext or ngettext."""
    scripts = Path(django.__file__).parent / "contrib/admin/static/admin/js"
    call = re.compile(r"""\bn?gettext\(\s*(['"])((?:\\.|(?!\1).)+)\1""", re.S)
    strings = set()
    for script in scripts.rglob("*.js"):
        if "vendor" in script.parts:
            continue
        for match in call.finditer(script.read_text(encoding="utf-8")):
            strings.add(match.group(2).replace("\\'", "'").replace('\\"', '"'))
    return strings


def test_every_string_of_the_admins_scripts_has_chinese(client):
    """The admin's scripts (the permission picker, calendars, actions) get their words from
    the admin's jsi18n catalog; a string missing from it shows in English."""
    script = page(client.get(reverse("admin:jsi18n")))
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    wanted = admin_script_strings()

    assert "Choose all %s" in wanted  # the scan found the picker's strings
    assert sorted(wanted - catalog.keys()) == []
    assert catalog["Choose all %s"] == "全选%s"


# -- Adding a user -----------------------------------------------------------------------


def test_the_user_add_page_explains_itself_in_chinese(client):
    text = page(client.get(reverse("admin:auth_user_add")))

    assert "After you" not in text
    assert "创建用户后" in text
    assert "LDAP" not in text


def test_a_too_short_password_is_refused_in_chinese(client):
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "xinren",
            "usable_password": "true",
            "password1": "Ab1",
            "password2": "Ab1",
        },
    )
    text = page(response)

    assert response.status_code == 200
    assert leaks_in(text) == []
    assert "<title>错误：" in text
    assert "密码太短，至少需要 8 个字符。" in text


def test_deleting_a_user_lists_their_groups_and_permissions_in_chinese(client, editor_user):
    text = page(client.get(reverse("admin:auth_user_delete", args=[editor_user.pk])))

    assert leaks_in(text) == []
    assert "bianji 属于组“编辑”" in text
    assert "bianji：网站 | 网站信息 | 可以查看" in text  # fedsite since issue 10


def test_list_pages_label_the_search_box_in_chinese(client, editor_user):
    text = page(client.get(reverse("admin:auth_user_changelist")))

    assert leaks_in(text) == []
    assert 'alt="搜索"' in text


# -- 登录保护 (django-axes) -------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["admin:axes_accessattempt_changelist", "admin:axes_accesslog_changelist"]
)
def test_login_record_lists_are_chinese(client, login_records, url_name):
    text = page(client.get(reverse(url_name)))

    assert leaks_in(text) == []


def test_login_attempts_show_who_is_locked_out_in_chinese(client, login_records):
    text = page(client.get(reverse("admin:axes_accessattempt_changelist")))

    assert "已锁定" in text
    assert "还可尝试 3 次" in text
    assert "Attempt Remaining" not in text


def test_a_login_record_is_named_in_chinese_and_beijing_time(client, login_records):
    login = login_records["login"]
    text = page(client.get(reverse("admin:axes_accesslog_change", args=[login.pk])))

    assert leaks_in(text) == []
    assert f"root 在 {MARCH_8_BEIJING} 登录" in text
    # A log is read, never edited.
    assert 'name="_save"' not in text


def test_a_locked_out_attempt_is_named_in_chinese_and_beijing_time(client, login_records):
    locked = login_records["locked"]
    text = page(client.get(reverse("admin:axes_accessattempt_change", args=[locked.pk])))

    assert leaks_in(text) == []
    assert f"bianji 登录失败 5 次，最近一次在 {MARCH_8_BEIJING}" in text


def test_deleting_a_login_record_asks_in_chinese_and_is_remembered_in_chinese(
    client, login_records
):
    login = login_records["login"]
    url = reverse("admin:axes_accesslog_delete", args=[login.pk])
    assert leaks_in(page(client.get(url))) == []

    client.post(url, {"post": "yes"})

    # 最近动作 on the admin's home page keeps the name it had when it was deleted.
    text = page(client.get(reverse("admin:index")))
    assert leaks_in(text) == []
    assert f"root 在 {MARCH_8_BEIJING} 登录" in text


def test_cleaning_up_expired_attempts_works_and_says_so_in_chinese(client, login_records):
    """django-axes' own action answered 500 outside a login request."""
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "cleanup_expired_attempts",
            "_selected_action": [login_records["locked"].pk],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [
        "已清理 2 条过期的登录失败记录。"
    ]
    assert not AccessAttempt.objects.exists()
