"""Where staff see the findings: the 校对 panel on the article form, "accept
suggestion" through the normal save (version check, history), "ignore here"
recorded, the open findings in the review queue without a query per article, and an
approval with open findings only after confirming, recorded in the audit trail."""

import pytest
from django.urls import reverse

from news import workflow
from news.models import Article, ReviewEvent
from proofreading.checker import Checker
from proofreading.models import ArticleCheck, IgnoredFinding
from proofreading.records import articles_proofread
from tests.factories import ArticleFactory
from tests.helpers import change_form, messages_of, page, press, run_action

TYPO_BODY = "<p>全市妇联干部将再接再励，为全市发展奉献巾帼力量。</p>"
TWO_BODY = "<p>全市妇联干部将再接再励，为全市发展奉献巾帼力量。</p><p>要大力宏扬红色家风。</p>"


def submitted(column, body=TYPO_BODY, **fields):
    return ArticleFactory(
        column=column, status=Article.Status.REVIEW, published_at=None, body=body, **fields
    )


def key_of(article, wrong):
    return next(f.key for f in Checker().check(article) if f.wrong == wrong)


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def test_the_panel_shows_the_finding_in_its_sentence_with_the_fix(as_reviewer, column):
    article = submitted(column)
    html = page(as_reviewer.get(change_url(article)))
    assert 'id="proofreading"' in html and "1 处问题" in html
    assert "全市妇联干部将<mark>再接再励</mark>，为全市发展奉献巾帼力量。" in html
    assert "建议改为“再接再厉”" in html and 'name="_proofread_accept"' in html
    assert 'name="confirm_approval"' in html  # a reviewer may approve: confirming is offered


def test_a_clean_article_says_so_and_offers_no_confirmation(as_reviewer, column):
    article = submitted(column, body="<p>全市妇联干部将再接再厉。</p>")
    html = page(as_reviewer.get(change_url(article)))
    assert "未发现问题" in html and 'name="confirm_approval"' not in html


def test_accepting_a_suggestion_saves_the_body_the_normal_way(
    as_editor, editor, column, django_capture_on_commit_callbacks
):
    article = ArticleFactory(
        column=column, status=Article.Status.DRAFT, published_at=None, body=TWO_BODY
    )
    key = key_of(article, "再接再励")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_editor.post(
            change_url(article), change_form(article, _proofread_accept=key), follow=True
        )
    assert response.redirect_chain[-1][0] == change_url(article)
    assert "已采纳建议：“再接再励”改为“再接再厉”。" in messages_of(response)
    article.refresh_from_db()
    assert "再接再厉" in article.body and "宏扬" in article.body
    assert article.version == 2
    assert article.history.latest().history_user == editor
    check = ArticleCheck.objects.get(article=article)
    assert check.open_count == 1 and check.finding_list()[0].wrong == "宏扬"


def test_an_accepted_suggestion_keeps_the_formatting_around_it(as_editor, column):
    article = ArticleFactory(
        column=column,
        status=Article.Status.DRAFT,
        published_at=None,
        body="<p>全市妇联干部将再接<strong>再</strong>励，奉献巾帼力量。</p>",
    )
    key = key_of(article, "再接再励")
    as_editor.post(change_url(article), change_form(article, _proofread_accept=key))
    article.refresh_from_db()
    assert article.body == "<p>全市妇联干部将再接<strong>再</strong>厉，奉献巾帼力量。</p>"


def test_accepting_on_an_outdated_form_is_refused_like_any_save(as_editor, column):
    article = ArticleFactory(
        column=column, status=Article.Status.DRAFT, published_at=None, body=TWO_BODY
    )
    form = change_form(article, _proofread_accept=key_of(article, "再接再励"))
    article.title = "同事改了标题"
    article.version += 1
    article.save()
    response = as_editor.post(change_url(article), form)
    assert response.status_code == 200 and "保存被拒绝" in page(response)
    article.refresh_from_db()
    assert "再接再励" in article.body


def test_typing_in_the_form_and_accepting_keeps_what_was_typed(as_editor, column):
    article = ArticleFactory(
        column=column, status=Article.Status.DRAFT, published_at=None, body=TWO_BODY
    )
    key = key_of(article, "再接再励")
    as_editor.post(change_url(article), change_form(article, title="新标题", _proofread_accept=key))
    article.refresh_from_db()
    assert article.title == "新标题" and "再接再厉" in article.body


def test_ignore_here_is_recorded_and_no_longer_counts(
    as_reviewer, reviewer, column, django_capture_on_commit_callbacks
):
    article = submitted(column, body=TWO_BODY)
    key = key_of(article, "宏扬")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_reviewer.post(
            change_url(article), change_form(article, _proofread_ignore=key), follow=True
        )
    ignored = IgnoredFinding.objects.get()
    assert (ignored.article, ignored.ignored_by, ignored.wrong) == (article, reviewer, "宏扬")
    assert ignored.sentence == "要大力宏扬红色家风。"
    assert any("已在此处忽略" in message for message in messages_of(response))
    assert ArticleCheck.objects.get(article=article).open_count == 1
    html = page(response)
    assert "已忽略 1 处" in html and "<mark>宏扬</mark>" not in html
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW  # nothing changed: no recall
    assert article.version == 1


