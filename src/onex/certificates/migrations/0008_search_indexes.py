"""Search indexes of the issued certificates' list (PostgreSQL only; onex.core.search).

``?q=`` searches the holder's name (``icontains``: a trigram index on ``UPPER(holder_name)``;
a term under three characters by prefix: a ``text_pattern_ops`` B-tree) and the number
(``startswith``: a ``text_pattern_ops`` B-tree). Built CONCURRENTLY, so the
migration is not atomic; on 10 million certificates it takes minutes and blocks no writes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from onex.core.search import AddSearchIndexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("certificates", "0007_issued_city_tally"),
    ]

    operations = [
        TrigramExtension(),
        AddSearchIndexes("issuedcertificate", trigram=["holder_name"], prefix=["number", "holder_name"]),
    ]
