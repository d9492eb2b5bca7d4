import '@codegouvfr/react-dsfr/main.css';
import './ui/portal.css';
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Link, RouterProvider } from 'react-router';
import { ApiError } from './api/problem';
import { router } from './app/router';
import { AuthProvider } from './auth/AuthProvider';
import { loadConfig } from './auth/config';

startReactDsfr({ defaultColorScheme: 'system', Link });

declare module '@codegouvfr/react-dsfr/spa' {
  interface RegisterLink {
    Link: typeof Link;
  }
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A refusal (4xx) will not change by asking again; a network failure or a 5xx may.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});

const root = createRoot(document.getElementById('root') as HTMLElement);

loadConfig().then(
  (config) => {
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <AuthProvider config={config}>
            <RouterProvider router={router()} />
          </AuthProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(
      <main className="fr-container fr-py-6w">
        <h1>Le portail ne peut pas démarrer</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
        <button type="button" className="fr-btn" onClick={() => window.location.reload()}>
          Recharger la page
        </button>
      </main>,
    );
  },
);
