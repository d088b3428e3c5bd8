// Validates and normalises POST /containers/create: every field is mapped, warned about (Warnings in the response)
// or refused with a 400 saying why and what to do instead. The fates live in the *-fields.ts tables, which
// docs/container-fields.md mirrors (a unit test keeps the two equal).

import { BODY_EXTRA_RULES, CONFIG_RULES } from './config-fields.ts';
import type { ContainerConfig, ContainerCreateRequest, HostConfig, NetworkingConfig } from './docker-types.ts';
import { asObject, asStrSlice, type CreateOptions, type FieldRules, isZero, type RuleContext } from './field-rules.ts';
import { HOST_CONFIG_RULES } from './host-config-fields.ts';
import { normaliseContainerName } from './ids.ts';
import { collectMounts } from './mounts.ts';
import { ENDPOINT_RULES, NETWORKING_RULES, type Platform, parsePlatform, QUERY_RULES } from './networking-fields.ts';
import { RESOURCES_RULES } from './resources-fields.ts';
import { checkAutoRemove, type DockerRestartPolicy, parseRestartPolicy } from './restart-policy.ts';
import { isRyukImageName, withoutDockerSocket } from './ryuk.ts';
import { invalid } from './translation-error.ts';

export type { CreateOptions } from './field-rules.ts';

/** Every rule table by the section name the field table uses (`HostConfig.Memory`, `query.name` …). */
export const FIELD_SECTIONS: Readonly<Record<string, FieldRules>> = {
  query: QUERY_RULES,
  Config: CONFIG_RULES,
  body: BODY_EXTRA_RULES,
  HostConfig: { ...HOST_CONFIG_RULES, ...RESOURCES_RULES },
  NetworkingConfig: NETWORKING_RULES,
  EndpointSettings: ENDPOINT_RULES,
};

export interface CreateQuery {
  name?: string | null;
  platform?: string | null;
}

export interface ValidatedCreate {
  /** The name as the client gave it, without a leading '/'; undefined when the engine must generate one. */
  name?: string;
  platform?: Platform;
  /** The ContainerConfig part of the body; Cmd and Entrypoint are arrays (or null). */
  config: ContainerConfig;
  hostConfig: HostConfig;
  networkingConfig: NetworkingConfig;
  restartPolicy: DockerRestartPolicy;
  /** Warnings for the create response, in field order. */
  warnings: string[];
}

function applyRules(
  section: string,
  rules: FieldRules,
  values: Record<string, unknown>,
  make: (path: string) => RuleContext,
  extra: FieldRules = {},
): void {
  for (const [key, value] of Object.entries(values)) {
    const path = `${section}.${key}`;
    const rule = rules[key] ?? extra[key];
    if (rule === undefined) {
      if (!isZero(value)) make(path).warn(`unknown field ${path} was ignored: it is not part of the Docker API`);
      continue;
    }
    rule.check?.(value, make(path));
  }
}

/** Validates a create body (already JSON-parsed) with its query; throws a TranslationError ('invalid') to refuse. */
export function validateCreateRequest(body: unknown, query: CreateQuery, options: CreateOptions = {}): ValidatedCreate {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('Config cannot be empty in order to create a container');
  }
  const warnings: string[] = [];
  // Ryuk's Docker socket bind is answered by badidea (docs/ryuk.md), not mounted.
  const ryuk = isRyukImageName(String((body as ContainerCreateRequest).Image ?? ''))
    ? withoutDockerSocket(body as ContainerCreateRequest)
    : undefined;
  if (ryuk?.warning) warnings.push(ryuk.warning);
  const request = ryuk?.body ?? (body as ContainerCreateRequest);
  const make = (path: string): RuleContext => ({
    path,
    body: request,
    options,
    warn: (m) => {
      if (!warnings.includes(m)) warnings.push(m);
    },
  });

  applyRules('query', QUERY_RULES, { name: query.name ?? undefined, platform: query.platform ?? undefined }, make);

  const { HostConfig: rawHost, NetworkingConfig: rawNet, ...rawConfig } = request;
  applyRules('Config', CONFIG_RULES, rawConfig, make, BODY_EXTRA_RULES);
  const hostConfig = asObject(rawHost, 'HostConfig') as HostConfig;
  applyRules('HostConfig', FIELD_SECTIONS.HostConfig, hostConfig as Record<string, unknown>, make);
  const networkingConfig = asObject(rawNet, 'NetworkingConfig') as NetworkingConfig;
  applyRules('NetworkingConfig', NETWORKING_RULES, networkingConfig as Record<string, unknown>, make);
  for (const [network, endpoint] of Object.entries(asObject(networkingConfig.EndpointsConfig, 'EndpointsConfig'))) {
    const section = `NetworkingConfig.EndpointsConfig["${network}"]`;
    applyRules(section, ENDPOINT_RULES, asObject(endpoint, section), make);
  }

  const restartPolicy = parseRestartPolicy(hostConfig.RestartPolicy);
  checkAutoRemove(hostConfig.AutoRemove === true, restartPolicy);
  // Anonymous volumes are claims that live as long as the container (src/translate/volumes.ts): no warning.
  collectMounts(rawConfig, hostConfig, [], () => {});

  const config: ContainerConfig = {};
  for (const [key, value] of Object.entries(rawConfig)) {
    if (key in CONFIG_RULES) (config as Record<string, unknown>)[key] = value;
  }
  if ('Cmd' in config) config.Cmd = asStrSlice(config.Cmd, 'Config.Cmd');
  if ('Entrypoint' in config) config.Entrypoint = asStrSlice(config.Entrypoint, 'Config.Entrypoint');

  const platform = parsePlatform(query.platform ?? '');
  return {
    ...(query.name ? { name: normaliseContainerName(query.name) } : {}),
    ...(platform ? { platform } : {}),
    config,
    hostConfig,
    networkingConfig,
    restartPolicy,
    warnings,
  };
}
