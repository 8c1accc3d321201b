"""The web console (管理后台) in a real headless Chromium, against a real
countyd on 127.0.0.1 and a real kiosk sync (docs/CONSOLE.md).

Run by tests/console_browser.sh; by hand:
    BIN=bin KIOSK_TEST_TMP=$(mktemp -d) /usr/bin/python3 tests/console/browser.py [--shots DIR]

What it holds the console to:
  * a drafter logs in with a first password, must change it, drafts an item
    with a table and an image (uploaded through the drop zone), sees the
    preview PNGs countyd rendered with bin/kiosk; a second account reviews
    it, a third approves and publishes it; the syncing kiosk's store has it;
  * wrong CSRF token, expired session, the sixth wrong password, a password
    over plain HTTP from an address other than 127.0.0.1: refused; HTTPS
    from a certificate made here with openssl works and sets a Secure cookie;
  * every page: no console errors, no request to any host but countyd;
  * 概览: 截图 asked for a kiosk, the real bin/kiosk (headless, syncing)
    sends it, the thumbnail shows it with its time, a click full size;
  * screenshots of every page (1366x768, and the overview on a phone).
  * 统计: views a kiosk reported by day drawn per day and per month, and the
    CSV export carrying each item's views by date;
  * roles and organisations (issue 10) through the console's sessions: the
    reviewer cannot approve the version they reviewed; a township's account
    sees its own township's items and not another's (403 when it asks).
"""
import http.client
import http.cookiejar
import csv
import datetime
import json
import os
import re
import shutil
import signal
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BIN = os.environ.get("BIN", "bin")
T = os.environ.get("KIOSK_TEST_TMP") or subprocess.check_output(["mktemp", "-d"], text=True).strip()
SHOTS = sys.argv[sys.argv.index("--shots") + 1] if "--shots" in sys.argv else os.path.join(T, "shots")
START = time.monotonic()
procs = []


def fail(msg):
    print("FAIL:", msg)
    for log in ("countyd.log", "sync.log", "countyd-tls.log"):
        path = os.path.join(T, log)
        if os.path.exists(path):
            print("--- " + log)
            print("".join(open(path, encoding="utf-8", errors="replace").readlines()[-15:]))
    raise SystemExit(1)


def ok(msg):
    print("ok   %-62s %5.1f s" % (msg, time.monotonic() - START))


def wait_for(what, fn, timeout=30):
    """Polls fn() until it returns something true; fails after timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    fail("timed out waiting for " + what)


# ---- the server ------------------------------------------------------------


def countyd_start(name, extra=()):
    log = os.path.join(T, name + ".log")
    # The default --max-wait: a kiosk takes long-polls cut much shorter than
    # it asked for as a proxy's doing and waits before asking again.
    p = subprocess.Popen([BIN + "/countyd", "--db", os.path.join(T, "county.db"), "--listen", "127.0.0.1:0", *extra],
                         stderr=open(log, "w"), stdout=subprocess.DEVNULL)
    procs.append(p)

    def port():
        m = re.search(r"listening on .*\(port (\d+)\)", open(log, encoding="utf-8").read())
        return m and int(m.group(1))
    return wait_for("countyd to listen", port, 15)


def countyd_admin(name, roles, org="root"):
    db = os.path.join(T, "county.db")
    out = subprocess.check_output([BIN + "/countyd", "--db", db, "--add-admin", name, "--roles", roles, "--org", org],
                                  text=True)
    token = out.splitlines()[1].strip()
    out = subprocess.check_output([BIN + "/countyd", "--db", db, "--console-password", name], text=True)
    return token, out.splitlines()[1].strip()


class Client:
    """An HTTP client with its own cookie jar, as a second browser would be."""

    def __init__(self, base, context=None, source=None):
        self.base, self.csrf = base, ""
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if context:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        self.source = source

    def call(self, method, path, body=None, csrf=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if method != "GET":
            req.add_header("X-CSRF-Token", self.csrf if csrf is None else csrf)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, json.loads(r.read() or b"{}"), r.headers
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}"), e.headers

    def login(self, name, password):
        status, doc, headers = self.call("POST", "/console/api/login", {"name": name, "password": password})
        if status == 200:
            self.csrf = doc["csrf"]
        return status, doc, headers


def post_from(address, port, path, body):
    """A POST whose connection comes from `address` (another loopback address)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, json.loads(r.read() or b"{}")