def test_an_ignore_holds_while_its_sentence_stays(db, column, reviewer):
    from proofreading.records import finding_ignore

    article = submitted(column, body=TWO_BODY)
    finding_ignore(article=article, key=key_of(article, "宏扬"), by=reviewer)
    article.body = "<p>开头加了一段。</p>" + TWO_BODY
    assert [f.wrong for f in Checker().check(article) if not f.ignored] == ["再接再励"]
    article.body = "<p>要大力宏扬优良家风。</p>"
    assert [f.wrong for f in Checker().check(article) if not f.ignored] == ["宏扬"]


def test_the_review_queue_shows_open_findings_without_a_query_per_article(
    as_reviewer, column, django_assert_max_num_queries
):
    def queue():
        return as_reviewer.get(reverse("admin:news_article_changelist") + "?queue=review")

    articles = [submitted(column, title=f"待审稿件{n}") for n in range(3)]
    articles_proofread([a.pk for a in articles])
    queue()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        html = page(queue())
    assert html.count("1 处") >= 3
    more = [submitted(column, title=f"更多稿件{n}") for n in range(30)]
    articles_proofread([a.pk for a in more])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(queue())
    assert html.count("1 处") >= 33


def test_an_article_never_checked_says_so_in_the_list(as_reviewer, column):
    submitted(column)
    html = page(as_reviewer.get(reverse("admin:news_article_changelist")))
    assert "未校对" in html


def test_approving_with_open_findings_is_refused_until_confirmed(as_reviewer, reviewer, column):
    article = submitted(column, body=TWO_BODY)

    response = press(as_reviewer, article, "_approve")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    [refusal] = [m for m in messages_of(response) if "需要确认" in m]
    assert "2 个问题" in refusal and "再接再励" in refusal

    response = press(as_reviewer, article, "_approve", confirm_approval="on")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    event = ReviewEvent.objects.get(action=ReviewEvent.Action.APPROVE)
    assert event.actor == reviewer
    assert "审核人确认发布，未处理的问题 2 个" in event.comment
    assert "易错词“再接再励”→“再接再厉”" in event.comment and "“宏扬”→“弘扬”" in event.comment


def test_a_reviewer_who_fixes_the_text_in_the_form_approves_without_confirming(as_reviewer, column):
    article = submitted(column)
    response = press(as_reviewer, article, "_approve", body="<p>全市妇联干部将再接再厉。</p>")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED, messages_of(response)
    assert ReviewEvent.objects.get(action="approve").comment == ""


def test_approving_in_bulk_leaves_articles_with_open_findings_in_the_queue(as_reviewer, column):
    typo = submitted(column, title="有错字的稿件")
    clean = submitted(column, title="干净的稿件", body="<p>全市妇联干部将再接再厉。</p>")
    response = run_action(as_reviewer, "publish", [typo, clean])
    typo.refresh_from_db()
    clean.refresh_from_db()
    assert (typo.status, clean.status) == (Article.Status.REVIEW, Article.Status.PUBLISHED)
    assert any("有错字的稿件" in m and "需要确认" in m for m in messages_of(response))


def test_the_workflow_asks_and_records_without_the_admin(db, column, reviewer):
    article = submitted(column)
    assert workflow.approval_issues(article) == ["易错词“再接再励”→“再接再厉”"]
    refused = workflow.take_action(workflow.Action.APPROVE, article=article, by=reviewer)
    assert refused.kind == workflow.Kind.REFUSED
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and not ReviewEvent.objects.exists()
    taken = workflow.take_action(
        workflow.Action.APPROVE, article=article, by=reviewer, comment="同意", confirmed=True
    )
    assert taken.kind == workflow.Kind.TAKEN
    event = ReviewEvent.objects.get()
    assert event.comment.startswith("同意\n审核人确认发布，未处理的问题 1 个")


@pytest.mark.parametrize("ignored", [True, False])
def test_an_ignored_finding_needs_no_confirmation(db, column, reviewer, ignored):
    from proofreading.records import finding_ignore

    article = submitted(column)
    if ignored:
        finding_ignore(article=article, key=key_of(article, "再接再励"), by=reviewer)
    outcome = workflow.take_action(workflow.Action.APPROVE, article=article, by=reviewer)
    assert (outcome.kind == workflow.Kind.TAKEN) is ignored


def test_a_refused_save_shows_the_panel_of_the_stored_article(as_editor, column):
    article = ArticleFactory(
        column=column, status=Article.Status.DRAFT, published_at=None, body=TYPO_BODY
    )
    stale = change_form(article, body="<p>要大力宏扬红色家风。</p>", edit_version=0)
    response = as_editor.post(change_url(article), stale)
    html = page(response)
    assert "保存被拒绝" in html and "<mark>再接再励</mark>" in html
    assert [f.wrong for f in ArticleCheck.objects.get(article=article).finding_list()] == [
        "再接再励"
    ]
