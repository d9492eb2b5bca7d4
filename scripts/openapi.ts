/**
 * Prints the OpenAPI 3.1 document of the whole API (every operation of functions/catalog.ts) on stdout:
 *   npx tsx scripts/openapi.ts > openapi.json
 */
import { openApiDocument } from '../functions/catalog';

process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
