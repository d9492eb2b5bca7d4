import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLocalModel } from '../../infra/local/cdk-model';
import { DOSSIER_STATES } from '../../shared/domain/circuits';
import { WORKFLOW_ERRORS } from '../../shared/domain/workflow';
import { DOSSIER_STATE_NAMES, DOSSIER_WAIT_STATES, STALE_WAIT_ERROR, TRANSIENT_ERRORS } from '../../workflows/dossier';

/**
 * The dossier's state machine as the stack builds it (the same ASL the embedded platform runs and AWS deploys):
 * valid ASL, every task bounded in time and retried, every human wait timed from the data, no silent stop.
 */
type State = Record<string, unknown> & { Type: string };
type Definition = { StartAt: string; States: Record<string, State> };
type Validator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as Validator;

let definition: Definition;
let text: string;
beforeAll(() => {
  const model = buildLocalModel({
    region: 'eu-west-3',
    account: '000000000000',
    tableName: 'factures-travaux',
    bucketName: 'documents',
  });
  const machine = model.stateMachines.find((m) => m.name === 'Dossier');
  if (!machine) throw new Error('the stack has no Dossier state machine');
  definition = machine.definition as Definition;
  text = JSON.stringify(definition);
});

const states = () => Object.entries(definition.States);
const tasks = () => states().filter(([, s]) => s.Type === 'Task');
const waits = () => tasks().filter(([, s]) => String(s.Resource).endsWith('.waitForTaskToken'));
const errorsOf = (list: unknown) => ((list ?? []) as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
const catchTo = (state: State, error: string) =>
  ((state.Catch ?? []) as { ErrorEquals: string[]; Next: string }[]).find((c) => c.ErrorEquals.includes(error))?.Next;

describe('the Dossier state machine definition', () => {
  it('is valid Amazon States Language (asl-validator), JSONPath only, without $$.State', () => {
    const result = aslValidator(structuredClone(definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    expect(text).not.toContain('$$.State');
    expect(text).not.toContain('JSONata');
  });

  it('starts by reading the dossier, so that the same definition starts and resumes', () => {
    expect(definition.StartAt).toBe('Charger le dossier');
    expect(definition.States['Charger le dossier']?.Next).toBe('Où en est le dossier ?');
  });

  it('goes from one wait to the next through one Choice: transmission first, then the end, the tacit outcome', () => {
    type Choice = { Variable: string; BooleanEquals?: boolean; IsPresent?: boolean; Next: string };
    const choices = (definition.States['Où en est le dossier ?'] as State & { Choices: Choice[] }).Choices;
    expect(choices.slice(0, 4).map((c) => [c.Variable, c.BooleanEquals ?? c.IsPresent, c.Next])).toEqual([
      ['$.dossier.aTransmettre', true, DOSSIER_STATE_NAMES.transmettre],
      ['$.dossier.closed', true, DOSSIER_STATE_NAMES.clore],
      ['$.dossier.delaiExpire', true, DOSSIER_STATE_NAMES.issueTacite],
      // A wait released without the situation (an older caller) reads the dossier again
      ['$.dossier.step', false, DOSSIER_STATE_NAMES.charger],
    ]);
    // Every task that returns a situation goes back to the Choice: no second Choice, no clock task between waits
    for (const name of [DOSSIER_STATE_NAMES.transmettre, DOSSIER_STATE_NAMES.issueTacite]) {
      expect(definition.States[name]?.Next, name).toBe(DOSSIER_STATE_NAMES.ouEnEst);
      expect(definition.States[name]?.ResultPath, name).toBe('$.dossier');
    }
    expect(states().filter(([, s]) => s.Type === 'Choice')).toHaveLength(1);
  });

  it('gives every Task a time limit and a retry policy with backoff', () => {
    expect(tasks().length).toBeGreaterThan(14);
    for (const [name, state] of tasks()) {
      expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath, name).toBeDefined();
      const retry = (state.Retry ?? []) as { BackoffRate?: number; MaxAttempts?: number }[];
      expect(retry.length, name).toBeGreaterThan(0);
      expect(retry[0]?.BackoffRate, name).toBeGreaterThan(1);
      expect(retry[0]?.MaxAttempts, name).toBeGreaterThan(1);
      expect(errorsOf(state.Retry), name).toEqual(expect.arrayContaining(['Lambda.ServiceException']));
    }
  });

  it('has one named human wait per open step of the circuit, reached from the Choice on that step', () => {
    const open = DOSSIER_STATES.filter((s) => s !== 'CLOS');
    expect(Object.keys(DOSSIER_WAIT_STATES).sort()).toEqual([...open].sort());
    const choice = definition.States['Où en est le dossier ?'] as State & {
      Choices: { Variable: string; StringEquals?: string; Next: string }[];
    };
    for (const step of open) {
      const branch = choice.Choices.find((c) => c.Variable === '$.dossier.step' && c.StringEquals === step);
      expect(branch?.Next, step).toBe(DOSSIER_WAIT_STATES[step]);
    }
    expect(
      waits()
        .map(([name]) => name)
        .sort(),
    ).toEqual(Object.values(DOSSIER_WAIT_STATES).sort());
  });

  it('times every human wait from the data and applies the tacit rule when it passes', () => {
    for (const [name, state] of waits()) {
      // The deadline computed by shared/domain, as the seconds left: never a constant of the definition
      expect(state.TimeoutSecondsPath, name).toBe('$.dossier.timeoutSeconds');
      expect(state.TimeoutSeconds, name).toBeUndefined();
      expect(catchTo(state, 'States.Timeout'), name).toBe(DOSSIER_STATE_NAMES.issueTacite);
      // A deadline passing is not a transient failure: it is never retried
      expect(errorsOf(state.Retry), name).not.toContain('States.Timeout');
      expect(errorsOf(state.Retry), name).not.toContain('States.ALL');
      // The wait the dossier already left ends at once, and the execution reads the dossier again
      expect(catchTo(state, STALE_WAIT_ERROR), name).toBe(DOSSIER_STATE_NAMES.charger);
      // The decision hands back the dossier's situation with the token: straight to the Choice
      expect(state.ResultPath, name).toBe('$.dossier');
      expect(state.Next, name).toBe(DOSSIER_STATE_NAMES.ouEnEst);
      const payload = (state.Parameters as { Payload: Record<string, string> }).Payload;
      expect(payload['taskToken.$'], name).toBe('$$.Task.Token');
    }
  });

  it('records any other failure before failing: no silent stop', () => {
    for (const [name, state] of tasks()) {
      if (name === DOSSIER_STATE_NAMES.echec) {
        expect(catchTo(state, 'States.ALL')).toBe(DOSSIER_STATE_NAMES.echecFinal);
        continue;
      }
      expect(catchTo(state, 'States.ALL'), name).toBe(DOSSIER_STATE_NAMES.echec);
    }
    const ends = states().filter(([, s]) => s.Type === 'Succeed' || s.Type === 'Fail' || s.End === true);
    expect(ends.map(([name, s]) => [name, s.Type])).toEqual(
      expect.arrayContaining([
        [DOSSIER_STATE_NAMES.clos, 'Succeed'],
        [DOSSIER_STATE_NAMES.echecFinal, 'Fail'],
      ]),
    );
    expect(ends).toHaveLength(2);
    expect(definition.States[DOSSIER_STATE_NAMES.etapeInconnue]?.Next).toBe(DOSSIER_STATE_NAMES.echec);
  });

  it('reaches every state from the start, and names each one in words', () => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const s = definition.States[name] as State;
      const next = [
        s.Next,
        s.Default,
        ...((s.Choices ?? []) as { Next: string }[]).map((c) => c.Next),
        ...((s.Catch ?? []) as { Next: string }[]).map((c) => c.Next),
      ].filter((n): n is string => typeof n === 'string');
      for (const n of next) visit(n);
    };
    visit(definition.StartAt);
    expect([...seen].sort()).toEqual(Object.keys(definition.States).sort());
    for (const name of Object.keys(definition.States)) expect(name).toMatch(/^\S.* \S/u);
  });

  it('agrees with the service on the error names it routes on', () => {
    expect(STALE_WAIT_ERROR).toBe(WORKFLOW_ERRORS.staleWait);
    expect(TRANSIENT_ERRORS).toContain(WORKFLOW_ERRORS.conflict);
  });

  it('names the legal delay in the waits that have one, from the rule book’s constants', () => {
    // CCP R2193-12: 15 days to validate; CCAG-T 2014 art. 13.4.4: 10 days for the MOA; art. 13.4.5: 30 days to sign
    expect(DOSSIER_WAIT_STATES.VALIDATION_1).toBe('Validation par le 1er valideur (15 jours)');
    expect(DOSSIER_WAIT_STATES.VALIDATION_2).toBe('Validation par le mandataire (15 jours)');
    expect(DOSSIER_WAIT_STATES.REPONSE_MOA_PROJET_DG_TACITE).toBe('Réponse du MOA au projet de DG tacite (10 jours)');
    expect(DOSSIER_WAIT_STATES.SIGNATURE_DG_TITULAIRE).toBe('Signature du DG par le titulaire (30 jours)');
    const source = readFileSync(new URL('../../workflows/dossier.ts', import.meta.url), 'utf8');
    expect(source, 'a delay written as a literal in a state name').not.toMatch(/\(\d+ jours\)/);
  });
});
