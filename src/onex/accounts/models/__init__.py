from onex.accounts.models.access import (
    AccessLink,
    AccessLinkEvent,
    AccessLinkPurpose,
    AccessLinkStatus,
    ClaimCode,
    ClaimCodeEvent,
    ClaimCodeStatus,
    LearnerAccount,
)

__all__ = [
    "AccessLink",
    "AccessLinkEvent",
    "AccessLinkPurpose",
    "AccessLinkStatus",
    "ClaimCode",
    "ClaimCodeEvent",
    "ClaimCodeStatus",
    "LearnerAccount",
]
