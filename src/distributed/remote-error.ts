import { errorMessage, PermanentError, RateLimitedError, RetryableError } from '../core/errors';
import { isRateLimited, isRetryable, retryAfterMs } from '../core/retry';
import { attemptUsageOf, type AttemptUsage } from '../core/executor';
import type { ErrorShape } from './job';

/**
 * An error crosses Redis as data: its message and what the dispatcher's retry policy needs to know
 * about it (retryable? a rate limit? how long the server asked to wait?). The dispatcher rebuilds an
 * error of the same meaning, so a task on a worker is retried exactly as it would be in-process.
 */
export function toErrorShape(error: unknown): ErrorShape {
  const wait = retryAfterMs(error);
  const usage = attemptUsageOf(error);
  return {
    message: errorMessage(error),
    name: error instanceof Error ? error.name : undefined,
    retryable: isRetryable(error),
    ...(isRateLimited(error) && { rateLimited: true }),
    ...(wait !== undefined && { retryAfterMs: wait }),
    ...(usage && { usage }),
  };
}

export function fromErrorShape(shape: ErrorShape): Error {
  const error = shape.rateLimited
    ? new RateLimitedError(shape.message, shape.retryAfterMs)
    : shape.retryable
      ? new RetryableError(shape.message, shape.retryAfterMs)
      : new PermanentError(shape.message);
  if (shape.usage) (error as AttemptUsage).attemptUsage = shape.usage;
  return error;
}
