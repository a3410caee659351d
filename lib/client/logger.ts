/** The SDK logs through this; the default writes warnings and errors to the console as JSON lines. */
export interface Logger {
  error(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  debug(message: string, extra?: Record<string, unknown>): void;
}

const line = (level: string, message: string, extra?: Record<string, unknown>) =>
  JSON.stringify({ level, logger: 'brook', message, ...extra, timestamp: new Date().toISOString() });

export const consoleLogger: Logger = {
  error: (m, e) => console.error(line('ERROR', m, e)),
  warn: (m, e) => console.warn(line('WARN', m, e)),
  info: () => {},
  debug: () => {},
};
