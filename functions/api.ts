// The one function behind a Lambda function URL (BrookCluster endpoint "function-url"): it serves
// every route, with the union of the produce, fetch, admin and groups functions' permissions.
import { lambdaHandler } from '../lib/lambda/handler';

export const handler = lambdaHandler('api');
