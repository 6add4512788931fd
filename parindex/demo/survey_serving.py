"""The public survey form under the production server: wrk posts responses to a unit's
form beside a minimal view that stores one row, in one run; every accepted response is
looked for in the database afterwards (bench_surveys --http-seconds)."""

from __future__ import annotations

import datetime
import http.cookiejar
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from parindex.demo.bench_urls import INSERT_TABLE
from parindex.demo.serving import (
    DONE,
    Measure,
    Server,
    _lua_string,
    run_wrk,
    serving,
)
from parindex.org.models import Unit
from parindex.surveys.models import Campaign, CampaignUnit, Question, Response
from parindex.surveys.questionnaires import questionnaire_freeze, questionnaire_import

SIPAS = Path(__file__).resolve().parent / "data" / "questionnaires" / "sipas-2024.yaml"
CODE = "bench-http-sipas"
YEAR = 2099  # questionnaires are of the years 2000-2100

# Each thread posts responses with answers drawn at random (the same answers from one
# address would be flagged as duplicates: still stored, but not what a crowd sends),
# and counts the redirects to the thanks page: responses accepted.
POSTS_LUA = """
local path = %(path)s
local token = %(token)s
local cookie = %(cookie)s
local questions = {%(questions)s}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  accepted = 0
  refused = 0
end
function request()
  local parts = {"csrfmiddlewaretoken=" .. token}
  for _, q in ipairs(questions) do
    local values = q[2]
    parts[#parts + 1] = "q-" .. q[1] .. "=" .. values[math.random(#values)]
  end
  return wrk.format("POST", path, {
    ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = %(referer)s
  }, table.concat(parts, "&"))
end
function response(status, headers, body)
  if status == 302 then accepted = accepted + 1 else refused = refused + 1 end
end
"""

ACCEPTED_LUA = """
local done_summary = done
function done(summary, latency, requests)
  local accepted, refused = 0, 0
  for _, thread in ipairs(threads) do
    accepted = accepted + thread:get("accepted")
    refused = refused + thread:get("refused")
  end
  io.write(string.format('\\nEXTRA {"accepted": %d, "refused": %d}\\n', accepted, refused))
  done_summary(summary, latency, requests)
end
"""

INSERT_LUA = """
function request()
  return wrk.format("POST", "/bench/insert/",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, "payload=x")
end
"""


@dataclass(frozen=True)
class FormRun:
    minimal: Measure  # the view that stores one row
    form: Measure  # the public form's posts
    accepted: int  # redirects to the thanks page that wrk saw
    stored: int  # responses in the database afterwards
    answers: int  # answers a response carries


def form_campaign() -> CampaignUnit:
    """The demo's SIPAS form (25 questions) in a campaign of its own, open, without an
    hourly limit a crowd behind one address would reach."""
    Campaign.objects.filter(code=CODE).delete()
    text = SIPAS.read_text(encoding="utf-8")
    text = re.sub(r"^code: .*$", f"code: {CODE}", text, count=1, flags=re.M)
    text = re.sub(r"^year: .*$", f"year: {YEAR}", text, count=1, flags=re.M)
    from parindex.surveys.models import Questionnaire

    Questionnaire.objects.filter(code=CODE).delete()
    questionnaire = questionnaire_freeze(
        questionnaire=questionnaire_import(data=text.encode(), by=None)
    )
    today = datetime.date.today()
    campaign = Campaign.objects.create(
        code=CODE,
        title="Khảo sát thử qua mạng",
        year=YEAR,
        source="sipas",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
        hourly_limit=32767,
    )
    campaign.questionnaires.add(questionnaire)
    unit = Unit.objects.order_by("pk").first()
    if unit is None:
        raise RuntimeError("bench_surveys --http needs a unit: run load_demo first")
    return CampaignUnit.objects.create(campaign=campaign, unit=unit, link_code="benchhttp")


def _answers(entry: CampaignUnit) -> list[tuple[str, list[int]]]:
    """Every required or scored question with the values a person may give."""
    found = []
    for question in Question.objects.filter(questionnaire__campaigns=entry.campaign).order_by(
        "position"
    ):
        if question.kind == Question.Kind.SCALE:
            found.append((question.code, [2, 3, 4, 4, 5, 5]))
        elif question.kind == Question.Kind.SINGLE:
            found.append((question.code, [int(c["value"]) for c in question.choices]))
        elif question.kind == Question.Kind.NUMBER:
            low = question.min_value or 18
            found.append((question.code, list(range(max(low, 18), 70, 7))))
    return found


def _session(server: Server, path: str) -> tuple[str, str]:
    """The form's CSRF cookie and token, as a browser gets them with the form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(server.url + path, timeout=10) as answer:
        page = answer.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    cookie = next((c for c in jar if c.name == "csrftoken"), None)
    if token is None or cookie is None:
        raise RuntimeError("the public form gave no CSRF token")
    return f"csrftoken={cookie.value}", token.group(1)


def form_run(seconds: float, connections: int = 16) -> FormRun:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {INSERT_TABLE} (id bigserial PRIMARY KEY, payload text)"
        )
    entry = form_campaign()
    path = f"/s/{entry.link_code}/"
    answers = _answers(entry)
    try:
        with serving() as server:
            cookie, token = _session(server, path)
            minimal = run_wrk(server, INSERT_LUA + DONE, connections=connections, seconds=seconds)
            listed = ", ".join(
                "{" + _lua_string(code) + ", {" + ", ".join(map(str, values)) + "}}"
                for code, values in answers
            )
            script = POSTS_LUA % {
                "path": _lua_string(path),
                "token": _lua_string(token),
                "cookie": _lua_string(cookie),
                "questions": listed,
                "referer": _lua_string(server.url + path),
            }
            counts: dict[str, int] = {}
            form = run_wrk(
                server,
                script + DONE + ACCEPTED_LUA,
                connections=connections,
                seconds=seconds,
                extra=counts,
            )
            accepted = counts.get("accepted", 0)
        stored = Response.objects.filter(campaign=entry.campaign).count()
        return FormRun(minimal, form, accepted, stored, len(answers))
    finally:
        Campaign.objects.filter(code=CODE).delete()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {INSERT_TABLE}")
