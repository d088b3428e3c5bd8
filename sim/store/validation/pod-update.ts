// ValidatePodUpdate (pkg/apis/core/validation/validation.go): a pod's spec is immutable except for
// container images, activeDeadlineSeconds, added tolerations, removed scheduling gates and the
// negative-terminationGracePeriodSeconds fix-up.
import { deepEqual } from '../json.ts';
import { type FieldError, fieldErr } from './field.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function diff(oldSpec: J, newSpec: J): string {
  const keys = [...new Set([...Object.keys(oldSpec ?? {}), ...Object.keys(newSpec ?? {})])].sort();
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqual(oldSpec?.[k], newSpec?.[k])) continue;
    const name = k[0]!.toUpperCase() + k.slice(1);
    if (oldSpec?.[k] !== undefined) lines.push(`- \t${name}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec?.[k] !== undefined) lines.push(`+ \t${name}: ${JSON.stringify(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

export function validatePodSpecUpdate(newSpec: J, oldSpec: J): FieldError[] {
  const errs: FieldError[] = [];
  const munged = structuredClone(newSpec ?? {});
  // images may change (same number of containers, each image replaced by the old one for the comparison)
  for (const list of ['containers', 'initContainers'] as const) {
    const olds: J[] = oldSpec?.[list] ?? [];
    const news: J[] = munged[list] ?? [];
    if (olds.length === news.length)
      news.forEach((c, i) => {
        c.image = olds[i]?.image;
      });
  }
  const oldDeadline = oldSpec?.activeDeadlineSeconds;
  const newDeadline = newSpec?.activeDeadlineSeconds;
  if (newDeadline !== undefined && newDeadline !== null) {
    if (oldDeadline !== undefined && oldDeadline !== null && newDeadline > oldDeadline)
      errs.push(
        fieldErr.invalid('spec.activeDeadlineSeconds', newDeadline, 'must be less than or equal to previous value'),
      );
  } else if (oldDeadline !== undefined && oldDeadline !== null) {
    errs.push(
      fieldErr.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'),
    );
  }
  munged.activeDeadlineSeconds = oldDeadline;
  if (munged.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  // tolerations: the old ones must all still be there
  const oldTol: J[] = oldSpec?.tolerations ?? [];
  const newTol: J[] = newSpec?.tolerations ?? [];
  if (oldTol.every((t) => newTol.some((n) => deepEqual(n, t)))) {
    munged.tolerations = oldSpec?.tolerations;
    if (munged.tolerations === undefined) delete munged.tolerations;
  }
  // scheduling gates: only removals
  const oldGates: J[] = oldSpec?.schedulingGates ?? [];
  const newGates: J[] = newSpec?.schedulingGates ?? [];
  const added = newGates.find((g) => !oldGates.some((o) => o.name === g?.name));
  if (added)
    errs.push(
      fieldErr.forbidden(
        'spec.schedulingGates',
        `only deletion is allowed, but found new scheduling gate '${added.name}'`,
      ),
    );
  munged.schedulingGates = oldSpec?.schedulingGates;
  if (munged.schedulingGates === undefined) delete munged.schedulingGates;
  // ephemeral containers go through their own subresource; nodeName through binding
  munged.ephemeralContainers = oldSpec?.ephemeralContainers;
  if (munged.ephemeralContainers === undefined) delete munged.ephemeralContainers;
  if ((oldSpec?.terminationGracePeriodSeconds ?? 0) < 0 && newSpec?.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  if (!deepEqual(munged, oldSpec ?? {})) {
    errs.push(fieldErr.forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${diff(oldSpec, munged)}`));
  }
  return errs;
}
