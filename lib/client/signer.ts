// AWS Signature V4 for Brook's HTTP API behind API Gateway with IAM auth (service execute-api)
// or a Lambda function URL with IAM auth (service lambda).
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

export type Credentials = AwsCredentialIdentity | Provider<AwsCredentialIdentity>;

export interface SignerOptions {
  credentials: Credentials;
  /** Default: read from an execute-api or lambda-url host name, else AWS_REGION, else us-east-1. */
  region?: string;
  /** Default: `lambda` for a function URL (*.lambda-url.*.on.aws), else `execute-api`. */
  service?: string;
}

export function signingScope(url: URL, o: Pick<SignerOptions, 'region' | 'service'>): { region: string; service: string } {
  const host = url.hostname;
  const fromHost = /\.(?:execute-api|lambda-url)\.([a-z0-9-]+)\.(?:amazonaws\.com|on\.aws)$/.exec(host)?.[1];
  return {
    region: o.region ?? fromHost ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    service: o.service ?? (host.includes('.lambda-url.') ? 'lambda' : 'execute-api'),
  };
}

/** Returns a function that adds the SigV4 headers (authorization, x-amz-date, …) to a request. */
export function createSigner(base: URL, o: SignerOptions) {
  const scope = signingScope(base, o);
  const signer = new SignatureV4({
    ...scope,
    credentials: o.credentials,
    sha256: Sha256,
    // Function URLs want the payload hash as a header too.
    applyChecksum: scope.service === 'lambda',
  });
  return async (method: string, url: URL, headers: Record<string, string>, body?: Uint8Array): Promise<Record<string, string>> => {
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      body,
    });
    const out: Record<string, string> = { ...signed.headers };
    delete out.host; // fetch sets it from the URL
    return out;
  };
}
