import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export type Resources = Record<string, { Type: string; Properties: any; DeletionPolicy?: string }>;
export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

export const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

export interface NagViolation {
  ruleName: string;
  violatingConstructs: Array<{ constructPath: string }>;
  acknowledgedId?: string;
  reason?: string;
}
export interface NagReport {
  pluginName: string;
  conclusion: string;
  violations: NagViolation[];
  suppressedViolations?: NagViolation[];
}

/**
 * Synthesize an app ONCE (bundling five functions is the slow part) with the cdk-nag
 * AwsSolutions plugin registered, as infra/app.ts does, and hand back each stack's template
 * and the validation report. `bundle: false` skips esbuild (template-only tests).
 */
export function synthesize(build: (app: App) => Stack[], options: { bundle: boolean }) {
  const outdir = mkdtempSync(join(tmpdir(), 'brook-cdk-'));
  const app = new App({
    outdir,
    // The CLI synth test keeps CloudFormation's schema validation; here it would only add time.
    builtinCloudFormationValidation: false,
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const stacks = build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: unknown;
  try {
    app.synth();
  } catch (err) {
    error = err;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: NagReport[] };
  const template = (stack: Stack) => Template.fromJSON(JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8')));
  const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  return { app, outdir, stacks, error, nag: report.pluginReports.find((p) => p.pluginName === 'AwsSolutions')!, template, logicalId, cleanup };
}

/** The policy statements attached to a role. */
export function statementsOf(template: Template, roleId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy') as Resources)
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}
