"""CORS for the exact origins in FRONTEND_URL and BACKEND_URL; any other origin gets no CORS headers."""
from flask import Flask
from flask_cors import CORS


def init_app(app: Flask) -> None:
    origins = app.config["SETTINGS"].cors_origins
    CORS(app, resources={r"/api/*": {"origins": origins}},
         allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
         expose_headers=["X-Request-Id", "WWW-Authenticate"],
         methods=["GET", "POST", "OPTIONS"], max_age=600, vary_header=True)
