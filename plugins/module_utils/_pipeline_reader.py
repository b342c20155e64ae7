# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2 pipelines, the reader: every read of pipelines, workflows, jobs, tests and artifacts, in one place.

Used by circleci_pipeline, circleci_pipeline_info and the circleci_pipelines and circleci_artifacts
lookups. Each method is one read (one request, or one per page of a list); what it answers is
normalised by _pipelines, except where a method says it gives CircleCI's answer as it is.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ciops.circleci.plugins.module_utils import _v2
from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_uuid
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import (
    PIPELINE_SETTLED,
    current_workflows,
    is_finished,
    normalize_job,
    normalize_pipeline,
    normalize_workflow,
    web_root,
)
from ansible_collections.ciops.circleci.plugins.module_utils._polling import parse_time

HINT_PIPELINE = {404: 'check pipeline_id: CircleCI has no such pipeline, or the token cannot see it'}
HINT_NUMBER = {404: 'check pipeline_number and the project: CircleCI has no such pipeline in it'}


class PipelineReader(object):
    """The reads of one project's pipelines (or of pipelines named by id, when ``project`` is None)."""

    def __init__(self, client, project=None):
        self.client = client
        self.project = project
        self.slug = project.slug if project is not None else None
        # Where the links of results point: the web app of this API host.
        self.web = web_root(client.root)

    # -- pipelines -------------------------------------------------------------

    def pipeline(self, pipeline_id):
        """GET /pipeline/{id}."""
        raw = self.client.v2.get(_v2.path('pipeline', pipeline_id), hints=HINT_PIPELINE)
        return normalize_pipeline(raw, self.web, self.slug)

    def pipeline_by_number(self, number):
        """GET /project/{slug}/pipeline/{number}."""
        raw = self.client.v2.get(self.client.v2.project(self.project, 'pipeline', str(number)), hints=HINT_NUMBER)
        return normalize_pipeline(raw, self.web, self.slug)

    def named_pipeline(self, pipeline_id=None, pipeline_number=None):
        """The pipeline of pipeline_id or else pipeline_number; it must belong to the project, when one is given."""
        if pipeline_id:
            pipeline = self.pipeline(check_uuid('pipeline_id', pipeline_id))
            if self.slug and pipeline.get('project_slug') and pipeline['project_slug'].lower() != self.slug.lower():
                raise CircleCIError('Pipeline %s belongs to %s, not to %s: check pipeline_id and the project'
                                    % (pipeline['id'], pipeline['project_slug'], self.slug))
            return pipeline
        return self.pipeline_by_number(pipeline_number)

    def pipeline_pages(self, branch=None):
        """The project's pipelines (of the branch), newest first, page by page: GET /project/{slug}/pipeline
        (?branch=), then ?page-token= for each next page. A generator: a page is read only when asked for."""
        for items in self._pipeline_items(branch):
            yield [normalize_pipeline(raw, self.web, self.slug) for raw in items]

    def newest_page(self, branch=None):
        """The first page of the project's pipelines (of the branch), newest first: one request, sent at
        once; each pipeline is normalised as it is taken (a generator)."""
        items = next(self._pipeline_items(branch))
        return (normalize_pipeline(raw, self.web, self.slug) for raw in items)

    def _pipeline_items(self, branch):
        return self.client.v2.pages(self.client.v2.project(self.project, 'pipeline'),
                                    {'branch': branch} if branch else None)

    def unfinished(self, branch, tag, grace, now):
        """(pipeline, workflows) of the newest unfinished pipeline of the branch or tag, or (None, None).

        One page of the project's pipelines (of the branch), newest first; the workflows of each
        matching one until one is found unfinished, or finished (older ones are not considered:
        an old pipeline forgotten on hold must not stand in for a new one)."""
        for pipeline in self.newest_page(branch):
            if (branch and pipeline.get('branch') not in (None, branch)) or (tag and pipeline.get('tag') != tag):
                continue
            if pipeline.get('state') == 'errored':
                return None, None
            if pipeline.get('state') not in PIPELINE_SETTLED:
                return pipeline, None
            workflows = self.current_workflows(pipeline)
            if not workflows:
                created = parse_time(pipeline.get('created_at'))
                young = created is not None and (now() - created).total_seconds() < grace
                return (pipeline, workflows) if young else (None, None)
            if any(not is_finished(w) for w in workflows):
                return pipeline, workflows
            return None, None
        return None, None

    # -- workflows and jobs ----------------------------------------------------

    def workflow_items(self, pipeline_id):
        """GET /pipeline/{id}/workflow, every page: CircleCI's workflow objects as they are."""
        return self.client.v2.paginate(_v2.path('pipeline', pipeline_id, 'workflow'))

    def workflows(self, pipeline):
        """Every run of every workflow of the (normalised) pipeline, normalised, in CircleCI's order."""
        return [normalize_workflow(w, self.web, pipeline.get('project_slug'), pipeline.get('number'))
                for w in self.workflow_items(pipeline['id'])]

    def current_workflows(self, pipeline):
        """The pipeline's workflows, normalised: the newest run of each name (see _pipelines.current_workflows)."""
        return current_workflows(self.workflows(pipeline))

    def workflow(self, workflow_id):
        """GET /workflow/{id}: CircleCI's workflow object as it is."""
        return self.client.v2.get(_v2.path('workflow', workflow_id))

    def job_items(self, workflow_id):
        """GET /workflow/{id}/job, every page: CircleCI's job objects as they are."""
        return self.client.v2.paginate(_v2.path('workflow', workflow_id, 'job'))

    def jobs(self, workflow):
        return [normalize_job(j) for j in self.job_items(workflow['id'])]

    def with_jobs(self, workflows):
        """Each workflow with its ``jobs``, normalised: one read per workflow, one after the other."""
        return [dict(w, jobs=self.jobs(w)) for w in workflows]

    # -- what a job left -------------------------------------------------------

    def tests(self, project, job_number):
        """GET /project/{slug}/{job_number}/tests, every page."""
        return self.client.v2.paginate(self.client.v2.project(project, str(job_number), 'tests'))

    def artifacts(self, project, job_number):
        """GET /project/{slug}/{job_number}/artifacts, every page."""
        return self.client.v2.paginate(self.client.v2.project(project, str(job_number), 'artifacts'))
