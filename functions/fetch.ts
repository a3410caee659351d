// The fetch function: API Gateway sends it the routes whose x-brook-function is "fetch".
import { lambdaHandler } from '../lib/lambda/handler';

export const handler = lambdaHandler('fetch');
