"""Benchmark: a survey campaign of millions of answers, generated, stored and aggregated
on PostgreSQL (issue 11's targets: 500,000 respondents × 20 questions = 10 million
answers aggregated in under 3 s and within 1.5× of a bare GROUP BY over the same rows;
100 million in under 30 s).

    DATABASE_URL=postgres://… python manage.py bench_surveys [--respondents 500000]
        [--questions 20] [--units 100] [--repeat 3] [--keep]

Generates the responses and answers in the database (INSERT … SELECT over
generate_series: rows/s reported), then stores 2,000 more through the application's own
path (`response_store`, what the forms and imports call) to report that rate too, then
times, alternately in one run, the bare `GROUP BY unit, question` and the campaign's
aggregation (`campaign_aggregate`: the GROUP BY the application runs, the formula over
its counts, the figures written). Removes its data afterwards unless --keep.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from parindex.org.models import EvaluatingBody, Unit, UnitGroup
from parindex.surveys.aggregation import campaign_aggregate
from parindex.surveys.models import (
    Aggregate,
    Answer,
    Campaign,
    CampaignUnit,
    Channel,
    Indicator,
    Question,
    Questionnaire,
    Response,
    Source,
    UnitSurveyResult,
)
from parindex.surveys.partitions import partition_name
from parindex.surveys.responses import Parsed, Who, response_store

YEAR = 2903
CODE = "bench-sipas"
INDICATORS = ("access", "procedure", "staff", "results", "feedback")
APP_RESPONSES = 2000


class Command(BaseCommand):
    help = "Generate, store and aggregate a survey campaign of millions of answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--respondents", type=int, default=500_000)
        parser.add_argument("--questions", type=int, default=20)
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--keep", action="store_true", help="keep the generated campaign")
        parser.add_argument(
            "--http-seconds",
            type=int,
            default=10,
            help="the public form under gunicorn and wrk, this long per case (0: not run)",
        )
        parser.add_argument("--only-http", action="store_true", help="skip the generated campaign")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_surveys measures PostgreSQL: set DATABASE_URL.")
        respondents, questions = options["respondents"], options["questions"]
        if not 1 <= respondents <= 10_000_000 or not 1 <= questions <= 100:
            raise CommandError("--respondents 1-10,000,000 and --questions 1-100.")
        if not 1 <= options["units"] <= 10_000 or not 1 <= options["repeat"] <= 20:
            raise CommandError("--units 1-10,000 and --repeat 1-20.")
        if not 0 <= options["http_seconds"] <= 300:
            raise CommandError("--http-seconds 0-300.")
        if not options["only_http"]:
            self._remove()
            campaign = self._campaign(questions, options["units"])
            try:
                self._generate(campaign, respondents)
                self._through_the_app(campaign)
                self._aggregate(campaign, options["repeat"])
            finally:
                if not options["keep"]:
                    self._remove()
                    self.stdout.write("(generated campaign removed)")
        if options["http_seconds"]:
            self._http(options["http_seconds"])

    def _http(self, seconds: int) -> None:
        from parindex.demo.survey_serving import form_run

        run = form_run(seconds)
        minimal, form = run.minimal, run.form
        self.stdout.write(
            f"gunicorn (2 workers) and wrk (16 connections, {seconds} s each), in one run:\n"
            f"  minimal view storing one row: {minimal.rate:,.1f} requests/s, p50 "
            f"{minimal.p50:.1f} ms, p99 {minimal.p99:.1f} ms, {minimal.errors} errors, "
            f"{minimal.server_cpu_ms or 0:.2f} + {minimal.db_cpu_ms or 0:.2f} ms CPU each\n"
            f"  public form, {run.answers} answers a response: {form.rate:,.1f} requests/s "
            f"({form.rate / minimal.rate:.0%} of the minimal view), p50 {form.p50:.1f} ms, "
            f"p99 {form.p99:.1f} ms, {form.errors} errors, "
            f"{form.server_cpu_ms or 0:.2f} + {form.db_cpu_ms or 0:.2f} ms CPU each\n"
            f"  {run.accepted:,} responses accepted (redirected to the thanks page), "
            f"{run.stored:,} stored, {max(0, run.accepted - run.stored)} lost"
        )

    # Building ----------------------------------------------------------------------

    @transaction.atomic
    def _campaign(self, questions: int, units: int) -> Campaign:
        body = EvaluatingBody.objects.order_by("pk").first() or EvaluatingBody.objects.create(
            name="Bench"
        )
        group, _new = UnitGroup.objects.get_or_create(
            code=f"bench-{YEAR}", defaults={"body": body, "name": f"Nhóm thử {YEAR}"}
        )
        have = Unit.objects.filter(group=group).count()
        Unit.objects.bulk_create(
            Unit(code=f"bench-{YEAR}-{n}", name=f"Đơn vị thử {n}", group=group, position=n)
            for n in range(have, units)
        )
        questionnaire = Questionnaire.objects.create(
            code=CODE, title="Phiếu thử SIPAS", source=Source.SIPAS, year=YEAR
        )
        indicators = [
            Indicator.objects.create(questionnaire=questionnaire, code=code, title=code, position=n)
            for n, code in enumerate(INDICATORS)
        ]
        Question.objects.bulk_create(
            Question(
                questionnaire=questionnaire,
                indicator=indicators[n % len(indicators)],
                code=f"q{n + 1}",
                text=f"Câu hỏi {n + 1}",
                kind=Question.Kind.SCALE,
                position=n,
            )
            for n in range(questions)
        )
        today = datetime.date.today()
        campaign = Campaign.objects.create(
            code=CODE,
            title="Khảo sát thử",
            year=YEAR,
            source=Source.SIPAS,
            opens_on=today - datetime.timedelta(days=60),
            closes_on=today,
        )
        campaign.questionnaires.add(questionnaire)
        CampaignUnit.objects.bulk_create(
            CampaignUnit(
                campaign=campaign, unit=unit, link_code=f"bench{unit.pk}", transactions=20_000
            )
            for unit in Unit.objects.filter(group=group).order_by("position")[:units]
        )
        return campaign

    def _generate(self, campaign: Campaign, respondents: int) -> None:
        """Responses and answers made by the database itself: the fastest way rows get in,
        the floor of what an import can reach."""
        questionnaire = campaign.questionnaires.get()
        question_ids = list(questionnaire.questions.values_list("pk", flat=True))
        unit_ids = list(campaign.units.values_list("unit_id", flat=True))
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO surveys_response (id, campaign_id, questionnaire_id, unit_id,
                    group_id, channel, day, collector_id, dossier_code, flag, counted,
                    decision, decision_reason, decided_by_id, decided_on, generated)
                SELECT gen_random_uuid(), %s, %s, (%s::bigint[])[1 + i %% %s], NULL, 'web',
                    %s::date - (i %% 60), NULL, '', '', true, '', '', NULL, NULL, true
                FROM generate_series(0, %s - 1) AS i
                """,
                [
                    campaign.pk,
                    questionnaire.pk,
                    unit_ids,
                    len(unit_ids),
                    campaign.closes_on,
                    respondents,
                ],
            )
            responses_took = time.perf_counter() - started
            started = time.perf_counter()
            # Answers lean to satisfied, as SIPAS answers do: 1–5 with weights 2/3/10/45/40.
            cursor.execute(
                """
                INSERT INTO surveys_answer (response_id, question_id, choice, value,
                    campaign_id, unit_id, group_id, counted)
                SELECT r.id, q, 0,
                    CASE WHEN x < 0.02 THEN 1 WHEN x < 0.05 THEN 2 WHEN x < 0.15 THEN 3
                         WHEN x < 0.60 THEN 4 ELSE 5 END,
                    r.campaign_id, r.unit_id, NULL, true
                FROM surveys_response r
                CROSS JOIN unnest(%s::bigint[]) AS q
                CROSS JOIN LATERAL (SELECT random() + q * 0 AS x) AS draw
                WHERE r.campaign_id = %s
                """,
                [question_ids, campaign.pk],
            )
            answers = cursor.rowcount
            answers_took = time.perf_counter() - started
            started = time.perf_counter()
            cursor.execute("VACUUM ANALYZE surveys_response, surveys_answer")
            vacuum_took = time.perf_counter() - started
        self.stdout.write(
            f"generated {respondents:,} responses in {responses_took:.1f} s "
            f"({respondents / responses_took:,.0f} rows/s) and {answers:,} answers in "
            f"{answers_took:.1f} s ({answers / answers_took:,.0f} rows/s); "
            f"VACUUM ANALYZE {vacuum_took:.1f} s"
        )

    def _through_the_app(self, campaign: Campaign) -> None:
        """Responses stored one by one through response_store, as forms and imports do."""
        questionnaire = campaign.questionnaires.get()
        question_ids = list(questionnaire.questions.values_list("pk", flat=True))
        units = list(Unit.objects.filter(pk__in=campaign.units.values("unit_id")))
        rng = random.Random(11)
        started = time.perf_counter()
        for n in range(APP_RESPONSES):
            parsed = Parsed(numbers=[(q, 0, rng.choice((3, 4, 4, 5, 5))) for q in question_ids])
            response_store(
                who=Who(
                    campaign, questionnaire, units[n % len(units)], Channel.WEB, campaign.closes_on
                ),
                parsed=parsed,
                generated=True,
            )
        took = time.perf_counter() - started
        self.stdout.write(
            f"through response_store: {APP_RESPONSES:,} responses in {took:.1f} s "
            f"({APP_RESPONSES / took:,.0f} responses/s, "
            f"{APP_RESPONSES * len(question_ids) / took:,.0f} answers/s)"
        )

    # Measuring ---------------------------------------------------------------------

    def _aggregate(self, campaign: Campaign, repeat: int) -> None:
        def bare() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT unit_id, question_id, count(*) FROM surveys_answer "
                    "WHERE campaign_id = %s GROUP BY unit_id, question_id",
                    [campaign.pk],
                )
                cursor.fetchall()

        def ours() -> None:
            campaign_aggregate(campaign=campaign)

        timings: dict[str, list[float]] = {"bare": [], "ours": []}
        cases: list[tuple[str, Callable[[], None]]] = [("bare", bare), ("ours", ours)]
        for _name, action in cases:  # once each, to warm the cache alike
            action()
        for _ in range(repeat):
            for name, action in cases:
                started = time.perf_counter()
                action()
                timings[name].append(time.perf_counter() - started)
        answers = Answer.objects.filter(campaign=campaign).count()
        bare_s, ours_s = statistics.median(timings["bare"]), statistics.median(timings["ours"])
        self.stdout.write(
            f"{answers:,} answers, median of {repeat}: bare GROUP BY unit, question "
            f"{bare_s:.2f} s; campaign_aggregate {ours_s:.2f} s "
            f"({ours_s / bare_s:.2f}× the bare query; every run: "
            f"{', '.join(f'{t:.2f}' for t in timings['ours'])} s)"
        )
        overall = UnitSurveyResult.objects.filter(campaign=campaign, indicator="").count()
        self.stdout.write(
            f"figures written: {overall} units overall, "
            f"{Aggregate.objects.filter(campaign=campaign).count()} aggregates"
        )

    def _remove(self) -> None:
        """The generated campaign and its rows, by statements over the whole set."""
        campaign = Campaign.objects.filter(code=CODE).first()
        with connection.cursor() as cursor:
            if campaign is not None:
                # The campaign's partition is emptied at once; millions of deleted rows
                # would be written to the log one by one.
                cursor.execute("SELECT to_regclass(%s)", [partition_name(campaign.pk)])
                if cursor.fetchone()[0] is not None:
                    cursor.execute(f"TRUNCATE {partition_name(campaign.pk)}")
                cursor.execute("DELETE FROM surveys_answer WHERE campaign_id = %s", [campaign.pk])
                cursor.execute("DELETE FROM surveys_response WHERE campaign_id = %s", [campaign.pk])
                Aggregate.objects.filter(campaign=campaign).delete()
                UnitSurveyResult.objects.filter(campaign=campaign).delete()
                campaign.delete()
            Response.objects.filter(questionnaire__code=CODE).delete()
            Questionnaire.objects.filter(code=CODE).delete()
