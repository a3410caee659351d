// The admin function: API Gateway sends it the routes whose x-brook-function is "admin".
import { lambdaHandler } from '../lib/lambda/handler';

export const handler = lambdaHandler('admin');
