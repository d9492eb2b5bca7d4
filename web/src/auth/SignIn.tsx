import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { usePageTitle } from '../ui/usePageTitle';
import { useAuth } from './AuthProvider';
import { completeOidcSignIn, startOidcSignIn } from './oidc';
import { saveSession } from './session';

interface LoginAnswer {
  token: string;
  expiresAt: string;
  loginAddress: string;
}

/** Local sign-in (the embedded platform's `POST /_local/login`): a problem's detail, or the session. */
async function localLogin(adresse: string): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch('/_local/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginAddress: adresse }),
    });
  } catch {
    return 'Le service est injoignable. Vérifiez que la plateforme locale est démarrée (npm start).';
  }
  const body = (await res.json().catch(() => ({}))) as Partial<LoginAnswer> & { title?: string; detail?: string };
  if (!res.ok || !body.token || !body.expiresAt) {
    return body.title ?? body.detail ?? `La connexion a été refusée (erreur ${res.status}).`;
  }
  saveSession({ token: body.token, expiresAt: body.expiresAt, adresse: body.loginAddress ?? adresse });
  return undefined;
}

function returnTo(location: ReturnType<typeof useLocation>): string {
  const from = (location.state as { from?: string } | null)?.from;
  return from?.startsWith('/') && !from.startsWith('/connexion') ? from : '/';
}

export function SignIn() {
  usePageTitle('Connexion');
  const { config, session, endedBecause } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [adresse, setAdresse] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (session) return <Navigate to={returnTo(location)} replace />;

  const signIn = async (address: string) => {
    setBusy(true);
    setError(undefined);
    const problem = await localLogin(address.trim());
    setBusy(false);
    if (problem) setError(problem);
    else navigate(returnTo(location), { replace: true });
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\S+@\S+$/.test(adresse.trim())) {
      setError('Indiquez votre adresse de connexion, par exemple moe@demo.test.');
      return;
    }
    void signIn(adresse);
  };

  return (
    <main id="contenu" className="fr-container fr-py-6w">
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <h1>Connexion à Factures de travaux</h1>
          {endedBecause === 'expiree' ? (
            <Alert
              severity="warning"
              title="Votre session a expiré"
              description="Pour protéger vos dossiers, la session se termine après un délai. Reconnectez-vous pour continuer."
              className="fr-mb-4w"
            />
          ) : null}
          {endedBecause === 'deconnexion' ? (
            <Alert severity="info" title="Vous êtes déconnecté" small description="À bientôt." className="fr-mb-4w" />
          ) : null}
          {config.auth.mode === 'oidc' ? (
            <OidcSignIn />
          ) : (
            <>
              <form onSubmit={onSubmit} noValidate>
                <Input
                  label="Adresse de connexion"
                  hintText="L’adresse électronique de votre compte, par exemple moe@demo.test"
                  state={error ? 'error' : 'default'}
                  stateRelatedMessage={error}
                  nativeInputProps={{
                    type: 'email',
                    autoComplete: 'username',
                    value: adresse,
                    onChange: (e) => setAdresse(e.target.value),
                    name: 'adresse',
                  }}
                />
                <Button type="submit" disabled={busy}>
                  Se connecter
                </Button>
              </form>
              {config.auth.comptesDemo.length > 0 ? (
                <section className="fr-mt-6w" aria-labelledby="comptes-demo">
                  <h2 id="comptes-demo" className="fr-h4">
                    Comptes de démonstration
                  </h2>
                  <p className="fr-text--sm">La plateforme locale les a créés au démarrage (npm start).</p>
                  <ul className="fr-btns-group fr-btns-group--left">
                    {config.auth.comptesDemo.map((c) => (
                      <li key={c.adresse}>
                        <button
                          type="button"
                          className="fr-btn fr-btn--secondary"
                          disabled={busy}
                          onClick={() => void signIn(c.adresse)}
                        >
                          {c.adresse} — {c.description}
                        </button>
                      </li>
                    ))}
                  </ul>
                </section>
              ) : null}
            </>
          )}
        </div>
      </div>
    </main>
  );
}

function OidcSignIn() {
  const { config } = useAuth();
  const location = useLocation();
  if (config.auth.mode !== 'oidc') return null;
  const auth = config.auth;
  return (
    <>
      <p>Vous allez être redirigé vers le service d’identification.</p>
      <Button type="button" onClick={() => void startOidcSignIn(auth, returnTo(location))}>
        Se connecter
      </Button>
    </>
  );
}

/** `/connexion/retour`: the issuer's redirect back (OIDC code + PKCE). */
export function OidcCallback() {
  usePageTitle('Connexion');
  const { config } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | undefined>();
  const [started, setStarted] = useState(false);
  if (!started && config.auth.mode === 'oidc') {
    setStarted(true);
    completeOidcSignIn(config.auth).then(
      (to) => navigate(to, { replace: true }),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }
  return (
    <main id="contenu" className="fr-container fr-py-6w">
      <h1>Connexion en cours</h1>
      {error ? (
        <>
          <Alert
            severity="error"
            title="La connexion a échoué"
            description={`Le service d’identification n’a pas confirmé votre connexion (${error}). Recommencez depuis la page de connexion.`}
          />
          <p className="fr-mt-4w">
            <Link to="/connexion" replace>
              Revenir à la page de connexion
            </Link>
          </p>
        </>
      ) : (
        <p role="status">Vérification de votre identité…</p>
      )}
    </main>
  );
}

/** Routes behind sign-in: without a session, the sign-in page (then back here). */
export function RequireAuth({ children }: { children: React.ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/connexion" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}
