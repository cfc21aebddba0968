"""Account steps beyond the main journey: a wrong password, an unconfirmed sign-in and a forgotten password."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from devstack import cognito as local_cognito
from journeys import sign_in, sign_up

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
