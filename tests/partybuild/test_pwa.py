"""The installable app (docs/offline.md): the manifest and icons, the service worker served at the site root
under the strict policy, every file it precaches being one the site serves, and the pages linking both."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.partybuild.test_csp import EXPECTED
from tests.partybuild.test_csp import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker() -> str:
    if not settings.SERVICE_WORKER_FILE.exists():
        pytest.fail(f"{settings.SERVICE_WORKER_FILE} is missing: `make assets` builds the service worker")
    return settings.SERVICE_WORKER_FILE.read_text()


def test_the_manifest_names_the_app_in_chinese_with_its_icons():
    with open(finders.find("pwa/manifest.webmanifest"), encoding="utf-8") as file:
        manifest = json.load(file)
    assert (manifest["name"], manifest["scope"], manifest["start_url"]) == ("党建管理", "/", "/")
    assert manifest["short_name"] and manifest["theme_color"].startswith("#")
    for icon in manifest["icons"]:
        assert finders.find(f"pwa/{icon['src']}"), icon
        assert icon["type"] == "image/svg+xml"


def test_the_service_worker_is_served_at_the_root_to_anyone_under_the_strict_policy(worker):
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert policy(response) == EXPECTED
    assert response.content.decode() == worker


def test_every_file_the_service_worker_precaches_is_served(worker):
    urls = re.findall(r'url:"([^"]+)"', worker)
    assert "/static/css/partybuild.css" in urls and "/static/vendor/idb/umd.js" in urls
    static = [url for url in urls if url.startswith(settings.STATIC_URL)]
    missing = [url for url in static if not finders.find(url.removeprefix(settings.STATIC_URL))]
    assert not missing, "workbox-config.cjs serves these from the wrong place"
    pages = [url for url in urls if url not in static]
    assert pages == ["/offline/"]
    assert all(Client().get(url).status_code == 200 for url in pages)


def test_the_offline_page_says_so_in_the_users_language_and_links_to_the_pages_kept():
    body = Client(headers={"accept-language": "zh-hans"}).get("/offline/").content.decode()
    assert "网络未连接" in body and 'href="/people/visits/new/"' in body


def test_the_service_worker_loads_nothing_from_a_cdn(worker):
    assert "workbox-cdn" not in worker and "importScripts" in worker
    for script in re.findall(r"importScripts\(([^)]*)\)", worker):
        assert all(name.strip('"').startswith("/static/") for name in script.split(",")), script


def test_without_the_built_worker_the_answer_is_a_404(settings, tmp_path):
    settings.SERVICE_WORKER_FILE = tmp_path / "sw.js"
    assert Client().get("/sw.js").status_code == 404


def test_every_page_links_the_manifest_and_the_offline_script(world):
    client = Client()
    client.force_login(world.users["secretary_a1"])
    page = client.get(reverse("home")).content.decode()
    assert 'rel="manifest"' in page
    assert 'id="offline-script"' in page and f'data-user="{world.users["secretary_a1"].pk}"' in page
    assert 'id="offline-status"' in page


def test_the_offline_page_holds_nothing_of_the_user_it_was_fetched_for(world):
    client = world.page_client("secretary_a1")
    body = client.get("/offline/").content.decode()
    assert world.users["secretary_a1"].username not in body and 'id="site-nav"' not in body
