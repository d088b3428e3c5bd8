// BENCHMARKS.md from a run's results: the targets of issue 11 (met or not, computed), one table per part, and the
// hand-written notes of the previous file (everything after NOTES_MARKER) kept as they were.
import type { Stats } from './helpers.ts';

export const NOTES_MARKER = '<!-- notes: written by hand, kept by npm run bench -->';

export interface BenchRun {
  lines: Record<string, unknown>[];
  seconds: number;
  ok: boolean;
}

export interface Report {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; loadAverageAtStart: number };
  versions: { node: string; dockerEngine: string; dockerCli: string };
  totalSeconds: number;
  results: Record<string, BenchRun>;
}

// The JSON lines as the scripts print them (bench/*.ts).
type L = Record<string, unknown>;
const st = (l: L, k: string) => l[k] as Stats | undefined;
const n = (l: L, k: string) => l[k] as number | undefined;
const fmt = (s: Stats | undefined) => (s ? `${s.median} (${s.p10}–${s.p90})` : '–');
const yes = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');
/** 150 MB (the issue's unit) in MiB. */
const RSS_TARGET_MIB = 150e6 / 2 ** 20;

function lines(r: Report, bench: string, kind?: string): L[] {
  const run = r.results[bench];
  return (run?.lines ?? []).filter((l) => !kind || l.bench === kind);
}

function targets(r: Report): string[] {
  const reads = lines(r, 'reads', 'reads');
  const requests = reads.map((l) => n(l, 'apiRequestsPerRead') ?? 0);
  const biggest = Math.max(0, ...reads.map((l) => n(l, 'containers') ?? 0));
  const atBiggest = reads.filter((l) => l.containers === biggest);
  const slower = atBiggest.map((l) => ({
    c: String(l.command),
    b: st(l, 'badideaMs')?.median ?? 0,
    e: st(l, 'engineMs')?.median ?? 0,
  }));
  const life = lines(r, 'lifecycle', 'lifecycle').filter((l) => l.command !== 'docker rm -f');
  const streams = [...lines(r, 'streams', 'streams'), ...lines(r, 'cp', 'streams')];
  const rss = lines(r, 'reads', 'server rss').find((l) => l.containers === biggest);
  return [
    '| target (issue 11) | result | |',
    '|---|---|---|',
    `| no Kubernetes API request for reads | ${
      reads.length
        ? `${Math.max(...requests)} per read at most (ps -a, inspect; ${reads
            .map((l) => l.containers)
            .filter((v, i, a) => a.indexOf(v) === i)
            .join(', ')} containers)`
        : '–'
    } | ${yes(reads.length ? requests.every((x) => x === 0) : undefined)} |`,
    `| reads at ${biggest} containers no slower than the Docker Engine | ${slower.map((x) => `${x.c}: ${x.b} ms vs ${x.e} ms`).join('; ') || '–'} | ${yes(slower.length ? slower.every((x) => x.b <= x.e) : undefined)} |`,
    `| lifecycle overhead under 10% of the cluster's own cost | ${life.map((l) => `${l.command}: ${n(l, 'overheadPct')}%`).join('; ') || '–'} | ${yes(life.length ? life.every((l) => (n(l, 'overheadPct') ?? 100) < 10) : undefined)} |`,
    `| streams at 80% or more of the raw Kubernetes stream | ${streams.map((l) => `${l.stream}: ${n(l, 'pctOfKube')}%`).join('; ') || '–'} | ${yes(streams.length ? streams.every((l) => (n(l, 'pctOfKube') ?? 0) >= 80) : undefined)} |`,
    `| server RSS under 150 MB (${RSS_TARGET_MIB.toFixed(0)} MiB) at ${biggest} containers | ${rss ? `${n(rss, 'rssMiB')} MiB` : '–'} | ${yes(rss ? (n(rss, 'rssMiB') ?? 0) < RSS_TARGET_MIB : undefined)} |`,
  ];
}

