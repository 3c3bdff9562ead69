"""/api/v1/health: whether the desk can take work and deliver it (database, broker, workers)."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from messaging.selectors import desk_health

router = Router(tags=["service"])


class HealthOut(Schema):
    status: str
    database: str
    broker: str
    worker: str


@router.get("/health", auth=None, response={200: HealthOut, 503: HealthOut})
def health(request: HttpRequest):
    """For load balancers: the database and the broker (`"eager"` when tasks run in-process)."""
    report = desk_health()
    body = {
        "status": "ok" if report.is_ok else "degraded",
        "database": report.database,
        "broker": report.broker,
        "worker": report.worker,
    }
    return Status(200 if report.is_ok else 503, body)
