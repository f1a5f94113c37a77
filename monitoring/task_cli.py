"""``python -m monitoring task list | progress KEY ... | void ID``: rectification tasks per water body, in zh or en."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from i18n import t
from i18n.errors import UserError

from . import clock
from .bodytasks import TASK_STATUSES, current_tasks
from .task_outputs import body_label, deadline_text, state_text, task_digest

__all__ = ["add_parsers", "run_task"]


def add_parsers(sub, h, body_option: dict) -> None:
    """Add the ``task`` command to an argparse sub-parser set (``h(key)``: help text of ``cli.help.<key>``)."""
    task = sub.add_parser("task", help=h("task"))
    verbs = task.add_subparsers(dest="task_cmd", required=True)
    ls = verbs.add_parser("list", help=h("task_list"))
    ls.add_argument("--water-body", **body_option)
    ls.add_argument("--date", metavar="YYYY-MM-DD", help=h("task_as_of"))
    pr = verbs.add_parser("progress", help=h("task_progress"))
    pr.add_argument("key", help=h("task_key"))
    pr.add_argument("--status", choices=TASK_STATUSES, required=True, help=h("task_status"))
    pr.add_argument("--date", metavar="YYYY-MM-DD", required=True, help=h("task_date"))
    pr.add_argument("--note", required=True, help=h("task_note"))
    pr.add_argument("--unit", default="", help=h("task_unit"))
    pr.add_argument("--file", metavar="PATH", help=h("task_file"))
    vd = verbs.add_parser("void", help=h("task_void"))
    vd.add_argument("id", type=int, help=h("task_entry"))
    vd.add_argument("--reason", required=True, help=h("task_reason"))


def _day(text: str, lang: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        print(t("cli.task.bad_date", lang, value=text), file=sys.stderr)
        return None


def run_task(store, args, actor, lang: str, body: str | None) -> int:
    """Run ``task ...``; returns the exit status."""
    try:
        if args.task_cmd == "list":
            day = clock.today() if not args.date else _day(args.date, lang)
            if day is None:
                return 2
            d = task_digest(store, day, body)
            if not d["states"]:
                print(t("cli.task.none", lang))
            for s in d["states"]:
                task = s["task"]
                status = t(f"task.status.{s['status']}", lang)
                if s["entry"]:
                    status += f" {s['entry']['progress_date'].isoformat()}"
                print(t("cli.task.line", lang, body=body_label(task.body, lang), key=task.key,
                        state=state_text(s, lang), status=status, deadline=deadline_text(task, lang),
                        unit=task.unit, text=task.label(lang)))  # fmt: skip
            for c in d["counts"]:
                if c["total"]:
                    print(t("cli.task.count", lang, body=body_label(c["body"], lang), n=c["total"], open=c["open"],
                            overdue=c["overdue"], closed=c["closed"]))  # fmt: skip
            return 0
        if args.task_cmd == "progress":
            day = _day(args.date, lang)
            if day is None:
                return 2
            data = name = None
            if args.file:
                path = Path(args.file)
                if not path.is_file():
                    print(t("cli.task.no_file", lang, name=path.name), file=sys.stderr)
                    return 1
                data, name = path.read_bytes(), path.name
            eid = store.tasks.add_progress(args.key, args.status, day, args.note, user=actor, unit=args.unit,
                                           file=data, file_name=name)  # fmt: skip
            task = next(x for x in current_tasks() if x.key == args.key)
            print(t("cli.task.saved", lang, id=eid, task=task.label(lang), status=t(f"task.status.{args.status}", lang),
                    date=day.isoformat()))  # fmt: skip
            return 0
        store.tasks.void_progress(args.id, args.reason, user=actor)
        print(t("cli.task.voided", lang, id=args.id))
        return 0
    except UserError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