function readsTable(r: Report): string[] {
  return [
    '| command | containers | badidea ms | Docker Engine ms | containers the engine listed | Kubernetes API requests per read |',
    '|---|---|---|---|---|---|',
    ...lines(r, 'reads', 'reads').map(
      (l) =>
        `| \`${l.command}\` | ${l.containers} | ${fmt(st(l, 'badideaMs'))} | ${fmt(st(l, 'engineMs'))} | ${l.engineListed} | ${l.apiRequestsPerRead}${l.apiRequestsByKind ? ` ${JSON.stringify(l.apiRequestsByKind)}` : ''} |`,
    ),
  ];
}

function lifecycleTable(r: Report): string[] {
  return [
    "| command | badidea ms | the cluster's own ms (Kubernetes API) | Docker Engine ms | overhead | Kubernetes API requests per command |",
    '|---|---|---|---|---|---|',
    ...lines(r, 'lifecycle', 'lifecycle').map(
      (l) =>
        `| \`${l.command}\` | ${fmt(st(l, 'badideaMs'))} | ${fmt(st(l, 'kubeMs'))} | ${fmt(st(l, 'engineMs'))} | ${n(l, 'overheadPct')}% | ${l.apiRequestsPerCommand}: ${Object.entries(
          (l.apiRequestsByKind as Record<string, number>) ?? {},
        )
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')} |`,
    ),
    ...lines(r, 'lifecycle', 'docker cli').flatMap((l) => [
      '',
      `The docker CLI's own start and exit (\`${l.command}\`, no server): ${fmt(st(l, 'ms'))} ms, part of each badidea and Docker Engine figure; the cluster's own cost is measured from this process, without a CLI.`,
    ]),
  ];
}

