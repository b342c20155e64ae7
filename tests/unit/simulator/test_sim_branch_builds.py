# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GET {project}/tree/{branch}: one branch's build list (used by the circleci_builds lookup)."""

from __future__ import annotations

APP = "/project/github/acme/app"


def nums(resp):
    assert resp.status_code == 200, resp.text
    return [b["build_num"] for b in resp.json()]


def test_branch_list_newest_first_and_encoded_branch(sim):
    assert nums(sim.call("GET", APP + "/tree/main")) == [6, 3, 1]
    builds = sim.call("GET", APP + "/tree/feature%2Flogin").json()
    assert [b["build_num"] for b in builds] == [4, 2]
    assert {b["branch"] for b in builds} == {"feature/login"}
    assert nums(sim.call("GET", APP + "/tree/no-such-branch")) == []


def test_branch_list_paging_filter_shallow(sim):
    sim.control("POST", "/seed/builds", json={"count": 150, "branch": "main"})
    sim.control("POST", "/seed/builds", json={"count": 5, "branch": "other"})
    first = nums(sim.call("GET", APP + "/tree/main", params={"limit": 100, "offset": 0}))
    second = nums(sim.call("GET", APP + "/tree/main", params={"limit": 100, "offset": 100}))
    assert len(first) == 100 and len(second) == 53  # 150 seeded + builds 1, 3, 6
    assert first[0] == 156 and second[-1] == 1
    assert nums(sim.call("GET", APP + "/tree/main")) == first[:30]  # limit default 30
    assert nums(sim.call("GET", APP + "/tree/feature%2Flogin", params={"filter": "failed"})) == [2]
    shallow = sim.call("GET", APP + "/tree/main", params={"limit": 1, "shallow": "true"}).json()[0]
    assert "vcs_url" not in shallow and shallow["branch"] == "main"
    bad = sim.call("GET", APP + "/tree/main", params={"limit": 101})
    assert bad.status_code == 400
    assert sim.call("GET", "/project/github/acme/nope/tree/main").status_code == 404
    log = sim.control("GET", "/requests").json()
    assert log[1]["path"] == "/api/v1.1/project/github/acme/app/tree/main"
    assert log[1]["query"] == {"limit": "100", "offset": "100"}
