"""Pages for posts, comments, reactions, bookmarks, hashtags, groups and search.

Reading is open where the content is (visibility is decided by the querysets); every
change is a POST by a member who may take part. htmx requests get partials; the same URLs
work as plain forms and links without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.validators import slug_re
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.moderators import Actor, actor_of
from accounts.permissions import participant_required
from community.http import HtmxHttpRequest
from community.ratelimit import rate_limited
from privacy import guard, image_guard
from privacy.forms import show_findings

from . import selectors, services
from .forms import (
    CampaignForm,
    CircleForm,
    CommentForm,
    PostForm,
    PreviewForm,
    ReasonForm,
    SearchForm,
    kind_or_default,
)
from .models import (
    Circle,
    Comment,
    Hashtag,
    Membership,
    MembershipStatus,
    Post,
    PostKind,
    QuestionStatus,
    ReactionKind,
    Visibility,
)
from .rendering import render_post_markdown
from .search import search as run_search
from .selectors import Page, Thread
from .shared_threads import shared_post_threads

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from .models import ViewerMarks


def _messages_from(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [getattr(error, "message", None) or str(error) or "You can't do that."]


_POST_FIELD_LABELS = {"title": "Title", "body": "Post"}
_COMMENT_FIELD_LABELS = {"body": "Comment"}


def _fail(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    for text in _messages_from(error):
        messages.error(request, text)


def _next_url(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after a plain-form POST: a same-site `next`, else `fallback`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _feed_response(
    request: HtmxHttpRequest, template: str, context: dict[str, Any], page: Page[Post]
) -> HttpResponse:
    """A whole page, or (for htmx "load more") just the next items and the next link."""
    if request.htmx and request.GET.get("cursor"):
        return render(request, "posts/_post_page.html", {"page": page})
    return render(request, template, {**context, "page": page})


# --- Feeds and pages ---------------------------------------------------------------------


@require_GET
def explore(request: HtmxHttpRequest) -> HttpResponse:
    """Recent posts, this week's most reacted-to, and running campaigns."""
    cursor = request.GET.get("cursor")
    page = selectors.explore(request.user, cursor)
    context: dict[str, Any] = {"top_posts": [], "campaigns": []}
    if not cursor:
        context["top_posts"] = selectors.top_posts(request.user)
        context["campaigns"] = selectors.running_campaigns()
    return _feed_response(request, "posts/explore.html", context, page)


@require_GET
def hashtag(request: HtmxHttpRequest, name: str) -> HttpResponse:
    if name != name.lower():
        return redirect("posts:hashtag", name=name.lower(), permanent=True)
    tag = get_object_or_404(
        Hashtag.objects.visible_to(request.user).select_related("campaign"), name=name
    )
    page = selectors.hashtag_posts(request.user, tag, request.GET.get("cursor"))
    context = {
        "hashtag": tag,
        "campaign": getattr(tag, "campaign", None),
        "may_start_campaign": services.may_start_campaigns(actor_of(request)),
    }
    return _feed_response(request, "posts/hashtag.html", context, page)


