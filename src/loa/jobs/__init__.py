"""Background jobs and periodic work on a real task queue (Huey: SQLite file on one machine, Redis for many).

Domains declare what they run in ``loa/<domain>/jobs.py`` with :func:`loa.jobs.registry.task` and
:func:`loa.jobs.registry.periodic`; the web layer submits jobs with :func:`loa.jobs.service.submit` and shows
their progress; ``loa worker`` executes them and the schedule.
"""
