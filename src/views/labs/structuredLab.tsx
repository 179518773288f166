import type { LabPanelProps } from './types';
export default function StructuredLab(_: LabPanelProps) {
  return <section />;
}
