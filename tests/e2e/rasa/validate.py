#!/usr/bin/env python3
"""Validate Rasa (CALM) projects written by `callc build --target rasa` with Rasa's own code.

Usage: validate.py PROJECT_DIR [PROJECT_DIR ...]

For each directory this loads `config.yml`, `domain.yml` and `data/` through
Rasa's `TrainingDataImporter` (which parses and schema-checks every file and
runs the structural flow checks: unique step ids, every step reachable, every
`if` list ending in `else`, every `next` target existing, ...), then runs every
check `rasa data validate --fail-on-warnings` runs, one by one, so a failure
names the check. A project fails if any check returns False, if loading raises,
or if Rasa logs anything at warning level or above while doing so (except one
warning about Rasa's own default patterns that every project without an NLG
endpoint gets; see _ALLOWED).

No licence is needed: this uses Rasa's Python API, not the `rasa` command.
Exit status: 0 all projects valid, 1 a project failed, 2 usage error.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path

import structlog

# LiteLLM (imported by rasa) otherwise fetches a price list from GitHub at import time.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# No telemetry calls from a validation run.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Warnings Rasa logs about its own defaults whatever the project holds: reported, not failed on.
# - Rasa's default pattern responses have `rephrase: True`, and a project without an NLG endpoint
#   (callc writes none: no rephrasing of the spec's exact wording) makes Rasa say it skips it.
_ALLOWED = {"validator.verify_rephrase_endpoints_consistency.defaults_only_rephrase_without_nlg"}

# Every structlog event Rasa logs at warning level or above, per project. Rasa's modules copy
# structlog's processor list when they are imported, so this is configured before any of them is.
_EVENTS: list[tuple[str, dict]] = []


def _record(_logger, method_name: str, event_dict: dict) -> dict:
    if method_name in ("debug", "info", "msg"):
        raise structlog.DropEvent
    _EVENTS.append((method_name, dict(event_dict)))
    if event_dict.get("event") in _ALLOWED:
        raise structlog.DropEvent
    return event_dict


structlog.configure(
    processors=[_record, structlog.dev.ConsoleRenderer(colors=False)],
    logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    cache_logger_on_first_use=False,
)

class _Collect(logging.Handler):
    """Keeps every stdlib log record at WARNING or above."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.levelname} {record.name}: {record.getMessage()}")


def _checks(validator, importer):
    """The checks of `rasa data validate --fail-on-warnings` (rasa/cli/validation/bot_config.py),
    each named, with the flow checks `verify_flows` groups also called one by one, and the
    checks Rasa Studio adds (`verify_studio_supported_validations`)."""
    checks = [
        ("verify_domain_validity", lambda: validator.verify_domain_validity()),
        ("verify_actions_in_stories_rules", lambda: validator.verify_actions_in_stories_rules()),
        ("verify_forms_in_stories_rules", lambda: validator.verify_forms_in_stories_rules()),
        ("verify_form_slots", lambda: validator.verify_form_slots()),
        ("verify_slot_mappings", lambda: validator.verify_slot_mappings()),
        (
            "check_for_no_empty_parenthesis_in_responses",
            lambda: validator.check_for_no_empty_parenthesis_in_responses(),
        ),
        ("validate_button_payloads", lambda: validator.validate_button_payloads()),
        ("verify_slot_validation", lambda: validator.verify_slot_validation()),
        (
            "validate_conditional_response_variation_predicates",
            lambda: validator.validate_conditional_response_variation_predicates(),
        ),
        ("verify_nlu", lambda: validator.verify_nlu(ignore_warnings=False)),
        ("verify_story_structure", lambda: validator.verify_story_structure(ignore_warnings=False)),
        ("verify_csat_score_slot_values", lambda: validator.verify_csat_score_slot_values()),
        ("verify_flows_steps_against_domain", lambda: validator.verify_flows_steps_against_domain()),
        ("verify_unique_flows", lambda: validator.verify_unique_flows()),
        ("verify_predicates", lambda: validator.verify_predicates()),
        ("verify_slot_persistence_configuration", lambda: validator.verify_slot_persistence_configuration()),
        ("verify_flows", lambda: validator.verify_flows()),
        (
            "verify_mcp_meta_map_slots_against_domain",
            lambda: validator.verify_mcp_meta_map_slots_against_domain(),
        ),
        ("verify_mcp_pre_call_hooks", lambda: validator.verify_mcp_pre_call_hooks()),
        ("verify_prompt_templates", lambda: validator.verify_prompt_templates()),
        ("verify_translations", lambda: validator.verify_translations(summary_mode=False)),
        ("validate_CALM_slot_mappings", lambda: validator.validate_CALM_slot_mappings()),
        ("verify_studio_supported_validations", lambda: validator.verify_studio_supported_validations()),
        (
            "verify_rephrase_endpoints_consistency",
            lambda: validator.verify_rephrase_endpoints_consistency(
                user_domain=importer.get_user_domain()
            ),
        ),
    ]
    return checks


