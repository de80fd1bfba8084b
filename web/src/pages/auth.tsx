/** Sign in and sign up: GraphQL mutations that set the same session cookie as the REST API. */
import { useMutation } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { Link } from '../components/link.tsx';
import { DashboardLogInDocument, DashboardSignUpDocument } from '../generated/graphql.ts';
import { paths } from '../router.ts';
import type { User } from '../session.ts';

interface Props {
  mode: 'sign-in' | 'sign-up';
  onSignedIn(user: User): void;
}

export function AuthPage({ mode, onSignedIn }: Props) {
  const [, signUp] = useMutation(DashboardSignUpDocument);
  const [, logIn] = useMutation(DashboardLogInDocument);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signingUp = mode === 'sign-up';
  const title = signingUp ? 'Create your account' : 'Sign in to optimage';
  useEffect(() => {
    document.title = `${signingUp ? 'Sign up' : 'Sign in'} · optimage`;
    setError(null);
  }, [signingUp]);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const variables = { email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') };
    setBusy(true);
    setError(null);
    const result = signingUp ? await signUp(variables) : await logIn(variables);
    setBusy(false);
    const data = result.data && ('signUp' in result.data ? result.data.signUp : result.data.logIn);
    if (data?.__typename === 'AuthPayload') return onSignedIn(data.user);
    setError(data?.__typename === 'AppError' ? data.message : (errorMessage(result.error) ?? 'Something went wrong; try again.'));
  };

  return (
    <main class="auth-page">
      <div class="auth-card card">
        <p class="brand brand-large" aria-hidden="true">
          <span class="brand-mark" />
          optimage
        </p>
        <h1>{title}</h1>
        <p class="muted">{signingUp ? 'Upload photos once; get WebP at 12 responsive sizes on stable URLs.' : 'Welcome back.'}</p>
        <form class="stack" onSubmit={submit} noValidate={false}>
          <div class="field">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="email" required autofocus />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete={signingUp ? 'new-password' : 'current-password'} minLength={signingUp ? 8 : undefined} required aria-describedby={signingUp ? 'password-hint' : undefined} />
            {signingUp && (
              <p id="password-hint" class="hint">
                At least 8 characters.
              </p>
            )}
          </div>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
            {signingUp ? 'Sign up' : 'Sign in'}
          </button>
        </form>
        <p class="auth-switch">
          {signingUp ? 'Already have an account? ' : 'New to optimage? '}
          <Link href={signingUp ? paths.signIn : paths.signUp}>{signingUp ? 'Sign in instead' : 'Create an account'}</Link>
        </p>
      </div>
    </main>
  );
}
