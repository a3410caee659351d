/** Set by the CDK on the function behind a function URL in RESPONSE_STREAM mode: answer by streaming. */
export const RESPONSE_STREAMING_ENV = 'BROOK_RESPONSE_STREAMING';
