/** `story_coverage` (POST /analyze/story-coverage with `async_mode: true`): the coverage analysis as a job. */
import type { StoryCoverageRequest } from '@augment/shared';
import { storyCoverage } from '../../analysis/story-coverage.js';
import type { Processor } from '../types.js';

export const storyCoverageProcessor: Processor<StoryCoverageRequest, Record<string, unknown>> = (
  { async_mode: _async, ...input },
  ctx,
) => storyCoverage(ctx, input);
