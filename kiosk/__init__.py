"""Listening Kiosk: offline check-in and proposals for public consultations."""

__version__ = "0.1.0"
APP_NAME = "ListeningKiosk"
APP_AUTHOR = "ListeningKiosk"
