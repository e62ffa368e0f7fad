"""Search indexes of the units' and users' lists (PostgreSQL only; onex.core.search).

``?q=`` searches a unit's name and a user's username, display name and e-mail (``icontains``:
trigram on ``UPPER(col)``). Not atomic: built CONCURRENTLY.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from onex.core.search import AddSearchIndexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0013_audit_sequencer"),
    ]

    operations = [
        TrigramExtension(),
        AddSearchIndexes("unit", trigram=["name"]),
        AddSearchIndexes("user", trigram=["username", "display_name", "email"]),
    ]
