"""Site aliases an administrator adds: a lab file naming the alias imports to that site."""

import pytest

from monitoring.auth import CONSOLE, PermissionDenied
from monitoring.importer import import_file
from tests.conftest import actor, refused
from tests.monitoring import labfiles
from tests.monitoring.test_importer import run_cli

ADMIN = actor("u")
#: A lab's file naming points by the names its samplers use, not the register's.
ROWS = [
    ("东湾排口", "2022/4/12", "0.05", None, ""),
    ("东湾排口尾水排口", "2022/4/13", "0.06", None, ""),
    ("李家塘口", "2022年4月13日", "0.01L", None, ""),
]


@pytest.mark.parametrize("build, name", [(labfiles.xlsx, "第15周.xlsx"), (labfiles.csv, "第15周.csv")])
def test_a_lab_file_naming_an_alias_imports_to_that_site(store, build, name):
    before = import_file(store, build(rows=ROWS), name, user=ADMIN)
    assert before.written == 0 and {(e.row, e.code) for e in before.errors} == {
        (4, "import.site_unknown"),
        (5, "import.site_unknown"),
        (6, "import.site_unknown"),
    }
    assert store.aliases.add("6", " 东湾排口 ", user=ADMIN) == "东湾排口"
    assert store.aliases.add("12", "李家塘口", user=ADMIN) == "李家塘口"
    result = import_file(store, build(rows=ROWS), name, user=ADMIN)
    assert result.errors == [] and result.counts == {"6": 2, "12": 1}
    assert sorted(store.samples.find().site_code) == ["12", "6", "6"]
    log = store.audit.log(action="site.alias")
    assert len(log) == 2 and set(log.entity_id) == {"东湾排口", "李家塘口"} and set(log.actor) == {"u"}


def test_an_alias_never_changes_what_a_name_means(store):
    store.aliases.add("6", "东湾排口", user=ADMIN)
    for code, alias, error in [
        ("7", "5号塘", "site.alias_taken"),  # a pond number means pond 5
        ("7", "唐小阶水产养殖场", "site.alias_taken"),  # pond 9's farm name
        ("7", "ＥＡＳＴ", None),  # accepted (a new name), full width kept as written
        ("7", "东湾排口", "site.alias_taken"),  # already an alias of 6
        ("7", "东 湾 排 口", "site.alias_taken"),  # the same name, spaced
        ("7", "  ", "site.alias_empty"),
        ("7", "x" * 201, "site.alias_long"),
        ("99", "北岸", "site.alias_no_site"),
    ]:
        if error is None:
            assert store.aliases.add(code, alias, user=ADMIN) == alias
            continue
        with refused(error) as exc:
            store.aliases.add(code, alias, user=ADMIN)
        zh, en = exc.value.message("zh"), exc.value.message("en")
        assert zh and en and "Traceback" not in zh + en
    with refused("site.alias_taken") as exc:
        store.aliases.add("7", "5号塘", user=ADMIN)
    assert "点位 5" in exc.value.message("zh") and "already means site 5" in exc.value.message("en")
    assert list(store.aliases.list_aliases().alias) == ["东湾排口", "ＥＡＳＴ"]


def test_a_name_several_sites_have_cannot_be_an_alias(store):
    store.register.add_site("L1", "lake", "唐小阶水产养殖场", 113.42, 29.65, "test", user=ADMIN)  # pond 9's name
    with refused("site.alias_ambiguous") as exc:
        store.aliases.add("L1", "唐小阶水产养殖场", user=ADMIN)
    assert "9, L1" in exc.value.message("en") and "多个点位" in exc.value.message("zh")


def test_removed_alias_no_longer_resolves_and_only_admins_edit(store):
    store.accounts.create("insp1", "insp-password-1", "inspector", user=CONSOLE)
    with pytest.raises(PermissionDenied):
        store.aliases.add("6", "东湾排口", user=actor("insp1", "inspector"))
    store.aliases.add("6", "东湾排口", user=ADMIN)
    with pytest.raises(PermissionDenied):
        store.aliases.remove("东湾排口", user=actor("insp1", "inspector"))
    assert store.aliases.remove("东湾排口", user=ADMIN) == "6"
    with refused("site.alias_unknown"):
        store.aliases.remove("东湾排口", user=ADMIN)
    result = import_file(store, labfiles.xlsx(rows=ROWS[:1]), "a.xlsx", user=ADMIN)
    assert [e.code for e in result.errors] == ["import.site_unknown"]
    log = store.audit.log(action="site.alias", entity_id="东湾排口")
    assert log.before.notna().sum() == 1 and log.after.notna().sum() == 1  # added, then removed


def test_command_line(tmp_path):
    f = tmp_path / "第15周.csv"
    f.write_bytes(labfiles.csv(rows=ROWS))
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    assert run_cli(tmp_path, "site", "alias", "list").stdout.strip() == "还没有点位别名。"
    add = run_cli(tmp_path, "site", "alias", "add", "6", "东湾排口")
    assert add.returncode == 0 and add.stdout.strip() == "已新增别名“东湾排口” → 点位 6。"
    en = run_cli(tmp_path, "--lang", "en", "site", "alias", "add", "12", "李家塘口")
    assert en.returncode == 0 and en.stdout.strip() == "Alias '李家塘口' added for site 12."
    clash = run_cli(tmp_path, "--lang", "en", "site", "alias", "add", "7", "5号塘")
    assert clash.returncode == 1 and "already means site 5" in clash.stderr and "Traceback" not in clash.stderr
    listed = run_cli(tmp_path, "--lang", "en", "site", "alias", "list").stdout
    assert "东湾排口 → 6" in listed and "李家塘口 → 12" in listed
    ok = run_cli(tmp_path, "import-samples", str(f))
    assert ok.returncode == 0, ok.stderr
    assert "6: 2" in ok.stdout and "12: 1" in ok.stdout
    gone = run_cli(tmp_path, "site", "alias", "remove", "东湾排口")
    assert gone.returncode == 0 and "原指点位 6" in gone.stdout
    missing = run_cli(tmp_path, "--lang", "en", "site", "alias", "remove", "东湾排口")
    assert missing.returncode == 1 and "no such alias" in missing.stderr
