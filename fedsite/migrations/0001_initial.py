# The site's particulars, footer links and error reports, taken over from news (issue 10).
#
# Only the state is created here: the tables and their rows already exist. news 0011,
# which depends on this migration, renames news_siteprofile, news_externallink and
# news_errorreport to fedsite_* and hands over their content types and permissions.
# fedsite itself depends on no news migration, as its code imports nothing from news.

import fedsite.models
import fedsite.uploads
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ErrorReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('page_url', models.CharField(blank=True, max_length=500, verbose_name='出错页面')),
                        ('description', models.TextField(max_length=2000, verbose_name='问题描述')),
                        ('contact', models.CharField(blank=True, max_length=100, verbose_name='联系方式')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='提交时间')),
                        ('handled', models.BooleanField(default=False, verbose_name='已处理')),
                    ],
                    options={
                        'verbose_name': '纠错留言',
                        'verbose_name_plural': '纠错留言',
                        'ordering': ['handled', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ExternalLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='名称')),
                        ('url', models.URLField(verbose_name='网址')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                    ],
                    options={
                        'verbose_name': '友情链接',
                        'verbose_name_plural': '友情链接',
                        'ordering': ['order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SiteProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('host_organization', models.CharField(default=fedsite.models.default_source, max_length=100, verbose_name='主办单位')),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                        ('phone', models.CharField(blank=True, max_length=50, verbose_name='联系电话')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='电子邮箱')),
                        ('postcode', models.CharField(blank=True, max_length=10, verbose_name='邮编')),
                        ('site_code', models.CharField(blank=True, help_text='政府网站标识码，如 1300000001。', max_length=20, verbose_name='网站标识码')),
                        ('icp_number', models.CharField(blank=True, max_length=50, verbose_name='ICP备案号')),
                        ('police_number', models.CharField(blank=True, max_length=50, verbose_name='公安备案号')),
                        ('hotline', models.CharField(default='12338', max_length=20, verbose_name='维权热线')),
                        ('hotline_label', models.CharField(default='妇女维权公益服务热线', max_length=50, verbose_name='热线名称')),
                        ('wechat_name', models.CharField(blank=True, max_length=50, verbose_name='微信公众号名称')),
                        ('wechat_qr', models.ImageField(blank=True, upload_to=fedsite.uploads.site_image_upload_to, validators=[fedsite.uploads.validate_image], verbose_name='微信公众号二维码')),
                        ('logo', models.ImageField(blank=True, help_text='正方形的 PNG 或 JPG 图片，至少 200×200 像素。显示在页头，并作为没有封面的文章分享到微信等处时的图片。不上传则使用网站自带的梅花标志。', upload_to=fedsite.models.site_logo_upload_to, validators=[fedsite.models.validate_logo], verbose_name='网站标志')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'verbose_name': '网站信息',
                        'verbose_name_plural': '网站信息',
                    },
                ),
            ],
        ),
    ]
