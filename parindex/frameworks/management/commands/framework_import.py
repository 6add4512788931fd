from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.frameworks.excelio import tree_from_xlsx
from parindex.frameworks.messages import describe
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.frameworks.spec import SpecError
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.errors import Refused


class Command(BaseCommand):
    help = "Import a framework from YAML or the Excel template; nothing is saved unless valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--freeze", action="store_true", help="put it in use at once")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            content = path.read_bytes()
            tree = tree_from_xlsx(content) if path.suffix == ".xlsx" else tree_from_yaml(content)
            framework = framework_import(tree=tree, by=None)
        except SpecError as error:
            raise CommandError("\n".join(describe(i) for i in error.issues)) from None
        except Refused as error:
            raise CommandError(error.message) from None
        if options["freeze"]:
            framework_freeze(framework=framework)
        self.stdout.write(f"{framework} saved: {len(tree.leaves())} leaves.")