@login_required
@require_GET
def bookmarks(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = selectors.bookmarked_posts(request.user, request.GET.get("cursor"))
    return _feed_response(request, "posts/bookmarks.html", {}, page)


def _visible_member(request: HttpRequest, handle: str) -> User:
    return get_object_or_404(User.objects.visible_to(request.user), handle=handle)


@require_GET
def author_posts(request: HtmxHttpRequest, handle: str) -> HttpResponse:
    """A member's posts that the viewer may read (the profile page shows the first ones)."""
    author = _visible_member(request, handle)
    page = selectors.posts_by_author(request.user, author, request.GET.get("cursor"))
    return _feed_response(request, "posts/author_posts.html", {"author": author}, page)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = run_search(request.user, query)
    return render(request, "posts/search.html", {"form": form, "results": results})


# --- A post ------------------------------------------------------------------------------


@require_GET
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for_viewer(actor_of(request), pk)
    if post is None:
        raise Http404("No such post.")
    return _render_detail(request, post, CommentForm())


def _render_detail(
    request: HtmxHttpRequest,
    post: Post,
    comment_form: CommentForm,
    *,
    status: int = 200,
    cohost_errors: list[str] | None = None,
) -> HttpResponse:
    """The post and a page of its conversation: the first, the one after ?comments=<cursor>
    ("Show more"), or the one starting at ?thread=<id> (where a link to a comment points),
    that thread shown from its reply ?reply=<id> when given. A live Q&A shows its
    questions at once, in the order `selectors.event_questions` gives, beside its hosts
    and attendance."""
    cursor = request.GET.get("comments")
    from_thread = _thread_id(request.GET.get("thread"))
    to_reply = _thread_id(request.GET.get("reply"))
    can_moderate = post.circle is not None and services.can_moderate_circle(
        actor_of(request), post.circle
    )
    panel = None
    if post.kind == PostKind.EVENT and post.starts_at is not None and not post.is_gone:
        panel = selectors.event_panel(request.user, post)
        threads = selectors.event_questions(request.user, post, panel.host_ids)
        cursor = from_thread = None
    else:
        threads = shared_post_threads(
            request.user, post, cursor, from_thread=from_thread, to_reply=to_reply
        )
    context = {
        "post": post,
        "threads": threads,
        "event": panel,
        "is_event_host": panel is not None and panel.is_host,
        "cohost_errors": cohost_errors or [],
        "earlier_threads": bool(cursor or from_thread),
        "comment_form": comment_form,
        "can_moderate": can_moderate,
        "comment_noun": "question" if post.kind == PostKind.EVENT else "comment",
        "comments_open": services.questions_open(post, request.user),
        **(_live_questions(post, threads) if panel is not None else {}),
    }
    if request.htmx and cursor:
        return render(request, "posts/_threads.html", context)
    return render(request, "posts/detail.html", context, status=status)


# A live Q&A's page re-fetches its questions when the event's stream announces a change:
# at once on the first announcement, then at most once a LIVE_REFRESH (the leading edge,
# `throttle`), and once more LIVE_REFRESH after the last one (the trailing edge, `delay`),
# so a burst of votes costs each reader a few requests and the last change always shows.
LIVE_REFRESH = "500ms"


def _live_questions(post: Post, threads: Page[Thread]) -> dict[str, object]:
    """What the questions of a live Q&A need to follow its stream (templates/posts/
    _live_questions.html), and what the polite status line says after a refresh."""
    names = services.EVENT_ANNOUNCEMENTS
    return {
        "live_stream": True,
        "live_leading": ", ".join(f"sse:{name} throttle:{LIVE_REFRESH}" for name in names),
        "live_trailing": ", ".join(f"sse:{name} delay:{LIVE_REFRESH}" for name in names),
        "question_count": len(threads.items),
        "answered_count": sum(
            thread.comment.question_status == QuestionStatus.ANSWERED for thread in threads.items
        ),
    }


@require_GET
def event_questions(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The questions of a live Q&A as the reader sees them, for the event's page to swap in
    when its stream announces a change (a question, votes, an answer, a host's move, the
    attendance, a new time).

    Why a re-fetch and not the change itself rendered into the stream: what a question
    looks like depends on who reads it (a hidden question shows to its author and the
    hosts only; the reader's own votes; the hosts' buttons), so each reader asks for their
    own view, with their own session, through the same selectors as the page. The stream
    then carries only event names: its fan-out to many readers never touches the database
    (community.live._as_sse), and a visitor's copy comes from the page cache (post scope).

    Only the questions are swapped (with the event's status, attendance and heading out
    of band): the composer for a new question stays outside, so a reader typing one keeps
    their text, and an open answer box is kept as it is (`hx-preserve`). Read-only: a GET
    writes nothing."""
    post = selectors.post_for_viewer(actor_of(request), pk)
    if post is None or post.kind != PostKind.EVENT or post.starts_at is None or post.is_gone:
        raise Http404("No such live Q&A.")
    panel = selectors.event_panel(request.user, post)
    threads = selectors.event_questions(request.user, post, panel.host_ids)
    context = {
        "post": post,
        "threads": threads,
        "event": panel,
        "is_event_host": panel.is_host,
        "comment_noun": "question",
        "comments_open": services.questions_open(post, request.user),
        "out_of_band": True,
        **_live_questions(post, threads),
    }
    return render(request, "posts/_questions.html", context)


def _thread_id(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise BadRequest("This page link is broken.")
    return int(raw)


@require_GET
def replies(request: HtmxHttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """The next replies of a thread ("Show 20 more replies"), after ?after=<cursor> and,
    from a link to a reply further on, before ?before=<cursor>: with htmx the replies and
    the link to the ones after them, in place of the link that asked; without JavaScript
    a page with the post's title, the thread's comment and these replies."""
    after = request.GET.get("after")
    before = request.GET.get("before")
    for cursor in (after, before):
        selectors.decode_cursor(cursor)  # a broken link is a 400 before any query
    post = selectors.post_for_viewer(actor_of(request), pk)
    if post is None:
        raise Http404("No such post.")
    found = selectors.thread_replies(request.user, post, comment_pk, after=after, before=before)
    if found is None:
        raise Http404("No such comment.")
    comment, batch = found
    context = {
        "post": post,
        "comment": comment,
        "batch": batch,
        "comment_noun": "question" if post.kind == PostKind.EVENT else "comment",
        "comments_open": services.questions_open(post, request.user),
    }
    template = "posts/_reply_batch.html" if request.htmx else "posts/replies.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class KindChoice:
    """One kind of post offered at the top of the composer: a link to its form."""

    value: str
    label: str
    url: str
    is_chosen: bool


# What the composer says under the kinds about the one chosen (none for the plainest).
_KIND_NOTES: dict[str, str] = {
    PostKind.QUESTION: "Ask the community; readers can mark the answers that helped.",
    PostKind.CASE: "De-identify it: no names, dates, places, record numbers, faces or "
    "anything else that could identify the patient. Images are checked before they are "
    "published.",
    PostKind.PUBLICATION: "Share a paper: give its DOI or PubMed ID and its title, and say "
    "what readers should take from it.",
    PostKind.EVENT: "Announce a live Q&A: readers see the start time in their own time zone.",
}


def _kind_choices(request: HttpRequest, chosen: str) -> list[KindChoice]:
    """The kinds of post as links to the composer, keeping the group and tag it was opened
    with."""
    kept = {name: request.GET[name] for name in ("group", "tag") if request.GET.get(name)}
    base = reverse("posts:create")
    return [
        KindChoice(
            value=value,
            label=str(label),
            url=f"{base}?{urlencode({'kind': value, **kept})}",
            is_chosen=value == chosen,
        )
        for value, label in PostKind.choices
    ]


@participant_required
@rate_limited("post")
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The composer: the kinds of post first, then only the chosen kind's fields. Switching
    kinds is a link (`?kind=`); with htmx only the kind's own fields are swapped, so
    what the author typed stays."""
    initial: dict[str, Any] = {}
    circle_slug = request.GET.get("group", "")
    # Only a well-formed slug reaches the query (PostgreSQL refuses NUL bytes with a 500).
    if circle_slug and slug_re.fullmatch(circle_slug):
        circle = Circle.objects.filter(slug=circle_slug).first()
        if circle is not None:
            initial = {"visibility": Visibility.GROUP, "circle": circle}
    if request.GET.get("tag"):
        initial["body"] = f"#{request.GET['tag'].lstrip('#')} "
    asked = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        author=request.user,
        kind=kind_or_default(asked),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.publish_post(
                author=request.user,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                circle=data["circle"],
                doi=data["doi"],
                pmid=data["pmid"],
                pub_title=data["pub_title"],
                journal=data["journal"],
                year=data["year"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                images=data["images"],
                confirmed_privacy=data["confirmed_privacy"],
                privacy_digest=data["privacy_digest"],
                image_consent=data["image_consent"],
            )
        except (guard.PrivacyFindings, image_guard.ImageFindings) as error:
            show_findings(form, error, labels=_POST_FIELD_LABELS)
        except (ValidationError, PermissionDenied) as error:
            for text in _messages_from(error):
                form.add_error(None, text)
        else:
            messages.success(request, "Your post is published.")
            return redirect(post)
    context = {
        "form": form,
        "post": None,
        "kinds": _kind_choices(request, form.chosen_kind),
        "kind_note": _KIND_NOTES.get(form.chosen_kind, ""),
    }
    if request.method == "GET" and request.htmx and not request.htmx.history_restore_request:
        # A switch of kind in the page: only that kind's own fields.
        response = render(request, "posts/_composer_kind.html", context)
    else:
        response = render(request, "posts/form.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@participant_required
@rate_limited("preview", template="posts/_preview_paused.html")
@require_POST
def preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The composer's live preview of a draft: its Markdown rendered and sanitised as it
    will be published, and what the privacy guard would find in its title and body. Reads
    only: nothing is stored, no confirmation is recorded."""
    form = PreviewForm(request.POST)
    context: dict[str, Any] = {"errors": [], "html": "", "review": None, "is_empty": False}
    if not form.is_valid():
        context["errors"] = [error for errors in form.errors.values() for error in errors]
        return render(request, "posts/_preview.html", context)
    title, body = form.cleaned_data["title"], form.cleaned_data["body"]
    context["is_empty"] = not (title.strip() or body.strip())
    context["html"] = render_post_markdown(body).html
    try:
        guard.check_post(title=title, body=body, confirmed=False)
    except guard.PrivacyFindings as error:
        context["review"] = guard.review_from(error, labels=_POST_FIELD_LABELS)
    return render(request, "posts/_preview.html", context)


def _own_live_post(request: HttpRequest, pk: int) -> Post:
    """The signed-in member's own post, still live; 404 for anyone else's."""
    return get_object_or_404(
        Post.objects.alive().select_related("circle"), pk=pk, author=request.user
    )


@participant_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = _own_live_post(request, pk)
    initial = {
        "title": post.title,
        "body": post.body,
        "doi": post.doi,
        "pmid": post.pmid,
        "pub_title": post.pub_title,
        "journal": post.journal,
        "year": post.year,
        "duration_minutes": post.duration_minutes,
    }
    form = PostForm(
        request.POST or None, request.FILES or None, author=request.user, post=post, initial=initial
    )
    if post.starts_at and not form.is_bound:
        form.initial["starts_at"] = post.starts_at.astimezone(form.zone).replace(tzinfo=None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_post(
                post=post,
                editor=request.user,
                title=data["title"],
                body=data["body"],
                doi=data["doi"],
                pmid=data["pmid"],
                pub_title=data["pub_title"],
                journal=data["journal"],
                year=data["year"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                remove_image_ids=[image.pk for image in data.get("remove_images") or []],
                add_images=data["images"],
                confirmed_privacy=data["confirmed_privacy"],
                privacy_digest=data["privacy_digest"],
                image_consent=data["image_consent"],
            )
        except (guard.PrivacyFindings, image_guard.ImageFindings) as error:
            show_findings(form, error, labels=_POST_FIELD_LABELS)
        except (ValidationError, PermissionDenied) as error:
            for text in _messages_from(error):
                form.add_error(None, text)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(post)
    # Editing keeps the kind; a case keeps its reminder.
    kind_note = _KIND_NOTES[PostKind.CASE] if post.kind == PostKind.CASE else ""
    return render(request, "posts/form.html", {"form": form, "post": post, "kind_note": kind_note})


@login_required
@require_POST
def delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = _own_live_post(request, pk)
    services.delete_post(post=post, member=request.user)
    messages.success(request, "Your post is deleted.")
    return redirect("posts:explore")


def _visible_post(request: HttpRequest, pk: int) -> Post:
    post = selectors.post_for_viewer(request.user, pk)
    if post is None or post.is_gone:
        raise Http404("No such post.")
    return post


def _toggle_reaction(
    request: AuthenticatedHttpRequest,
    *,
    kind: str,
    load: Callable[[], Post | Comment],
    is_comment: bool,
) -> HttpResponse:
    """Toggle a reaction on what `load` fetches (visibility-checked); htmx gets the
    buttons back, a plain form goes back where it came from."""
    if kind not in ReactionKind.values:
        raise Http404("No such reaction.")
    target = load()
    try:
        services.toggle_reaction(member=request.user, target=target, kind=kind)
    except (ValidationError, PermissionDenied) as error:
        if request.htmx:
            raise PermissionDenied(_messages_from(error)[0]) from error
        _fail(request, error)
    if request.htmx:
        return render(
            request, "posts/_reactions.html", {"target": load(), "is_comment": is_comment}
        )
    return HttpResponseRedirect(_next_url(request, target.get_absolute_url()))


@participant_required
@rate_limited("reaction")
@require_POST
def react(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Toggle the member's like or helpful on a post."""
    return _toggle_reaction(
        request, kind=kind, load=lambda: _visible_post(request, pk), is_comment=False
    )


def _visible_comment(request: HttpRequest, pk: int) -> Comment:
    comment = (
        Comment.objects.visible_to(request.user)
        .alive()
        .for_display(request.user)
        .select_related("post")
        .filter(pk=pk)
        .first()
    )
    if comment is None or comment.post.is_gone:
        raise Http404("No such comment.")
    return comment


@participant_required
@rate_limited("reaction")
@require_POST
def comment_react(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Toggle the member's like or helpful on a comment."""
    return _toggle_reaction(
        request, kind=kind, load=lambda: _visible_comment(request, pk), is_comment=True
    )


@login_required
@require_POST
def bookmark(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    saved = services.toggle_bookmark(member=request.user, post=post)
    if request.htmx:
        # Read through `for_display`, which marks the posts of a signed-in viewer; the Django
        # plugin cannot follow the annotation through the custom queryset's method.
        marked = cast("WithAnnotations[Post, ViewerMarks]", post)
        marked.viewer_bookmarked = saved
        return render(request, "posts/_bookmark.html", {"post": post})
    messages.success(
        request, "Saved to your bookmarks." if saved else "Removed from your bookmarks."
    )
    return HttpResponseRedirect(_next_url(request, post.get_absolute_url()))


# --- Comments ----------------------------------------------------------------------------


@participant_required
@rate_limited("comment")
@require_POST
def comment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"], post=post).first()
            if parent is None:
                raise Http404("No such comment.")
        try:
            if parent is not None and _answers_as_host(request.user, post):
                # A host's reply to a question of their live Q&A is its answer.
                comment = services.answer_question(
                    host=request.user,
                    question=parent,
                    body=form.cleaned_data["body"],
                    confirmed_privacy=form.cleaned_data["confirmed_privacy"],
                    privacy_digest=form.cleaned_data["privacy_digest"],
                )
            else:
                comment = services.add_comment(
                    author=request.user,
                    post=post,
                    body=form.cleaned_data["body"],
                    parent=parent,
                    confirmed_privacy=form.cleaned_data["confirmed_privacy"],
                    privacy_digest=form.cleaned_data["privacy_digest"],
                )
        except guard.PrivacyFindings as error:
            show_findings(form, error, labels=_COMMENT_FIELD_LABELS)
        except (ValidationError, PermissionDenied) as error:
            for text in _messages_from(error):
                form.add_error(None, text)
        else:
            return redirect(comment.get_absolute_url())
    return _render_detail(request, post, form, status=400)


def _answers_as_host(member: User, post: Post) -> bool:
    return post.kind == PostKind.EVENT and member.pk in selectors.event_host_ids(post)


def _own_live_comment(request: HttpRequest, pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.alive().select_related("post"), pk=pk, author=request.user
    )


@participant_required
@rate_limited("comment")
@require_http_methods(["GET", "POST"])
def comment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    comment = _own_live_comment(request, pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(
                comment=comment,
                editor=request.user,
                body=form.cleaned_data["body"],
                confirmed_privacy=form.cleaned_data["confirmed_privacy"],
                privacy_digest=form.cleaned_data["privacy_digest"],
            )
        except guard.PrivacyFindings as error:
            show_findings(form, error, labels=_COMMENT_FIELD_LABELS)
        except (ValidationError, PermissionDenied) as error:
            for text in _messages_from(error):
                form.add_error(None, text)
        else:
            return redirect(comment.get_absolute_url())
    return render(request, "posts/comment_form.html", {"form": form, "comment": comment})


@login_required
@require_POST
def comment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    comment = _own_live_comment(request, pk)
    services.delete_comment(comment=comment, member=request.user)
    messages.success(request, "Your comment is deleted.")
    return redirect(comment.post)


# --- Live Q&As ---------------------------------------------------------------------------


def _visible_event(request: HttpRequest, pk: int) -> Post:
    """A live Q&A the member may read; 404 for anything else."""
    post = _visible_post(request, pk)
    if post.kind != PostKind.EVENT or post.starts_at is None:
        raise Http404("No such live Q&A.")
    return post


def _yes_or_no(request: HttpRequest, name: str) -> bool:
    value = request.POST.get(name)
    if value not in ("yes", "no"):
        raise BadRequest(f"“{name}” must be yes or no.")
    return value == "yes"


def _refused_or_bad(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    """Invalid input is a 400 saying what was wrong; a refusal is the 403 page saying why."""
    if isinstance(error, ValidationError):
        raise BadRequest(" ".join(_messages_from(error))) from error
    raise error


@participant_required
@require_POST
def event_rsvp(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "I'll be there" (going=yes) or "Not going" (going=no); saying it twice is harmless."""
    post = _visible_event(request, pk)
    going = _yes_or_no(request, "going")
    try:
        services.set_rsvp(member=request.user, post=post, going=going)
    except (ValidationError, PermissionDenied) as error:
        _refused_or_bad(request, error)
    messages.success(
        request,
        "You’ll be reminded 15 minutes before it starts." if going else "You’re not going.",
    )
    return HttpResponseRedirect(_next_url(request, post.get_absolute_url()))


def _visible_question(request: HttpRequest, pk: int) -> Comment:
    """A comment of a live Q&A the member may read; a question the hosts hid is there only
    for its author and the hosts (404 for anyone else)."""
    comment = _visible_comment(request, pk)
    if comment.question_status == QuestionStatus.HIDDEN and comment.author_id != request.user.pk:
        if request.user.pk not in selectors.event_host_ids(comment.post):
            raise Http404("No such comment.")
    return comment


@participant_required
@rate_limited("reaction")
@require_POST
def question_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Vote for a question (voted=yes) or take the vote back (voted=no)."""
    question = _visible_question(request, pk)
    voted = _yes_or_no(request, "voted")
    try:
        services.set_question_vote(member=request.user, question=question, voted=voted)
    except (ValidationError, PermissionDenied) as error:
        _refused_or_bad(request, error)
    return HttpResponseRedirect(_next_url(request, question.get_absolute_url()))


@participant_required
@require_POST
def question_move(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """A host pins, unpins, marks answered, reopens, hides or unhides a question."""
    if action not in services.QUESTION_BUTTON_ACTIONS:
        raise BadRequest("Unknown action.")
    question = _visible_question(request, pk)
    try:
        services.move_question(host=request.user, question=question, action=action)
    except services.QuestionRefused as error:
        # Usually a double submit: the question is already where the host wanted it.
        _fail(request, error)
    except (ValidationError, PermissionDenied) as error:
        _refused_or_bad(request, error)
    return HttpResponseRedirect(_next_url(request, question.get_absolute_url()))


@participant_required
@require_POST
def cohost_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The author of a live Q&A names a co-host by handle."""
    post = _visible_event(request, pk)
    user = cast(User, request.user)
    try:
        cohost = services.add_cohost(host=user, post=post, handle=request.POST.get("handle", ""))
    except ValidationError as error:
        return _render_detail(
            request, post, CommentForm(), status=400, cohost_errors=_messages_from(error)
        )
    messages.success(request, f"{cohost.member.display_name} co-hosts this live Q&A.")
    return redirect(post)


@participant_required
@require_POST
def cohost_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The author of a live Q&A takes a co-host off it."""
    post = _visible_event(request, pk)
    member = get_object_or_404(User, handle=request.POST.get("handle", "")[:30].lower())
    services.remove_cohost(host=request.user, post=post, member=member)
    messages.success(request, f"{member.display_name} no longer co-hosts this live Q&A.")
    return redirect(post)


# --- Groups ------------------------------------------------------------------------------


@require_GET
def circles(request: HttpRequest) -> HttpResponse:
    """The group directory, with search and member counts."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "circles": selectors.circle_directory(request.user, query)}
    return render(request, "posts/circles.html", context)


@participant_required
@require_http_methods(["GET", "POST"])
def circle_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CircleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.create_circle(creator=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            for text in _messages_from(error):
                form.add_error(None, text)
        else:
            messages.success(request, f"{circle.name} is open. You are its moderator.")
            return redirect(circle)
    return render(request, "posts/circle_form.html", {"form": form})


@require_GET
def circle_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A group's front (name, description, joining) for anyone; its posts for those who may
    read it (`Circle.objects.readable_by`: members, and site moderators)."""
    actor = actor_of(request)
    circle = selectors.circle_for_reader(actor, slug)
    if circle is None:
        raise Http404("No such group.")
    membership = selectors.circle_membership(request.user, circle)
    page: Page[Post] = Page(items=[])
    if circle.is_readable:
        page = selectors.circle_posts(actor, circle, request.GET.get("cursor"))
    context = {
        "circle": circle,
        "membership": membership,
        "can_moderate": services.can_moderate_circle(actor, circle),
        "can_read": circle.is_readable,
    }
    return _feed_response(request, "posts/circle_detail.html", context, page)


@participant_required
@require_POST
def circle_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    circle = get_object_or_404(Circle, slug=slug)
    membership = services.join_circle(member=request.user, circle=circle)
    if membership.is_active:
        messages.success(request, f"You joined {circle.name}.")
    else:
        messages.info(request, "Your request is sent; a group moderator will answer it.")
    return redirect(circle)


@login_required
@require_POST
def circle_leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    circle = get_object_or_404(Circle, slug=slug)
    try:
        services.leave_circle(member=request.user, circle=circle)
    except PermissionDenied as error:
        _fail(request, error)
    else:
        messages.success(request, f"You left {circle.name}.")
    return redirect(circle)


def _moderated_circle(moderator: Actor, slug: str) -> tuple[Circle, services.ModeratesAs]:
    """A group `moderator` moderates, and as whom; 404 for anyone else."""
    circle = selectors.readable_circle(moderator, slug)
    moderates_as = None if circle is None else services.moderates_circle_as(moderator, circle)
    if circle is None or moderates_as is None:
        raise Http404("No such group.")
    return circle, moderates_as


@require_GET
def circle_members(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of a group, for those who may read it (`Circle.objects.readable_by`; 404 for
    anyone else); moderators also see requests to join and can approve, decline or remove."""
    actor = actor_of(request)
    circle = selectors.readable_circle(actor, slug)
    if circle is None:
        raise Http404("No such group.")
    moderates_as = services.moderates_circle_as(actor, circle)
    can_moderate = moderates_as is not None
    context = {
        "circle": circle,
        "members": selectors.circle_members(circle, reader=None if can_moderate else request.user),
        "pending": selectors.circle_members(circle, status=MembershipStatus.PENDING)
        if can_moderate
        else [],
        "can_moderate": can_moderate,
        # Site moderators give a reason for removing and declining (the audit log keeps it);
        # only they remove a group moderator.
        "asks_reason": moderates_as is services.ModeratesAs.SITE_MODERATOR,
        "removes_moderators": can_moderate and services.may_remove_group_moderators(actor),
    }
    return render(request, "posts/circle_members.html", context)


def _membership_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    moderator = actor_of(request)
    circle, _ = _moderated_circle(moderator, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("member", "circle"), pk=pk, circle=circle
    )
    try:
        if action == "approve":
            services.approve_membership(moderator=moderator, membership=membership)
            messages.success(request, f"{membership.member.display_name} is now a member.")
        elif action == "remove":
            services.remove_member(
                moderator=moderator,
                membership=membership,
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request, f"{membership.member.display_name} is no longer in the group."
            )
        else:
            services.make_circle_moderator(moderator=moderator, membership=membership)
            messages.success(request, f"{membership.member.display_name} is now a group moderator.")
    except (ValidationError, PermissionDenied) as error:
        _fail(request, error)
    return redirect("posts:circle_members", slug=circle.slug)


@participant_required
@require_POST
def membership_approve(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _membership_action(request, slug, pk, "approve")


@participant_required
@require_POST
def membership_remove(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _membership_action(request, slug, pk, "remove")


@participant_required
@require_POST
def membership_promote(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _membership_action(request, slug, pk, "promote")


@participant_required
@require_http_methods(["GET", "POST"])
def circle_remove_post(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    moderator = actor_of(request)
    circle, moderates_as = _moderated_circle(moderator, slug)
    post = get_object_or_404(
        Post.objects.alive().select_related("circle", "author"), pk=pk, circle=circle
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_post_in_circle(
                moderator=moderator, post=post, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            for text in _messages_from(error):
                form.add_error(None, text)
        else:
            messages.success(request, "The post is removed from the group.")
            return redirect(circle)
    context = {
        "form": form,
        "post": post,
        "circle": circle,
        "as_site_moderator": moderates_as is services.ModeratesAs.SITE_MODERATOR,
    }
    return render(request, "posts/circle_remove_post.html", context)


# --- Campaigns ---------------------------------------------------------------------------


@participant_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Site moderators turn a hashtag into a campaign; anyone else gets a 404."""
    creator = actor_of(request)
    if not services.may_start_campaigns(creator):
        raise Http404("No such page.")
    initial = {"hashtag": request.GET.get("tag", "")}
    form = CampaignForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(creator=creator, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            for text in _messages_from(error):
                form.add_error(None, text)
        else:
            messages.success(request, f"The campaign “{campaign.title}” is set up.")
            return redirect(campaign.hashtag)
    return render(request, "posts/campaign_form.html", {"form": form})
