import { PermanentError } from '../../core/errors';

/**
 * The endpoint refused this request (400, 413, 422: too long, a bad parameter), not the endpoint
 * being broken: the pool does not count it against the endpoint's health.
 */
export class RequestRejectedError extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RequestRejectedError';
  }
}
