// The provider's sign-in page: no passwords (this is a local cloud), just who
// you want to be. Plain HTML that works without JavaScript, labelled fields,
// errors announced to screen readers, and the authorization request carried
// through hidden fields so the POST can be validated exactly like the GET.

export interface LoginPageInput {
  /** The authorization request's parameters, posted back unchanged. */
  request: Record<string, string>;
  presetUsers: readonly { username: string; groups: readonly string[] }[];
  operatorGroup: string;
  username?: string;
  groups?: string;
  error?: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );

export function loginPage(input: LoginPageInput): string {
  const hidden = Object.entries(input.request)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join("\n        ");
  const presets = input.presetUsers
    .map((u) => `<option value="${escapeHtml(u.username)}"></option>`)
    .join("");
  const presetList = input.presetUsers
    .map(
      (u) =>
        `<li><code>${escapeHtml(u.username)}</code>${
          u.groups.length ? ` (${escapeHtml(u.groups.join(", "))})` : ""
        }</li>`,
    )
    .join("");
  const error = input.error
    ? `<p id="login-error" class="error" role="alert">${escapeHtml(input.error)}</p>`
    : "";
  const describedBy = input.error ? ' aria-describedby="login-error" aria-invalid="true"' : "";
  const op = escapeHtml(input.operatorGroup);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in · local identity provider</title>
  <style>
    :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
    body { margin: 0; display: grid; place-items: center; min-height: 100vh; }
    main { width: min(26rem, 100% - 2rem); }
    form { display: grid; gap: 0.75rem; }
    label { font-weight: 600; }
    input[type="text"] { font: inherit; padding: 0.5rem; }
    .check { display: flex; gap: 0.5rem; align-items: center; font-weight: 400; }
    button { font: inherit; padding: 0.6rem; cursor: pointer; }
    .hint { font-size: 0.9rem; margin: 0; }
    .error { color: #b00020; font-weight: 600; }
    @media (prefers-color-scheme: dark) { .error { color: #ff8a80; } }
    :focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
  </style>
</head>
<body>
  <main>
    <h1>Sign in</h1>
    <p class="hint">Local cloud identity provider: no password, pick who you are.</p>
    ${error}
    <form method="post" novalidate>
        ${hidden}
        <label for="username">Username</label>
        <input type="text" id="username" name="username" list="preset-users" required
          autocomplete="username" autocapitalize="none" spellcheck="false" autofocus
          value="${escapeHtml(input.username ?? "")}"${describedBy}>
        <datalist id="preset-users">${presets}</datalist>
        <label for="groups">Groups <span class="hint">(optional, space-separated)</span></label>
        <input type="text" id="groups" name="groups" autocomplete="off" spellcheck="false"
          value="${escapeHtml(input.groups ?? "")}">
        <label class="check"><input type="checkbox" name="operator" value="on"> operator (${op} group)</label>
        <button type="submit">Sign in</button>
    </form>
    <h2 class="hint">Demo users</h2>
    <ul class="hint">${presetList}</ul>
  </main>
</body>
</html>`;
}
