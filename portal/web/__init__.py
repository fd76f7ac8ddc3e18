"""What only views need: page-or-fragment rendering, access decorators, security headers, panels, template helpers."""
from flask import Flask

from portal.web import assets, login, security, templating


def init_app(app: Flask) -> None:
    assets.init_app(app)
    login.init_app(app)
    security.init_app(app)
    templating.init_app(app)
