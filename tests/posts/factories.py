"""Factories for posts, comments and groups. Posts are built directly (fast, for feeds);
tests about publishing go through the services."""

from __future__ import annotations

import factory
from django.db.models import F

from posts.models import (
    Circle,
    CircleKind,
    Comment,
    Hashtag,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
    PostHashtag,
    PostImage,
    PostKind,
    Visibility,
)
from posts.rendering import render_post_markdown
from tests.factories import UserFactory


class CircleFactory(factory.django.DjangoModelFactory[Circle]):
    class Meta:
        model = Circle

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    description = "A place to talk shop."
    kind = CircleKind.TOPIC
    is_private = False


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    circle = factory.SubFactory(CircleFactory)
    member = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER
    status = MembershipStatus.ACTIVE

    @factory.post_generation
    def count(membership: Membership, create: bool, extracted: object, **kwargs: object) -> None:
        if create and membership.status == MembershipStatus.ACTIVE:
            Circle.objects.filter(pk=membership.circle_id).update(
                member_count=F("member_count") + 1
            )


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    # As the services write it: the minors rule reads this copy of the author's age.
    author_minor_until = factory.LazyAttribute(lambda post: post.author.minor_until)
    kind = PostKind.DISCUSSION
    body = factory.Sequence(lambda n: f"Teaching point number {n} about fluid balance.")
    body_html = factory.LazyAttribute(lambda post: render_post_markdown(post.body).html)
    visibility = Visibility.PUBLIC
    circle = None


class CommentFactory(factory.django.DjangoModelFactory[Comment]):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    author_minor_until = factory.LazyAttribute(lambda comment: comment.author.minor_until)
    body = factory.Sequence(lambda n: f"Comment {n}")
    body_html = factory.LazyAttribute(lambda comment: render_post_markdown(comment.body).html)

    @factory.post_generation
    def count(comment: Comment, create: bool, extracted: object, **kwargs: object) -> None:
        # Keep the post's stored count true, as add_comment does.
        if create and comment.deleted_at is None:
            Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)
            if comment.parent_id is not None:
                Comment.objects.filter(pk=comment.parent_id).update(
                    reply_count=F("reply_count") + 1
                )


class PostImageFactory(factory.django.DjangoModelFactory[PostImage]):
    """An image row (file names only, nothing on disk) with the post's image count kept
    true, as the services keep it."""

    class Meta:
        model = PostImage
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    display = factory.Sequence(lambda n: f"posts/image-{n}.webp")
    thumbnail = factory.Sequence(lambda n: f"posts/image-{n}-thumb.webp")
    width = 800
    height = 600
    alt_text = "An ECG strip"
    position = 0

    @factory.post_generation
    def count(image: PostImage, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            Post.objects.filter(pk=image.post_id).update(image_count=F("image_count") + 1)


def public_hashtag(name: str) -> Hashtag:
    """A hashtag carried by a public post, so that its page answers every reader (the page
    of a tag no reader may see a post of answers 404)."""
    post = PostFactory.create(body=f"Handover tip #{name}")
    hashtag, _ = Hashtag.objects.get_or_create(name=name)
    PostHashtag.objects.create(post=post, hashtag=hashtag, created_at=post.created_at)
    return hashtag
