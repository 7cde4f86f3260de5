// One structured JSON logger per function (Powertools). The service name and level come from the
// environment (POWERTOOLS_SERVICE_NAME, LOG_LEVEL). Log orderId and eventId as keys; never log an
// email address or a payment token.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();
