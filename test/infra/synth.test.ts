import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run synth` as a user runs it: the pinned aws-cdk CLI runs infra/app.ts (cdk.json), which
// bundles the functions with the local esbuild and checks cdk-nag. Every proxy points at a
// closed port, so anything reaching for the network fails: the synth must not need it.
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const outdir = mkdtempSync(join(tmpdir(), 'brook-synth-'));
const offline = { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', NO_PROXY: '' };

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('npm run synth', () => {
  it('prints the template and writes a cloud assembly with five bundled functions, offline', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'synth', '--', '--output', outdir], {
      cwd: root,
      env: { ...process.env, ...offline, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain('Resources:');
    expect(stdout).toContain('AWS::ApiGatewayV2::Api');

    const template = JSON.parse(readFileSync(join(outdir, 'Brook.template.json'), 'utf8'));
    const fns = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(fns).toHaveLength(5);
    for (const fn of fns) {
      const asset = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(readdirSync(asset)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
    }
    // The pinned CLI read the lib's assembly, and cdk-nag found nothing unacknowledged.
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.find((p: { pluginName: string }) => p.pluginName === 'AwsSolutions')).toMatchObject({ conclusion: 'success', violations: [] });
  }, 300_000);

  it('has the LocalStack path: deploy:local runs cdklocal over the pinned CLI', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts['deploy:local']).toMatch(/^cdklocal bootstrap && cdklocal deploy .*-c brook:endpoint=function-url/);
    const { stdout } = await run('npx', ['--no-install', 'cdklocal', '--version'], { cwd: root, env: { ...process.env, ...offline } });
    expect(stdout).toContain(`cdk cli version v${pkg.devDependencies['aws-cdk']}`);
  });
});
