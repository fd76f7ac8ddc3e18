"""What only views need: page-or-fragment rendering, access decorators, security headers, panels, template helpers."""
from flask import Flask

from portal.web import login, security, templating


def init_app(app: Flask) -> None:
    login.init_app(app)
    security.init_app(app)
    templating.init_app(app)
