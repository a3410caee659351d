import { BrookError } from '../errors';

/**
 * The topic configs Brook knows, with Kafka's names and defaults. A config a topic has not set
 * reads as its default (source DEFAULT_CONFIG); unknown names and bad values are INVALID_CONFIG.
 */
interface ConfigDef {
  default: string;
  validate(value: string): string | undefined; // the reason the value is refused, if it is
}

const long = (min: number) => (v: string) =>
  /^-?\d+$/.test(v) && Number(v) >= min && Number.isSafeInteger(Number(v)) ? undefined : `must be an integer ≥ ${min}`;
const oneOf = (...values: string[]) => (v: string) => (values.includes(v) ? undefined : `must be one of ${values.join(', ')}`);

export const TOPIC_CONFIGS: Record<string, ConfigDef> = {
  'cleanup.policy': { default: 'delete', validate: oneOf('delete', 'compact', 'compact,delete', 'delete,compact') },
  'retention.ms': { default: '604800000', validate: long(-1) },
  'retention.bytes': { default: '-1', validate: long(-1) },
  'max.message.bytes': { default: '1048588', validate: long(0) },
  'message.timestamp.type': { default: 'CreateTime', validate: oneOf('CreateTime', 'LogAppendTime') },
  'min.compaction.lag.ms': { default: '0', validate: long(0) },
  'delete.retention.ms': { default: '86400000', validate: long(0) },
  'segment.ms': { default: '604800000', validate: long(1) },
  'min.insync.replicas': { default: '1', validate: long(1) },
};

export function validateTopicConfigs(configs: Record<string, string>): void {
  for (const [name, value] of Object.entries(configs)) {
    const def = TOPIC_CONFIGS[name];
    if (!def) throw new BrookError('INVALID_CONFIG', `Unknown topic config '${name}'. Known: ${Object.keys(TOPIC_CONFIGS).join(', ')}.`);
    const why = def.validate(String(value));
    if (why) throw new BrookError('INVALID_CONFIG', `Invalid value '${value}' for config '${name}': ${why}.`);
  }
}

export function topicConfig(configs: Record<string, string>, name: keyof typeof TOPIC_CONFIGS & string): string {
  return configs[name] ?? TOPIC_CONFIGS[name]!.default;
}
