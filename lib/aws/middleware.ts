import type { MiddlewareStack } from '@smithy/types';
import type { AwsClients } from './clients';

export type Service = 's3' | 'dynamodb';

/** The middleware stacks of Brook's two clients, typed loosely enough to add one middleware to both. */
export function clientStacks(clients: AwsClients): Array<[Service, MiddlewareStack<any, any>]> {
  return [
    ['s3', clients.s3.middlewareStack as MiddlewareStack<any, any>],
    ['dynamodb', clients.dynamodb.middlewareStack as MiddlewareStack<any, any>],
  ];
}

/** "PutObject" from the SDK's "PutObjectCommand". */
export const commandName = (context: { commandName?: string }) => String(context.commandName).replace(/Command$/, '');
