/**
 * `npm run operateurs -- <commande>`: who is a platform operator (records ECB rates through `POST /v1/taux-bce`,
 * docs/ecb-rates.md). On AWS this is how the first operator is made: the person signs in and creates their account
 * in the portal, then someone with access to the table runs, for example,
 *
 *   TABLE_NAME=<table of the stack> AWS_REGION=eu-west-3 npm run operateurs -- accorder exploitant@example.fr
 *
 *   accorder ADRESSE   gives the operator grant to the account with this login address
 *   retirer ADRESSE    withdraws it
 *   lister             prints the operators
 *
 * Target: as `npm run taux-bce` (scripts/table-target.ts): TABLE_NAME and the AWS environment, else `npm start`.
 */
import * as os from 'node:os';
import { IdentityStore } from '../shared/adapters/dynamo/identity-store';
import { OperatorStore } from '../shared/adapters/dynamo/operator-store';
import { isDomainError } from '../shared/domain/errors';
import { grantOperator, revokeOperator } from '../shared/services/operator-authorization';
import { runOnTable } from './table-target';

export interface OperateursDeps {
  readonly identity: IdentityStore;
  readonly operators: OperatorStore;
  readonly now: () => Date;
  readonly print: (line: string) => void;
  /** Who grants (recorded on the grant): default CLI:<user name>. */
  readonly by?: string;
}

const USAGE = [
  'Usage : npm run operateurs -- accorder ADRESSE | retirer ADRESSE | lister',
  '  accorder ADRESSE  rend opérateur de la plateforme le compte de cette adresse de connexion',
  '  retirer ADRESSE   lui retire ce rôle',
  '  lister            affiche les opérateurs',
].join('\n');

/** Runs one command; returns the exit code (0 done, 1 refused, 2 usage). */
export async function runOperateurs(argv: readonly string[], deps: OperateursDeps): Promise<number> {
  const [command, address] = argv;
  const stores = { identity: deps.identity, operators: deps.operators };
  try {
    switch (command) {
      case 'accorder': {
        if (!address) break;
        const by = deps.by ?? `CLI:${os.userInfo().username}`;
        const { outcome } = await grantOperator(address, by, deps.now(), stores);
        deps.print(
          outcome === 'ACCORDE'
            ? `${address} est maintenant opérateur de la plateforme.`
            : `${address} était déjà opérateur de la plateforme : rien n'a changé.`,
        );
        return 0;
      }
      case 'retirer': {
        if (!address) break;
        const outcome = await revokeOperator(address, stores);
        deps.print(
          outcome === 'RETIRE'
            ? `${address} n'est plus opérateur de la plateforme.`
            : `${address} n'était pas opérateur de la plateforme : rien n'a changé.`,
        );
        return 0;
      }
      case 'lister': {
        const grants = await deps.operators.list();
        for (const g of grants)
          deps.print(`${g.loginAddress}  (${g.userId}) — accordé le ${g.grantedAt} par ${g.grantedBy}`);
        if (grants.length === 0) deps.print('Aucun opérateur de la plateforme.');
        return 0;
      }
    }
    deps.print(USAGE);
    return 2;
  } catch (e) {
    if (!isDomainError(e)) throw e;
    deps.print(`Refusé (${e.code}) : ${e.message}`);
    return 1;
  }
}

runOnTable(import.meta.url, (target) => {
  console.log(target.banner);
  return runOperateurs(process.argv.slice(2), {
    identity: new IdentityStore(target.doc, target.tableName),
    operators: new OperatorStore(target.doc, target.tableName),
    now: target.now,
    print: (line) => console.log(line),
    ...(process.env.OPERATEUR_ACCORDE_PAR ? { by: process.env.OPERATEUR_ACCORDE_PAR } : {}),
  });
});
