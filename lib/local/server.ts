import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createBroker, type Broker } from '../broker/context';
import type { BrookConfig } from '../config';
import { createApp } from '../http/app';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serve the HTTP app on Node, the same app the Lambda functions run. */
export function startServer(config: BrookConfig, port: number, hostname = '127.0.0.1', broker: Broker = createBroker(config)): Promise<RunningServer> {
  const app = createApp(broker);
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
        resolve({
          url: `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${info.port}`,
          port: info.port,
          close: () => new Promise((r) => server.close(() => r())),
        });
      });
      server.once('error', reject);
    } catch (err) {
      reject(err);
    }
  });
}
