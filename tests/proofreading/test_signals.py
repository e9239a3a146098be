"""The stored checks follow what they depend on: the article's text, the figures
citing it and the word lists; each check runs after the commit."""

from decimal import Decimal

from news.models import Article
from proofreading.models import ArticleCheck, SensitiveWord, Wording
from stats.models import YearlyValue
from tests.factories import ArticleFactory


def stored(article):
    return ArticleCheck.objects.get(article=article)


def test_a_save_of_the_text_checks_again_after_the_commit(
    db, column, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article = ArticleFactory(column=column, body="<p>干部将再接再励。</p>")
        assert not ArticleCheck.objects.exists()  # not before the commit
    assert callbacks and stored(article).open_count == 1
    article.body = "<p>干部将再接再厉。</p>"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert stored(article).open_count == 0


def test_saving_only_the_pin_checks_nothing(db, column, django_capture_on_commit_callbacks):
    article = ArticleFactory(column=column)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.is_pinned = True
        article.save(update_fields=["is_pinned"])
    assert [c for c in callbacks if c.__module__.startswith("proofreading")] == []


def test_a_new_word_on_a_list_checks_the_articles_holding_it(
    db, column, django_capture_on_commit_callbacks
):
    holding = ArticleFactory(column=column, body="<p>这份内部资料请勿外传。</p>")
    other = ArticleFactory(column=column, body="<p>全市妇联开展活动。</p>")
    with django_capture_on_commit_callbacks(execute=True):
        SensitiveWord.objects.create(word="内部资料")
    assert stored(holding).serious_count == 1
    assert not ArticleCheck.objects.filter(article=other).exists()
    with django_capture_on_commit_callbacks(execute=True):
        SensitiveWord.objects.get().delete()
    assert stored(holding).open_count == 0


def test_renaming_a_wording_checks_the_articles_with_the_old_form(
    db, column, django_capture_on_commit_callbacks
):
    article = ArticleFactory(column=column, body="<p>妇联主任参加会议。</p>")
    with django_capture_on_commit_callbacks(execute=True):
        rule = Wording.objects.get(wrong="妇联主任")  # an example the migration ships
    with django_capture_on_commit_callbacks(execute=True):
        rule.save()
    assert stored(article).open_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        rule.wrong = "妇联干事"
        rule.save()
    assert stored(article).open_count == 0


def test_a_figure_citing_an_article_checks_it_again(demo, django_capture_on_commit_callbacks):
    value = YearlyValue.objects.get(indicator__name="巾帼大宣讲")
    with django_capture_on_commit_callbacks(execute=True):
        value.value = Decimal(536)
        value.save()
    check = stored(demo)
    assert check.serious_count == 1 and check.finding_list()[0].suggestion == "536场次"
    other = Article.objects.exclude(pk=demo.pk).first()
    with django_capture_on_commit_callbacks(execute=True):
        value.source_article = other
        value.save()
    assert stored(demo).open_count == 0  # the old source is checked again too
    assert stored(other).open_count == 1
