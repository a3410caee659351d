/**
 * A small keep-alive HTTP client on node:http. The bench client shares two cores with the server
 * and the emulators, so it uses the lightest client Node has rather than fetch().
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Names the workload a request belongs to, so the server's accounting charges it there. */
export const SCOPE_HEADER = 'x-bench-scope';

export function httpRequest(
  url: string,
  options: { method?: string; body?: Buffer | string; headers?: Record<string, string>; scope?: string } = {},
): Promise<HttpAnswer> {
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const headers: Record<string, string> = { ...options.headers };
  if (body) headers['content-length'] = String(body.length);
  if (options.scope) headers[SCOPE_HEADER] = options.scope;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Like httpRequest, but a non-2xx answer is an error carrying Brook's message. */
export async function httpOk(url: string, options: Parameters<typeof httpRequest>[1] = {}): Promise<HttpAnswer> {
  const answer = await httpRequest(url, options);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${options.method ?? 'GET'} ${new URL(url).pathname} → ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`);
  }
  return answer;
}

export function destroyAgent(): void {
  agent.destroy();
}
