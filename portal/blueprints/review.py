"""Placeholder blueprint: replaced by the issue that builds it."""
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/packets")