function streamsTable(r: Report): string[] {
  const all = [...lines(r, 'streams', 'streams'), ...lines(r, 'cp', 'streams')];
  const notes = all.flatMap((l) => [
    ...(l.note ? [`- ${l.stream}: ${l.note}.`] : []),
    ...((l.mismatches as string[] | undefined) ?? []).map((m) => `- ${l.stream}: wrong byte count, ${m}.`),
  ]);
  return [
    '| stream | MiB | badidea MiB/s | raw Kubernetes stream MiB/s | Docker Engine MiB/s | badidea / raw | server peak RSS MiB |',
    '|---|---|---|---|---|---|---|',
    ...all.map(
      (l) =>
        `| ${l.stream} | ${l.MiB} | ${fmt(st(l, 'badideaMiBps'))} | ${fmt(st(l, 'kubeMiBps'))} | ${fmt(st(l, 'engineMiBps'))} | ${n(l, 'pctOfKube')}% | ${n(l, 'serverPeakRssMiB')} |`,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ];
}

function portsTable(r: Report): string[] {
  return [
    '| mode | MiB/s through the port | MiB/s to the pod IP | latency p50 / p90 ms | pod IP p50 / p90 ms | added p50 ms |',
    '|---|---|---|---|---|---|',
    ...lines(r, 'ports', 'published port').map(
      (l) =>
        `| ${l.mode} | ${l.throughputMiBps} | ${l.directPodIpMiBps} | ${l.latencyMsP50} / ${l.latencyMsP90} | ${l.directPodIpLatencyMsP50} / ${l.directPodIpLatencyMsP90} | ${l.addedLatencyMsP50} |`,
    ),
  ];
}

function scaleTables(r: Report): string[] {
  const out: string[] = [];
  for (const l of lines(r, 'scale', 'scale')) {
    out.push(
      `\`${l.command}\`:`,
      '',
      '| | succeeded | failed | total s | each call ms | removing them all s |',
      '|---|---|---|---|---|---|',
    );
    for (const t of ['badidea', 'engine'] as const) {
      const x = l[t] as L | undefined;
      if (!x) continue;
      out.push(
        `| ${t === 'engine' ? 'Docker Engine' : 'badidea'} | ${x.succeeded} | ${x.failed} | ${x.totalSeconds} | ${fmt(st(x, 'perCallMs'))} | ${x.removeAllSeconds} |`,
      );
    }
    const b = l.badidea as L | undefined;
    if (b?.firstErrors) out.push('', `Errors: ${(b.firstErrors as string[]).map((e) => `\`${e}\``).join(', ')}.`);
    if (b)
      out.push(
        '',
        `badidea ran with --start-timeout ${b.startTimeoutSeconds ?? 120}. Its RSS: ${b.serverRssBeforeMiB} MiB before, ${b.serverPeakRssMiB} MiB at the peak, ${b.serverRssAfterMiB} MiB after; ${b.apiRequests} Kubernetes API requests (${Object.entries(
          (b.apiRequestsByKind as Record<string, number>) ?? {},
        )
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}).`,
      );
  }
  const rss = lines(r, 'reads', 'server rss');
  if (rss.length)
    out.push(
      '',
      `| created containers | ${rss.map((l) => l.containers).join(' | ')} |`,
      `|---|${rss.map(() => '---').join('|')}|`,
      `| server RSS MiB | ${rss.map((l) => l.rssMiB).join(' | ')} |`,
    );
  for (const l of lines(r, 'scale', 'soak')) {
    out.push(
      '',
      `Soak: ${l.seconds} s from the start of the burst above (${l.burstSeconds} s with its removal), then mixed commands (run -d, exec, logs, ps -a, inspect, cp, run --rm, rm -f; two at a time): ${l.iterations} iterations, ${l.dockerCommands} docker commands, ${l.failed} failed${l.errors ? ` (${JSON.stringify(l.errors)})` : ''}, ${l.containersLeft} containers left. Server RSS ${l.rssStartMiB} MiB before the burst, ${l.rssPeakMiB} MiB at the highest sample, ${l.rssEndMiB} MiB at the end (growth ${l.growthMiB} MiB; after the burst, least-squares slope ${l.slopeAfterBurstMiBPerHour} MiB/hour). Samples [s, MiB]: ${JSON.stringify(l.rssSamples)}. Each command, ms: ${Object.entries(
        (l.commandMs as Record<string, Stats>) ?? {},
      )
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join('; ')}.`,
    );
  }
  return out;
}

export function renderMarkdown(r: Report, previous: string, descriptions: Record<string, string>): string {
  const kept = previous.includes(NOTES_MARKER)
    ? previous.slice(previous.indexOf(NOTES_MARKER) + NOTES_MARKER.length).trim()
    : '## Notes\n\nWhich targets are met, why the others are not, and the profile of the largest miss.';
  const streamClient = lines(r, 'kube-streams');
  return [
    '# Benchmarks',
    '',
    `Latest run: ${r.date}, reproduced with \`npm run bench\` (as root, after \`npm run sim:setup\`); it took ${(r.totalSeconds / 60).toFixed(1)} minutes.`,
    `Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, load ${r.machine.loadAverageAtStart.toFixed(1)} at start;`,
    `Node ${r.versions.node}, Docker Engine ${r.versions.dockerEngine} (the simulated cluster's node, and the reference), docker CLI ${r.versions.dockerCli}.`,
    'badidea runs on a simulated cluster (`sim/`) whose pods run on that same Docker Engine. Figures are medians with',
    'the spread as (p10–p90) over the rounds of each script; the raw figures, one JSON object per measurement, are in',
    '`bench/results/latest.json`. Kubernetes API requests are counted at the simulated API server during each command.',
    '',
    '## Targets',
    '',
    ...targets(r),
    '',
    '## 1. Reads',
    '',
    ...readsTable(r),
    '',
    '## 2. Lifecycle',
    '',
    ...lifecycleTable(r),
    '',
    '## 3. Streams',
    '',
    ...streamsTable(r),
    '',
    '## 4. Published ports',
    '',
    ...portsTable(r),
    '',
    '## 5. Scale, memory, soak',
    '',
    ...scaleTables(r),
    '',
    ...(streamClient.length
      ? [
          '## The exec stream client alone',
          '',
          `${descriptions['kube-streams'] ?? ''}, per round: ${streamClient.map((l) => `${l.MiBps} MiB/s (client CPU ${l.clientCpuSeconds} s)`).join(', ')}.`,
          '',
        ]
      : []),
    '## Scripts',
    '',
    '| script | what it measures | took | |',
    '|---|---|---|---|',
    ...Object.entries(r.results).map(
      ([name, x]) =>
        `| bench/${name}.ts | ${descriptions[name] ?? ''} | ${x.seconds.toFixed(0)} s | ${x.ok ? 'ok' : '**failed** (see the run log)'} |`,
    ),
    '',
    NOTES_MARKER,
    '',
    kept,
    '',
  ].join('\n');
}
