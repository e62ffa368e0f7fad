"""Search indexes of the schools' list (PostgreSQL only; onex.core.search).

``?q=`` searches the school's name (``icontains``: trigram on ``UPPER(name)``) and its code
(``startswith``: a ``text_pattern_ops`` B-tree). Not atomic: built CONCURRENTLY.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from onex.core.search import AddSearchIndexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("pilots", "0003_school_pilot_period"),
    ]

    operations = [
        TrigramExtension(),
        AddSearchIndexes("school", trigram=["name"], prefix=["code"]),
    ]
