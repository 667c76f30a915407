/**
 * Redis key layout of the job system, all under one prefix so tests can run side by side. Registrations and
 * ticket histories carry the caller's tenant (one per Atlassian site), so the same ticket key on two sites
 * never collides; job ids are global, and their owner is recorded in the job itself.
 */
/** The tenant of API-key and webhook callers (the site configured in the runner's environment). */
export const LOCAL_TENANT = 'local';

export function jobKeys(prefix: string) {
  return {
    queueName: 'jobs',
    active: (tenant: string, type: string, ticket: string) => `${prefix}:active:${tenant}:${type}:${ticket}`,
    ticketHistory: (tenant: string, ticket: string) => `${prefix}:ticket:${tenant}:${ticket}`,
    cancelled: (jobId: string) => `${prefix}:cancelled:${jobId}`,
    credentials: (jobId: string) => `${prefix}:cred:${jobId}`,
    cancelChannel: `${prefix}:cancel`,
  };
}
export type JobKeys = ReturnType<typeof jobKeys>;
