"""``python -m monitoring boundary upload | list``: provenance on the command line, in Chinese or English."""

import pytest

from tests.i18n.test_cli_languages import assert_language, run
from tests.surveyfiles import NAME, surveyed_lake_zip


@pytest.fixture
def env(tmp_path):
    env = {"YEHU_DB": str(tmp_path / "cli.sqlite"), "PATH": "/usr/bin:/bin"}
    assert run("monitoring", "db", "upgrade", env=env).returncode == 0
    return env


@pytest.fixture
def survey(tmp_path):
    path = tmp_path / "冶湖岸线实测.zip"
    path.write_bytes(surveyed_lake_zip())
    return path


def test_surveyed_upload_in_chinese_then_listed_in_english(env, survey):
    assert "尚无上传" in run("monitoring", "boundary", "list", env=env).stdout
    res = run(
        "monitoring", "boundary", "upload", str(survey), "--kind", "lake", "--provenance", "surveyed",
        "--source", "岳阳市勘测设计院 测字2026-118号", "--date", "2026-11-20", "--by", "刘工", env=env,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "已保存为第 1 版并启用：湖体边界，“冶湖岸线实测.zip”，1 个要素" in res.stdout
    assert "来源类型：实测" in res.stdout and "暂定" not in res.stdout
    assert "断面 S1 位于湖泊轮廓之外" in res.stdout  # the shipped section point is now on land
    assert_language(res.stdout, "zh", "boundary upload")
    listed = run("monitoring", "boundary", "list", "--lang", "en", env=env)
    assert listed.returncode == 0
    assert "Version 1 (in use): lake outline, '冶湖岸线实测.zip', 1 feature, surveyed" in listed.stdout
    assert "2026-11-20" in listed.stdout and "刘工" in listed.stdout
    check = run("monitoring", "export", "--format", "geojson", "--layer", "lake", str(survey.with_suffix(".geojson")),
                env=env)  # fmt: skip
    assert check.returncode == 0, check.stderr
    text = survey.with_suffix(".geojson").read_text(encoding="utf-8")
    assert f'"name": "{NAME}"' in text and '"来源类型": "实测"' in text and '"暂定": "否"' in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refusals_in_the_users_language_without_server_paths(env, survey, tmp_path, lang):
    opt = ["--lang", lang]
    cases = [
        run("monitoring", "boundary", "upload", str(survey), "--kind", "lake", "--provenance", "surveyed", *opt,
            env=env),  # no source
        run("monitoring", "boundary", "upload", str(survey), "--kind", "lake", "--provenance", "digitised",
            "--source", "影像", "--date", "20/11/2026", *opt, env=env),
        run("monitoring", "boundary", "upload", str(survey), "--kind", "sections", "--provenance", "provisional",
            *opt, env=env),  # polygons as section points
        run("monitoring", "boundary", "upload", str(survey), "--kind", "lake", "--provenance", "provisional",
            "--layer", "湖面", *opt, env=env),
        run("monitoring", "boundary", "upload", str(tmp_path / "missing.zip"), "--kind", "lake", "--provenance",
            "provisional", *opt, env=env),
    ]  # fmt: skip
    for res in cases:
        assert res.returncode == 1 and "Traceback" not in res.stderr, (res.args, res.stderr)
        assert_language(res.stderr.replace(survey.name, "“x”"), lang, " ".join(res.args[3:]))  # a name is data
        assert str(tmp_path) not in res.stderr and "/tmp" not in res.stderr
    assert "须填写来源" in cases[0].stderr if lang == "zh" else "needs a source" in cases[0].stderr
    listed = run("monitoring", "boundary", "list", *opt, env=env).stdout
    assert ("尚无上传" if lang == "zh" else "No boundary version") in listed  # nothing was stored


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_upload_cannot_state_drawn_on_the_map(env, survey, lang):
    opt = ["--lang", lang]
    helped = run("monitoring", "boundary", "upload", "--help", *opt, env=env)
    assert "{surveyed,digitised,provisional}" in helped.stdout and "drawn" not in helped.stdout
    drawn = run("monitoring", "boundary", "upload", str(survey), "--kind", "lake", "--provenance", "drawn",
                "--source", "影像", *opt, env=env)  # fmt: skip
    reserved = run("monitoring", "boundary", "upload", str(survey), "--kind", "lake", "--provenance", "digitised",
                   "--source", "map:gaode", *opt, env=env)  # fmt: skip
    for res in (drawn, reserved):
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
        assert_language(res.stderr, lang, " ".join(res.args[3:]))
    assert ("不能注明来源类型“地图绘制”" if lang == "zh" else "cannot state the provenance 'drawn on the map'") in (
        drawn.stderr
    )
    assert ("不能以“map:”开头" if lang == "zh" else "cannot start with 'map:'") in reserved.stderr
    listed = run("monitoring", "boundary", "list", *opt, env=env).stdout
    assert ("尚无上传" if lang == "zh" else "No boundary version") in listed
