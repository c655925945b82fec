/** The receiver to paste into alertmanager.yml for an alert source: the CLI prints it, the console shows it with a copy button. */
import type { AlertSource } from '../domain/alerts/source.js';

/** A YAML scalar: plain when safe, else double-quoted (YAML reads JSON strings). */
function yamlScalar(value: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./:+=@-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) ? value : JSON.stringify(value);
}

/** The receiver to paste into alertmanager.yml for a new source (for a changes source, a change event to send). */
export function receiverSnippet(source: Pick<AlertSource, 'name' | 'type'>, key: string, serverUrl: string): string {
  if (source.type === 'changes') return changeSnippet(key, serverUrl);
  const name = yamlScalar(`incident-command-${source.name}`);
  if (source.type === 'alertmanager')
    return [
      'receivers:',
      `  - name: ${name}`,
      '    webhook_configs:',
      `      - url: ${yamlScalar(`${serverUrl}/api/v1/alerts/alertmanager`)}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials: ${yamlScalar(key)}`,
      '',
    ].join('\n');
  return [
    'receivers:',
    `  - name: ${name}`,
    '    pagerduty_configs:',
    `      - url: ${yamlScalar(`${serverUrl}/api/v1/alerts/events`)}`,
    `        routing_key: ${yamlScalar(key)}`,
    '        send_resolved: true',
    '',
  ].join('\n');
}

/** A change event sent with curl, as a deploy pipeline would (POST /changes, PagerDuty's Change Events shape). */
function changeSnippet(key: string, serverUrl: string): string {
  const body = JSON.stringify({ routing_key: key, payload: { summary: 'Deployed checkout-api v2.14.0', source: 'deploy-pipeline' }, kind: 'deploy', components: ['checkout'] });
  return [`curl -sS -X POST ${serverUrl}/api/v1/changes \\`, "  -H 'Content-Type: application/json' \\", `  -d '${body}'`, ''].join('\n');
}
