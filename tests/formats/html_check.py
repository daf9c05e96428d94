#!/usr/bin/env python3
"""Opens an HTML report in headless Chromium and drives it like a user.

    html_check.py small REPORT.html SCREENSHOT.png
    html_check.py full REPORT.html SCREENSHOT.png
    html_check.py big REPORT.html
    html_check.py firefox REPORT.html SCREENSHOT.png

Chromium is driven over its DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ended by a NUL byte, read by the
browser on fd 3 and written on fd 4), so nothing but the Python standard
library is needed.  Any console error or uncaught exception fails the
check.  "small" is the report of fmt_trace's small trace, whose numbers
are known; "full" its full report with memory usage rated warning
(tests/formats/04-html.sh sets the limits); "big" is one of many stacks,
where only time is measured.

"firefox" opens the small report in headless Firefox, which has no
protocol the standard library can speak: a copy of the page gets a script
that reports errors first and one that drives it last, each writing to the
console, which Firefox copies to its standard output
(devtools.console.stdout.content); the page's uncaught errors also show on
its standard error as "JavaScript error: file://...".
"""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class Failure(Exception):
    pass


class Browser:
    """A headless Chromium and one page in it."""

    def __init__(self):
        exe = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
        if not exe:
            raise Failure("no chromium found (scripts/install-deps.sh installs it)")
        self.profile = tempfile.mkdtemp(prefix="ma-chromium.")
        to_chrome, self.w = os.pipe()
        self.r, from_chrome = os.pipe()

        def fds():
            # Copies first, so that dup2 never meets an fd already at 3 or 4
            # (dup2 onto itself would keep close-on-exec).
            a, b = os.dup(to_chrome), os.dup(from_chrome)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + self.profile, "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome)
        os.close(from_chrome)
        self.buf, self.next_id, self.events, self.session = b"", 0, [], None
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def read(self, timeout):
        end = time.monotonic() + timeout
        while b"\0" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise Failure("chromium did not answer in %d s" % timeout)
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise Failure("chromium exited")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session:
            msg["sessionId"] = self.session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.w, data):]
        while True:
            m = self.read(timeout)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise Failure("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=60):
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self.read(timeout))

    def open(self, path, width=1366, height=900):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": "file://" + os.path.abspath(path)})
        self.wait_event("Page.loadEventFired", timeout=120)

    def js(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise Failure("script failed: %s\n%s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def errors(self):
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e.get("method") == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("exception", {}).get("description")
                           or p["exceptionDetails"].get("text"))
            elif e.get("method") == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif e.get("method") == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(p["entry"]["text"])
        return out

    def screenshot(self, path):
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                     "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


def expect(what, expected, actual):
    if expected != actual:
        raise Failure("%s: expected %r, got %r" % (what, expected, actual))
    print("ok: html: %s = %r" % (what, actual))


# Types into the search box as a user does (an input event per change).
SEARCH = """(() => { const s = document.getElementById('flame-search');
  s.value = %s; s.dispatchEvent(new Event('input'));
  return document.getElementById('flame-match').textContent; })()"""

# Clicks the middle of the first drawn frame called NAME on the canvas.
CLICK_FRAME = """(() => { const g = flame.graph, c = document.getElementById('flame');
  const r = c.getBoundingClientRect();
  for (const [d, row] of flame.rows.entries())
    for (const [x0, x1, i] of row || [])
      if (g.name[i] === %s) {
        c.dispatchEvent(new MouseEvent('click', { bubbles: true,
          clientX: r.left + (x0 + x1) / 2, clientY: r.top + d * 18 + 9 }));
        return g.name[flame.zoom];
      }
  return null; })()"""

CLICK = "document.querySelector(%s).click()"

FIRST_ROW = """Array.from(document.querySelector('table[data-key=%s] tbody').rows[0].cells)
  .map((td) => td.dataset.v)"""


def check_small(b, report, png):
    b.open(report)
    expect("console errors", [], b.errors())
    expect("title", "Memory report: model-manager --demo", b.js("document.title"))
    expect("peak shown on the chart", 1, b.js("document.querySelectorAll('#chart-peak').length"))
    expect("chart lines (heap, RSS)", 2, b.js("document.querySelectorAll('#chart polyline').length"))
    expect("marker on the chart", "model loaded",
           b.js("document.querySelector('#chart line.marker + text').textContent"))
    expect("flame graph shown first", "peak", b.js("flame.graph.key"))
    expect("search 'tokenize' in the peak",
           "Matched 55.2% (8.00 KiB of 14.5 KiB) in 1 frame", b.js(SEARCH % "'tokenize'"))
    expect("frames highlighted", 1, b.js("flame.match.reduce((a, b) => a + b, 0)"))
    b.js(CLICK % "'#flame-tabs button[data-key=allocated]'")
    expect("search 'handle_request' in allocated bytes",
           "Matched 68.4% (10.8 KiB of 15.8 KiB) in 1 frame", b.js(SEARCH % "'handle_request'"))
    expect("click zooms into the frame", "handle_request", b.js(CLICK_FRAME % "'handle_request'"))
    b.js(CLICK % "'#flame-reset'")
    expect("reset zooms out", 0, b.js("flame.zoom"))
    expect("search 'nothing'", "No frame matches", b.js(SEARCH % "'no_such_function'"))
    b.js(SEARCH % "'leak_buffer|load_model'")
    # The peak table: ranked by bytes; the first click on "bytes" sorts
    # it descending, the second ascending.
    expect("peak table as ranked", ["1", "8192", "1", "1", "8192"], b.js(FIRST_ROW % "peak")[:5])
    b.js(CLICK % "'table[data-key=peak] th:nth-child(2)'")
    b.js(CLICK % "'table[data-key=peak] th:nth-child(2)'")
    first = b.js(FIRST_ROW % "peak")
    expect("peak table sorted by bytes, ascending", "512", first[1])
    expect("its site", "leak_buffer (", first[5][:13])
    expect("header marked", "ascending",
           b.js("document.querySelector('table[data-key=peak] th:nth-child(2)')"
                ".getAttribute('aria-sort')"))
    b.js(CLICK % "'table[data-key=peak] tbody tr:first-child summary'")
    expect("no ratings outside the full report", True,
           b.js("document.getElementById('findings-section').hidden"))
    expect("fits a laptop screen (no horizontal scrolling)", True,
           b.js("document.documentElement.scrollWidth <= window.innerWidth"))
    b.screenshot(png)
    print("ok: html: screenshot in %s" % png)
    expect("console errors after driving it", [], b.errors())


# Each row of the ratings table: title, value, band, the band's colour.
RATINGS = """Array.from(document.querySelectorAll('#ratings tr')).slice(1).map((tr) => [
  tr.cells[0].textContent, tr.cells[1].textContent, tr.cells[2].textContent,
  getComputedStyle(tr.querySelector('.band')).backgroundColor])"""

# Each recommendation: title, its band, the colour of its left border.
RECS = """Array.from(document.querySelectorAll('#recommendations li')).map((li) => [
  li.querySelector('strong').textContent, li.querySelector('.band').textContent,
  getComputedStyle(li).borderLeftColor])"""

WARNING, GOOD, TARGET, NONE = ("rgb(199, 120, 0)", "rgb(90, 158, 47)", "rgb(27, 127, 59)",
                               "rgb(138, 148, 166)")


def check_full(b, report, png):
    b.open(report)
    expect("console errors", [], b.errors())
    expect("ratings shown", False, b.js("document.getElementById('findings-section').hidden"))
    rows = b.js(RATINGS)
    expect("rated metrics", 9, len(rows))
    expect("memory usage, rated warning", ["Memory usage", "16.6 MB", "warning", WARNING],
           rows[0])
    expect("leaked memory, rated good", ["Leaked memory", "812 B", "good", GOOD], rows[4])
    expect("peak heap, on target", ["Peak heap", "0.0148 MB", "target", TARGET], rows[5])
    expect("fragmentation, not measured", ["Memory fragmentation",
           "no allocator samples (mallinfo2) in the trace", "not measured", NONE], rows[3])
    expect("recommendations", [
        ["Pick the model variant for this workspace and machine", "warning", WARNING],
        ["Set soft and hard memory limits above the measured peak", "warning", WARNING],
        ["Free what is still allocated at exit, biggest site first", "good", GOOD],
    ], b.js(RECS))
    expect("the leak's recommendation names its site", True, b.js(
        "document.querySelectorAll('#recommendations li')[2].textContent"
        ".includes('leak site = leak_buffer (') && "
        "document.querySelectorAll('#recommendations li')[2].textContent"
        ".includes('/tests/formats/fmt_trace.c:')"))
    expect("fits a laptop screen (no horizontal scrolling)", True,
           b.js("document.documentElement.scrollWidth <= window.innerWidth"))
    b.screenshot(png)
    print("ok: html: screenshot in %s" % png)
    expect("console errors at the end", [], b.errors())


def check_big(b, report):
    start = time.monotonic()
    b.open(report)
    loaded = time.monotonic() - start
    expect("console errors", [], b.errors())
    print("ok: html: the page of many stacks loaded in %.2f s" % loaded)
    if loaded > 20:
        raise Failure("loading took %.1f s" % loaded)
    took = b.js("""(() => { const t = performance.now();
      const s = document.getElementById('flame-search');
      s.value = 'libmany.so\\\\+0x8'; s.dispatchEvent(new Event('input'));
      return performance.now() - t; })()""")
    print("ok: html: search and redraw took %.0f ms" % took)
    if took > 3000:
        raise Failure("search took %.0f ms" % took)
    note = b.js("document.getElementById('flame-note').textContent")
    if "left out" not in note:
        raise Failure("the page does not say frames were pruned: %r" % note)
    print("ok: html: says what was pruned: %s" % note)
    expect("console errors after search", [], b.errors())


# Before the page's own scripts: errors and console.error as lines of ours.
FF_ERRORS = """<script>
window.addEventListener('error', (e) => console.log('MA-ERROR ' + e.message));
console.error = ((orig) => (...a) => { console.log('MA-ERROR ' + a.join(' ')); orig(...a); })(
  console.error);
</script>"""

# After them: what check_small does in Chromium, the answers in one line.
FF_DRIVE = """<script>
(() => { const r = {};
  r.title = document.title;
  r.peak = document.querySelectorAll('#chart-peak').length;
  r.flame = flame.graph.key;
  r.search = %s;
  %s;
  r.search_allocated = %s;
  r.zoom = %s;
  %s; %s;
  r.sorted = %s;
  r.aria = document.querySelector('table[data-key=peak] th:nth-child(2)').getAttribute('aria-sort');
  r.fits = document.documentElement.scrollWidth <= window.innerWidth;
  console.log('MA-RESULT ' + JSON.stringify(r)); })();
</script>""" % (SEARCH % "'tokenize'",
                CLICK % "'#flame-tabs button[data-key=allocated]'",
                SEARCH % "'handle_request'", CLICK_FRAME % "'handle_request'",
                CLICK % "'table[data-key=peak] th:nth-child(2)'",
                CLICK % "'table[data-key=peak] th:nth-child(2)'",
                FIRST_ROW % "peak")


def check_firefox(report, png):
    exe = next((shutil.which(b) for b in ("firefox-esr", "firefox") if shutil.which(b)), None)
    if not exe:
        raise Failure("no firefox found (scripts/install-deps.sh installs firefox-esr)")
    page = open(report).read()
    head, body = page.index("<head>") + len("<head>"), page.rindex("</body>")
    work = tempfile.mkdtemp(prefix="ma-firefox.")
    try:
        copy = os.path.join(work, "report.html")
        with open(copy, "w") as f:
            f.write(page[:head] + FF_ERRORS + page[head:body] + FF_DRIVE + page[body:])
        with open(os.path.join(work, "user.js"), "w") as f:
            f.write('user_pref("devtools.console.stdout.content", true);\n'
                    'user_pref("browser.shell.checkDefaultBrowser", false);\n'
                    'user_pref("datareporting.policy.dataSubmissionEnabled", false);\n')
        r = subprocess.run([exe, "--headless", "--no-remote", "--profile", work,
                            "--window-size=1366,900", "--screenshot", os.path.abspath(png),
                            "file://" + copy], capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    errors = [l for l in r.stdout.splitlines() if "MA-ERROR" in l]
    errors += [l for l in r.stderr.splitlines()
               if l.startswith("JavaScript error: file://")]
    expect("firefox: console errors", [], errors)
    line = next((l for l in r.stdout.splitlines() if "MA-RESULT " in l), None)
    if not line:
        raise Failure("firefox ran no test (exit %d)\n%s" % (r.returncode, r.stdout + r.stderr))
    # console.log: "MA-RESULT {...}", the string quoted as JSON.
    res = json.loads(json.loads(line[line.index('"'):])[len("MA-RESULT "):])
    expect("firefox: title", "Memory report: model-manager --demo", res["title"])
    expect("firefox: peak on the chart", 1, res["peak"])
    expect("firefox: flame graph shown first", "peak", res["flame"])
    expect("firefox: search 'tokenize'", "Matched 55.2% (8.00 KiB of 14.5 KiB) in 1 frame",
           res["search"])
    expect("firefox: search 'handle_request' in allocated bytes",
           "Matched 68.4% (10.8 KiB of 15.8 KiB) in 1 frame", res["search_allocated"])
    expect("firefox: click zooms into the frame", "handle_request", res["zoom"])
    expect("firefox: peak table sorted by bytes, ascending", "512", res["sorted"][1])
    expect("firefox: header marked", "ascending", res["aria"])
    expect("firefox: fits a laptop screen", True, res["fits"])
    if not os.path.getsize(png):
        raise Failure("firefox wrote no screenshot")
    print("ok: html: firefox screenshot in %s" % png)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("small", "full", "big", "firefox"):
        sys.exit(__doc__)
    if sys.argv[1] == "firefox":
        try:
            check_firefox(sys.argv[2], sys.argv[3])
        except (Failure, subprocess.TimeoutExpired) as e:
            print("FAIL: html: %s" % e, file=sys.stderr)
            sys.exit(1)
        return
    b = Browser()
    try:
        if sys.argv[1] == "small":
            check_small(b, sys.argv[2], sys.argv[3])
        elif sys.argv[1] == "full":
            check_full(b, sys.argv[2], sys.argv[3])
        else:
            check_big(b, sys.argv[2])
    except Failure as e:
        print("FAIL: html: %s" % e, file=sys.stderr)
        sys.exit(1)
    finally:
        b.close()


if __name__ == "__main__":
    main()
