import type { BrookConfig } from '../config';
import type { AwsClients } from '../aws/clients';
import { createClients } from '../aws/clients';
import { TopicCache } from '../metadata/topic-cache';
import { Background } from './background';

/** Everything an operation needs: where state lives and the clients to reach it. */
export interface Broker {
  config: BrookConfig;
  clients: AwsClients;
  topics: TopicCache;
  /** Hints written after the answer (lib/broker/background.ts). */
  background: Background;
}

export function createBroker(config: BrookConfig, clients: AwsClients = createClients(config)): Broker {
  return { config, clients, topics: new TopicCache(config, clients), background: new Background() };
}
