"""Search index of the learning accounts' list (PostgreSQL only; onex.core.search).

One account per learner (millions at national scale); ``?q=`` searches the holder's name
(``icontains``: trigram on ``UPPER(holder_name)``). The ID number is sealed and found only by
its HMAC, never searched here. Not atomic: built CONCURRENTLY.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from onex.core.search import AddSearchIndexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("creditbank", "0002_clr_identity_salt"),
    ]

    operations = [
        TrigramExtension(),
        AddSearchIndexes("learningaccount", trigram=["holder_name"]),
    ]
