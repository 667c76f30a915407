import type { JobType } from '@augment/shared';
import type { Processor } from '../types.js';

/**
 * The first processor of every job type: it walks the job's stages and echoes what it would act on.
 * It makes every type runnable end to end through the queue before its real processor lands.
 */
export function previewProcessor(type: JobType): Processor<Record<string, unknown>, unknown> {
  return async (input, ctx) => {
    await ctx.progress('validated', 10);
    await ctx.progress('done', 100);
    return { job_type: type, engine: 'rules', dry_run: input.dry_run ?? true, input };
  };
}
