/**
 * A rough token count for text an endpoint did not count: about four characters a token for English
 * and code. Used to reserve tokens-per-minute before a request and when a server reports no usage.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
