"""Account steps beyond the main journey: an unconfirmed sign-in and a forgotten password."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from devstack import cognito as local_cognito
from journeys import sign_in, sign_up

PASSWORD = "E2e-Account-2026!"


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

    # The emulator's SRP sign-in does not check passwords, so the change is proven where it does.
    result = local_cognito.sign_in(stack.aws.url, stack.pool.client_id, email, "Brand-New-Secret-9!")
    assert result["AccessToken"]
    sign_in(page, email, "Brand-New-Secret-9!", expect_handle=handle)
