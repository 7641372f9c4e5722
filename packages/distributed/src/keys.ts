/**
 * Redis names shared by clients and nodes. BullMQ owns `<prefix>:<queue>:*`; conc adds only a node
 * registry hash and a pub/sub channel per node (no per-job keys: job-level marks live in the job's hash).
 */

/** BullMQ forbids ':' in queue names and job ids, and integer-looking ids. */
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Throws a TypeError unless `queue` is a usable queue name. */
export function validateQueueName(queue: unknown): asserts queue is string {
  if (typeof queue !== "string" || !QUEUE_NAME.test(queue)) {
    throw new TypeError(
      `queue must be a name of 1-100 letters, digits, '_', '.' or '-' (no ':'), got ${JSON.stringify(queue)}.`,
    );
  }
}

export interface QueueKeys {
  prefix: string;
  queue: string;
  /** The job's hash, e.g. `bull:cpu:c1a2-17`. */
  job(id: string): string;
  /** BullMQ's event stream. */
  events: string;
  /** conc: node id → JSON description with an expiry. */
  nodes: string;
  /** conc: a node's cancel channel. */
  cancelChannel(nodeId: string): string;
}

export function queueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:${queue}`;
  return {
    prefix,
    queue,
    job: (id) => `${base}:${id}`,
    events: `${base}:events`,
    nodes: `${base}:conc:nodes`,
    cancelChannel: (nodeId) => `${base}:conc:cancel:${nodeId}`,
  };
}

/** Fields conc keeps in a job's hash next to BullMQ's. */
export const FIELD_CLAIM = "concClaim";
export const FIELD_ERROR = "concErr";
/** The claim value a cancelled job gets (nodes claim with their id). */
export const CLAIM_CANCELLED = "x";

/**
 * Atomically claims a job for running (a node, with its id) or for cancelling (a client, with "x"):
 * returns 1 when this caller won, the winner's value when someone else did, -1 when the job is gone.
 * A missing job is never re-created.
 */
export const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[1], '${FIELD_CLAIM}', ARGV[1]) == 1 then return 1 end
return redis.call('HGET', KEYS[1], '${FIELD_CLAIM}')`;
