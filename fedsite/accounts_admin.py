"""The admin pages only superusers see (users, groups, 登录保护), in Chinese and Beijing time.

Django stores permission names in English ("Can add 文章", written once by migrate),
django-axes names its records "Access Log for root @ 2026-12-02 02:14:27+00:00", and
the rows that tie users to groups read "User_groups object (1)" on a delete page.
Each is shown to staff as it is, so each gets a Chinese name here (issue 9, item 7).
Imported from fedsite/admin.py, so it runs when the admin loads.
"""

import axes.admin as axes_admin  # registers django-axes' admin first, so we can replace it
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Django's four default permissions; a model's own (e.g. publish_article) carry a
# Chinese name already.
ACTION_NAMES = {
    "add": _("可以增加"),  # the admin's button says 增加
    "change": _("可以修改"),
    "delete": _("可以删除"),
    "view": _("可以查看"),
}


def permission_label(permission):
    """'新闻 | 文章 | 可以增加': the app and model as the sidebar names them, then the action."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is not None:
        for action, action_name in ACTION_NAMES.items():
            if permission.codename == get_permission_codename(action, model._meta):
                return f"{content_type} | {action_name}"
    return f"{content_type} | {permission.name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class PermissionLabels:
    """For the user and group admins: permission pickers labelled by permission_label."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.related_model is Permission:
            kwargs["form_class"] = PermissionChoiceField
            # One query for all labels instead of one content type per permission.
            queryset = kwargs.get("queryset", Permission.objects)
            kwargs["queryset"] = queryset.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


class UserAdmin(PermissionLabels, auth_admin.UserAdmin):
    pass


class GroupAdmin(PermissionLabels, auth_admin.GroupAdmin):
    pass


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)


# -- How the link rows between users, groups and permissions read ------------------
# Deleting a user or a group lists these rows ("User-group关系: User_groups object (1)").
# Django creates the classes itself, so there is no model of ours to name them on.


def _name_link_rows(through, name, describe):
    through._meta.verbose_name = name
    through._meta.verbose_name_plural = name
    through.__str__ = describe


_name_link_rows(
    User.groups.through,
    _("组成员"),
    lambda row: gettext("%(user)s 属于组“%(group)s”") % {"user": row.user, "group": row.group},
)
_name_link_rows(
    User.user_permissions.through,
    _("单独授予的权限"),
    lambda row: f"{row.user}：{permission_label(row.permission)}",
)
_name_link_rows(
    Group.permissions.through,
    _("组的权限"),
    lambda row: f"{row.group}：{permission_label(row.permission)}",
)


# -- 登录保护 (django-axes) ------------------------------------------------------------
# Its records name themselves in English with the stored UTC time; the name is the page
# title, the breadcrumb, the delete question and the 最近动作 entry. Staff read
# Beijing time (settings.TIME_ZONE), to the second, as a log should.


def _local_time(value):
    return date_format(timezone.localtime(value), "Y年n月j日 H:i:s") if value else "—"


def _who(record):
    return record.username or gettext("（未填用户名）")


def _describe_attempt(record):
    return gettext("%(who)s 登录失败 %(count)d 次，最近一次在 %(time)s") % {
        "who": _who(record),
        "count": record.failures_since_start,
        "time": _local_time(record.attempt_time),
    }


def _describe_expiration(record):
    return gettext("锁定到 %(time)s") % {"time": _local_time(record.expires_at)}


def _describe_login(record):
    return gettext("%(who)s 在 %(time)s 登录") % {
        "who": _who(record),
        "time": _local_time(record.attempt_time),
    }


def _describe_failure(record):
    if record.locked_out:
        text = gettext("%(who)s 在 %(time)s 登录失败，已锁定")
    else:
        text = gettext("%(who)s 在 %(time)s 登录失败")
    return text % {"who": _who(record), "time": _local_time(record.attempt_time)}


AccessAttempt.__str__ = _describe_attempt
AccessAttemptExpiration.__str__ = _describe_expiration
AccessLog.__str__ = _describe_login
AccessFailureLog.__str__ = _describe_failure


class ReadOnlyRecords:
    """Login records are evidence: superusers read and delete them, nobody edits them
    (django-axes offers a 保存 button on pages where every field is read-only)."""

    def has_change_permission(self, request, obj=None):
        return False


class AccessAttemptAdmin(ReadOnlyRecords, axes_admin.AccessAttemptAdmin):
    # Who and whether locked first: the long browser identification pushed the
    # status off the right edge of a laptop screen.
    list_display = [
        name
        for name in [
            "attempt_time",
            "username",
            "ip_address",
            "failures_since_start",
            "status",
            "expiration",
        ]
        if name in axes_admin.AccessAttemptAdmin.list_display
    ] + ["path_info", "user_agent"]

    @admin.action(description=_("清理已过期的记录"))
    def cleanup_expired_attempts(self, request, queryset):
        # django-axes 8.3's own action answered 500: its cleanup reads the time of the
        # login attempt being handled, which axes sets only on login requests. Here
        # the attempt is this click, now.
        request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request, gettext("已清理 %(count)d 条过期的登录失败记录。") % {"count": count}
        )

    @admin.display(description=_("锁定到期时间"))
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.display(description=_("状态"))
    def status(self, obj):
        # django-axes writes "3 Attempt Remaining"; the limit is AXES_FAILURE_LIMIT.
        remaining = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining > 0:
            return gettext("还可尝试 %(count)d 次") % {"count": remaining}
        return gettext("已锁定")


class AccessLogAdmin(ReadOnlyRecords, axes_admin.AccessLogAdmin):
    list_display = [
        "attempt_time",
        "logout_time",
        "username",
        "ip_address",
        "path_info",
        "user_agent",
    ]


class AccessFailureLogAdmin(ReadOnlyRecords, axes_admin.AccessFailureLogAdmin):
    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "locked_out",
        "path_info",
        "user_agent",
    ]


for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):  # AXES_ENABLE_ADMIN may turn them off
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