def validate(project: Path) -> list[str]:
    """Returns the problems found in one project (empty when it is valid)."""
    from rasa.core.config.configuration import Configuration
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    problems: list[str] = []
    for needed in ("config.yml", "domain.yml", "data"):
        if not (project / needed).exists():
            problems.append(f"missing {needed}")
    if problems:
        return problems

    handler = _Collect()
    logging.getLogger().addHandler(handler)
    _EVENTS.clear()
    here = os.getcwd()
    # Rasa resolves some paths (sub_agents/, endpoints) relative to the working directory, as the CLI does.
    os.chdir(project)
    try:
        Configuration.initialise_empty()
        importer = TrainingDataImporter.load_from_config(
            config_path="config.yml", domain_path="domain.yml", training_data_paths=["data"]
        )
        # Loading the flows runs Rasa's structural flow validation; it raises on a problem.
        flows = importer.get_flows()
        if not [f.id for f in flows.underlying_flows if not f.id.startswith("pattern_")]:
            problems.append("no flows were loaded from data/")
        if importer.get_user_domain().is_empty():
            problems.append("the domain is empty")
        validator = Validator.from_importer(importer)
        for name, check in _checks(validator, importer):
            try:
                if check() is False:
                    problems.append(f"{name} returned False")
            except Exception as e:  # noqa: BLE001 - report every failing check
                problems.append(f"{name} raised {type(e).__name__}: {e}")
        validator.warn_if_config_mandatory_keys_are_not_set()
    except Exception as e:  # noqa: BLE001
        problems.append(f"loading raised {type(e).__name__}: {e}\n{traceback.format_exc()}")
    finally:
        os.chdir(here)
        logging.getLogger().removeHandler(handler)
    for level, event in _EVENTS:
        name = event.get("event")
        if name in _ALLOWED:
            print(f"  note: allowed Rasa warning about its defaults: {name}")
            continue
        problems.append(f"rasa logged {level}: {name}: {event.get('event_info') or event}")
    problems.extend(f"rasa logged {r}" for r in handler.records)
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    started = time.monotonic()
    import rasa

    print(f"rasa-pro {rasa.__version__}")
    failed = 0
    for arg in argv[1:]:
        project = Path(arg).resolve()
        t = time.monotonic()
        problems = validate(project)
        took = time.monotonic() - t
        if problems:
            failed += 1
            print(f"FAIL {arg} ({took:.1f}s)")
            for p in problems:
                print(f"  - {p}")
        else:
            print(f"ok   {arg} ({took:.1f}s)")
    total = time.monotonic() - started
    if failed:
        print(f"{failed} of {len(argv) - 1} project(s) failed Rasa's validation ({total:.1f}s)", file=sys.stderr)
        return 1
    print(f"all {len(argv) - 1} project(s) pass Rasa's validation ({total:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
