/**
 * Builds the portal into web/dist (API types from the OpenAPI document, then Vite):
 *   npm run build:web            # only when an input changed since the last build
 *   npm run build:web -- --force
 *   npm run build:web -- --types # only the API types (web/src/api/openapi.gen.ts), for the type check and dev:web
 */
import { buildPortal, generateApiTypes } from '../infra/local/portal/build';

if (process.argv.includes('--types')) {
  await generateApiTypes();
} else {
  const result = await buildPortal({ force: process.argv.includes('--force'), log: (m) => console.log(m) });
  console.log(result.built ? `Portail construit en ${result.seconds.toFixed(1)} s (web/dist).` : 'Portail à jour.');
}
