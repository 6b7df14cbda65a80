from .quotas import Alert, AlertKind, QuotaPolicy, QuotaPublication, QuotaResult, QuotaRun, RunState

__all__ = ["Alert", "AlertKind", "QuotaPolicy", "QuotaPublication", "QuotaResult", "QuotaRun", "RunState"]
