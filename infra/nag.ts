import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledge one cdk-nag AwsSolutions finding on a construct (and its children), with the
 * reason in code next to the construct it excuses. The construct itself does not depend on
 * cdk-nag: acknowledgments are plain CDK validation metadata, read by the plugin when an app
 * (infra/app.ts, the tests) registers it.
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
}

/**
 * How cdk-nag spells a resource in a finding id (IAM5's `Resource::…`): the resolved value with
 * `Fn::GetAtt` as `<LogicalId.Attr>`, `Ref` as `<LogicalId>` and `Fn::Join` joined, as its
 * flattenCfnReference does, so one exact wildcard is acknowledged and no other.
 */
export function nagResource(scope: IConstruct, value: string): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    const n = node as Record<string, any>;
    if (n['Fn::Join']) return (n['Fn::Join'][1] as unknown[]).map(visit).join(n['Fn::Join'][0]);
    if (n['Fn::Sub']) return visit(n['Fn::Sub']);
    if (n['Fn::GetAtt']) return `<${visit(n['Fn::GetAtt'][0])}.${visit(n['Fn::GetAtt'][1])}>`;
    if (n['Fn::ImportValue']) return visit(n['Fn::ImportValue']);
    if (n.Ref) return `<${visit(n.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
