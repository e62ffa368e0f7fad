"""Certificate models: issued certificates and numbering; credential signing state."""

from onex.certificates.models.credentials import *  # noqa: F403
from onex.certificates.models.issued import *  # noqa: F403
from onex.certificates.models.tallies import *  # noqa: F403
