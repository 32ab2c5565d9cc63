import { Layout } from '../layout.tsx';

export interface LoginPageProps {
  /** Where to go after signing in (a local path). */
  next: string;
  email?: string;
  /** The form the problem belongs to, and the problem in words. */
  error?: { form: 'login' | 'register'; message: string };
  notice?: string;
}

/** `GET /login`: sign in, or create an account. Both forms post to this server, which talks to the gateway. */
export function LoginPage(props: LoginPageProps) {
  const errorFor = (form: 'login' | 'register') =>
    props.error?.form === form ? (
      <p class="error" role="alert">
        {props.error.message}
      </p>
    ) : null;
  return (
    <Layout title="Sign in · GAIA" active="login">
      <main>
        <h1>Welcome to GAIA</h1>
        {props.notice ? <p class="notice">{props.notice}</p> : null}
        <div class="forms">
          <form class="card" id="login-form" method="post" action="/login">
            <h2>Sign in</h2>
            {errorFor('login')}
            <input type="hidden" name="next" value={props.next} />
            <label>
              Email <input type="email" name="email" autocomplete="username" required value={props.error?.form === 'login' ? props.email : ''} />
            </label>
            <label>
              Password <input type="password" name="password" autocomplete="current-password" required />
            </label>
            <button type="submit">Sign in</button>
          </form>
          <form class="card" id="register-form" method="post" action="/register">
            <h2>Create an account</h2>
            {errorFor('register')}
            <input type="hidden" name="next" value={props.next} />
            <label>
              Email <input type="email" name="email" autocomplete="username" required value={props.error?.form === 'register' ? props.email : ''} />
            </label>
            <label>
              Password <input type="password" name="password" autocomplete="new-password" required />
            </label>
            <button type="submit">Create account</button>
          </form>
        </div>
      </main>
    </Layout>
  );
}
