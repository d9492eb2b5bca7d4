import { describe, expect, it } from 'vitest';
import { sourceMapsWanted } from '../../../infra/constructs/bundling';

describe('source maps of the Lambda bundles', () => {
  it('are off unless asked for', () => {
    expect(sourceMapsWanted(undefined, {})).toBe(false);
    expect(sourceMapsWanted(undefined, { SOURCE_MAPS: 'yes' })).toBe(false); // only the exact word "true"
  });
  it('are on with SOURCE_MAPS=true, and the construct prop wins over the environment', () => {
    expect(sourceMapsWanted(undefined, { SOURCE_MAPS: 'true' })).toBe(true);
    expect(sourceMapsWanted(false, { SOURCE_MAPS: 'true' })).toBe(false);
    expect(sourceMapsWanted(true, {})).toBe(true);
  });
});
