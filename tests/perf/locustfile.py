"""The load test's users (docs/scale.md): township and county staff reading dashboards and lists, and village
secretaries entering visits from a phone, each with its own API token.

API tokens come from ``LOAD_TOKENS`` ("token:kind,..." with kind county|township|secretary), made by the
test beforehand: the token endpoint is rate-limited per address, and logging in is not what is measured.
Run by tests/perf/test_load.py.
"""

import os
import random
import uuid

from locust import HttpUser
from locust import between

YEAR = int(os.environ.get("LOAD_YEAR", "2026"))


def tokens(kind: str) -> list[str]:
    entries = (entry.split(":") for entry in os.environ["LOAD_TOKENS"].split(","))
    return [token for token, of_kind in entries if of_kind == kind]


class ApiUser(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {random.choice(tokens(self.kind))}"
        organizations = self.client.get("/api/v1/organizations/", params={"page_size": 200}).json()["results"]
        self.committees = [o["id"] for o in organizations if o["kind"] != "branch"] or [
            organizations[0]["id"]
        ]
        self.branches = [o["id"] for o in organizations if o["kind"] == "branch"]

    def dashboard(self):
        self.client.get(
            "/api/v1/dashboard/",
            params={"organization": random.choice(self.committees), "year": YEAR},
            name="/api/v1/dashboard/",
        )

    def member_list(self):
        ordering = random.choice(["name", "-joined_on", "branch__path"])
        query = {"page_size": 20, "ordering": ordering}
        self.client.get("/api/v1/members/", params=query, name="/api/v1/members/")

    def quota_results(self):
        self.client.get(
            "/api/v1/quota-results/",
            params={"year": YEAR, "page_size": 50, "met": "false"},
            name="/api/v1/quota-results/",
        )


class StaffUser(ApiUser):
    kind = "township"
    weight = 3
    tasks = {ApiUser.dashboard: 3, ApiUser.member_list: 2, ApiUser.quota_results: 1}


class CountyUser(ApiUser):
    kind = "county"
    weight = 1
    tasks = {ApiUser.dashboard: 2, ApiUser.quota_results: 1}


class SecretaryUser(ApiUser):
    kind = "secretary"
    weight = 2

    def record_visit(self):
        household = f"负载测试户{uuid.uuid4().hex[:8]}"
        self.client.post("/api/v1/visits/", json={"household_name": household}, name="/api/v1/visits/ (POST)")

    def own_visits(self):
        self.client.get("/api/v1/visits/", params={"page_size": 20}, name="/api/v1/visits/")

    tasks = {record_visit: 3, own_visits: 2, ApiUser.member_list: 1}
