/** Redis key layout of the job system, all under one prefix so tests can run side by side. */
export function jobKeys(prefix: string) {
  return {
    queueName: 'jobs',
    active: (type: string, ticket: string) => `${prefix}:active:${type}:${ticket}`,
    ticketHistory: (ticket: string) => `${prefix}:ticket:${ticket}`,
    cancelled: (jobId: string) => `${prefix}:cancelled:${jobId}`,
    credentials: (jobId: string) => `${prefix}:cred:${jobId}`,
    cancelChannel: `${prefix}:cancel`,
  };
}
export type JobKeys = ReturnType<typeof jobKeys>;
