"""How many images each post has, stored on the post and filled from its image rows, so a
page of cards loads images only for the posts that have some."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery


def fill_counts(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    PostImage = apps.get_model("posts", "PostImage")
    counted = (
        PostImage.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(total=Count("pk"))
        .values("total")
    )
    # Only posts that have images are touched: the others keep the default, 0.
    Post.objects.filter(pk__in=PostImage.objects.values("post")).update(
        image_count=Subquery(counted, output_field=IntegerField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0003_post_alive_recent_counts_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="image_count",
            field=models.PositiveSmallIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop, elidable=True),
    ]
