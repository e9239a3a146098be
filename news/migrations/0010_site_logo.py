# The site logo (issue 9, item 16): the share picture of articles without a cover.

import fedsite.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0009_review_guards"),
    ]

    operations = [
        migrations.AddField(
            model_name="siteprofile",
            name="logo",
            field=models.ImageField(
                blank=True,
                help_text="正方形的 PNG 或 JPG 图片，至少 200×200 像素。显示在页头，并作为没有封面的文章分享到微信等处时的图片。不上传则使用网站自带的梅花标志。",
                upload_to=fedsite.models.site_logo_upload_to,
                validators=[fedsite.models.validate_logo],
                verbose_name="网站标志",
            ),
        ),
    ]
