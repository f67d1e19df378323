"""Scenarios: the schema, loading files with ``base:`` inheritance, and derivation.

- :mod:`.basics`: the vocabulary (``STAGES``, ``WORKER_TYPES``), the base model, distributions
- :mod:`.schema`: the scenario's blocks and :class:`Scenario`; ``validate_scenario``
- :mod:`.policies`: the workforce blocks and policy levers (recruitment, academy, agency, retention)
- :mod:`.load`: YAML files, ``base:`` links, ``load_scenario``, ``load_scenarios``, digests
- :mod:`.derive`: variants over a base, changes at dotted paths, ``scale_authority``
- :mod:`.catalog`: where the scenario files are, their order, loading a list of them
"""

from .basics import (OUTCOMES, STAGES, WORKER_TYPES, Dist, Exponential, Fixed, Gamma, Histogram,
                     LogNormal, OutcomeName, StageName, Uniform, WorkerType)
from .catalog import (DEFAULT_ORDER, PACKAGE_ROOT, bundled_scenarios, load_scenario_files,
                      project_root, scenario_files)
from .derive import merge_variant, scale_authority, set_dotted
from .errors import ScenarioError
from .load import file_digest, load_raw, load_scenario, load_scenarios
from .policies import Academy, Agency, Campaign, LongTermAbsence, Recruitment, Retention, Workforce
from .schema import (Balancing, Calendar, Caseload, Clock, Costs, Demand, FrontDoor, InitialState,
                     Scenario, StaffGroup, Stage, Surge, Team, Transfer, Visits, WorkingTime,
                     validate_scenario)

__all__ = [
    "DEFAULT_ORDER", "PACKAGE_ROOT", "bundled_scenarios", "load_scenario_files", "project_root",
    "scenario_files",
    "OUTCOMES", "STAGES", "WORKER_TYPES", "Academy", "Agency", "Balancing", "Calendar", "Campaign",
    "Caseload", "Clock", "Costs", "Demand", "Dist", "Exponential", "Fixed", "FrontDoor", "Gamma",
    "Histogram", "InitialState", "LogNormal", "LongTermAbsence", "OutcomeName", "Recruitment",
    "Retention", "Scenario", "ScenarioError", "StaffGroup", "Stage", "StageName", "Surge", "Team",
    "Transfer", "Uniform", "Visits", "WorkerType", "Workforce", "WorkingTime", "file_digest",
    "load_raw", "load_scenario", "load_scenarios", "merge_variant", "scale_authority", "set_dotted",
    "validate_scenario",
]
