"""The website in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`)
driven by selenium, on the small survey's site served over HTTP from a temporary folder.
Searching lists a title and opens its page, the language switch keeps the work, no page logs a
console error, axe-core finds no serious or critical accessibility violation, and screenshots
of the home and a work page (desktop and phone) are kept in tests/artifacts/. Skipped, with the
reason, where there is no browser."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest

from survey_kg.load import load, turtle_files
from survey_kg.paths import Survey
from survey_kg.site import write_site
from tests.conftest import FIXTURES, ROOT, SMALL

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if CHROMIUM is None or DRIVER is None:
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium "
                "chromium-driver), which are not installed", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ready  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

AXE = FIXTURES / "site" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
WORK = "paper/2303.03378.html"
TITLE = "PaLM-E: An Embodied Multimodal Language Model"
PAGES = ["", WORK, "work/openai-sora.html", "person/danny-driess.html",
         "organization/openai-research-team.html", "category/world-models.html", "venue/iclr.html",
         "venues.html"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The small survey's site, served at http://127.0.0.1:PORT/ (as a static host would)."""
    folder = tmp_path_factory.mktemp("browser") / "site"
    write_site(load(turtle_files([SMALL / "data"])), Survey(SMALL), folder)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + str(tmp_path_factory.mktemp("chromium-profile")))
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(DRIVER), options=options)
    driver.set_window_size(1280, 900)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def _wait(driver, condition, timeout: float = 20):
    return WebDriverWait(driver, timeout).until(condition)


def _errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _search(driver, text: str) -> list:
    box = _wait(driver, ready.visibility_of_element_located((By.ID, "search")))
    box.clear()
    box.send_keys(text)
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".results a"))
    return driver.find_elements(By.CSS_SELECTOR, ".results a")


def test_typing_a_title_lists_it_and_the_result_opens_its_page(browser, site_url):
    browser.get(site_url)
    results = _search(browser, TITLE)
    assert TITLE in [a.text for a in results]
    next(a for a in results if a.text == TITLE).click()
    _wait(browser, ready.url_to_be(site_url + WORK))
    assert browser.find_element(By.TAG_NAME, "h1").text == TITLE
    assert _errors(browser) == []


def test_an_author_and_a_chinese_word_are_found(browser, site_url):
    """Authors are indexed; on a Chinese page its Chinese one-liners are, word by word (the
    extended Pagefind segments Chinese)."""
    browser.get(site_url + "category/world-models.html")
    assert TITLE in [a.text for a in _search(browser, "Danny Driess")]
    browser.get(site_url + "zh/")
    results = _search(browser, "具身智能")  # a word inside PaLM-E's Chinese one-liner
    assert TITLE in [a.text for a in results]
    assert all("/zh/" in a.get_attribute("href") for a in results)
    assert _errors(browser) == []


def test_the_language_switch_keeps_you_on_the_same_work(browser, site_url):
    browser.get(site_url + WORK)
    english = json.loads(browser.find_element(
        By.CSS_SELECTOR, 'script[type="application/ld+json"]').get_attribute("textContent"))
    browser.find_element(By.CSS_SELECTOR, '.switch a[hreflang="zh"]').click()
    _wait(browser, ready.url_to_be(site_url + "zh/" + WORK))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"
    chinese = json.loads(browser.find_element(
        By.CSS_SELECTOR, 'script[type="application/ld+json"]').get_attribute("textContent"))
    assert chinese["@graph"][0]["@id"] == english["@graph"][0]["@id"]
    assert "将真实世界传感输入嵌入" in browser.find_element(By.CSS_SELECTOR, ".lead").text
    browser.find_element(By.CSS_SELECTOR, '.switch a[hreflang="en"]').click()
    _wait(browser, ready.url_to_be(site_url + WORK))
    assert _errors(browser) == []


def test_no_page_logs_a_console_error(browser, site_url):
    browser.get_log("browser")  # what earlier tests left
    for lang in ("", "zh/"):
        for page in PAGES:
            browser.get(site_url + lang + page)
            assert browser.find_element(By.TAG_NAME, "h1").text
            assert _errors(browser) == [], lang + page


def test_the_bibtex_copy_button_copies_it(browser, site_url):
    browser.get(site_url + WORK)
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": site_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    button = _wait(browser, ready.visibility_of_element_located((By.CSS_SELECTOR, "button.copy")))
    button.click()
    _wait(browser, lambda d: button.text == "Copied")
    copied = browser.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('error: ' + e))")
    assert copied.startswith("@inproceedings{2303.03378,")
    assert _errors(browser) == []


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_axe_finds_no_serious_violation(browser, site_url, lang):
    """axe-core (vendored: tests/fixtures/site/) on every kind of page, desktop and phone."""
    axe = AXE.read_text(encoding="utf-8")
    found = {}
    for width in (1280, 390):
        browser.set_window_size(width, 900)
        for page in PAGES:
            browser.get(site_url + lang + page)
            browser.execute_script(axe)
            result = browser.execute_async_script(
                "axe.run(document, {resultTypes: ['violations']}).then(r => arguments[0](r.violations))")
            serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                       for v in result if v["impact"] in ("serious", "critical")]
            if serious:
                found[f"{width}px {lang}{page}"] = serious
    browser.set_window_size(1280, 900)
    assert found == {}


def test_screenshots_of_home_and_a_work_page(browser, site_url):
    """Kept in tests/artifacts/ (git-ignored) for a reader to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    shots = []
    for name, width, page in (("home", 1280, ""), ("work", 1280, WORK),
                              ("home-phone", 390, ""), ("work-phone", 390, WORK),
                              ("work-zh", 1280, "zh/" + WORK)):
        browser.set_window_size(width, 900)
        browser.get(site_url + page)
        path = ARTIFACTS / f"site-{name}.png"
        assert browser.save_screenshot(str(path))
        shots.append(path)
    browser.set_window_size(1280, 900)
    assert all(path.stat().st_size > 10_000 for path in shots)
