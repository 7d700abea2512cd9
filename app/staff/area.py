"""The staff area: every staff page's blueprint nests under the one `/staff` parent.

The parent is the dashboard's blueprint (`staff`, app/staff/views.py), which carries the
area's single guard (staff or admin; others get the login page or 403). Nested endpoints
are named `staff.<blueprint>.<view>`, e.g. `staff.vetting.queue`.
"""

from __future__ import annotations

from app.committee.views.staff import admin_bp as committee_admin_bp
from app.courtesy.views import bp as courtesy_bp
from app.honors.views.staff import bp as honors_admin_bp
from app.importer.views import bp as importer_bp
from app.notice.views.staff import bp as objections_bp
from app.orgs.views import bp as orgs_bp
from app.programs.views import bp as programs_admin_bp
from app.promotions.views import bp as promotions_bp
from app.recommendations.views.staff import bp as recommendations_bp
from app.registry.views import bp as registry_bp
from app.review.views.staff import bp as review_admin_bp
from app.staff.audit_log import bp as audit_bp
from app.staff.views import bp as staff
from app.vetting.views import bp as vetting_bp

# (blueprint, URL prefix under /staff), in the order they were registered before nesting.
NESTED = (
    (programs_admin_bp, None),
    (vetting_bp, "/nominations"),
    (recommendations_bp, "/recommendations"),
    (audit_bp, "/audit"),
    (orgs_bp, "/organisations"),
    (committee_admin_bp, None),
    (review_admin_bp, None),
    (objections_bp, None),
    (honors_admin_bp, None),
    (registry_bp, None),
    (promotions_bp, None),
    (courtesy_bp, None),
    (importer_bp, None),
)

# Once per process, at import: a blueprint's children are fixed before any app registers it.
for _child, _prefix in NESTED:
    staff.register_blueprint(_child, url_prefix=_prefix)
