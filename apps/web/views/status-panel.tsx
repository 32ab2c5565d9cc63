export interface PlatformStatus {
  status: string;
  version: string;
  services: Record<string, { status: string; response_time?: number; error?: string }>;
  database: { status: string; error?: string };
  redis?: { status: string; error?: string };
}

const ms = (seconds?: number) => (seconds === undefined ? '' : `${Math.round(seconds * 1000)} ms`);

/** The platform's health as a table (an htmx fragment, refreshed by the page). */
export function StatusPanel(props: { health: PlatformStatus }) {
  const { health } = props;
  const rows: [string, { status: string; response_time?: number; error?: string }][] = [
    ...Object.entries(health.services),
    ['database', health.database],
    ...(health.redis ? [['redis', health.redis] as [string, { status: string; error?: string }]] : []),
  ];
  return (
    <section id="status">
      <p>
        Platform <strong class={health.status}>{health.status}</strong> <span class="muted">version {health.version}</span>
      </p>
      <table>
        <thead>
          <tr>
            <th>Component</th>
            <th>Status</th>
            <th>Response</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, part]) => (
            <tr>
              <td>{name}</td>
              <td class={part.status}>{part.status}</td>
              <td class="muted">{part.error ?? ms(part.response_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Shown when the gateway can't be reached: what happened and what to do. */
export function StatusUnavailable(props: { reason: string }) {
  return (
    <section id="status">
      <p class="error">The gateway did not answer ({props.reason}).</p>
      <p class="muted">Check that the gateway is running and that GATEWAY_URL points at it; this panel retries by itself.</p>
    </section>
  );
}
