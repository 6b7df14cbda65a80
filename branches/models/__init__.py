from .accounts import AccountSecurity, CountySecurityPolicy, PasswordHistory
from .exports import ExportJob, ExportState
from .idempotency import IdempotencyKey
from .imports import ImportJob
from .jobs import JobState
from .records import (
    DEMOCRATIC_REVIEW_KINDS,
    ActivityRoom,
    DisclosurePeriod,
    FinancialDisclosure,
    InvestmentSource,
    ReviewKind,
    ReviewRecord,
    RoomInvestment,
    StandardizedRoomTarget,
)
from .tree import (
    ALLOWED_PARENT_KINDS,
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    COMMITTEE_OR_COUNTY_KINDS,
    RURAL_FIELDS,
    Organization,
    OrganizationField,
    OrganizationKind,
    SecurityEvent,
    SecurityEventKind,
    StaffRole,
)

__all__ = [
    "ExportJob",
    "ExportState",
    "IdempotencyKey",
    "ImportJob",
    "JobState",
    "AccountSecurity",
    "CountySecurityPolicy",
    "PasswordHistory",
    "ALLOWED_PARENT_KINDS",
    "BRANCH_KINDS",
    "COMMITTEE_KINDS",
    "COMMITTEE_OR_COUNTY_KINDS",
    "DEMOCRATIC_REVIEW_KINDS",
    "RURAL_FIELDS",
    "ActivityRoom",
    "DisclosurePeriod",
    "FinancialDisclosure",
    "InvestmentSource",
    "Organization",
    "OrganizationField",
    "OrganizationKind",
    "ReviewKind",
    "ReviewRecord",
    "RoomInvestment",
    "SecurityEvent",
    "SecurityEventKind",
    "StaffRole",
    "StandardizedRoomTarget",
]
