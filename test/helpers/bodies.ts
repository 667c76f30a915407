import type { JobType } from '@augment/shared';

type SpecJobType = Exclude<JobType, 'draft_pr_stage'>;

/** A minimal valid request body for each job type, and the endpoint that takes it. */
export const JOB_SAMPLES: Record<SpecJobType, { path: string; body: Record<string, unknown> }> = {
  single: { path: '/generate/single', body: { ticket_key: 'PROJ-1' } },
  batch: { path: '/generate/batch', body: { ticket_keys: ['PROJ-2', 'PROJ-3'] } },
  story_generation: { path: '/plan/stories/generate', body: { epic_key: 'PROJ-10' } },
  prd_story_sync: { path: '/plan/stories/sync-from-prd', body: { epic_key: 'PROJ-11' } },
  task_generation: { path: '/plan/tasks/generate', body: { story_keys: ['PROJ-12'] } },
  test_generation: { path: '/plan/tests/comprehensive', body: { epic_key: 'PROJ-13' } },
  epic_creation: { path: '/plan/epic/create', body: { project_key: 'PROJ', summary: 'Invoicing' } },
  story_creation: { path: '/plan/stories/create', body: { epic_key: 'PROJ-14' } },
  task_creation: { path: '/plan/tasks/create', body: { story_keys: ['PROJ-15'] } },
  sprint_planning: { path: '/sprint/plan/epic', body: { epic_key: 'PROJ-16', board_id: 1 } },
  timeline_planning: { path: '/sprint/timeline', body: { epic_key: 'PROJ-17' } },
  epic_completion: { path: '/plan/epic/complete', body: { epic_key: 'PROJ-18' } },
  story_coverage: { path: '/analyze/story-coverage', body: { story_key: 'PROJ-19' } },
};
