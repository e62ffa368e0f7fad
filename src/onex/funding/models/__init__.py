from onex.funding.models.funds import (
    SPECIAL_SOURCES,
    ZERO,
    Allocation,
    AllocationEvent,
    AllocationStatus,
    Expenditure,
    ExpenditureCategory,
    FundSource,
    ProhibitedUse,
    Settlement,
    SettlementEvent,
    SettlementStatus,
)

__all__ = [
    "SPECIAL_SOURCES",
    "ZERO",
    "Allocation",
    "AllocationEvent",
    "AllocationStatus",
    "Expenditure",
    "ExpenditureCategory",
    "FundSource",
    "ProhibitedUse",
    "Settlement",
    "SettlementEvent",
    "SettlementStatus",
]
