/**
 * Every HTTP operation of the product, loaded: functions/registry.ts imports the handler of every `http` function
 * (it reads their routes from them), and importing a handler module registers its operations (`httpHandler` →
 * shared/http/registry.ts), so that `openApiDocument` sees them all. Used where the whole document is built: the
 * CDK app (embedded into the OpenAPI function's bundle), the scripts and the tests. Nothing to add here when a
 * function or an operation is added.
 */
import './registry';

export { lireOpenApi, openApiDocument } from './api/openapi-operation';
