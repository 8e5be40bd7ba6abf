"""How ``make test`` splits the suite over its pytest-xdist workers.

``--dist loadscope`` hands out whole test modules, so a module's fixtures are made once;
the browser tests (``tests/e2e``) form one scope so that one worker drives them all
through one server and one Chromium. (``--dist loadgroup`` with ``xdist_group`` marks
would say the same, but its group suffix on node ids no longer takes effect on pytest 9.)
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

BROWSER = "tests/e2e/"


class ModulesAndBrowser(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return "browser" if module.startswith(BROWSER) else module
