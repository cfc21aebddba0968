"""Account steps beyond the main journey: a wrong password, an unconfirmed sign-in, a forgotten password, and a
handle lost to someone who signed up for it at the same time."""
from __future__ import annotations

import uuid

import requests
from playwright.sync_api import expect

from devstack import cognito as local_cognito
from journeys import assert_accessible, confirm, profile_link, sign_in, sign_up

PASSWORD = "E2e-Account-2026!"


def try_sign_in(page, email: str, password: str) -> None:
    page.goto("/signin")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_wrong_password_is_refused_with_cognitos_words(open_page):
    # Amplify signs in over SRP; the emulator checks the proof (devstack/moto_ext.py), as Cognito does.
    page = open_page()
    try_sign_in(page, local_cognito.DEMO_USERS[0].email, "Cruddur-Demo-2025?")
    expect(page.get_by_role("alert")).to_have_text("Incorrect username or password.")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.endsWith('.accessToken'))") == []
    sign_in(page, local_cognito.DEMO_USERS[0].email, local_cognito.DEMO_PASSWORD,
            expect_handle=local_cognito.DEMO_USERS[0].handle)


def test_an_unconfirmed_user_is_sent_to_confirm_and_can_have_the_code_sent_again(open_page):
    handle = f"late{uuid.uuid4().hex[:8]}"
    email = f"{handle}@cruddur.example"
    page = open_page()
    sign_up(page, name="Lee Late", handle=handle, email=email, password=PASSWORD)

    page.goto("/signin")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    expect(page.get_by_role("textbox", name="Email")).to_have_value(email)

    page.get_by_role("button", name="Resend code").click()
    expect(page.get_by_role("status").filter(has_text="A new code is on its way.")).to_be_visible()


def test_a_forgotten_password_is_replaced_with_a_code(stack, open_page):
    handle = f"forgetful{uuid.uuid4().hex[:8]}"
    email = f"{handle}@cruddur.example"
    local_cognito.provision(stack.aws.url, users=[local_cognito.DemoUser(handle, "Fay Forgetful", email)])
    page = open_page()

    page.goto("/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    # the sign-in page has an Email box too, and stays up while the reset page's code loads
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("button", name="Send reset code").click()
    page.get_by_role("textbox", name="Reset code").fill("123456")
    page.get_by_label("New password", exact=True).fill("Brand-New-Secret-9!")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Your password is changed. Sign in with the new one.")).to_be_visible()

    try_sign_in(page, email, local_cognito.DEMO_PASSWORD)  # the password before the reset
    expect(page.get_by_role("alert")).to_have_text("Incorrect username or password.")
    sign_in(page, email, "Brand-New-Secret-9!", expect_handle=handle)


def test_a_handle_someone_has_is_refused_at_sign_up_and_no_account_is_made(stack, open_page):
    taken = local_cognito.DEMO_USERS[0].handle.upper()  # handles are one whatever their case
    email = f"copycat{uuid.uuid4().hex[:8]}@cruddur.example"
    page = open_page()
    page.goto("/signup")
    page.get_by_role("textbox", name="Name").fill("Copy Cat")
    page.get_by_role("textbox", name="Handle").fill(taken)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_have_text(f"@{taken} is already someone's handle. Choose another one.")
    expect(page.get_by_role("heading", name="Sign up")).to_be_visible()
    idp = local_cognito.client(stack.aws.url)
    pool = local_cognito.provision(stack.aws.url).user_pool_id
    assert idp.list_users(UserPoolId=pool, Filter=f'email = "{email}"')["Users"] == []


def test_who_loses_the_race_for_a_handle_chooses_another_at_first_sign_in_and_is_in(stack, open_page):
    # Both sign up before either signs in, so sign-up's check finds the handle free for both; the first to sign
    # in gets it (the API makes their user), and the second meets handle_taken at their first sign-in.
    handle = f"race{uuid.uuid4().hex[:8]}"
    first, second = open_page(), open_page()
    for page, name in ((first, "Rita First"), (second, "Sam Second")):
        sign_up(page, name=name, handle=handle, email=f"{name.split()[0].lower()}.{handle}@cruddur.example",
                password=PASSWORD)
        confirm(page)
    sign_in(first, f"rita.{handle}@cruddur.example", PASSWORD, expect_handle=handle)

    try_sign_in(second, f"sam.{handle}@cruddur.example", PASSWORD)
    expect(second.get_by_role("heading", name="Choose your handle")).to_be_visible()
    expect(second.get_by_role("status")).to_contain_text(f"Someone else signed up as @{handle} just before you did")
    expect(second.get_by_role("alert")).to_have_count(0)  # not "belongs to someone else", twice
    assert_accessible(second)
    second.get_by_role("textbox", name="Handle").fill(handle)  # the same again: refused before anything changes
    second.get_by_role("button", name="Use this handle").click()
    expect(second.get_by_role("alert")).to_have_text(f"@{handle} is already someone's handle. Choose another one.")
    second.get_by_role("textbox", name="Handle").fill(f"{handle}_sam")
    second.get_by_role("button", name="Use this handle").click()
    expect(profile_link(second)).to_have_attribute("href", f"/@{handle}_sam")
    expect(second.get_by_role("heading", name="Home")).to_be_visible()

    second.reload()  # the API made the user with the new handle, and Cognito keeps it
    expect(profile_link(second)).to_have_attribute("href", f"/@{handle}_sam")
    owners = {h: requests.get(f"{stack.site.backend.url}/api/users/@{h}/short", timeout=5).json()["display_name"]
              for h in (handle, f"{handle}_sam")}
    assert owners == {handle: "Rita First", f"{handle}_sam": "Sam Second"}
