// Fates of NetworkingConfig (one EndpointSettings per network) and of the create query parameters.

import {
  asObject,
  asString,
  asStringArray,
  type FieldRules,
  isZero,
  noEffect,
  OUTPUT_ONLY,
  refuse,
} from './field-rules.ts';
import { normaliseContainerName } from './ids.ts';

export const NETWORKING_RULES: FieldRules = {
  EndpointsConfig: {
    fates: ['mapped'],
    doc: 'the networks the container joins (their names and aliases are DNS names on that network)',
    check: (value, ctx) => void asObject(value, ctx.path),
  },
};

export const ENDPOINT_RULES: FieldRules = {
  Aliases: {
    fates: ['mapped'],
    doc: 'extra DNS names of the container on that network',
    check: (v, ctx) => void asStringArray(v, ctx.path),
  },
  IPAMConfig: {
    fates: ['refused'],
    doc: 'static addresses refused: the cluster network assigns pod IPs',
    check: (value, ctx) => {
      const ipam = asObject(value, ctx.path);
      if (!isZero(ipam.IPv4Address) || !isZero(ipam.IPv6Address) || !isZero(ipam.LinkLocalIPs)) {
        refuse(
          'static IP addresses (--ip, --ip6, --link-local-ip) are not possible: the cluster network assigns pod IPs',
        );
      }
    },
  },
  Links: noEffect(
    'warning: names resolve on the network without links',
    () => 'network links have no effect: containers on the same network reach each other by name and alias',
  ),
  MacAddress: noEffect(
    'warning: the cluster network assigns MAC addresses',
    () => 'MacAddress has no effect: the cluster network assigns MAC addresses',
  ),
  DriverOpts: noEffect('warning: no network drivers', () => 'network driver options have no effect'),
  GwPriority: noEffect(
    'warning: one interface per pod',
    () => 'GwPriority has no effect: a pod has one network interface',
  ),
  NetworkID: OUTPUT_ONLY,
  EndpointID: OUTPUT_ONLY,
  Gateway: OUTPUT_ONLY,
  IPAddress: OUTPUT_ONLY,
  IPPrefixLen: OUTPUT_ONLY,
  IPv6Gateway: OUTPUT_ONLY,
  GlobalIPv6Address: OUTPUT_ONLY,
  GlobalIPv6PrefixLen: OUTPUT_ONLY,
  DNSNames: OUTPUT_ONLY,
};

export const QUERY_RULES: FieldRules = {
  name: {
    fates: ['mapped', 'refused'],
    doc: 'the container name, kept exactly (pod names are sanitised separately); invalid names refused with Docker’s message',
    check: (value, ctx) => {
      const name = asString(value, ctx.path);
      if (name !== '') normaliseContainerName(name);
    },
  },
  platform: {
    fates: ['mapped', 'warning', 'refused'],
    doc: '`linux/<arch>` → nodeSelector `kubernetes.io/arch`; variant warned; other OSes refused',
    check: (value, ctx) => {
      const platform = parsePlatform(asString(value, ctx.path));
      if (platform?.variant) {
        ctx.warn(`platform variant "${platform.variant}" is not checked: nodes are chosen by architecture only`);
      }
    },
  },
};

export interface Platform {
  os: 'linux';
  architecture?: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  i386: '386',
};

/** `linux`, `linux/amd64`, `linux/arm/v7`; '' → undefined; other operating systems refused. */
export function parsePlatform(value: string): Platform | undefined {
  if (value === '') return undefined;
  const [os, arch, variant, ...rest] = value.toLowerCase().split('/');
  if (os !== 'linux') refuse(`platform "${value}" is not supported: badidea runs Linux containers`);
  if (rest.length > 0 || arch === '' || variant === '') refuse(`invalid platform: "${value}"`);
  return {
    os,
    ...(arch !== undefined ? { architecture: ARCH_ALIASES[arch] ?? arch } : {}),
    ...(variant !== undefined ? { variant } : {}),
  };
}
