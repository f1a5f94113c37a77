"""Rectification task progress (``store.tasks``): entries per task, evidence files, voids."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import insert, select, text, update

from .. import clock
from ..auth import Actor
from ..bodytasks import TaskError, check_progress, current_tasks
from ..lakework import file_type, safe_name
from ..schema import task_progress
from .base import Repository, now_utc, void_entry

_PG_LOCK = "LOCK TABLE task_progress IN SHARE ROW EXCLUSIVE MODE"


def _lock(conn) -> None:
    """Serialise writers, so two close-outs of one task cannot both pass the check.

    PostgreSQL: a table lock that readers pass.  SQLite: a write that changes nothing, issued
    first, takes the database's write lock before the check reads.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text(_PG_LOCK))
    elif conn.dialect.name == "sqlite":
        conn.execute(update(task_progress).where(task_progress.c.id == -1).values(id=task_progress.c.id))


class Tasks(Repository):
    """Progress of the water bodies' rectification tasks (``store.tasks``)."""

    def add_progress(
        self,
        task_key: str,
        status: str,
        progress_date: date,
        note: str,
        *,
        user: Actor,
        unit: str = "",
        file: bytes | None = None,
        file_name: str | None = None,
        today: date | None = None,
    ) -> int:
        """Record a task's progress.

        Parameters
        ----------
        task_key : str
            A key of the ``[[task]]`` entries (``data/waterbodies.toml``).
        status : {'not_started', 'in_progress', 'done', 'closed'}
            未开始, 推进中, 已完成（待验收）, 已销号.
        progress_date : datetime.date
        note : str
            The evidence: what was done, what shows it.
        user : monitoring.auth.Actor
            ``task.progress``.
        unit : str
            The unit reporting it (e.g. 聂市镇).
        file : bytes, optional
            Evidence: PDF, DOC/DOCX, JPEG or PNG, at most 20 MB, checked by content.
        file_name : str, optional
        today : datetime.date, optional
            "Today" in Asia/Shanghai (tests pin it).

        Returns
        -------
        int
            The entry's id.

        Raises
        ------
        monitoring.bodytasks.TaskError
            See :func:`monitoring.bodytasks.check_progress`; nothing is written.
        monitoring.lakework.LakeWorkError
            The evidence file is not a document or picture, or too large.
        """
        today = today or clock.today()
        mime = file_type(file)
        tasks = current_tasks()
        with self._write(user, "task.progress") as (conn, actor):
            _lock(conn)
            earlier = conn.execute(
                select(
                    task_progress.c.id,
                    task_progress.c.task_key,
                    task_progress.c.status,
                    task_progress.c.progress_date,
                    task_progress.c.voided_at,
                ).where(task_progress.c.task_key == str(task_key))
            ).mappings()
            new = {"task_key": task_key, "status": status, "progress_date": progress_date, "note": note}
            task = check_progress([dict(r) for r in earlier], new, tasks, today)
            values = dict(
                new,
                water_body=task.body,
                note=str(note).strip(),
                unit=str(unit or "").strip(),
                file=file,
                file_name=safe_name(file_name) if file is not None else None,
                file_type=mime,
                recorded_by=actor.name,
                recorded_at=now_utc(),
            )
            eid = conn.execute(insert(task_progress).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "task.progress", "task_progress", eid, None, values)
            return eid

    def void_progress(self, entry_id: int, reason: str, *, user: Actor) -> None:
        """Void a mistaken progress entry with a reason; it stays in the list, marked void.

        Parameters
        ----------
        entry_id : int
        reason : str
        user : monitoring.auth.Actor
            ``task.progress_void``.

        Raises
        ------
        monitoring.bodytasks.TaskError
            No such entry, already void, or no reason.
        """
        with self._write(user, "task.progress_void") as (conn, actor):
            _lock(conn)
            before, change = void_entry(conn, actor, task_progress, entry_id, reason, TaskError, "task")
            self._audit(conn, actor, "task.progress_void", "task_progress", entry_id, before, change)

    def progress(self, water_body: str | None = None) -> pd.DataFrame:
        """Every progress entry (of one body, or all; files excluded, ``has_file`` instead), voided ones included."""
        cols = [c for c in task_progress.c if c.name != "file"]
        q = select(*cols, task_progress.c.file.is_not(None).label("has_file"))
        if water_body is not None:
            q = q.where(task_progress.c.water_body == water_body)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(task_progress.c.progress_date, task_progress.c.id), conn)

    def progress_file(self, entry_id: int) -> tuple[bytes, str, str] | None:
        """An entry's evidence file: (bytes, name, MIME type), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(task_progress.c.file, task_progress.c.file_name, task_progress.c.file_type).where(
                    task_progress.c.id == int(entry_id)
                )
            ).first()
        return None if row is None or row[0] is None else (bytes(row[0]), row[1], row[2])
