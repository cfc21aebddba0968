"""Lighthouse's mobile profile on the production build behind the production nginx.conf, with the API behind it.

Four pages: a visitor's Home, Sign in and a crud; a conversation signed in. Accessibility, best practices, SEO
and the layout shift are judged on every run. Performance is judged on the median of three runs per page:
Lighthouse simulates the phone's network and CPU from one trace of the page loading here, and the network
part is the same each time, but the CPU part scales how long this machine's main thread took, which depends
on whatever else the machine was doing at that moment (see docs/frontend.md, "Lighthouse").
"""
from __future__ import annotations

import json
import statistics
import subprocess
from contextlib import ExitStack

import requests

from conftest import CHROMIUM, CHROMIUM_FLAGS, DEMO
from devstack import cognito as local_cognito
from devstack.net import free_port, wait_for_port
from journeys import sign_in
from stack import FRONTEND_DIR

RUNS = 3
PERFORMANCE_AT_LEAST = 95
SEO_AT_LEAST = 95
CLS_UNDER = 0.05


def debuggable_chromium(workdir, name: str, cleanup: ExitStack) -> int:
    """A Chromium of its own (profile under workdir) that Lighthouse drives over its debugging port."""
    port = free_port()
    proc = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}",
                             f"--user-data-dir={workdir / f'chromium-{name}'}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cleanup.callback(lambda: (proc.terminate(), proc.wait(timeout=10)))
    wait_for_port(port, timeout=20)
    return port


def sign_in_over_debugging_port(playwright, port: int, base_url: str, handle: str) -> None:
    """The real sign-in form, in the Chromium's own profile, whose localStorage Lighthouse then keeps."""
    browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    page = browser.contexts[0].new_page()
    page.goto(f"{base_url}/signin")
    sign_in(page, DEMO[handle].email, local_cognito.DEMO_PASSWORD, expect_handle=handle)
    page.close()
    browser.close()  # disconnects; the Chromium and its profile stay


def lighthouse(pages: list[dict]) -> list[dict]:
    done = subprocess.run(["node", "scripts/lighthouse.mjs", str(RUNS), json.dumps(pages)], cwd=FRONTEND_DIR,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"Lighthouse failed:\n{done.stderr[-3000:]}"
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_lighthouse_mobile_scores_on_home_sign_in_a_crud_and_a_conversation(stack, workdir, playwright):
    api = stack.site.backend.url
    token = local_cognito.sign_in(stack.aws.url, stack.pool.client_id, DEMO["bayko"].email,
                                  local_cognito.DEMO_PASSWORD)["AccessToken"]
    sent = requests.post(f"{api}/api/messages", json={"message": "measured by Lighthouse", "handle": "londo"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert sent.status_code == 201, sent.text
    crud = requests.get(f"{api}/api/activities/home", timeout=10).json()["items"][0]

    with ExitStack() as cleanup:
        visitor = debuggable_chromium(workdir, "lighthouse-visitor", cleanup)
        signed_in = debuggable_chromium(workdir, "lighthouse-bayko", cleanup)
        sign_in_over_debugging_port(playwright, signed_in, stack.site.url, "bayko")
        site = stack.site.url
        runs = lighthouse([
            {"name": "home", "url": f"{site}/", "port": visitor},
            {"name": "sign in", "url": f"{site}/signin", "port": visitor},
            {"name": "crud", "url": f"{site}/@{crud['handle']}/status/{crud['uuid']}", "port": visitor},
            {"name": "conversation", "url": f"{site}/messages/{sent.json()['message_group_uuid']}",
             "port": signed_in},
        ])

    report = "\n".join(
        f"{r['name']:>12} run {r['run']}: {r['scores']} FCP {r['metrics']['fcp']:.0f} LCP {r['metrics']['lcp']:.0f} "
        f"TBT {r['metrics']['tbt']:.0f} CLS {r['metrics']['cls']:.3f} (benchmarkIndex {r['benchmarkIndex']:.0f}, "
        f"CPU slowdown {r['cpuSlowdown']}×)"
        for r in runs)
    print(report)  # pytest shows it with -s, and with any failure
    problems = []
    for r in runs:
        if r["finalUrl"] != r["url"]:  # a conversation that sent Lighthouse to Sign in measured Sign in
            problems.append(f"{r['name']} run {r['run']}: {r['url']} ended at {r['finalUrl']}")
        scores = r["scores"]
        for category, floor in (("accessibility", 100), ("best-practices", 100), ("seo", SEO_AT_LEAST)):
            if scores[category] < floor:
                problems.append(f"{r['name']} run {r['run']}: {category} {scores[category]} < {floor}: "
                                f"{r['shortfalls'][category]}")
        if r["metrics"]["cls"] >= CLS_UNDER:
            problems.append(f"{r['name']} run {r['run']}: layout shift {r['metrics']['cls']:.3f}: {r['layoutShifts']}")
    for name in dict.fromkeys(r["name"] for r in runs):
        mine = [r for r in runs if r["name"] == name]
        median = statistics.median(r["scores"]["performance"] for r in mine)
        if median < PERFORMANCE_AT_LEAST:
            problems.append(f"{name}: median performance {median} < {PERFORMANCE_AT_LEAST}: "
                            f"{[r['shortfalls']['performance'] for r in mine]}")
    assert problems == [], "\n".join(problems) + "\n" + report
