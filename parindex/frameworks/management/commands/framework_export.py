from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.frameworks.excelio import tree_to_xlsx
from parindex.frameworks.models import Framework
from parindex.frameworks.yamlio import tree_to_yaml


class Command(BaseCommand):
    help = "Write a framework (the newest version of a group and year) as YAML or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--group", required=True, help="the unit group's code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--framework-version", type=int, dest="framework_version")
        parser.add_argument("--format", choices=["yaml", "xlsx"], default="yaml")
        parser.add_argument("--out", help="file to write (YAML goes to standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        frameworks = Framework.objects.filter(group__code=options["group"], year=options["year"])
        if options["framework_version"]:
            frameworks = frameworks.filter(version=options["framework_version"])
        framework = frameworks.order_by("-version").first()
        if framework is None:
            raise CommandError("No such framework.")
        tree = framework.to_tree()
        if options["format"] == "xlsx":
            if not options["out"]:
                raise CommandError("--format xlsx needs --out FILE")
            with open(options["out"], "wb") as out:
                out.write(tree_to_xlsx(tree))
            return
        text = tree_to_yaml(tree)
        if options["out"]:
            with open(options["out"], "w", encoding="utf-8") as out:
                out.write(text)
        else:
            self.stdout.write(text, ending="")
