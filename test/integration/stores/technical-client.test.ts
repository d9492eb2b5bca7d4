import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMachineClients } from '../../../infra/local/client-token';
import { CognitoMachineClients } from '../../../shared/adapters/cognito-machine-clients';
import type { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import { MachineClientStore } from '../../../shared/adapters/dynamo/machine-client-store';
import type { MachineClients } from '../../../shared/adapters/machine-clients';
import { DomainError } from '../../../shared/domain/errors';
import { IdentityService } from '../../../shared/services/identity-service';
import { renewTechnicalClient } from '../../../shared/services/technical-client';
import { type LocalDynamo, startLocalDynamo } from './local-table';

/**
 * The technical account's machine client when the renewal's write fails after the identity provider created the
 * client (docs/rules/structures.md#technical-account): the created client is deleted again, so that none is left
 * with a working secret and no account. Real table (DynamoDB Local); the write's failure is injected.
 */

const T0 = new Date('2027-01-04T09:00:00Z');
const T1 = new Date('2027-01-05T10:00:00Z');
const COMMUNE = '21300202500012';
const LOGIN = `TECH_${COMMUNE}`;

let dynamo: LocalDynamo;
let store: IdentityStore;
let clients: MachineClientStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  const fresh = await dynamo.freshTable();
  store = fresh.identity;
  clients = new MachineClientStore(dynamo.doc, fresh.table);
  const svc = new IdentityService(store);
  await svc.registerUser({ id: 'gp', loginAddress: 'gp@bellerive.fr' }, T0);
  await svc.createStructure(
    {
      userId: 'gp',
      structure: {
        siret: COMMUNE,
        raisonSociale: 'Ville de Bellerive',
        type: 'PUBLIC',
        services: [{ code: 'TRAVAUX', libelle: 'Direction des travaux', active: true }],
        directory: { codeServiceObligatoire: false, engagementObligatoire: false },
        spaces: ['FACTURES_TRAVAUX'],
      },
    },
    T0,
  );
});
afterEach(() => {
  vi.restoreAllMocks();
});

const renew = (provider: MachineClients) =>
  renewTechnicalClient({ identity: store, clients, provider }, { actorId: 'gp', siret: COMMUNE }, T1);

/** The structure changed by someone else at every attempt: each write loses its optimistic lock. */
const stale = () => new DomainError('VERSION_PERIMEE', 'La structure a été modifiée entre-temps.', 'STALE');

describe('a machine client whose record cannot be written', () => {
  it('is deleted again from the local provider; nothing is recorded, the GP sees the write’s failure', async () => {
    const provider = new LocalMachineClients(() => 'http://127.0.0.1:1');
    const created = vi.spyOn(provider, 'create');
    const deleted = vi.spyOn(provider, 'delete');
    // The stale-write retries pause for a random share of a few ms: 0 here, nothing waits.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const commit = vi.spyOn(store, 'commit').mockRejectedValue(stale());

    await expect(renew(provider)).rejects.toMatchObject({ code: 'VERSION_PERIMEE' });
    // every attempt re-read the structure and tried again (stale-retry.ts: 8 attempts), with the one client
    expect(commit).toHaveBeenCalledTimes(8);
    expect(created).toHaveBeenCalledTimes(1);
    const clientId = await created.mock.results[0]?.value;
    expect(deleted.mock.calls).toEqual([[clientId]]);
    expect(await clients.get(clientId)).toBeUndefined();
    expect((await store.getStructure(COMMUNE))?.compteTechnique?.clientId).toBeUndefined();
  });

  it('is deleted again from the Cognito user pool (DeleteUserPoolClient on that client)', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'orphan-client-1' } });
    cognito.on(DeleteUserPoolClientCommand).resolves({});
    const provider = new CognitoMachineClients(
      { userPoolId: 'eu-west-3_pool', tokenUrl: 'https://ft.auth/oauth2/token', scope: 'factures-travaux-api/api' },
      new CognitoIdentityProviderClient({}),
    );
    vi.spyOn(store, 'commit').mockRejectedValue(new Error('DynamoDB: service unavailable'));
    try {
      await expect(renew(provider)).rejects.toThrow('DynamoDB: service unavailable');
      expect(cognito.commandCalls(DeleteUserPoolClientCommand).map((c) => c.args[0].input)).toEqual([
        { UserPoolId: 'eu-west-3_pool', ClientId: 'orphan-client-1' },
      ]);
    } finally {
      cognito.restore();
    }
  });

  it('still lets the write’s own failure reach the GP when the deletion fails too', async () => {
    const provider = new LocalMachineClients(() => 'http://127.0.0.1:1');
    vi.spyOn(provider, 'delete').mockRejectedValue(new Error('identity provider unavailable'));
    vi.spyOn(store, 'commit').mockRejectedValue(new Error('DynamoDB: service unavailable'));
    await expect(renew(provider)).rejects.toThrow('DynamoDB: service unavailable');
  });

  it('is kept when it already existed (a renewal of its secret): the recorded client stays the account’s', async () => {
    const provider = new LocalMachineClients(() => 'http://127.0.0.1:1');
    const first = await renew(provider);
    expect((await clients.get(first.clientId))?.login).toBe(LOGIN);
    const deleted = vi.spyOn(provider, 'delete');
    vi.spyOn(store, 'commit').mockRejectedValue(new Error('DynamoDB: service unavailable'));
    await expect(renew(provider)).rejects.toThrow('DynamoDB: service unavailable');
    expect(deleted).not.toHaveBeenCalled();
    expect((await store.getStructure(COMMUNE))?.compteTechnique?.clientId).toBe(first.clientId);
  });
});

describe('two first creations of one structure’s client at once', () => {
  it('keeps the one written last and deletes the other from the identity provider', async () => {
    const provider = new LocalMachineClients(() => 'http://127.0.0.1:1');
    const created = vi.spyOn(provider, 'create');
    const deleted = vi.spyOn(provider, 'delete');
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const write = store.commit.bind(store);
    let raced = false;
    // Request B runs whole between request A's creation of its client and A's write: A's write then finds the
    // structure changed, reads it again and replaces B's client by its own.
    vi.spyOn(store, 'commit').mockImplementation(async (writes) => {
      if (!raced) {
        raced = true;
        await renew(provider);
      }
      return write(writes);
    });
    const a = await renew(provider);
    const [first, second] = await Promise.all(created.mock.results.map((r) => r.value));
    expect(a.clientId).toBe(first);
    expect(deleted.mock.calls).toEqual([[second]]);
    expect((await store.getStructure(COMMUNE))?.compteTechnique?.clientId).toBe(first);
  });
});
