"""The Celery app of celery_test.py: a redis broker and result backend on KS_REDIS_URL."""
import os

from celery import Celery

app = Celery("keyshard_clients", broker=os.environ["KS_REDIS_URL"], backend=os.environ["KS_REDIS_URL"])
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    result_expires=600,
)


@app.task
def add(x, y):
    return x + y


@app.task
def total(values):
    return sum(values)


@app.task
def boom():
    raise ValueError("boom")
