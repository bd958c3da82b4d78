"""Tasks run by the configured task backend (django-tasks): never inside a request in production."""

from django_tasks import task

from directory import notifications
from directory.choices import DeliveryStatus


@task()
def deliver(delivery_id):
    """Send one delivery; after a failure, schedule the next attempt when the backend can defer tasks.

    Backends that cannot defer (the immediate one) leave the retry to `manage.py retry_deliveries` from cron.
    """
    delivery = notifications.delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return None
    if (delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is not None
            and deliver.get_backend().supports_defer):
        notifications.delivery_enqueue(delivery_id=delivery.pk, run_after=delivery.next_attempt_at)
    return delivery.status
