// The SDK's entry point, in kafkajs's shape: new Brook({ url }).producer() / .consumer() / .admin().
import { Admin } from './admin';
import { Consumer, type ConsumerConfig } from './consumer/consumer';
import { HttpClient, type ClientOptions } from './http';
import { Metadata } from './metadata';
import { Producer, type ProducerConfig } from './producer/producer';
import type { RetryOptions } from './retry';

export type BrookClientConfig = ClientOptions;

export class Brook {
  private readonly http: HttpClient;

  constructor(readonly config: BrookClientConfig) {
    this.http = new HttpClient(config);
  }

  producer(config: ProducerConfig = {}): Producer {
    const http = this.http.withRetry(config.retry);
    return new Producer(http, new Metadata(http, config.metadataMaxAge), config);
  }

  consumer(config: ConsumerConfig = {}): Consumer {
    const http = this.http.withRetry(config.retry);
    return new Consumer(http, new Metadata(http, config.metadataMaxAge), config);
  }

  admin(config: { retry?: RetryOptions } = {}): Admin {
    const http = this.http.withRetry(config.retry);
    return new Admin(http, new Metadata(http));
  }
}
