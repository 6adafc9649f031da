"""Who may use the companies app's routes (read by the permission-matrix test)."""

from arvlite.core.roles import Role
from arvlite.core.tests.matrix import Expect, Page

API_ROUTES = {
    "company-list": Expect({"GET": Role.VIEWER}, kind="user"),
    "company-detail": Expect({"GET": Role.VIEWER}),
    "member-list": Expect({"GET": Role.VIEWER}),
    "audit-list": Expect({"GET": Role.MANAGER}),
}

PORTAL_PAGES = {
    "company-dashboard": Page(Role.VIEWER),
}