# ---- the browser -------------------------------------------------------------


def browser():
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768",
              "--lang=zh-CN", "--no-first-run", "--disable-extensions", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-default-apps", "--user-data-dir=" +
              os.path.join(T, "chromium")):
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


class Console:
    def __init__(self, driver, base):
        self.d, self.base = driver, base
        self.wait = WebDriverWait(driver, 30)

    def find(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def click(self, css):
        self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, css))).click()

    def typein(self, css, text):
        e = self.find(css)
        e.clear()
        e.send_keys(text)

    def text_appears(self, text, css="main"):
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def toast(self, text):
        self.text_appears(text, "#toast")

    def go(self, page, heading):
        self.d.get(self.base + "/console/#/" + page)
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), heading))

    def login(self, name, password):
        self.d.get(self.base + "/console/")
        self.typein("#login-name", name)
        self.typein("#login-password", password)
        self.click("#login-submit")

    def change_password(self, old, new):
        self.text_appears("首次登录，请修改密码")
        self.typein("#pw-old", old)
        self.typein("#pw-new", new)
        self.typein("#pw-again", new)
        self.click("#pw-submit")
        self.text_appears("概览", "main h1")

    def logout(self):
        self.click("#logout")
        self.find("#login-form")

    def shot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        self.d.execute_script("document.getElementById('toast').hidden = true")
        self.d.save_screenshot(os.path.join(SHOTS, name + ".png"))

    def check_clean(self, page):
        """No console errors and no request to a host other than countyd since the last call."""
        errors = [e["message"] for e in self.d.get_log("browser") if e["level"] == "SEVERE"]
        if errors:
            fail(page + ": browser console errors: " + "; ".join(errors))
        for entry in self.d.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") != "Network.requestWillBeSent":
                continue
            url = msg["params"]["request"]["url"]
            if url.startswith(("chrome:", "about:")):
                continue  # the browser's own start page, not the console's
            if not (url.startswith(self.base + "/") or url.startswith("blob:" + self.base) or url.startswith("data:")):
                fail(page + ": a request to another host: " + url)


def kiosk_store_has(db, item_id):
    if not os.path.exists(db):
        return False
    try:
        con = sqlite3.connect("file:" + db + "?mode=ro", uri=True, timeout=5)
        n = con.execute("SELECT count(*) FROM items WHERE id = ? AND deleted = 0", (item_id,)).fetchone()[0]
        con.close()
        return n == 1
    except sqlite3.Error:
        return False


