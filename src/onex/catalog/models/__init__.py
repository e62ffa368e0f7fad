"""Certificate catalogue and training-evaluation orgs (issue 3: R13 data, R18, R19, R24, R38).

Design notes:
- The structured content of a standard (工作领域 → 工作任务 → 职业技能要求, per level) is a
  validated JSON document on ``Standard`` rather than three tables. A standard version is
  published as a whole and replaced as a whole by the next version; the tree is always read in
  full (detail page, API) and never queried node by node, so one JSON column keeps each version an
  atomic snapshot and avoids three tables multiplied by versions. ``validate_standard_content``
  is the single schema check (services call it; the model's ``clean`` calls it too).
- Certificate specialties are specialty names, one per line: the pilots app owns the school
  specialty tables, and the catalogue only needs names to search and show.
- New fields on pre-existing models are nullable or defaulted because demo data is written
  against the foundation models concurrently.
"""

from onex.catalog.models.catalogue import (
    LEVEL_ORDER,
    Batch,
    Certificate,
    CertificateLevel,
    Level,
    Standard,
    level_sort_key,
    specialty_lines,
    standard_upload_to,
    validate_standard_content,
)
from onex.catalog.models.filings import FilingStatus, OrgFiling, OrgFilingEvent, letter_upload_to
from onex.catalog.models.notices import (
    DEFAULT_UNAUTHORIZED_PHRASES,
    PHRASE_GAP,
    OrgNotice,
    UnauthorizedPhrase,
)
from onex.catalog.models.orgs import AGREEMENT_CLAUSES, Org, OrgAgreement, OrgStatus, OrgType
from onex.core.personal import Gender

__all__ = [
    "AGREEMENT_CLAUSES",
    "DEFAULT_UNAUTHORIZED_PHRASES",
    "LEVEL_ORDER",
    "PHRASE_GAP",
    "Batch",
    "Certificate",
    "CertificateLevel",
    "FilingStatus",
    "Gender",
    "Level",
    "Org",
    "OrgAgreement",
    "OrgFiling",
    "OrgFilingEvent",
    "OrgNotice",
    "OrgStatus",
    "OrgType",
    "Standard",
    "UnauthorizedPhrase",
    "letter_upload_to",
    "level_sort_key",
    "specialty_lines",
    "standard_upload_to",
    "validate_standard_content",
]
