"""Where an image finding was, for overrides of image findings (text ones keep kinds and
excerpts)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="privacyoverride",
            name="boxes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Regions of an image the author confirmed: kind, x, y, width and height in pixels of the image as shown.",
            ),
        ),
    ]
