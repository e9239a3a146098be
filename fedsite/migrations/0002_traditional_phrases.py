"""繁体用词 (issue 13): the federation's words the 繁體 view writes as listed rather
than as OpenCC's s2tw guesses, shipped with the words found by converting the demo
content, the generated corpus and the federation's usual terms and reading the
result; staff edit the list in the admin (reviewers all of it, editors add and
change). The list is frozen here as it was shipped; the app's code is not imported."""

from django.db import migrations, models

import fedsite.models

# (simplified, traditional, why): what s2tw writes instead is in the note.
PHRASES = [
    ("妇联系统", "婦聯系統", "s2tw 把“联系”连读，写成“婦聯繫統”"),
    ("妇联系列", "婦聯系列", "s2tw 写成“婦聯繫列”"),
    ("残联系统", "殘聯系統", "s2tw 写成“殘聯繫統”"),
    ("文联系统", "文聯系統", "s2tw 写成“文聯繫統”"),
    ("侨联系统", "僑聯系統", "s2tw 写成“僑聯繫統”"),
    ("工商联系统", "工商聯系統", "s2tw 写成“工商聯繫統”"),
    ("妇联干部", "婦聯幹部", "无论前后是什么字都写“幹部”"),
    ("征程", "征程", "s2tw 把“新征程”写成“新徵程”"),
    ("征途", "征途", "s2tw 把“新征途”写成“新徵途”"),
    ("巾帼", "巾幗", "无论前后是什么字都写“巾幗”"),
    ("娘家", "娘家", "s2tw 把“娘家人”“回娘家”写成“孃家”"),
    ("于女士", "于女士", "姓于，s2tw 写成“於女士”"),
]

GRANTS = {
    "审核": ["view", "add", "change", "delete"],
    "编辑": ["view", "add", "change"],
}


def ship(apps, schema_editor):
    TraditionalPhrase = apps.get_model("fedsite", "TraditionalPhrase")
    for simplified, traditional, note in PHRASES:
        TraditionalPhrase.objects.get_or_create(
            simplified=simplified, defaults={"traditional": traditional, "note": note}
        )
    # This model's permissions only: creating the whole app's here would give the
    # models news 0011 moves to fedsite content types of their own before it
    # relabels theirs.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="fedsite", model="traditionalphrase"
    )
    permissions = {
        action: Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_traditionalphrase",
            defaults={"name": f"Can {action} 繁体用词"},
        )[0]
        for action in ("view", "add", "change", "delete")
    }
    for name, actions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permissions[action] for action in actions))


class Migration(migrations.Migration):
    dependencies = [
        ("fedsite", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="TraditionalPhrase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "simplified",
                    models.CharField(
                        help_text="简体文章中出现的词，如“妇联系统”“新征程”。",
                        max_length=30,
                        unique=True,
                        validators=[fedsite.models.validate_phrase],
                        verbose_name="简体写法",
                    ),
                ),
                (
                    "traditional",
                    models.CharField(
                        help_text="繁体页面上应当显示的写法，如“婦聯系統”“新征程”。",
                        max_length=30,
                        validators=[fedsite.models.validate_phrase],
                        verbose_name="繁体写法",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "繁体用词",
                "verbose_name_plural": "繁体用词",
                "ordering": ["simplified"],
            },
        ),
        migrations.RunPython(ship, migrations.RunPython.noop),
    ]
