import type { PageMessage, PageState } from '../../shared/protocol';

/** The part of the webview API the page uses; `acquireVsCodeApi` may be called once per load. */
export interface HostApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PageState): void;
}

declare function acquireVsCodeApi(): HostApi;

export function acquireHost(): HostApi {
  return acquireVsCodeApi();
}
