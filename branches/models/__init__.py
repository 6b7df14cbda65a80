from .accounts import AccountSecurity
from .accounts import CountySecurityPolicy
from .accounts import PasswordHistory
from .exports import ExportJob
from .exports import ExportState
from .idempotency import IdempotencyKey
from .imports import ImportJob
from .jobs import JobState
from .records import DEMOCRATIC_REVIEW_KINDS
from .records import ActivityRoom
from .records import DisclosurePeriod
from .records import FinancialDisclosure
from .records import InvestmentSource
from .records import ReviewKind
from .records import ReviewRecord
from .records import RoomInvestment
from .records import StandardizedRoomTarget
from .tree import ALLOWED_PARENT_KINDS
from .tree import BRANCH_KINDS
from .tree import COMMITTEE_KINDS
from .tree import COMMITTEE_OR_COUNTY_KINDS
from .tree import RURAL_FIELDS
from .tree import Organization
from .tree import OrganizationField
from .tree import OrganizationKind
from .tree import SecurityEvent
from .tree import SecurityEventKind
from .tree import StaffRole

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
