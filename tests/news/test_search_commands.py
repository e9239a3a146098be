"""The search's management commands: rebuild_search_index repairs the index,
generate_corpus fills a database for the benchmark, bench_search measures it."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from news.management.commands.bench_search import EXTRA_PAGES, PLANNED, QUERIES, RARE_QUERIES
from news.management.commands.generate_corpus import RARE_SENTENCES
from news.models import Article
from news.search import parse_query
from tests.factories import ArticleFactory

SEARCH = reverse("news:search")
RESULT_LINK = re.compile(r'<h2 class="search-result__title"><a href="/articles/(\d+)/">')


def run(command, **options):
    out = io.StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def found_ids(client, q):
    """The articles on the first page of results for `q`, in the order shown."""
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    return [int(pk) for pk in RESULT_LINK.findall(response.content.decode())]


@pytest.mark.django_db
def test_rebuilding_restores_a_blanked_index(client):
    in_title = ArticleFactory(title="巾帼家政培训班开班", body="<p>首期学员三十人。</p>")
    in_body = ArticleFactory(title="社区简报", body="<p>本周举办家政培训。</p>")
    Article.objects.update(search_index="", title_index="")
    assert found_ids(client, "家政培训") == []

    output = run("rebuild_search_index")

    assert "已重建 2 篇" in output
    # Both indexes are rebuilt: the title match is listed first.
    assert found_ids(client, "家政培训") == [in_title.pk, in_body.pk]


@pytest.mark.django_db
def test_rebuilding_the_missing_indexes_indexes_what_a_migration_left_empty(client):
    """`make run` does this after migrating: migrations add index columns empty and
    compute nothing (issue 10), so articles from before them get their index here."""
    from_before = ArticleFactory(title="巾帼家政培训班开班", body="<p>首期学员三十人。</p>")
    indexed = ArticleFactory(title="社区简报", body="<p>本周举办家政培训。</p>")
    Article.objects.filter(pk=from_before.pk).update(search_index="", title_index="")

    output = run("rebuild_search_index", missing=True)

    assert "已重建 1 篇" in output
    assert found_ids(client, "家政培训") == [from_before.pk, indexed.pk]


@pytest.mark.django_db
def test_rebuilding_gives_a_long_article_its_parts_again(client):
    filler = "".join(f"全市各级妇联组织开展第{n}次走访。" for n in range(1500))
    long = ArticleFactory(title="年度工作报告", body=f"<p>{filler}</p><p>附：𠮷祥云同志事迹。</p>")
    parts = long.search_part_count
    long.search_parts.all().delete()
    Article.objects.update(search_index="", title_index="", search_part_count=0)
    assert found_ids(client, "𠮷祥云") == []

    run("rebuild_search_index")

    assert found_ids(client, "𠮷祥云") == [long.pk]
    assert Article.objects.get(pk=long.pk).search_part_count == parts
    assert long.search_parts.count() == parts


# transaction=True: generate_corpus rebuilds PostgreSQL's GIN indexes after its own
# commit, which PostgreSQL refuses inside a test's open transaction ("pending trigger
# events"). serialized_rollback restores the rows migrations created.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_generated_articles_are_published_and_searchable(client):
    output = run("generate_corpus", count=50)

    assert "完成：50 篇" in output
    articles = list(Article.objects.live())
    assert len(articles) == 50
    for article in articles:
        assert article.body_text and article.excerpt
        assert Article.objects.search(parse_query(article.title)).filter(pk=article.pk).exists()
    one = articles[0]
    assert one.pk in found_ids(client, one.title)
    # Each rare sentence is in one article of 50 (one in 10,000, at least one).
    for sentence in RARE_SENTENCES:
        holding = [article for article in articles if sentence in article.body_text]
        assert len(holding) == 1, sentence
    assert len(found_ids(client, "𠮷祥云")) == 1


@pytest.mark.django_db
def test_the_benchmark_runs_and_reports_median_and_95th_percentile():
    ArticleFactory(title="市妇联召开美丽庭院创建推进会", body="<p>拨打12338热线咨询家政培训。</p>")
    ArticleFactory(title="2021年婚姻家庭纠纷调解工作综述", body="<p>巾帼志愿者参与调解。</p>")

    output = run("bench_search", repeat=1)

    per_query = [line for line in output.splitlines() if "中位" in line and "p95" in line]
    # each query's first page, the extra deeper pages; all of them, the common and the
    # rare words, and the plain scan
    assert len(per_query) == len(QUERIES) + len(RARE_QUERIES) + len(EXTRA_PAGES) + 4
    assert "全部查询：中位" in output
    assert "常用词（第 1 页）：中位" in output and "稀有词（第 1 页）：中位" in output
    for word in PLANNED:
        assert f"“{word}”的第 1/" in output
