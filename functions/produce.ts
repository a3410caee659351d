// The produce function: API Gateway sends it the routes whose x-brook-function is "produce".
import { lambdaHandler } from '../lib/lambda/handler';

export const handler = lambdaHandler('produce');
