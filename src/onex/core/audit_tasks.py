"""Scheduled audit maintenance. Must be imported at startup (CoreConfig.ready) so Huey sees it."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from onex.core.actors import Actor
from onex.core.audit import audit_purge, audit_seal
from onex.core.audit_checkpoints import CheckpointRefused, checkpoint_publish

logger = logging.getLogger(__name__)


# Every minute: the sequencer's safety net. Writers seal after their own commit; this catches an
# event whose after-commit sealing failed or was left to a sealer that had just finished.
@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator, unused-ignore]
def audit_seal_periodic() -> None:
    sealed = audit_seal(wait=False)
    if sealed:
        logger.info("audit seal: %s pending events sealed", sealed)


# Daily at 03:17 (server time), off the hour to avoid colliding with other nightly jobs.
@db_periodic_task(crontab(hour="3", minute="17"))  # type: ignore[untyped-decorator, unused-ignore]
def audit_purge_daily() -> None:
    result = audit_purge(actor=Actor.system())
    logger.info(
        "audit purge: %s events removed, anchor at seq %s", result.purged, result.anchor_seq
    )


# Daily at 03:27, after the purge: a signed checkpoint of the chain head (file + log line).
@db_periodic_task(crontab(hour="3", minute="27"))  # type: ignore[untyped-decorator, unused-ignore]
def audit_checkpoint_daily() -> None:
    try:
        path = checkpoint_publish()
    except CheckpointRefused as exc:
        # Loud: a broken chain is an incident; monitoring alerts on this logger at ERROR.
        logger.error("audit checkpoint refused, the chain does not verify: %s", exc)
        return
    logger.info("audit checkpoint written to %s", path)
