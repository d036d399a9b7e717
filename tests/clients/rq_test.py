"""RQ (Debian python3-rq 1.13) against the server on KS_PORT: jobs enqueued, one worker in
burst mode, results, a dependent job, and a failing job in the failed registry. Exits non-zero
on the first mismatch. Run by run_client_test.py."""
import os
import sys

from redis import Redis
from rq import Queue, Worker
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

import rq_jobs


def check(cond, what):
    if not cond:
        print("FAIL: mismatch: " + what, flush=True)
        sys.exit(1)
    print("ok   " + what, flush=True)


def main():
    conn = Redis(host="127.0.0.1", port=int(os.environ["KS_PORT"]))
    q = Queue("default", connection=conn)
    j1 = q.enqueue(rq_jobs.add, 2, 3)
    j2 = q.enqueue(rq_jobs.add, "key", "shard")
    bad = q.enqueue(rq_jobs.boom)
    dependent = q.enqueue(rq_jobs.echo_result, j1.id, depends_on=j1)
    check(q.count == 3, f"three jobs queued, the dependent one deferred (count {q.count})")
    check(dependent.get_status() == JobStatus.DEFERRED, "dependent job is deferred")

    worked = Worker([q], connection=conn).work(burst=True)
    check(worked, "the burst worker did some work and returned")

    for job, want in ((j1, 5), (j2, "keyshard"), (dependent, 10)):
        job = Job.fetch(job.id, connection=conn)
        check(job.get_status() == JobStatus.FINISHED and job.result == want,
              f"job {job.func_name} finished with {want!r} (got {job.result!r})")
    bad = Job.fetch(bad.id, connection=conn)
    check(bad.get_status() == JobStatus.FAILED, "failing job has status failed")
    check("ValueError: boom" in (bad.exc_info or ""), "its traceback names the exception")
    failed = FailedJobRegistry(queue=q)
    check(failed.get_job_ids() == [bad.id], "it is the only job in the failed registry")
    check(sorted(FinishedJobRegistry(queue=q).get_job_ids()) == sorted([j1.id, j2.id, dependent.id]),
          "the others are in the finished registry")
    check(StartedJobRegistry(queue=q).count == 0 and q.count == 0, "nothing started or queued is left")
    # Requeue the failed job: it leaves the failed registry and fails again on the next run.
    failed.requeue(bad.id)
    check(q.count == 1 and failed.count == 0, "a requeued job is back on the queue")
    Worker([q], connection=conn).work(burst=True)
    check(failed.get_job_ids() == [bad.id], "and back in the failed registry after another run")
    print("PASS rq", flush=True)


if __name__ == "__main__":
    main()
