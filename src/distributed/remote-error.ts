import { errorMessage, PermanentError, RateLimitedError, RetryableError } from '../core/errors';
import { isRateLimited, isRetryable, retryAfterMs } from '../core/retry';
import type { ErrorShape } from './job';

/**
 * An error crosses Redis as data: its message and what the dispatcher's retry policy needs to know
 * about it (retryable? a rate limit? how long the server asked to wait?). The dispatcher rebuilds an
 * error of the same meaning, so a task on a worker is retried exactly as it would be in-process.
 */
export function toErrorShape(error: unknown): ErrorShape {
  const wait = retryAfterMs(error);
  return {
    message: errorMessage(error),
    name: error instanceof Error ? error.name : undefined,
    retryable: isRetryable(error),
    ...(isRateLimited(error) && { rateLimited: true }),
    ...(wait !== undefined && { retryAfterMs: wait }),
  };
}

export function fromErrorShape(shape: ErrorShape): Error {
  if (shape.rateLimited) return new RateLimitedError(shape.message, shape.retryAfterMs);
  if (shape.retryable) return new RetryableError(shape.message, shape.retryAfterMs);
  return new PermanentError(shape.message);
}
