#!/usr/bin/python3
"""kimflowd's web pages in a real browser: Debian's Chromium through chromium-driver and Selenium.

Starts `kimflowd --demo` on a free port of 127.0.0.1 in a folder of its own, then works as a
Caritas case manager (cases, Wiedervorlagen, a new case, consent, a refusal, an AWO case that
stays invisible, one event by keyboard alone, a page that became stale, a script in a text field
shown as text), as the Sitzungsdienst (the Beschlusskontrolle report, a paper) and as the Kreis
coordinator (the KIM figures, their CSV parsed as German Excel would). Every page visited is
checked with axe-core (WCAG 2.1 A and AA): no serious or critical violation. Screenshots go to
the folder given as --out.

Usage: browser_test.py --kimflowd PATH --axe PATH/axe.min.js --out FOLDER
"""
import argparse
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ARGS = None
WAIT = 15  # seconds any one thing may take to appear


class Demo:
    """kimflowd --demo in a temporary folder: its address and its printed log-ins."""

    def __init__(self, kimflowd, folder):
        self.log = open(os.path.join(folder, 'kimflowd.log'), 'w+')
        self.process = subprocess.Popen(
            [kimflowd, '--demo', os.path.join(folder, 'demo.db'), '--listen', '127.0.0.1:0'],
            stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=folder)
        self.url, self.logins = None, []
        deadline = time.monotonic() + 60
        lines, in_table = [], False
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r'(https?://127\.0\.0\.1:\d+/)', line)
            if found and not self.url:
                self.url = found.group(1)
            if re.match(r'^-+ ', line):
                in_table = True
                continue
            if in_table:
                if not line.strip():
                    break
                cells = re.split(r'\s{2,}', line.strip())
                self.logins.append({'name': cells[0], 'password': cells[1], 'role': cells[2], 'organization': cells[3]})
        if not self.url or not self.logins:
            self.stop()
            raise RuntimeError('kimflowd --demo did not print its address and log-ins:\n' + ''.join(lines))

    def login(self, role, organization=''):
        for l in self.logins:
            if l['role'] == role and organization.lower() in l['organization'].lower():
                return l
        raise LookupError(f'no demo log-in with role {role} of {organization!r}: {self.logins}')

    def token(self, login):
        """An API token of @p login (the way a script logs in)."""
        return self.call('POST', 'api/v1/session', body={'name': login['name'], 'password': login['password']})['token']

    def call(self, method, path, body=None, token=None, headers=None, raw=False):
        request = urllib.request.Request(self.url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header('Content-Type', 'application/json')
        if token:
            request.add_header('Authorization', 'Bearer ' + token)
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        with urllib.request.urlopen(request, timeout=10) as answer:
            data = answer.read()
            return data if raw else json.loads(data or b'null')

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Pages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix='kimflow-web-')
        cls.demo = Demo(ARGS.kimflowd, cls.folder)
        options = webdriver.ChromeOptions()
        options.binary_location = ARGS.chromium
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                    '--window-size=1280,1000', '--lang=de-DE', '--disable-extensions',
                    '--user-data-dir=' + os.path.join(cls.folder, 'chromium')):
            options.add_argument(arg)
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        options.add_experimental_option('prefs', {'intl.accept_languages': 'de-DE,de'})
        # German dates in the date fields, as a German desktop shows them.
        german = dict(os.environ, LANG='de_DE.UTF-8', LANGUAGE='de')
        cls.driver = webdriver.Chrome(service=Service(ARGS.chromedriver, env=german), options=options)
        cls.driver.set_page_load_timeout(30)
        cls.driver.set_script_timeout(30)
        with open(ARGS.axe, encoding='utf-8') as f:
            cls.axe_source = f.read()
        os.makedirs(ARGS.out, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.demo.stop()
        shutil.rmtree(cls.folder, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    @property
    def d(self):
        return self.driver

    def wait_for(self, css, text=None):
        wait = WebDriverWait(self.d, WAIT)
        try:
            if text is None:
                return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))
            wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
            return self.d.find_element(By.CSS_SELECTOR, css)
        except TimeoutException:
            self.fail(f'{css!r} {"with " + repr(text) if text else ""} did not appear; the page says:\n'
                      + self.d.find_element(By.TAG_NAME, 'body').text[:3000] + '\nbrowser log: '
                      + json.dumps(self.d.get_log('browser'))[:3000])

    def go(self, fragment, css):
        self.d.get(self.demo.url + fragment)
        return self.wait_for(css)

    def main_text(self):
        return self.d.find_element(By.ID, 'main').text

    def log_in(self, login):
        self.d.delete_all_cookies()
        self.d.get(self.demo.url)
        self.wait_for('#login-name').send_keys(login['name'])
        self.d.find_element(By.ID, 'login-password').send_keys(login['password'])
        self.d.find_element(By.CSS_SELECTOR, 'form.login button[type=submit]').click()
        self.wait_for('#who button')

    def screenshot(self, name, height=None):
        if height:
            self.d.set_window_size(1280, height)
        self.d.save_screenshot(os.path.join(ARGS.out, name + '.png'))
        if height:
            self.d.set_window_size(1280, 1000)

    def check_accessible(self, what):
        """axe-core on the page as it is: no serious or critical violation of WCAG 2.1 A/AA."""
        if not self.d.execute_script('return typeof window.axe !== "undefined"'):
            self.d.execute_script(self.axe_source)
        found = json.loads(self.d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
              .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))))
              .catch(e => done(JSON.stringify([{id: 'axe-failed', impact: 'critical', help: String(e), nodes: []}])));"""))
        bad = [v for v in found if v['impact'] in ('serious', 'critical')]
        for v in found:
            if v not in bad:
                print(f'axe ({what}): {v["impact"]} {v["id"]}: {v["help"]} {v["nodes"]}', file=sys.stderr)
        self.assertEqual(bad, [], f'accessibility violations on {what}')

    def fill(self, form, field, text):
        control = self.d.find_element(By.CSS_SELECTOR, f'#{form}-form [name="{field}"], #{form} [name="{field}"]')
        control.clear()
        control.send_keys(text)

    def set_value(self, css, value):
        # Date inputs take typed digits in the browser's locale order; set the value as a
        # date picker would.
        self.d.execute_script('const e = document.querySelector(arguments[0]); e.value = arguments[1];', css, value)

    def submit(self, form):
        self.d.find_element(By.CSS_SELECTOR, f'#{form} button[type=submit]').click()

    # ------------------------------------------------------------------ the tests

    def test_case_manager_works_a_case_without_kimctl(self):
        caritas = self.demo.login('case_manager', 'caritas')
        awo = self.demo.login('case_manager', 'awo')
        awo_cases = [c['id'] for c in self.demo.call('GET', 'api/v1/cases', token=self.demo.token(awo))]
        self.assertTrue(awo_cases, 'the demo has AWO cases')

        self.d.get(self.demo.url)
        self.wait_for('#login-name')
        self.check_accessible('the log-in page')
        self.log_in(caritas)
        self.wait_for('#followups-overdue')
        self.assertIn('Wiedervorlagen', self.main_text())
        due_rows = self.d.find_elements(By.CSS_SELECTOR, '#followups-overdue tbody tr th a, #followups-week tbody tr th a')
        self.assertTrue(due_rows, 'the demo has Wiedervorlagen due this week or overdue for Caritas')
        self.check_accessible('the case manager\'s start page')
        # The skip link moves the focus to the content and leaves the page as it is.
        self.d.find_element(By.TAG_NAME, 'body').click()
        self.tab_to(self.d.find_element(By.CSS_SELECTOR, '.skip-link'))
        self.d.switch_to.active_element.send_keys(Keys.ENTER)
        self.assertEqual(self.d.switch_to.active_element, self.d.find_element(By.ID, 'main'))
        self.assertIn('Wiedervorlagen', self.main_text())
        self.screenshot('start-case-manager', 1600)
        # A demo case with its history: the page the README shows.
        due_case = due_rows[0].text
        due_rows[0].click()
        self.wait_for('#history')
        self.assertIn(due_case, self.d.find_element(By.TAG_NAME, 'h1').text)
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, '.diagram g.node.current'))
        self.check_accessible('a demo case\'s page')
        self.screenshot('case-page', 2400)
        # No AWO case on the page, and an AWO case's page is the page of a case that does not exist.
        for case in awo_cases:
            self.assertNotIn(case, self.main_text())
        self.go('#/fall/' + urllib.parse.quote(awo_cases[0], safe=''), 'h1')
        self.wait_for('#main .message-error', 'gibt es nicht')

        # A new case, through the form the `open` event's fields make.
        case_id = 'WEB-' + str(int(time.time()))
        self.go('#/', '#new-case-form')
        self.fill('new-case', 'id', case_id)
        self.fill('new-case', 'kommune', 'Castrop-Rauxel')
        self.fill('new-case', 'traeger', 'Caritas')
        self.submit('new-case-form')
        self.wait_for('#state')
        self.assertIn(case_id, self.d.find_element(By.TAG_NAME, 'h1').text)

        # A refusal: a Wiedervorlage in the past; the engine's reason is shown beside the form.
        self.set_value('#ev-follow_up-form [name="date"]', '2020-01-06')
        self.submit('ev-follow_up-form')
        refusal = self.wait_for('#ev-follow_up-result .message-error')
        self.assertIn('Abgelehnt', refusal.text)
        self.assertIn('2020-01-06', refusal.text)

        # Consent, with a script in its purpose: stored and shown as text, never run.
        payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
        self.fill('ev-grant_consent', 'recipients', 'Jobcenter Kreis Recklinghausen, Jugendamt Castrop-Rauxel')
        self.fill('ev-grant_consent', 'purpose', 'Sprachkurs ' + payload)
        version = self.version_shown()
        self.submit('ev-grant_consent-form')
        self.wait_for_version(version + 1)
        self.wait_for('#main .message-info', 'gespeichert')
        self.assertIn('Sprachkurs ' + payload, self.main_text())
        self.assertIsNone(self.d.execute_script('return window.__xss'))
        self.assertEqual(self.d.find_elements(By.CSS_SELECTOR, '#main img'), [])
        self.assertIn('Jugendamt Castrop-Rauxel', self.main_text())

        # One event by keyboard alone: Tab to the Träger's field of `assign`, type, Tab to its
        # button, Enter.
        version = self.version_shown()
        body = self.d.find_element(By.TAG_NAME, 'body')
        body.click()
        target = self.d.find_element(By.CSS_SELECTOR, '#ev-assign-form [name="manager"]')
        self.tab_to(target)
        outline = self.d.execute_script('return getComputedStyle(document.activeElement).outlineStyle')
        self.assertNotEqual(outline, 'none', 'the focused field shows where the focus is')
        self.d.switch_to.active_element.send_keys('cm-caritas-web')
        self.tab_to(self.d.find_element(By.CSS_SELECTOR, '#ev-assign-form button[type=submit]'))
        self.d.switch_to.active_element.send_keys(Keys.ENTER)
        self.wait_for_version(version + 1)
        self.assertIn('cm-caritas-web', self.d.find_element(By.ID, 'history').text)

        # The diagram marks where the case is.
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, '.diagram g.node.current'))
        self.check_accessible('the page of a new case')
        self.screenshot('new-case', 2400)

        # A page that became stale: another client fires meanwhile; the form does not overwrite.
        token = self.demo.token(caritas)
        self.demo.call('POST', f'api/v1/cases/{urllib.parse.quote(case_id, safe="")}/events/follow_up',
                       body={'date': self.today(), 'subject': 'Rückruf Jobcenter'}, token=token)
        self.fill('ev-assign', 'manager', 'cm-caritas-other')
        self.submit('ev-assign-form')
        stale = self.wait_for('#ev-assign-result .message-warning')
        self.assertIn('veraltet', stale.text)
        self.d.find_element(By.CSS_SELECTOR, '#ev-assign-result button').click()
        self.wait_for('#history', 'Rückruf Jobcenter')
        self.assertNotIn('cm-caritas-other', self.main_text())

        # The Wiedervorlage set today is on the start page's list of this week.
        self.go('#/', '#followups-week')
        self.assertIn(case_id, self.d.find_element(By.ID, 'followups-week').text)

    def tab_to(self, element, limit=200):
        for _ in range(limit):
            if self.d.switch_to.active_element == element:
                return
            self.d.switch_to.active_element.send_keys(Keys.TAB)
        self.fail('the element cannot be reached with the Tab key')

    def wait_for_version(self, version):
        """Waits until the page shows @p version (the page is rebuilt after a write)."""
        try:
            WebDriverWait(self.d, WAIT, ignored_exceptions=[StaleElementReferenceException, AttributeError]).until(
                lambda _: self.version_shown() == version)
        except TimeoutException:
            self.fail(f'the page did not come to version {version}; it says:\n' + self.main_text()[:3000])

    def version_shown(self):
        return int(re.search(r'Version (\d+)', self.d.find_element(By.ID, 'state').text).group(1))

    def today(self):
        return self.d.execute_script(
            "return new Intl.DateTimeFormat('en-CA', {timeZone: 'Europe/Berlin'}).format(new Date())")

    def test_sitzungsdienst_reads_the_beschlusskontrolle(self):
        self.log_in(self.demo.login('sitzungsdienst'))
        self.wait_for('#answers-overdue')
        self.assertIn('Beschlusskontrolle', self.main_text())
        self.check_accessible('the Sitzungsdienst\'s start page')
        self.go('#/beschlusskontrolle', '.committee table')
        statuses = {e.text for e in self.d.find_elements(By.CSS_SELECTOR, '.status')}
        self.assertGreaterEqual(len(statuses), 2, f'several statuses, each in words: {statuses}')
        for s in statuses:
            self.assertRegex(s, r'[A-Za-zÄÖÜäöüß]{4,}', 'a status is a word, not a colour')
        self.check_accessible('the Beschlusskontrolle report')
        self.screenshot('beschlusskontrolle', 1400)
        self.go('#/drucksache/' + urllib.parse.quote('14/1923', safe=''), '#state')
        self.assertIn('Zur Kenntnis genommen', self.d.find_element(By.ID, 'state').text)
        self.check_accessible('the page of paper 14/1923')

    def test_coordinator_downloads_the_figures_for_german_excel(self):
        self.log_in(self.demo.login('kreis_coordinator'))
        self.wait_for('#cases-by-traeger')
        traeger = self.d.find_element(By.ID, 'cases-by-traeger').text
        self.assertIn('Caritas', traeger)
        self.assertIn('AWO', traeger)
        self.check_accessible('the coordinator\'s start page')
        self.go('#/kennzahlen?von=2020-01-01&bis=' + self.today(), '#chart-cases')
        self.check_accessible('the KIM figures')
        href = self.d.find_element(By.ID, 'download-csv').get_attribute('href')
        cookies = '; '.join(f'{c["name"]}={c["value"]}' for c in self.d.get_cookies())
        data = self.demo.call('GET', href[len(self.demo.url):], headers={'Cookie': cookies}, raw=True)
        self.assertTrue(data.startswith(b'\xef\xbb\xbf'), 'UTF-8 with BOM')
        rows = list(csv.reader(io.StringIO(data[3:].decode('utf-8'), newline=''), delimiter=';'))
        self.assertGreater(len(rows), 1)
        self.assertGreater(len(rows[0]), 5, f'columns, not one: {rows[0]}')
        for row in rows:
            self.assertEqual(len(row), len(rows[0]), row)
        for row in rows[1:]:
            for cell in row:
                self.assertNotRegex(cell, r'^-?\d+\.\d+$', 'numbers with a decimal comma, as German Excel reads them')


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument('--kimflowd', required=True)
    parser.add_argument('--axe', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    ARGS, rest = parser.parse_known_args()
    for what, path in (('axe-core (npm ci --prefix tests/web)', ARGS.axe), ('Chromium', ARGS.chromium),
                       ('chromium-driver', ARGS.chromedriver), ('kimflowd', ARGS.kimflowd)):
        if not os.path.exists(path):
            print(f'browser_test.py: {what} is missing at {path}; install it as README.md says', file=sys.stderr)
            return 2
    result = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2).result
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