def main():
    os.makedirs(T, exist_ok=True)
    tokens, passwords = {}, {}
    # 县委组织部: a drafter, a reviewer who may also approve, an approver who manages.
    for name, roles in (("zhang", "draft"), ("li", "review,approve"), ("wang", "draft,review,approve,manage")):
        tokens[name], passwords[name] = countyd_admin(name, roles)
    port = countyd_start("countyd")
    base = "http://127.0.0.1:%d" % port
    env = dict(os.environ, KIOSKCTL_SERVER=base, KIOSKCTL_TOKEN=tokens["wang"])
    for org, name, short in (("qinghe", "中共青禾镇委员会", "青禾镇"), ("baishi", "中共白石镇委员会", "白石镇")):
        subprocess.run([BIN + "/kioskctl", "org-add", org, "--name", name, "--short", short, "--parent", "root"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
    tokens["qh"], passwords["qh"] = countyd_admin("qh", "draft,review", "qinghe")

    # The county's catalog and one published item, sent the usual way.
    content = os.path.join(T, "content")
    os.makedirs(content)
    with open(os.path.join(content, "catalog.txt"), "w", encoding="utf-8") as f:
        f.write("dec | 党组织决议、决定及执行情况 | decision | 1\n  dec-meet | 党员大会决议\n"
                "fin | 党费收缴、使用和管理情况 | finance | 2\n")
    with open(os.path.join(content, "plan.txt"), "w", encoding="utf-8") as f:
        f.write("category: dec\ntitle: 2026年党建工作要点\npublished: 2026-01-05 09:00\nperiod: 长期\nscope: 社会\n\n"
                "一、加强政治建设。\n二、加强组织建设。\n")
    # Two people per version: wang drafts and reviews, li approves and publishes.
    subprocess.run([BIN + "/kioskctl", "publish", content, "--approve", "--note", "按规定公开"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    for step in ("approve", "publish"):
        subprocess.run([BIN + "/kioskctl", step, "plan"], env=dict(env, KIOSKCTL_TOKEN=tokens["li"]), check=True,
                       stdout=subprocess.DEVNULL)
    # One draft in each township, owned there.
    for org, item, title in (("qinghe", "qh-2026-12", "青禾镇十二月主题党日安排"), ("baishi", "bs-2026-12", "白石镇十二月党费收缴情况")):
        doc = {"id": item, "org": org, "category": "dec", "title": title, "body": "正文。", "period": "immediate",
               "scope": "public", "published_at": "2026-12-01T09:00:00+08:00"}
        if Client(base).call("PUT", "/v1/admin/items/" + item, doc, token=tokens["wang"])[0] != 200:
            fail("a township's item could not be stored")
    add = subprocess.check_output([BIN + "/kioskctl", "kiosk-add", "lobby-1", "--name", "县委党群服务中心大厅"],
                                  env=env, text=True)
    conf = os.path.join(T, "kiosk.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(add[add.index("[sync]"):] + "interval = 30\n[store]\ndatabase = %s/kiosk.db\ncache_dir = %s/cache\n" % (T, T))
    sync = subprocess.Popen([BIN + "/kioskctl", "sync", "--config", conf], stderr=open(os.path.join(T, "sync.log"), "w"),
                            stdout=subprocess.DEVNULL)
    procs.append(sync)
    kiosk_db = os.path.join(T, "kiosk.db")
    wait_for("the kiosk's first sync", lambda: kiosk_store_has(kiosk_db, "plan"))
    ok("countyd, a published item and a syncing kiosk")


    # ---- the browser: draft, preview, review, approve --------------------------
    driver = browser()
    try:
        c = Console(driver, base)
        c.d.get(base + "/console/")
        c.find("#login-form")
        c.shot("login")
        c.check_clean("login")
        c.login("zhang", passwords["zhang"])
        c.shot("password-change")
        c.change_password(passwords["zhang"], "青禾镇起草员密码2026")
        c.check_clean("password change")
        ok("first log-in forces a new password")

        c.go("edit/", "新建内容")
        c.typein("#ed-title", "关于2026年第四季度党费收缴情况的公示")
        c.find("#ed-category option[value=fin]").click()
        c.typein("#ed-id", "dues-2026q4")
        c.typein("#ed-body", "根据党费收缴有关规定，现将本季度收缴情况公示如下。")
        c.click("#ed-insert-table")
        c.find("#ed-body").send_keys("如有疑问，请在公示期内向镇党委组织办反映，联系电话 138 0013 8000。")
        # The image through the drop zone: a real File dropped with a DataTransfer.
        png = os.path.abspath("tests/data/chart-dues.png")
        driver.execute_script("""
            const [b64, done] = [arguments[0], arguments[1]];
            const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], 'chart-dues.png', {type: 'image/png'}));
            document.getElementById('ed-drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true}));
        """, __import__("base64").b64encode(open(png, "rb").read()).decode())
        c.find("#ed-images figure img")
        c.typein("#ed-images .caption", "第四季度党费收缴柱状图")
        c.click("#ed-images .actions button")  # 插入正文: [图1] at the cursor
        c.click("#ed-save")
        c.toast("已保存为草稿")
        c.find("#review-detail, .state.drafted")
        ok("drafted an item with a table and a dropped image")

        c.click("#ed-preview")
        imgs = WebDriverWait(driver, 90).until(lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, "img.preview-page")
                                                          if d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i)]
                                               or None)
        sizes = driver.execute_script("return Array.from(document.querySelectorAll('img.preview-page')).map(i => [i.naturalWidth, i.naturalHeight])")
        if [1920, 1080] not in sizes or [1080, 1920] not in sizes:
            fail("the preview PNGs are not the kiosk's landscape and portrait pages: %s" % sizes)
        driver.execute_script("document.getElementById('preview').scrollIntoView()")
        c.shot("content-editor-preview")
        driver.execute_script("window.scrollTo(0, 0)")
        c.shot("content-editor")
        c.check_clean("editor and preview")
        ok("the preview shows %d page(s) drawn by bin/kiosk" % len(imgs))

        c.go("content", "内容")
        c.find("tr[data-item=dues-2026q4]")
        c.shot("content")
        c.check_clean("content")
        c.logout()

        # A second account reviews.
        c.login("li", passwords["li"])
        c.change_password(passwords["li"], "县委组织部审核员2026")
        c.go("review?item=dues-2026q4", "审核")
        c.find("#review-detail")
        # The privacy review's finding is listed and marked in the body.
        c.find("#rv-findings")
        mark = c.find("#rv-body mark").text
        if mark != "138 0013 8000":
            fail("the privacy finding is not marked in the body (marked: %r)" % mark)
        c.shot("review")
        c.typein("#rv-note", "数字已与台账核对")
        c.click("#rv-review")
        c.toast("审核通过")
        c.find("tr[data-item=dues-2026q4] .state.reviewed")
        c.check_clean("review")
        ok("a second account reviewed it, with the privacy finding marked")
        # The same person may approve, but not the version they reviewed: the
        # console offers the step, the server refuses it, the page says why.
        c.go("review?item=dues-2026q4", "审核")
        c.typein("#rv-privacy", "公示须留联系电话")
        c.click("#rv-approve")
        c.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#toast"), "审核人不能审批同一版本"))
        driver.get_log("browser")  # the refused request's 403 is expected here
        c.find("tr[data-item=dues-2026q4] .state.reviewed")
        ok("the reviewer cannot approve the version they reviewed (403, shown)")
        c.logout()

        # A third approves and publishes.
        c.login("wang", passwords["wang"])
        c.change_password(passwords["wang"], "县委组织部审批员2026")
        c.go("review?item=dues-2026q4", "审核")
        c.click("#rv-approve")  # refused by the page: a finding needs a reason first
        c.toast("保密审查发现敏感信息")
        c.typein("#rv-privacy", "公示须留镇党委组织办的联系电话")
        c.click("#rv-approve")
        c.toast("审批通过")
        c.find("tr[data-item=dues-2026q4] .state.approved")
        c.go("review?item=dues-2026q4", "审核")
        c.click("#rv-publish")
        c.toast("发布到触控屏")
        wait_for("the published item in the kiosk's store", lambda: kiosk_store_has(kiosk_db, "dues-2026q4"), 60)
        con = sqlite3.connect(kiosk_db)
        body = con.execute("SELECT body FROM items WHERE id = 'dues-2026q4'").fetchone()[0]
        con.close()
        if "| 党费收缴 |" not in body or "[图1]" not in body or "138 0013 8000" not in body:
            fail("the kiosk's copy lost the table or the image: " + body)
        c.check_clean("approve and publish")
        ok("a third account approved (keeping the finding, with a reason) and published; the kiosk has it")

        # The other pages, each drawn and photographed.
        subprocess.run([BIN + "/kioskctl", "notice-add", "本周五下午三点在镇党委会议室召开党员大会", "--urgent"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        post_kiosk_reports(base, add)
        wait_for("the kiosk's heartbeat with views", lambda: heartbeat_seen(base, tokens["wang"]), 30)
        # One request is past its due date (moved there on the database: a
        # test cannot wait 15 working days).
        con = sqlite3.connect(os.path.join(T, "county.db"))
        con.execute("UPDATE cases SET due_at = strftime('%s','now') - 3600 WHERE feedback = 'fb-console-0003'")
        con.commit()
        con.close()
        for page, heading, shot in (("overview", "概览", "overview"), ("notices", "通知", "notices"),
                                    ("feedback", "意见", "feedback"), ("audit", "审计", "audit"), ("accounts", "账号", "accounts")):
            c.go(page, heading)
            if page == "overview":
                c.find("tr[data-kiosk=lobby-1] .state.ok")
                c.find("#overdue-cases tr.overdue[data-case=fb-console-0003]")
                screenshot_on_overview(c, add)
            if page == "feedback":
                c.find("tr.overdue[data-case=fb-console-0003]")
                c.text_appears(receipt_of(base, tokens["wang"], "fb-console-0001"), "tr[data-case=fb-console-0001]")
                c.text_appears("满意率（1 条评价）", ".figures")
                c.find("#satisfaction svg.chart")
            if page == "audit" and "尚未提供" not in c.find("#audit-verify").text:
                c.text_appears("记录链完整", "#audit-verify")
            c.shot(shot)
            c.check_clean(page)
        check_stats(c, driver)
        c.go("feedback", "意见")
        c.click("tr[data-case=fb-console-0001] a")
        c.find("#case-detail")
        c.click("#cs-take")
        c.toast("已接办")
        c.text_appears("办理人：wang", "#case-detail")
        c.shot("feedback-reply")
        # A private reply with the visitor's phone is stopped by the privacy
        # review; without it, the visitor reads it with the receipt number.
        c.typein("#cs-text", "请拨打 13800138000 了解。")
        c.click("#cs-send")
        c.toast("保密审查")
        driver.get_log("browser")  # the refused request's 409 is expected here
        c.typein("#cs-text", "已转镇党委研究，将在下月公开日答复。")
        c.click("#cs-send")
        c.toast("答复已记录")
        answer = receipt_lookup(base, add, receipt_of(base, tokens["wang"], "fb-console-0001").replace(" ", ""))
        if answer.get("answer") != "已转镇党委研究，将在下月公开日答复。" or "13912345678" in json.dumps(answer):
            fail("the receipt lookup: %s" % answer)
        c.go("feedback?id=fb-console-0001", "意见")
        c.text_appears("已告知", "#case-detail")
        # A public answer needs the approved question, never the visitor's words.
        c.go("feedback?id=fb-console-0003", "意见")
        c.find("#case-detail")
        c.typein("#cs-text", "党费使用情况每季度在公开栏公布。")
        c.click("#cs-public")
        c.click("#cs-send")
        c.toast("经审定的问题")
        c.typein("#cs-question", "党费使用情况何时公开？")
        c.click("#cs-send")
        c.toast("答复已公开到触控屏")
        c.go("feedback?overdue=1", "意见")
        c.text_appears("没有这样的件", "main")
        ok("cases: receipt, overdue marked, take, private reply (privacy-reviewed) read at a kiosk, public reply")
        c.go("notices", "通知")
        c.typein("#nt-text", "12月5日上午停电检修，触控屏暂停使用")
        c.click("#nt-add")
        c.toast("通知已发布")
        c.check_clean("notices and replies")
        ok("every page drawn, no console errors, no foreign requests")

        driver.set_window_size(390, 844)
        c.go("overview", "概览")
        c.shot("phone-overview")
        c.go("stats", "统计")
        c.find("svg.columns")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        if width > 400:
            fail("on a phone 统计 is %d px wide (scrolls sideways)" % width)
        c.go("review?item=dues-2026q4", "审核")
        c.shot("phone-review")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        if width > 400:
            fail("on a phone the page is %d px wide (scrolls sideways)" % width)
        c.check_clean("phone")
        ok("usable on a phone: no sideways scrolling at 390 px")

        # A township's account: its own township's items, not another's.
        driver.set_window_size(1366, 768)
        c.logout()
        c.login("qh", passwords["qh"])
        c.change_password(passwords["qh"], "青禾镇党政办密码2026")
        c.go("content", "内容")
        c.find("tr[data-item=qh-2026-12]")
        shown = [e.get_attribute("data-item") for e in driver.find_elements(By.CSS_SELECTOR, "tr[data-item]")]
        if "bs-2026-12" in shown or "dues-2026q4" in shown:
            fail("a township account sees items outside its township: %s" % shown)
        c.shot("township-content")
        c.check_clean("township content")
        qh = Client(base)
        qh.login("qh", "青禾镇党政办密码2026")
        status = qh.call("GET", "/v1/admin/items/bs-2026-12")[0]
        if status != 403:
            fail("a township account read another township's item: status %d" % status)
        if qh.call("POST", "/v1/admin/items/bs-2026-12/review", {})[0] != 403:
            fail("a township account reviewed another township's item")
        ok("a township account sees only its township's items; another's are 403")
    finally:
        driver.quit()

    security_checks(base, port, passwords)


def screenshot_on_overview(c, add):
    """概览's 截图: asked in the browser, sent by the real kiosk (bin/kiosk
    headless, syncing with its own store), seen as a thumbnail with its time
    and full size."""
    row = "tr[data-kiosk=lobby-1]"
    c.click(row + " button.shot-ask")
    c.text_appears("截图中…", row)
    conf, script = os.path.join(T, "kiosk-shot.conf"), os.path.join(T, "kiosk-shot.txt")
    with open(conf, "w") as f:
        f.write(add[add.index("[sync]"):] + "interval = 5\n[store]\ndatabase = %s/kiosk-shot.db\ncache_dir = %s/cache-shot\n"
                "[input]\nrime_user_dir = %s/rime-shot\n" % (T, T, T))
    with open(script, "w") as f:
        f.write("sync-start\nwait-state screenshot.state sent\n")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", SDL_RENDER_DRIVER="software")
    with open(os.path.join(T, "kiosk-shot.log"), "w") as log:
        if subprocess.run([BIN + "/kiosk", "--config", conf, "--headless", script, "--shots", os.path.join(T, "kiosk-shots")],
                          env=env, stdout=log, stderr=log, timeout=120).returncode != 0:
            fail("the kiosk did not send its screenshot: see kiosk-shot.log")
    img = c.find(row + " img.shot")  # the page looks again while the picture is on its way
    wait_for("the thumbnail's picture", lambda: c.d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth", img) == 960)
    c.text_appears("截于 20", row)
    c.click(row + " button.shot-thumb")
    big = c.find(".shot-overlay img")
    wait_for("the full-size picture", lambda: c.d.execute_script("return arguments[0].naturalWidth", big) == 960)
    c.click(".shot-overlay button")
    c.d.execute_script("window.scrollTo(0, 0)")
    ok("概览: 截图 asked in the browser, sent by the kiosk, shown as a thumbnail and full size")


def post_kiosk_reports(base, add):
    kiosk_id = re.search(r"kiosk_id = (\S+)", add).group(1)
    token = re.search(r"token = (\S+)", add).group(1)
    body = {"submissions": [
        {"id": "fb-console-0001", "kind": "comment", "item": "dues-2026q4", "comment": "党费使用情况能否每季度公开？",
         "created_at": "2026-12-01T10:00:00+08:00"},
        {"id": "fb-console-0002", "kind": "rating", "item": "dues-2026q4", "rating": 1, "rating_levels": 5,
         "created_at": "2026-12-01T10:01:00+08:00"},
        {"id": "fb-console-0003", "kind": "request", "comment": "请公开本镇今年党费的使用明细。", "name": "刘建华",
         "phone": "13912345678", "created_at": "2026-12-01T10:05:00+08:00"},
        {"id": "fb-console-0004", "kind": "report", "comment": "反映某村发展党员程序不规范。",
         "created_at": "2026-12-01T10:08:00+08:00"}]}
    req = urllib.request.Request(base + "/v1/feedback", data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer " + token)
    req.add_header("X-Kiosk-Id", kiosk_id)
    with urllib.request.urlopen(req, timeout=30) as r:
        if r.status != 200:
            fail("feedback upload: %d" % r.status)
    # Views as a kiosk reports them in its heartbeat (visitors opening items).
    con = sqlite3.connect(os.path.join(T, "kiosk.db"))
    revision = con.execute("SELECT value FROM sync_state WHERE key = 'revision'").fetchone()
    con.close()
    st = os.statvfs(T)
    beat = {"revision": int(revision[0]) if revision else 0, "outbox": 0, "app_version": "1.0.0",
            "free_disk": st.f_bavail * st.f_frsize, "views": {"dues-2026q4": 12, "plan": 5},
            "views_by_day": {day: counts for day, counts in VIEWS_BY_DAY.items()}}
    req = urllib.request.Request(base + "/v1/heartbeat", data=json.dumps(beat).encode(), method="POST")
    for k, v in (("Content-Type", "application/json"), ("Authorization", "Bearer " + token), ("X-Kiosk-Id", kiosk_id)):
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=30) as r:
        if r.status != 200:
            fail("heartbeat: %d" % r.status)


def receipt_of(base, token, feedback_id):
    """The case's receipt number (回执号) from the admin API, grouped as the console shows it."""
    status, doc, _ = Client(base).call("GET", "/v1/admin/cases/" + feedback_id, token=token)
    if status != 200:
        fail("case %s: %d" % (feedback_id, status))
    r = doc["case"]["receipt"]
    return r[0:4] + " " + r[4:8] + " " + r[8:12]


def receipt_lookup(base, add, receipt):
    kiosk_id = re.search(r"kiosk_id = (\S+)", add).group(1)
    token = re.search(r"token = (\S+)", add).group(1)
    req = urllib.request.Request(base + "/v1/kiosk/receipts/" + receipt)
    req.add_header("Authorization", "Bearer " + token)
    req.add_header("X-Kiosk-Id", kiosk_id)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def cst_day(days_ago):
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    return (today - datetime.timedelta(days=days_ago)).isoformat()


# What the kiosk says visitors opened on the days before today (views_by_day).
VIEWS_BY_DAY = {cst_day(k): {"dues-2026q4": (k * 7) % 11 + 1, "plan": (k * 3) % 5} for k in range(1, 21)}


def check_stats(c, driver):
    """统计: the views of the last 30 days by day and of the last 12 months by month, and the CSV."""
    expected = sum(sum(v.values()) for v in VIEWS_BY_DAY.values()) + 12 + 5  # and today's undated views
    c.go("stats", "统计")
    cols = driver.find_elements(By.CSS_SELECTOR, "svg.columns rect.col")
    if len(cols) != 30:
        fail("the daily chart has %d columns, not 30" % len(cols))
    c.text_appears("共 %d 次" % expected)
    titles = [e.get_attribute("textContent") for e in driver.find_elements(By.CSS_SELECTOR, "svg.columns rect.col title")]
    day = cst_day(3)
    want = "%s：%d 次" % (day, sum(VIEWS_BY_DAY[day].values()))
    if want not in titles:
        fail("the column of %s does not say %s: %s" % (day, want, titles[-5:]))
    c.find("svg.trend")
    c.text_appears("按期办结率", "#on-time")
    c.shot("stats")
    driver.execute_script("document.querySelector('.grid.charts').scrollIntoView()")
    c.shot("stats-trends")
    c.check_clean("stats by day")

    downloads = os.path.join(T, "downloads")
    os.makedirs(downloads, exist_ok=True)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    c.click("#stats-csv")
    wait_for("the CSV download", lambda: any(n.endswith(".csv") for n in os.listdir(downloads)), 30)
    name = [n for n in os.listdir(downloads) if n.endswith(".csv")][0]
    with open(os.path.join(downloads, name), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if rows[0] != ["日期", "编号", "标题", "目录", "组织", "浏览次数"]:
        fail("the CSV's header: %s" % rows[0])
    line = [day, "dues-2026q4"]
    got = [r for r in rows[1:] if r[:2] == line]
    if len(got) != 1 or int(got[0][5]) != VIEWS_BY_DAY[day]["dues-2026q4"] or got[0][4] == "":
        fail("the CSV has no right row for %s: %s" % (line, got))
    if sum(int(r[5]) for r in rows[1:]) != expected:
        fail("the CSV's views do not add up to %d" % expected)

    c.click("#stats-month")
    c.text_appears("每月浏览次数")
    cols = driver.find_elements(By.CSS_SELECTOR, "svg.columns rect.col")
    if len(cols) != 12:
        fail("the monthly chart has %d columns, not 12" % len(cols))
    c.text_appears("共 %d 次" % expected)
    c.shot("stats-month")
    c.check_clean("stats by month")
    ok("统计 by day and by month from the kiosk's dated views; the CSV carries the dates")


def heartbeat_seen(base, token):
    status, doc, _ = Client(base).call("GET", "/v1/admin/kiosks", token=token)
    return status == 200 and any(k["last_seen"] for k in doc["kiosks"])


def security_checks(base, port, passwords):
    db = os.path.join(T, "county.db")
    new_pw = "县委组织部审批员2026"
    a = Client(base)
    if a.login("wang", new_pw)[0] != 200:
        fail("log-in with the changed password")
    if a.call("GET", "/v1/admin/status")[0] != 200:
        fail("a session reads the admin API")
    status, doc, _ = a.call("PUT", "/v1/admin/notices/x", {"id": "x", "text": "t"}, csrf="0" * 64)
    if status != 403 or doc["error"]["code"] != "csrf":
        fail("a change with a wrong CSRF token: %d %s" % (status, doc))
    if a.call("PUT", "/v1/admin/notices/x", {"id": "x", "text": "t"}, csrf="")[0] != 403:
        fail("a change without a CSRF token was accepted")
    ok("a change with a wrong or missing CSRF token is refused (403)")

    con = sqlite3.connect(db)
    con.execute("UPDATE console_sessions SET expires_at = 1 WHERE admin = 'wang'")
    con.commit()
    con.close()
    if a.call("GET", "/v1/admin/status")[0] != 401:
        fail("an expired session was accepted")
    ok("an expired session is refused (401)")

    b = Client(base)
    for n in range(5):
        status = b.login("li", "wrong-password-%d" % n)[0]
        if status != 401:
            fail("wrong password %d: status %d" % (n + 1, status))
    status, doc, _ = b.login("li", "县委组织部审核员2026")
    if status != 429 or doc["error"]["code"] != "locked":
        fail("after five wrong passwords the right one was not refused: %d %s" % (status, doc))
    if b.login("li", "wrong-password-6")[0] != 429:
        fail("the sixth wrong password was not refused as locked")
    ok("the sixth attempt after five wrong passwords is refused (429 locked)")

    status, doc = post_from("127.0.0.2", port, "/console/api/login", {"name": "wang", "password": new_pw})
    if status != 403 or doc["error"]["code"] != "https_required":
        fail("a password over plain HTTP from 127.0.0.2: %d %s" % (status, doc))
    ok("a password over plain HTTP from another address is refused")

    cert, key = os.path.join(T, "cert.pem"), os.path.join(T, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days",
                    "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tls_port = countyd_start("countyd-tls", ["--tls-cert", cert, "--tls-key", key])
    ctx = ssl.create_default_context(cafile=cert)
    s = Client("https://127.0.0.1:%d" % tls_port, context=ctx)
    status, doc, headers = s.login("wang", new_pw)
    cookie = headers.get("Set-Cookie", "")
    if status != 200 or "Secure" not in cookie or "HttpOnly" not in cookie or "SameSite=Strict" not in cookie:
        fail("log-in over HTTPS: %d, cookie %s" % (status, cookie))
    if s.call("GET", "/v1/admin/status")[0] != 200:
        fail("a session over HTTPS")
    ok("HTTPS from tls_cert/tls_key: log-in sets an HttpOnly, Secure, SameSite=Strict cookie")

    # An audit entry edited behind countyd's back: the chain says where.
    status, doc, _ = s.call("GET", "/v1/admin/audit/verify")
    if status == 404:
        print("SKIP audit chain verification: this countyd has none yet")
        return
    if status != 200 or not doc.get("ok"):
        fail("the untouched audit chain does not verify: %d %s" % (status, doc))
    con = sqlite3.connect(db)
    seq = con.execute("SELECT min(seq) FROM audit WHERE action = 'console-login'").fetchone()[0]
    con.execute("UPDATE audit SET detail = 'edited' WHERE seq = ?", (seq,))
    con.commit()
    con.close()
    status, doc, _ = s.call("GET", "/v1/admin/audit/verify")
    if doc.get("ok") or doc.get("broken_at") != seq:
        fail("an edited audit entry (seq %d) was not found: %s" % (seq, doc))
    ok("the audit chain verifies, and an edited entry is found where it is")


if __name__ == "__main__":
    try:
        main()
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(os.path.join(T, "chromium"), ignore_errors=True)
    print("console: all checks held in %.1f s" % (time.monotonic() - START))
