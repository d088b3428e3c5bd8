// What the volume routes need from the engine (src/engine/volumes/volumes-engine.ts), in Docker's vocabulary.

export type Filters = ReadonlyMap<string, readonly string[]>;

export interface VolumeCreateInput {
  /** '' → a generated 64-hex name. */
  name: string;
  driver: string;
  options: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
  /** Swarm cluster volumes (refused). */
  clusterVolumeSpec: boolean;
}

/** Docker's Volume object ({Name, Driver, Mountpoint, CreatedAt, Labels, Options, Scope, Status?, UsageData?}). */
export type VolumeObject = object;

export interface VolumesBackend {
  create(input: VolumeCreateInput): Promise<VolumeObject>;
  list(filters: Filters): { Volumes: VolumeObject[]; Warnings: null };
  inspect(name: string): VolumeObject;
  remove(name: string, force: boolean): Promise<void>;
  /** anonymousOnly: API ≥ 1.42 prunes anonymous volumes only, unless the `all` filter says otherwise. */
  prune(filters: Filters, anonymousOnly: boolean): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }>;
}
