// The groups function: API Gateway sends it the routes whose x-brook-function is "groups".
import { lambdaHandler } from '../lib/lambda/handler';

export const handler = lambdaHandler('groups');
