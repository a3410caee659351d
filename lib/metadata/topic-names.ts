import { BrookError } from '../errors';

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic.validate). */
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

export function validateTopicName(name: string): void {
  const fail = (why: string) => {
    throw new BrookError('INVALID_TOPIC_EXCEPTION', `Invalid topic name '${name}': ${why}`);
  };
  if (name.length === 0) fail('the name is empty.');
  if (name === '.' || name === '..') fail("'.' and '..' are not allowed.");
  if (name.length > MAX_TOPIC_NAME_LENGTH) fail(`it is ${name.length} characters long; the limit is ${MAX_TOPIC_NAME_LENGTH}.`);
  if (!LEGAL.test(name)) fail("use only ASCII letters, digits, '.', '_' and '-'.");
}

/** A name that could be a topic: anything else cannot exist, so it is not looked up. */
export function isLegalTopicName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_TOPIC_NAME_LENGTH && name !== '.' && name !== '..' && LEGAL.test(name);
}
