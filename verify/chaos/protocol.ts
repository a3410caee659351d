/** What the runner and the chaos server agree on (kept apart: importing server.ts starts a server). */
export const INJECTED_HEADER = 'x-chaos-injected';
export const FAULTS_PATH = '/_chaos/faults';
export const READY_LINE = 'chaos server ready on ';
