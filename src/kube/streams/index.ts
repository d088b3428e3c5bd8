// The streaming subresources, as the engine uses them: exec, attach, logs, port-forward.
export { type AttachOptions, attachToPod, type OpenAttachOptions, openAttach } from './attach.ts';
export {
  type KubeStatus,
  KubeStatusError,
  LogStreamUnsupportedError,
  PortForwardError,
  RemoteCommandError,
  StreamProtocolError,
  UpgradeFailedError,
} from './errors.ts';
export { type ExecOptions, execInPod, type OpenExecOptions, openExec } from './exec.ts';
export {
  formatLogTime,
  type LogLine,
  LogLineSplitter,
  type LogTime,
  logTimeToNanos,
  parseLogTime,
  parseTimestampedLine,
  type SplitLogLine,
} from './log-lines.ts';
export { type LogStream, type PodLogsOptions, podLogs, serverKnowsLogStream } from './logs.ts';
export { forwardPort, type PortForwardOptions } from './port-forward.ts';
export type {
  RemoteCommandResult,
  RemoteCommandSession,
  ResizeSource,
  TerminalSize,
} from './remote-command.ts';
