"""Rectification tasks per water body: the list as data, the rules, and progress in the store."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from geo.waterbodies import WaterBodyError, load_waterbodies
from monitoring.auth import CONSOLE, PermissionDenied
from monitoring.bodytasks import Task, TaskError, body_counts, check_progress, load_tasks, task_states
from monitoring.lakework import LakeWorkError
from monitoring.textguard import TextRefused
from tests.conftest import ROOT, actor, refused

U = actor("u")
TODAY = date(2023, 3, 1)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _tasks():
    return {t.key: t for t in load_tasks()}


def test_the_list_names_each_task_with_its_body_unit_deadline_and_clause():
    tasks = _tasks()
    pond = tasks["hg_buffer_pond"]
    assert pond.body == "huanggai" and pond.unit == "市林业局" and pond.leader == "李伟峰"
    assert pond.deadline == date(2022, 11, 30) and "拆除" in pond.text and "buffer zone" in pond.text_en
    assert pond.source.startswith("临政办函〔2022〕19号 附件 二、1") and "（5）" in pond.source
    assert "聂市镇" in pond.related and "黄盖镇" in pond.related
    # Tail water of intensive ponds and bullfrog farms: 0.2 mg/L or retire; no date in the document.
    for key in ("hg_pond_tailwater", "hg_bullfrog"):
        t = tasks[key]
        assert t.body == "huanggai" and "0.2" in t.text and "退养" in t.text and t.deadline is None
        assert "四、1 整改措施（3）" in t.source and "第80项" in t.source and "未写明日期" in t.deadline_note
    assert tasks["hg_reserve_plan"].deadline == date(2025, 12, 30)
    assert {t.body for t in tasks.values()} == {"yehu", "huanggai"}
    assert [t.key for t in tasks.values() if t.body == "yehu"] == ["yh_weekly_patrol", "yh_enforcement"]
    seed = ROOT.parent.parent / "shared" / "seed" / "environment_rectification_list.zh.txt"
    if seed.is_file():  # every source clause's quoted words are in the document
        text = seed.read_text(encoding="utf-8")
        assert "缓冲区内存在一处修建养殖鱼塘现象" in text and "依法拆除缓冲区养殖鱼塘" in text


@pytest.mark.parametrize(
    "entry, key",
    [
        ('key = "x"\nbody = "dongting"\ntext = "a"\ntext_en = "a"\nunit = "u"\nsource = "s"\ndeadline = "2022-01-01"',
         "body"),
        ('key = "x"\nbody = "yehu"\ntext = "a"\ntext_en = "a"\nunit = "u"\nsource = "s"\ndeadline = "2022-13-01"',
         "deadline"),
        ('key = "x"\nbody = "yehu"\ntext = "a"\ntext_en = "a"\nunit = "u"\nsource = "s"', "deadline_note"),
        ('key = "x"\nbody = "yehu"\ntext_en = "a"\nunit = "u"\nsource = "s"\ndeadline = "2022-01-01"', "text"),
        ('key = "x y"\nbody = "yehu"\ntext = "a"\ntext_en = "a"\nunit = "u"\nsource = "s"\ndeadline = "2022-01-01"',
         "key"),
    ],
)  # fmt: skip
def test_a_bad_task_entry_is_refused_naming_it(tmp_path, entry, key):
    path = tmp_path / "w.toml"
    path.write_text(f"[[task]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(WaterBodyError) as exc:
        load_tasks(path, load_waterbodies())
    assert exc.value.params["where"] == "[[task]] #1" and exc.value.params["key"] == key
    assert key in exc.value.message("en") and "[[task]] #1" in exc.value.message("zh")


def test_a_task_key_twice_is_refused(tmp_path):
    one = 'key = "x"\nbody = "yehu"\ntext = "a"\ntext_en = "a"\nunit = "u"\nsource = "s"\ndeadline = "2022-01-01"\n'
    (tmp_path / "w.toml").write_text(f"[[task]]\n{one}[[task]]\n{one}", encoding="utf-8")
    with refused("waterbodies.duplicate", WaterBodyError):
        load_tasks(tmp_path / "w.toml", load_waterbodies())


def _e(i, key, status, d, voided=None):
    return {"id": i, "task_key": key, "status": status, "progress_date": d, "voided_at": voided}


def test_state_follows_the_latest_live_entry_and_the_deadline():
    t = Task("k", "huanggai", "拆除", "Demolish", "市林业局", date(2022, 11, 30), "19号")
    free = Task("f", "huanggai", "尾水", "Tail water", "市农业农村局", None, "19号")
    entries = [_e(1, "k", "in_progress", date(2022, 9, 1)), _e(2, "k", "done", date(2022, 11, 20))]
    at = lambda day, es=entries: {s["task"].key: s for s in task_states([t, free], es, day)}  # noqa: E731
    s = at(date(2022, 10, 1))
    assert (s["k"]["status"], s["k"]["state"]) == ("in_progress", "pending")
    assert (s["f"]["status"], s["f"]["state"]) == ("not_started", "ongoing")  # no deadline: never overdue
    assert at(date(2023, 1, 1))["k"]["state"] == "done"
    # The completion voided: overdue again, counted in days after the deadline.
    voided = [entries[0], _e(2, "k", "done", date(2022, 11, 20), voided="2022-12-01")]
    s = at(date(2022, 12, 10), voided)["k"]
    assert (s["status"], s["state"], s["days"]) == ("in_progress", "overdue", 10) and len(s["entries"]) == 1
    counts = body_counts(task_states([t, free], voided, date(2022, 12, 10)), ["yehu", "huanggai", "tandu"])
    assert [(c["body"], c["total"], c["open"], c["overdue"]) for c in counts] == [
        ("yehu", 0, 0, 0), ("huanggai", 2, 2, 1), ("tandu", 0, 0, 0)]  # fmt: skip


def test_progress_rules():
    tasks = load_tasks()
    new = lambda **kw: {"task_key": "hg_buffer_pond", "status": "in_progress",  # noqa: E731
                        "progress_date": date(2022, 10, 1), "note": "已进场"} | kw  # fmt: skip
    assert check_progress([], new(), tasks, TODAY).key == "hg_buffer_pond"
    for kw, code in [
        ({"task_key": "nope"}, "task.unknown"),
        ({"status": "finished"}, "task.unknown_status"),
        ({"progress_date": None}, "task.date_missing"),
        ({"progress_date": date(2023, 3, 2)}, "task.in_future"),
        ({"progress_date": date(2021, 12, 31)}, "task.before_plan"),
        ({"note": "  "}, "task.note_missing"),
        ({"status": "closed"}, "task.close_before_done"),
    ]:
        with refused(code, TaskError):
            check_progress([], new(**kw), tasks, TODAY)
    done = [_e(1, "hg_buffer_pond", "done", date(2022, 11, 1))]
    with refused("task.close_before_done", TaskError):  # closed before it was done
        check_progress(done, new(status="closed", progress_date=date(2022, 10, 31)), tasks, TODAY)
    check_progress(done, new(status="closed", progress_date=date(2022, 11, 2)), tasks, TODAY)
    closed = [*done, _e(2, "hg_buffer_pond", "closed", date(2022, 11, 2))]
    with refused("task.closed", TaskError) as exc:
        check_progress(closed, new(), tasks, TODAY)
    assert "2022-11-02" in exc.value.message("en") and "依法拆除" in exc.value.message("zh")


def test_progress_is_recorded_with_evidence_voided_and_kept(store):
    tk = store.tasks
    e1 = tk.add_progress("hg_buffer_pond", "in_progress", date(2022, 10, 8), " 聂市镇已进场拆除 ", user=U,
                         unit="聂市镇", today=TODAY)  # fmt: skip
    e2 = tk.add_progress("hg_buffer_pond", "done", date(2022, 11, 25), "拆除复原完毕，见现场照片", user=U,
                         file=JPEG, file_name="../现场照片.jpg", today=TODAY)  # fmt: skip
    rows = tk.progress("huanggai")
    assert list(rows.id) == [e1, e2] and set(rows.water_body) == {"huanggai"} and set(rows.recorded_by) == {"u"}
    assert rows.note.tolist()[0] == "聂市镇已进场拆除" and rows.unit.tolist() == ["聂市镇", ""]
    assert rows.has_file.tolist() == [False, True] and tk.progress("yehu").empty and len(tk.progress()) == 2
    assert tk.progress_file(e2) == (JPEG, "现场照片.jpg", "image/jpeg") and tk.progress_file(e1) is None
    states = {s["task"].key: s for s in task_states(load_tasks(), rows.to_dict("records"), TODAY)}
    assert states["hg_buffer_pond"]["state"] == "done" and states["hg_signs"]["state"] == "overdue"
    # Void the completion: kept, marked, and the task is overdue again.
    with refused("task.void_reason", TaskError):
        tk.void_progress(e2, " ", user=U)
    tk.void_progress(e2, "照片不是该鱼塘", user=actor("a"))
    with refused("task.already_void", TaskError):
        tk.void_progress(e2, "again", user=U)
    with refused("task.no_entry", TaskError):
        tk.void_progress(999, "x", user=U)
    rows = tk.progress()
    row = rows.set_index("id").loc[e2]
    assert row.voided_by == "a" and row.void_reason == "照片不是该鱼塘" and row.status == "done"
    states = {s["task"].key: s for s in task_states(load_tasks(), rows.to_dict("records"), TODAY)}
    assert (states["hg_buffer_pond"]["state"], states["hg_buffer_pond"]["days"]) == ("overdue", 91)
    audit = store.audit.log(limit=3)
    assert list(audit.action) == ["task.progress_void", "task.progress", "task.progress"]
    after = json.loads(audit.iloc[1]["after"])
    assert after["task_key"] == "hg_buffer_pond" and after["file"]["bytes"] == len(JPEG)


def test_refusals_leave_nothing_written(store):
    tk = store.tasks
    with refused("task.close_before_done", TaskError):
        tk.add_progress("hg_bullfrog", "closed", date(2022, 10, 1), "已销号", user=U, today=TODAY)
    with refused("lake.file_type", LakeWorkError):  # evidence checked by content, not by name
        tk.add_progress("hg_bullfrog", "in_progress", date(2022, 10, 1), "x", user=U, today=TODAY,
                        file=b"MZ\x90\x00", file_name="photo.jpg")  # fmt: skip
    with pytest.raises(TextRefused):
        tk.add_progress("hg_bullfrog", "in_progress", date(2022, 10, 1), "x", user=U, today=TODAY, unit="镇" * 101)
    store.accounts.create("looker", "viewer-password-1", "viewer", user=CONSOLE)
    with pytest.raises(PermissionDenied):
        tk.add_progress("hg_bullfrog", "in_progress", date(2022, 10, 1), "x", user=actor("looker"), today=TODAY)
    assert tk.progress().empty


def test_two_close_outs_at_once_leave_one(store):
    tk = store.tasks
    tk.add_progress("yh_enforcement", "done", date(2022, 6, 1), "专项执法完成", user=U, today=TODAY)

    def close(n):
        try:
            return tk.add_progress("yh_enforcement", "closed", date(2022, 7, 1), f"验收{n}", user=U, today=TODAY)
        except TaskError as exc:
            return exc.code

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(close, range(4)))
    assert sum(isinstance(r, int) for r in results) == 1 and results.count("task.closed") == 3
