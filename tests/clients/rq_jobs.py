"""Job functions for rq_test.py; a module of their own so the RQ worker can import them by name."""


def add(a, b):
    return a + b


def boom():
    raise ValueError("boom")


def echo_result(job_id):
    # Reads the result of the job this one depends on, through RQ itself.
    from rq import get_current_job
    from rq.job import Job
    job = get_current_job()
    return Job.fetch(job_id, connection=job.connection).result * 2
